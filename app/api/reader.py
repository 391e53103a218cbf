"""The reader: a small web client of the public API, served at /read/ (and at / to browsers, by index.py).

Every URL under /read/ answers with the same page, so that a deep link or a reload shows its view: the
page's scripts read the URL and ask the JSON API for what it names (a single segment is an article's slug,
as in feeds). Its plain HTML, CSS and JavaScript files live in app/static/reader/, with no build step.
"""

from functools import cache
from html import escape
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

FILES = Path(__file__).resolve().parent.parent / "static" / "reader"
ASSETS = "/static/reader"

# As strict as /docs: scripts and styles from the app only, nothing inline, requests to the API only. Only
# images may come from elsewhere: articles show the publishers' pictures, where they are hosted.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@cache
def _template() -> str:
    return (FILES / "index.html").read_text(encoding="utf-8")


def reader_page(request: Request) -> HTMLResponse:
    """The reader's page, its links under the app's root path."""
    root = escape(request.scope.get("root_path", "").rstrip("/"))
    html = _template().replace("{root}", root)
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


@router.get("/read/{view:path}")
def read(request: Request) -> HTMLResponse:
    """Any reader URL: the page works out which view to show."""
    return reader_page(request)


def install(app: FastAPI) -> None:
    """Serve the reader's page and its files (before the app's /static mount, which would hide them)."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=FILES), name="reader")
