"""HEAD on every GET route: the same status and headers as the GET, no body.

The request goes in as a GET, so every layer below answers it as one (the response cache replays or stores
the full GET response, never a bodyless one), and only the body is dropped on the way out; its
Content-Length stays, as RFC 9110 allows. (A 405 names HEAD beside GET in its Allow header: see
`allowed_methods`, used where the 405 is made.)
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def allowed_methods(allow: str) -> str:
    """A 405's Allow header with HEAD just after GET, as this layer serves it."""
    methods = [method.strip() for method in allow.split(",") if method.strip() != "HEAD"]
    if "GET" in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return ", ".join(methods)


class HeadMiddleware:
    """Serves HEAD as GET without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] == "HEAD":
            await self.app(dict(scope, method="GET"), receive, _headers_only(send))
        else:
            await self.app(scope, receive, send)


def _headers_only(send: Send) -> Send:
    async def send_headers(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
        elif not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return send_headers
