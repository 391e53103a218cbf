"""The HTTP server: uvicorn with bounded request heads, and its logging with the application's loggers.

uvicorn's httptools protocol reads a request's line and headers with no size limit and no deadline: a client
sending a 96 MB header stalled the event loop for seconds, and one that sends half a request holds its
connection forever. The protocol below answers 431 once a request's head passes MAX_HEAD_BYTES, and 408 when
a head (or a new connection's first request) is not complete within HEAD_TIMEOUT seconds.
"""

import asyncio
import copy
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024  # request line and headers; browsers send a few kilobytes
HEAD_TIMEOUT = 10.0  # seconds to send a request's head once started (or the first one, once connected)
# After refusing a request, what the client still sends is read and dropped for a moment before closing:
# closing with unread data makes the kernel reset the connection, and the client would lose the answer.
DRAIN_SECONDS = 1.0
DRAIN_BYTES = 4 * 1024 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's fast protocol, with the size and the time of each request head bounded."""

    max_head_bytes = MAX_HEAD_BYTES
    head_timeout = HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_bytes = 0
        self._reading_head = True
        self._draining: int | None = None  # bytes dropped since refusing; None while not refused
        self._head_deadline: asyncio.TimerHandle | None = self.loop.call_later(
            self.head_timeout, self._head_timed_out
        )

    def data_received(self, data: bytes) -> None:
        if self._draining is not None:
            self._draining += len(data)
            if self._draining > DRAIN_BYTES:
                self.transport.close()
            return
        if self._reading_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse(431, b"Request Header Fields Too Large", b"request line and headers too large")
                return
            if self._head_deadline is None:
                self._head_deadline = self.loop.call_later(self.head_timeout, self._head_timed_out)
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._cancel_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._reading_head, self._head_bytes = True, 0  # the next request's head, if the client sends one

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self._reading_head and self._head_bytes:
            self._refuse(408, b"Request Timeout", b"request head not received in time")
        elif self._reading_head and not self.transport.is_closing():
            self.transport.close()  # connected but silent: nothing to answer

    def _cancel_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _refuse(self, status: int, reason: bytes, message: bytes) -> None:
        """Answer in plain text, then close once the client has had a moment to stop sending (the request
        never reached the application)."""
        self._cancel_deadline()
        if self.transport.is_closing():
            return
        head = b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n" % (status, reason)
        length = b"content-length: %d\r\nconnection: close\r\n\r\n" % len(message)
        self.transport.write(head + length + message)
        self._draining = 0
        self.loop.call_later(DRAIN_SECONDS, self.transport.close)


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup with the `app` loggers added (its own access log is replaced by the API's
    `app.access`, one line per request with its duration and request id).

    Access lines are made and written by `AccessLineHandler`, without a formatter: uvicorn's copies each
    record to colour its level (the lines read the same, uncoloured)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["app_access"] = {
        "class": "app.cli.access_lines.AccessLineHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["app"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["app.access"] = {"handlers": ["app_access"], "level": "INFO", "propagate": False}
    return config
