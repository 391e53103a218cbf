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
WATCH_AFTER = 0.05  # seconds: a request still running then is watched for its client leaving
OVER_BUDGET, CLIENT_GONE = "over budget", "client gone"  # why a request's task was cancelled


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
        watch = _Watch(receive, gone, self.budget)
        cancelled = False
        try:
            # In the request's own task: over budget, or once the client is gone, the handler is cancelled
            # where it waits (reads in a thread stop being waited for, see `Database`).
            await self.app(scope, watch.receive(request), response.send)
        except asyncio.CancelledError:
            if watch.stopped_by is None:
                raise  # cancelled from outside (the server shutting down): not ours to answer
            cancelled = True
        finally:
            watch.stop()
        if watch.stopped_by is not None:  # our cancel, whether the handler let it through or not
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
        if cancelled and watch.stopped_by == OVER_BUDGET and not response.started:
            detail = f"The request took longer than its {self.budget:g} s budget; try again shortly."
            headers = {"Retry-After": OVER_BUDGET_RETRY_AFTER}
            await problem(503, detail, headers=headers)(scope, receive, send)


class _Response:
    """The handler's `send`, remembering whether the response started (a 503 can no longer replace it)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def send(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


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


class _Watch:
    """Watches a request for its time budget running out and for its client leaving, and cancels its task
    when either happens (`stopped_by` says which).

    Most requests are answered in a few milliseconds, long before either could matter: one timer per
    request, due after WATCH_AFTER seconds, starts the watch for those still running then (a timer costs
    far less than a task per request, or than asyncio.timeout's own timer besides)."""

    def __init__(self, receive: Receive, gone: asyncio.Event, budget: float) -> None:
        self._receive = receive
        self.gone = gone
        self._task = asyncio.current_task()
        self._watcher: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()
        now = self._loop.time()
        self._deadline = now + budget
        self._timer = self._loop.call_at(now + min(WATCH_AFTER, budget), self._wake)
        self.stopped_by: str | None = None

    def receive(self, request: Message) -> Callable[[], Awaitable[Message]]:
        """A `receive` for the handler: the request read above, then the disconnect once it happens."""
        pending = [request]

        async def receive() -> Message:
            if pending:
                return pending.pop()
            self._start()
            await self.gone.wait()
            return {"type": "http.disconnect"}

        return receive

    def stop(self) -> None:
        self._timer.cancel()
        if self._watcher is not None:
            self._watcher.cancel()

    def _wake(self) -> None:
        self._start()
        if self._loop.time() >= self._deadline:
            self._stop_request(OVER_BUDGET)
        else:
            self._timer = self._loop.call_at(self._deadline, self._wake)

    def _start(self) -> None:
        if self._watcher is None:
            self._watcher = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        # The server's `receive` says http.disconnect once the client is gone (the request is read).
        while (await self._receive())["type"] != "http.disconnect":
            pass
        self.gone.set()
        self._stop_request(CLIENT_GONE)

    def _stop_request(self, reason: str) -> None:
        if self.stopped_by is None and self._task is not None and not self._task.done():
            self.stopped_by = reason
            self._task.cancel()
