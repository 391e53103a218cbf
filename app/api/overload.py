"""Graceful overload: a bounded number of requests in progress, a time budget for each, and no work for
clients that have gone.

Beyond `max_in_flight` requests in progress, a request is answered 503 at once, with Retry-After, instead of
queueing behind the others: under overload the clients that are served keep getting fast answers and the
rest are told to come back, rather than every client waiting seconds. A request still unanswered after
`budget` seconds (counted from its arrival here, so time spent waiting for a thread or a connection counts)
is answered 503 too, whatever it is waiting for: a frozen database then costs its clients the budget, never a
hang. Work for a client that disconnects is cancelled. The probes (`/healthz`, `/readyz`) are exempt, so an
orchestrator sees a busy process as alive.
"""

import asyncio
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import problem

EXEMPT = ("/healthz", "/readyz")
AT_CAPACITY_RETRY_AFTER = "1"  # seconds: in-flight requests finish in milliseconds
OVER_BUDGET_RETRY_AFTER = "5"  # seconds: something below is slow or stuck
MAX_REQUEST_BODY = 64 * 1024  # the API reads no bodies; a larger one is not worth holding


class OverloadMiddleware:
    """Sheds requests beyond a bound, abandons those over their time budget, drops those whose client left."""

    def __init__(self, app: ASGIApp, *, max_in_flight: int, budget: float) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.budget = budget
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            detail = "The server is at capacity; try again in a moment."
            await problem(503, detail, headers={"Retry-After": AT_CAPACITY_RETRY_AFTER})(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self._within_budget(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _within_budget(self, scope: Scope, receive: Receive, send: Send) -> None:
        request, gone = await _read_request(receive)
        if gone.is_set():  # the client left before its request was read: nobody to answer
            return
        response = _Response(send)
        handler = asyncio.ensure_future(self.app(scope, _replaying(request, gone), response.send))
        watcher = asyncio.ensure_future(_watch_disconnect(receive, gone))
        try:
            done, _ = await asyncio.wait(
                {handler, watcher}, timeout=self.budget, return_when="FIRST_COMPLETED"
            )
        finally:
            watcher.cancel()
        if handler in done:
            handler.result()  # the handler's own error, if any, goes up to the error middleware
            return
        # Over budget or abandoned by the client: the handler may be blocked in a thread that cannot be
        # interrupted, so it is cancelled without being waited for, and whatever it sends later is dropped.
        response.abandon()
        handler.cancel()
        handler.add_done_callback(_consume)
        if not gone.is_set() and not response.started:
            detail = f"The request took longer than its {self.budget:g} s budget; try again shortly."
            await problem(503, detail, headers={"Retry-After": OVER_BUDGET_RETRY_AFTER})(scope, receive, send)


class _Response:
    """The handler's `send`, until the request is abandoned; remembers whether the response started."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False
        self.abandoned = False

    async def send(self, message: Message) -> None:
        if self.abandoned:
            return
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)

    def abandon(self) -> None:
        self.abandoned = True


async def _read_request(receive: Receive) -> tuple[Message, asyncio.Event]:
    """The whole request body as one message (GETs have none), and an event set when the client leaves."""
    gone = asyncio.Event()
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return {"type": "http.request", "body": b"", "more_body": False}, gone
        body += message.get("body", b"")[: MAX_REQUEST_BODY - len(body)]
        if not message.get("more_body", False):
            return {"type": "http.request", "body": body, "more_body": False}, gone


def _replaying(request: Message, gone: asyncio.Event) -> Callable[[], Awaitable[Message]]:
    """A `receive` for the handler: the request read above, then the disconnect once it happens."""
    pending = [request]

    async def receive() -> Message:
        if pending:
            return pending.pop()
        await gone.wait()
        return {"type": "http.disconnect"}

    return receive


async def _watch_disconnect(receive: Receive, gone: asyncio.Event) -> None:
    """Return when the client disconnects (the server's `receive` says so once the request is read)."""
    while not gone.is_set():
        if (await receive())["type"] == "http.disconnect":
            gone.set()


def _consume(task: "asyncio.Future[None]") -> None:
    # Retrieve the abandoned handler's outcome, so that asyncio does not log it as never retrieved.
    if not task.cancelled():
        task.exception()
