"""The reader page in a real browser: headless Chromium, driven by Playwright, reads an invented corpus from
the real server, and nothing may fail (no request, no console error) on the way.

READER_SCREENSHOTS=docs also writes the README's screenshots (small PNGs) into that folder.
"""

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from app.api.reader import CONTENT_SECURITY_POLICY
from app.ingest.runner import ingest
from app.store.engine import make_engine
from tests.reader_corpus import ARTICLES, PAGE_SIZE, write_corpus

CHROMIUM = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (apt-get install chromium)")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REPOSITORY = Path(__file__).resolve().parent.parent

NEWEST_FIRST = sorted(ARTICLES, key=lambda article: -article[4])
TITLES = [article[1] for article in NEWEST_FIRST]
PENSION = next(article for article in ARTICLES if article[0] == "pension-raise")


def test_every_reader_url_is_the_page_under_a_strict_csp(client: TestClient) -> None:
    for path in ["/read/", "/read/some-slug", "/read/category/jin-rong", "/read/author/IT之家?x=1"]:
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    scripts = re.findall(r"<script[^>]*>", r.text)
    assert scripts and all(" src=" in script for script in scripts)  # nothing inline: the CSP forbids it
    references = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert references and all(reference.startswith("/") for reference in references), references
    for reference in references:
        if reference.startswith("/static/"):
            asset = client.get(reference)
            assert asset.status_code == 200 and asset.content, reference
    module = client.get("/static/reader/main.js")
    assert module.headers["content-type"].startswith("text/javascript")  # module scripts need it


def test_the_root_shows_browsers_the_reader_under_its_csp(client: TestClient) -> None:
    page = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.text == client.get("/read/").text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "Accept" in page.headers["vary"]
    assert client.get("/", headers={"Accept": "application/json"}).json()["links"]


class ImageHost(ThreadingHTTPServer):
    """Pictures for the articles, on another origin as a publisher's would be; it notes each Referer."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _PictureHandler)
        self.referers: list[str | None] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that stops loading a picture (the page moved on) is no error; anything else is."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _PictureHandler(BaseHTTPRequestHandler):
    server: ImageHost

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.referers.append(self.headers.get("Referer"))
        number = int(re.sub(r"\D", "", self.path) or 0)
        body = picture(number)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@cache
def picture(number: int) -> bytes:
    """A diagonal blend of two colours that vary with `number`, as a PNG."""
    size = (480, 320)
    down = Image.linear_gradient("L").resize(size)
    mask = ImageChops.add(down, down.transpose(Image.Transpose.ROTATE_90).resize(size), scale=2)
    first = Image.new("RGB", size, ((number * 83) % 200 + 40, (number * 47) % 160 + 60, 150))
    second = Image.new("RGB", size, (240, (number * 29) % 120 + 120, (number * 61) % 200 + 30))
    buffer = io.BytesIO()
    Image.composite(first, second, mask).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def image_host() -> Iterator[ImageHost]:
    host = ImageHost()
    thread = threading.Thread(target=host.serve_forever, daemon=True)
    thread.start()
    yield host
    host.shutdown()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the server did not start")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(
    migrated_template: Path, tmp_path_factory: pytest.TempPathFactory, image_host: ImageHost
) -> Iterator[str]:
    """The real app under uvicorn on a free port, serving the invented corpus from SQLite."""
    folder = tmp_path_factory.mktemp("reader")
    database = folder / "reader.db"
    shutil.copy(migrated_template, database)
    url = f"sqlite:///{database}"
    write_corpus(folder / "posts", image_host.url)
    engine = make_engine(url)
    report = ingest([folder / "posts"], engine=engine, zone=ZoneInfo("Asia/Shanghai"), jobs=1)
    engine.dispose()
    assert report.added == len(ARTICLES) and not report.failures
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "app.api.app:create_app", "--factory", "--port", str(port)]
    environment = os.environ | {"DATABASE_URL": url}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        # The process's first query pays for imports and warm-up: measure the page, not that.
        urllib.request.urlopen(f"{base}/articles?limit=1", timeout=10).close()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    arguments = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
    # Every host but this machine is unresolvable: a request that leaves it fails the test.
    arguments.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=arguments)
        yield launched
        launched.close()


@dataclass
class Watched:
    """What went wrong in a page: console errors, uncaught exceptions, failed or refused requests."""

    problems: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


def _given_up(request: Request) -> bool:
    """A request the page dropped itself (left or reloaded before the answer came): no failure."""
    return request.failure == "net::ERR_ABORTED"


def watch(page: Page) -> Watched:
    watched = Watched()
    page.on("console", lambda m: m.type == "error" and watched.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: watched.exceptions.append(str(error)))
    page.on(
        "requestfailed", lambda r: _given_up(r) or watched.problems.append(f"failed: {r.url} {r.failure}")
    )
    page.on("response", lambda r: r.status >= 400 and watched.problems.append(f"{r.status}: {r.url}"))
    return watched


def open_page(browser: Browser, **options: object) -> tuple[Page, Watched]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    return page, watch(page)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[tuple[Page, Watched]]:
    page, watched = open_page(browser, viewport={"width": 1200, "height": 800})
    yield page, watched
    page.context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, Watched]]:
    page, watched = open_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield page, watched
    page.context.close()


def screenshot(page: Page, path: Path, docs_name: str | None = None) -> None:
    """Save a screenshot, check that it is not blank, and with READER_SCREENSHOTS keep a small copy."""
    page.screenshot(path=path)
    with Image.open(path) as shot:
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 200, f"{path} looks blank: {len(colours)} colours"
        folder = os.environ.get("READER_SCREENSHOTS")
        if folder and docs_name:
            small = shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
            small.save(REPOSITORY / folder / docs_name, optimize=True)


@needs_chromium
def test_a_reader_goes_from_the_front_page_to_an_article_and_back(
    server: str, desktop: tuple[Page, Watched], image_host: ImageHost, tmp_path: Path
) -> None:
    page, watched = desktop
    cards, heading = page.locator(".card-title"), page.locator("main h1")

    page.goto(f"{server}/")  # a browser's Accept: the reader's front page
    expect(cards).to_have_text(TITLES[:PAGE_SIZE])
    expect(page.locator(".total")).to_have_text(f"共 {len(ARTICLES)} 篇")
    loaded = page.evaluate("performance.getEntriesByName('reader:first-view')[0].startTime")
    print(f"\nreader front page: first articles on screen {loaded:.0f} ms after navigation start")
    expect(page.locator(".card-image img").first).to_have_js_property("complete", True)
    screenshot(page, tmp_path / "front.png", "reader-front.png")

    page.get_by_role("button", name="加载更多").click()
    expect(cards).to_have_text(TITLES)
    expect(page.locator(".end")).to_have_text("已经到底了")

    page.locator("#topics").get_by_role("link", name="科技").click()
    expect(page).to_have_url(f"{server}/read/category/ke-ji")
    expect(heading).to_have_text("科技")
    expect(cards).to_have_text([title for _, title, _, author, *_ in NEWEST_FIRST if author == "IT之家"])

    page.get_by_role("searchbox").fill("养老")
    page.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/read/\?q=%E5%85%BB%E8%80%81$"))
    expect(page.locator(".total")).to_have_text("找到 3 篇")
    expect(page.locator(".card-title mark")).to_have_text(["养老"] * 3)
    page.locator(".facet").get_by_role("link", name=re.compile("新浪财经－理财")).click()
    expect(cards).to_have_text(["养老理财产品试点扩大到十个城市"])
    page.go_back()
    expect(page.locator(".total")).to_have_text("找到 3 篇")

    page.get_by_role("link", name=PENSION[1]).click()
    expect(heading).to_have_text(PENSION[1])
    expect(page.locator(".body p")).to_have_text(PENSION[6])
    expect(page.locator(".article-head .meta")).to_contain_text("约 1 分钟读完")
    expect(page.locator(".article-head .crumbs a")).to_have_text(["金融", "新浪财经", "新浪财经－国内"])
    expect(page.locator(".neighbours .older")).to_contain_text("个人养老金账户开户人数突破一千万")
    for image in page.locator(".article img").all():
        expect(image).to_have_attribute("referrerpolicy", "no-referrer")
        expect(image).to_have_attribute("loading", "lazy")
        expect(image).to_have_js_property("complete", True)
    screenshot(page, tmp_path / "article.png")
    article_url = page.url

    related = page.locator(".related a").first
    expect(related).to_have_text(re.compile("养老"))
    title = related.inner_text()
    related.click()
    expect(heading).to_have_text(title)

    page.go_back()
    expect(page).to_have_url(article_url)
    expect(heading).to_have_text(PENSION[1])
    page.go_back()
    expect(page.locator(".card-title mark")).to_have_text(["养老"] * 3)

    assert image_host.referers and not any(image_host.referers), image_host.referers
    assert watched.problems == [] and watched.exceptions == []


@needs_chromium
def test_deep_links_and_reloads_show_the_same_view(server: str, desktop: tuple[Page, Watched]) -> None:
    page, watched = desktop
    heading, cards = page.locator("main h1"), page.locator(".card-title")
    gadgets = [title for _, title, _, author, *_ in NEWEST_FIRST if author == "IT之家"]
    views = [
        ("/read/category/xin-lang-cai-jing-li-cai", "新浪财经－理财", 3),
        ("/read/author/IT之家", "IT之家", len(gadgets)),
        ("/read/?q=手机&author=IT之家", "搜索：手机", 3),
        ("/read/kai-yuan-yu-yan-mo-xing-shou-ci-zai-shou-ji-shang-liu-chang-yun-xing", gadgets[-1], 0),
    ]
    for path, title, count in views:
        page.goto(server + path)
        for _ in range(2):
            expect(heading).to_have_text(title)
            expect(cards).to_have_count(count)
            expect(page).to_have_title(f"{title} · 文章阅读")
            page.reload()
    expect(page.locator(".body p").first).to_have_text(
        "研究团队把一个开源语言模型压缩到可以在手机上流畅运行的大小。"
    )
    expect(page.locator(".neighbours .newer")).to_contain_text("电动汽车充电桩数量同比增长七成")
    page.locator(".article-head").get_by_role("link", name="IT之家").first.click()
    expect(heading).to_have_text("IT之家")
    page.locator("#aside-authors").get_by_role("link", name=re.compile("^新浪财经")).click()
    expect(heading).to_have_text("新浪财经")
    expect(page.locator(".total")).to_have_text("共 7 篇")
    assert watched.problems == [] and watched.exceptions == []


@needs_chromium
def test_an_error_or_an_unreachable_api_is_a_message_not_a_blank_page(
    server: str, desktop: tuple[Page, Watched]
) -> None:
    page, watched = desktop
    alert, cards = page.get_by_role("alert"), page.locator(".card-title")
    page.route(re.compile(r"/articles\?"), lambda route: route.abort("connectionrefused"))
    page.goto(f"{server}/read/")
    expect(alert).to_contain_text("无法连接到服务器")
    page.unroute(re.compile(r"/articles\?"))
    alert.get_by_role("button", name="重试").click()
    expect(cards).to_have_count(PAGE_SIZE)

    page.goto(f"{server}/read/no-such-article")
    expect(alert).to_contain_text("No article with slug 'no-such-article'.")
    page.goto(f"{server}/read/?q=" + "长" * 201)
    expect(alert).to_contain_text("q：")
    page.goto(f"{server}/read/category/no-such-category")
    expect(alert).to_contain_text("没有找到")
    page.goto(f"{server}/read/a/b/c")
    expect(alert).to_contain_text("这个地址没有对应的页面")
    expect(alert.get_by_role("link", name="返回首页")).to_have_attribute("href", "/read/")
    assert watched.exceptions == []


@needs_chromium
def test_on_a_phone_the_article_fits_the_screen(
    server: str, phone: tuple[Page, Watched], tmp_path: Path
) -> None:
    page, watched = phone
    accounts = next(article for article in ARTICLES if article[0] == "pension-accounts")
    page.goto(f"{server}/read/")
    page.get_by_role("link", name=accounts[1]).click()
    expect(page.locator(".body p")).to_have_text(accounts[6])
    expect(page.locator(".related a")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    main, aside = page.locator("main").bounding_box(), page.locator(".aside").bounding_box()
    assert main and aside and aside["y"] >= main["y"] + main["height"]  # one column
    fonts, line_height = page.locator(".body p").first.evaluate(
        "p => { const style = getComputedStyle(p);"
        " return [style.fontFamily, parseFloat(style.lineHeight) / parseFloat(style.fontSize)]; }"
    )
    assert "PingFang SC" in fonts and "Noto Sans CJK SC" in fonts and line_height >= 1.7
    screenshot(page, tmp_path / "article.png", "reader-article.png")
    assert watched.problems == [] and watched.exceptions == []
