"""Per request: an id (echoed from X-Request-ID or generated), one access-log line, baseline headers."""

import asyncio
import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
# What we echo back: short, printable, no separators that could forge log fields or headers.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")

access_log = logging.getLogger("app.access")
ACCESS_FORMAT = "%s %s %d %.1fms request_id=%s"
# Logged for a request dropped unanswered because its client disconnected (the code proxies use for it), or
# because the server stopped it while shutting down.
CLIENT_GONE = 499


def request_id_of(scope: Scope) -> str:
    """The id given to this request by RequestContextMiddleware ("-" outside it)."""
    return str(scope.get("state", {}).get("request_id", "-"))


class RequestContextMiddleware:
    """The outermost layer: names the request, stamps every response, logs it once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _given_id(scope) or os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = CLIENT_GONE  # until a response starts: no answer and no error means the client left

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Appended, not set: the layers below never add these two.
                message["headers"] = [
                    *message["headers"],
                    (_REQUEST_ID_NAME, request_id.encode("latin-1")),
                    (b"x-content-type-options", b"nosniff"),
                ]
            await send(message)

        try:
            await self.app(scope, receive, stamped_send)
        except asyncio.CancelledError:
            raise  # stopped by its client leaving or the server shutting down: unanswered, not an error
        except BaseException:
            status = 500 if status == CLIENT_GONE else status
            raise
        finally:
            _log_access(scope, status, time.perf_counter() - started, request_id)


def _log_access(scope: Scope, status: int, seconds: float, request_id: str) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    query = scope["query_string"]
    path = f"{scope['path']}?{query.decode('latin-1')}" if query else scope["path"]
    args = (scope["method"], path, status, seconds * 1000, request_id)
    # What info() does, minus its walk up the stack to find the caller: we know it, and on a cached
    # response that walk would cost a tenth of the request.
    record = access_log.makeRecord(access_log.name, logging.INFO, __file__, 0, ACCESS_FORMAT, args, None)
    access_log.handle(record)


def _given_id(scope: Scope) -> str | None:
    """The client's X-Request-ID when it is sane to echo, else None."""
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_NAME:
            given = value.decode("latin-1")
            return given if SANE_REQUEST_ID.fullmatch(given) else None
    return None
