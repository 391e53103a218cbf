"""/docs and /redoc work on a closed network: every asset comes from the app, under a strict CSP."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.docs import CONTENT_SECURITY_POLICY

CHROMIUM = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
OPERATIONS = ["/articles", "/articles/{article_id}", "/categories", "/categories/{slug}/articles", "/readyz"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_elsewhere(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "<script>" not in r.text  # no inline script: the CSP would block it
    references = re.findall(r'(?:src|href|spec-url|data-openapi-url)="([^"]+)"', r.text)
    assert references and all(ref.startswith("/") for ref in references), references
    for ref in references:
        asset = client.get(ref)
        assert asset.status_code == 200 and asset.content, ref


def test_docs_assets_are_compressed_and_cacheable(client: TestClient) -> None:
    r = client.get("/static/vendor/swagger-ui-bundle.js", headers={"Accept-Encoding": "br"})
    assert r.headers["content-encoding"] == "br" and r.headers["etag"]
    assert (
        client.get(
            "/static/vendor/swagger-ui-bundle.js", headers={"If-None-Match": r.headers["etag"]}
        ).status_code
        == 304
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(migrated_template: Path, tmp_path: Path) -> Iterator[str]:
    """The real app under uvicorn on a free port, on a copy of the migrated SQLite template."""
    database = tmp_path / "docs.db"
    shutil.copy(migrated_template, database)
    port = _free_port()
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "uvicorn", "app.api.app:create_app", "--factory", "--port", str(port)]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the server did not start")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _render(url: str) -> str:
    """The DOM of `url` after headless Chromium ran its scripts, with every host but 127.0.0.1 unreachable."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--virtual-time-budget=20000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")
def test_swagger_ui_and_redoc_render_the_operations_offline(server: str) -> None:
    swagger = _render(f"{server}/docs")
    assert "opblock" in swagger, swagger[-3000:]
    rendered = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', swagger))
    assert set(OPERATIONS) <= rendered, rendered
    redoc = _render(f"{server}/redoc")
    for summary in ["List or search articles", "One article with its clean body", "Readiness probe"]:
        assert summary in redoc, summary
