"""Whole-response cache for data GETs, valid while the database's change counter stays the same.

Serving what cannot have changed from memory is what makes listings cheap: a hit costs one tiny version
query instead of a listing query plus serialization. Entries are keyed by path and query string, bounded in
number and size, and dropped as soon as any ingest commits (the counter moves).
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.conditional import entity_tag
from app.data_version import VersionProbe

CACHED_PREFIXES = ("/articles", "/categories", "/feeds/")
MAX_BODY = 512 * 1024


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    start: Message
    body: bytes


class ResponseCacheMiddleware:
    """Replays a stored 200 response while the data version it was built under is still current."""

    def __init__(self, app: ASGIApp, *, probe: VersionProbe, size: int, blocking_probe: bool) -> None:
        self.app = app
        self.probe = probe
        self.size = size
        # SQLite answers in microseconds: asking inline beats a thread hop; a server database may not.
        self.blocking_probe = blocking_probe
        self.entries: OrderedDict[tuple[str, bytes], _Entry] = OrderedDict()
        # Requests that missed while another one builds the same entry wait for it (no stampede).
        self.building: dict[tuple[tuple[str, bytes], int], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = await self._version()
        except Exception:  # noqa: BLE001 - the route meets the same failure and answers it properly (503)
            await self.app(scope, receive, send)
            return
        key = _key(scope)
        if (key, version) in self.building:
            await self.building[(key, version)].wait()
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            await send(_copy(entry.start))
            await send({"type": "http.response.body", "body": entry.body})
            return
        done = self.building.setdefault((key, version), asyncio.Event())
        try:
            await self._fill(scope, receive, send, key, version)
        finally:
            done.set()
            self.building.pop((key, version), None)

    async def _version(self) -> int:
        if self.blocking_probe:
            return self.probe.read().number
        return (await run_in_threadpool(self.probe.read)).number

    def _cacheable(self, scope: Scope) -> bool:
        return (
            self.size > 0
            and scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith(CACHED_PREFIXES)
        )

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, bytes], version: int
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capturing_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                # A copy: the layers outside this one add their headers to the message in place.
                start = _copy(message) if message["status"] == 200 else None
            elif start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, _Entry(version, start, b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capturing_send)

    def _store(self, key: tuple[str, bytes], entry: _Entry) -> None:
        if len(entry.body) > MAX_BODY:
            return
        # The validator is hashed once here, so replays skip the hashing the conditional layer would do.
        if not any(name == b"etag" for name, _ in entry.start["headers"]):
            entry.start["headers"].append((b"etag", entity_tag(entry.body).encode("latin-1")))
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


def _key(scope: Scope) -> tuple[str, bytes]:
    """What a response depends on: path and query, and (for the absolute URLs of Link headers and feeds,
    built from the request when PUBLIC_BASE_URL is unset) scheme, host and root path, so that one client's
    Host header can never shape the links another client is served."""
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    origin = f"{scope.get('scheme', 'http')}://{host.decode('latin-1')}{scope.get('root_path', '')}"
    return origin + scope["path"], scope["query_string"]


def _copy(start: Message) -> Message:
    return {"type": start["type"], "status": start["status"], "headers": list(start["headers"])}
