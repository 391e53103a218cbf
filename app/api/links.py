"""Absolute URLs as clients should see them, and RFC 8288 Link headers."""

from starlette.datastructures import URL
from starlette.requests import Request

from app.config import Settings


def public_base(request: Request) -> str:
    """PUBLIC_BASE_URL when set, else the scheme, host and root path the request came in on."""
    settings: Settings = request.app.state.settings
    if settings.public_base_url:
        return settings.public_base_url
    return str(request.base_url).rstrip("/")


def public_url(request: Request, url: URL) -> str:
    """`url` (a variant of the request's URL) rebased on the public base."""
    root = request.scope.get("root_path", "")
    path = url.path[len(root) :] if root and url.path.startswith(root) else url.path
    return public_base(request) + path + (f"?{url.query}" if url.query else "")


def link_header(links: dict[str, str]) -> str:
    """`<url>; rel="name"` entries, comma-separated."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
