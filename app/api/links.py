"""Absolute URLs as clients should see them, and RFC 8288 Link headers."""

from collections.abc import Collection
from urllib.parse import urlencode

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
    return _rebased(request, url.path, url.query)


def variant_url(request: Request, *, drop: Collection[str] = (), **setting: str | int) -> str:
    """The request's public URL without the `drop` query parameters and with `setting` ones set (last),
    as Starlette's URL methods make it, but from the parameters already parsed: those methods parse the
    query again for each change, which cost a listing's links a tenth of the page's time."""
    left_out = {*drop, *setting}
    kept = [(name, value) for name, value in request.query_params.multi_items() if name not in left_out]
    query = urlencode([*kept, *((name, str(value)) for name, value in setting.items())])
    return _rebased(request, request.url.path, query)


def _rebased(request: Request, path: str, query: str) -> str:
    root = request.scope.get("root_path", "")
    path = path[len(root) :] if root and path.startswith(root) else path
    return public_base(request) + path + (f"?{query}" if query else "")


def link_header(links: dict[str, str]) -> str:
    """`<url>; rel="name"` entries, comma-separated."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
