"""Per request: an id (echoed from X-Request-ID or generated), one access-log line, baseline headers."""

import copy
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# What we echo back: short, printable, no separators that could forge log fields or headers.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")

access_log = logging.getLogger("app.access")


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
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        try:
            await self.app(scope, receive, stamped_send)
        finally:
            path = scope["path"] + (
                f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else ""
            )
            access_log.info(
                "%s %s %d %.1fms request_id=%s",
                scope["method"],
                path,
                status,
                (time.perf_counter() - started) * 1000,
                request_id,
            )


def server_log_config() -> dict[str, Any]:
    """uvicorn's logging setup with our loggers added (its own access log is replaced by ours)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["app"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
