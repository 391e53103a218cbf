"""Shared fixtures: a migrated temporary database per test, an API client on it, and a post writer."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from app.db import make_engine
from app.ingest.runner import IngestReport, ingest
from app.migrate import upgrade

FIXTURES = Path(__file__).parent / "fixtures"
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: Path) -> str:
    path = tmp_path / "articles.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine, database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), engine=engine)
    with TestClient(app) as test_client:
        yield test_client


IngestFn = Callable[..., IngestReport]


@pytest.fixture
def run_ingest(engine: Engine) -> IngestFn:
    """Ingest paths into the test database (inline, no worker processes)."""

    def run(*paths: Path, prune: bool = False, zone: ZoneInfo = UTC_ZONE) -> IngestReport:
        return ingest(list(paths), engine=engine, zone=zone, prune=prune, jobs=1)

    return run


def post_text(
    *,
    title: str | None = "一篇测试文章",
    categories: str | None = "\n - 金融\n - 新浪财经\n - 新浪财经－国內",
    date: str | None = "Mon, 13 Sep 2021 06:39:04 GMT",
    author: str | None = "新浪财经",
    headimg: str | None = None,
    extra: str = "",
    body: str = "<div>\n<p>　　第一段正文，足够长的一段中文内容。</p>\n<p>　　第二段正文。</p>\n</div>\n",
) -> str:
    """A post in the crawler's format; None leaves a key out."""
    lines = ["", "---"]
    if title is not None:
        lines.append(f"title: '{title}'")
    if categories is not None:
        lines.append(f"categories: {categories}")
    if headimg is not None:
        lines.append(f"headimg: '{headimg}'")
    if author is not None:
        lines.append(f"author: {author}")
    lines.append("comments: false")
    if date is not None:
        lines.append(f"date: {date}")
    lines.extend(line for line in extra.splitlines() if line)
    lines.extend(["---", "", body])
    return "\n".join(lines)


WritePost = Callable[..., Path]


@pytest.fixture
def write_post(tmp_path: Path) -> WritePost:
    """Write a post below tmp_path/posts and return its path."""

    def write(name: str = "post.md", *, raw: str | bytes | None = None, **fields: str | None) -> Path:
        path = tmp_path / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = post_text(**fields) if raw is None else raw  # type: ignore[arg-type]
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
