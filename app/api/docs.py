"""/docs (Swagger UI) and /redoc, with every script and stylesheet served by the app itself, no CDN."""

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# The Swagger UI and ReDoc bundles shipped by the fastapi-offline package (we use its files, not its app).
VENDOR = Path(str(files("fastapi_offline") / "static"))
OWN = Path(__file__).resolve().parent.parent / "static"

# Only our own scripts run; the UIs need inline styles and data: images; ReDoc's search runs in a blob worker.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Swagger UI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{root}/static/vendor/favicon.png">
<link rel="stylesheet" href="{root}/static/vendor/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{root}/static/vendor/swagger-ui-bundle.js"></script>
<script src="{root}/static/swagger-init.js"></script></body></html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{root}/static/vendor/favicon.png"></head>
<body><redoc spec-url="{openapi}"></redoc>
<script src="{root}/static/vendor/redoc.standalone.js"></script></body></html>
"""


def _page(request: Request, template: str) -> HTMLResponse:
    root = escape(request.scope.get("root_path", "").rstrip("/"))
    openapi = root + escape(request.app.openapi_url or "/openapi.json")
    html = template.format(title=escape(request.app.title), root=root, openapi=openapi)
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Interactive documentation."""
    return _page(request, SWAGGER_PAGE)


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """Reference documentation."""
    return _page(request, REDOC_PAGE)


def install(app: FastAPI) -> None:
    """Serve the pages and their assets (create the app with docs_url=None and redoc_url=None)."""
    app.include_router(router)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.mount("/static", StaticFiles(directory=OWN), name="static")
