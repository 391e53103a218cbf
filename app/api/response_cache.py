"""Whole-response cache for data GETs, valid while the database's change counter stays the same.

Serving what cannot have changed from memory is what makes the API cheap: a hit costs one tiny version
query and a dictionary lookup, and skips every layer below this one (CORS, compression, ETag hashing, the
route). So entries hold the response exactly as those layers shaped it, keyed by everything the response
varies on: scheme, host and root path (absolute links), path and query, and the `Origin` and
`Accept-Encoding` headers (the `Vary` of CORS and compression). A hit answers conditional requests itself.
Entries are bounded in number and in bytes (so a worker's memory is bounded whatever clients ask for: each
entry at most MAX_BODY, all of them at most `max_bytes`), and dropped as soon as any ingest commits (the
counter moves).
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.engine import Connection
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.conditional import kept_on_304, not_modified
from app.api.deps import Database
from app.store.data_version import Version, VersionProbe, read_version

CACHED_PREFIXES = ("/articles", "/categories", "/feeds/")
MAX_BODY = 512 * 1024
# The request headers a cached response varies on, and those that make a request conditional.
VARIES_ON = (b"host", b"origin", b"accept-encoding")
CONDITIONAL = (b"if-none-match", b"if-modified-since")

Key = tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCacheMiddleware:
    """Replays a stored 200 response while the data version it was built under is still current."""

    def __init__(
        self, app: ASGIApp, *, probe: VersionProbe, database: Database, size: int, max_bytes: int
    ) -> None:
        self.app = app
        self.probe = probe
        # SQLite answers in microseconds: asking inline beats a thread hop; a server database may not, so
        # it is awaited (on a connection held for lookups, or in a read thread): a frozen one then costs the
        # request its budget, not the event loop.
        self.database = database
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0  # of the bodies held
        self.entries: OrderedDict[Key, _Entry] = OrderedDict()
        # Requests that missed while another one builds the same entry wait for it (no stampede).
        self.building: dict[tuple[Key, int], asyncio.Event] = {}
        self.this_turn: int | None = None  # the version read inline during this turn of the event loop
        self.pending: _SharedRead | None = None  # the version read asked of a server database, shared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = await self._version()
        except Exception:  # noqa: BLE001 - the route meets the same failure and answers it properly (503)
            await self.app(scope, receive, send)
            return
        key, conditional = _key(scope)
        if (key, version) in self.building:
            await self.building[(key, version)].wait()
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            self.entries.move_to_end(key)
            await _replay(entry, conditional, scope, send)
            return
        done = self.building.setdefault((key, version), asyncio.Event())
        try:
            await self._fill(scope, receive, send, key, version)
        finally:
            done.set()
            self.building.pop((key, version), None)

    async def _version(self) -> int:
        if not self.database.embedded:
            return (await self._shared_read()).number
        # Every request handled in this turn of the loop had arrived before the turn began, so a version
        # read during the turn is current for all of them: under load, one read serves a whole batch.
        # The turn ends with the first callback scheduled in it, before any request that arrives later.
        if self.this_turn is None:
            self.this_turn = self.probe.read().number
            asyncio.get_running_loop().call_soon(self._end_turn)
        return self.this_turn

    def _end_turn(self) -> None:
        self.this_turn = None

    async def _shared_read(self) -> Version:
        # A read of a server database that has not begun yet (it waits for a connection or a thread, or
        # for the one before it) is current for every request that arrives meanwhile, so they share it:
        # under load, reads no longer queue up one per request.
        pending = self.pending
        if pending is None or pending.began:
            pending = self.pending = _SharedRead(self.probe, self.database)
        # Shielded: a request abandoned while it waits leaves the read to the others sharing it.
        return await asyncio.shield(pending.future)

    def _cacheable(self, scope: Scope) -> bool:
        return (
            self.size > 0
            and scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith(CACHED_PREFIXES)
        )

    async def _fill(self, scope: Scope, receive: Receive, send: Send, key: Key, version: int) -> None:
        headers: list[tuple[bytes, bytes]] | None = None
        chunks: list[bytes] = []

        async def capturing_send(message: Message) -> None:
            nonlocal headers
            if message["type"] == "http.response.start":
                # A copy: the layers outside this one add their headers to the message in place.
                headers = list(message["headers"]) if message["status"] == 200 else None
            elif headers is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, _Entry(version, headers, b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capturing_send)

    def _store(self, key: Key, entry: _Entry) -> None:
        if len(entry.body) > min(MAX_BODY, self.max_bytes):
            return
        replaced = self.entries.pop(key, None)
        self.bytes += len(entry.body) - (len(replaced.body) if replaced else 0)
        self.entries[key] = entry
        while len(self.entries) > self.size or self.bytes > self.max_bytes:
            self.bytes -= len(self.entries.popitem(last=False)[1].body)


class _SharedRead:
    """One version read, and whether it has begun: on a connection held for lookups on the event loop when
    the database has them, else in a read thread on the probe's connection."""

    def __init__(self, probe: VersionProbe, database: Database) -> None:
        self.probe = probe
        self.began = False
        read = database.lookup(self.read_on) if database.held else database.run(self.read)
        self.future: asyncio.Future[Version] = asyncio.ensure_future(read)
        self.future.add_done_callback(_retrieve)

    def read(self) -> Version:
        return self.probe.read(began=self._begin)

    def read_on(self, connection: Connection) -> Version:
        self._begin()
        return read_version(connection)

    def _begin(self) -> None:
        self.began = True


def _retrieve(probe: "asyncio.Future[Version]") -> None:
    # A failed probe whose requests were all abandoned: retrieved, so asyncio does not report it as lost
    # (the requests that waited met the failure themselves).
    if not probe.cancelled():
        probe.exception()


def _key(scope: Scope) -> tuple[Key, bool]:
    """What a response depends on, and whether the request is conditional, in one pass over its headers."""
    varies: dict[bytes, bytes] = {}
    conditional = False
    for name, value in scope["headers"]:
        if name in VARIES_ON:
            varies[name] = value
        elif name in CONDITIONAL:
            conditional = True
    prefix = f"{scope.get('scheme', 'http')}\n{scope.get('root_path', '')}\n{scope['path']}".encode()
    key = (prefix, scope["query_string"], *(varies.get(name, b"") for name in VARIES_ON))
    return key, conditional


async def _replay(entry: _Entry, conditional: bool, scope: Scope, send: Send) -> None:
    if conditional and not_modified(Headers(scope=scope), Headers(raw=entry.headers)):
        await send({"type": "http.response.start", "status": 304, "headers": kept_on_304(entry.headers)})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": list(entry.headers)})
    await send({"type": "http.response.body", "body": entry.body})
