"""The database as the routes reach it: reads in a few threads, lookups and other bounded reads on the event
loop (on connections held for it, for a server database)."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Session

from app.store.backends import backend_of
from app.store.backends.base import Kind

T = TypeVar("T")
P = ParamSpec("P")


def _in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    with Session(engine) as session:
        return work(session)


def _bound_session(connection: Connection, work: Callable[[Session], T]) -> T:
    with Session(bind=connection) as session:
        return work(session)


def _on_connection(engine: Engine, work: Callable[[Connection], T]) -> T:
    with engine.connect() as connection:
        return work(connection)


class Database:
    """Runs a request's reads: in a read thread with a session of its own, closed where it was used, or on
    the event loop: lookups by key and other bounded reads, on the embedded database's connection kept for
    the loop or on a server database's connections held for them (`HeldConnections`).

    The routes are coroutines, so FastAPI hands nothing to a worker thread by itself; reads go to one of
    `threads` threads here. A request that is abandoned (over its time budget, or its client gone) stops
    waiting at once: a read it queued is dropped, a read under way finishes in its thread, closes its own
    session and is discarded, so nothing is left behind and the threads stay bounded. Few threads, because
    they share the interpreter's lock with the event loop: dozens of them starved it (the probes then took
    seconds to answer); the other reads wait their turn, within their time budget."""

    def __init__(
        self,
        engine: Engine,
        threads: int,
        loop_engine: AsyncEngine | None = None,
        held_connections: int = 1,
    ) -> None:
        self.engine = engine
        self.embedded = backend_of(engine).embedded
        self._on_loop = None if loop_engine is None else HeldConnections(loop_engine, held_connections)
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="articles-read")
        self._held: Connection | None = None

    @property
    def held(self) -> bool:
        """Whether lookups on this server database run on connections held for the event loop."""
        return self._on_loop is not None

    async def read(self, work: Callable[[Session], T], *, bounded: bool = False) -> T:
        """`work(session)`'s result, computed in a read thread; or, for `bounded` work (a few index range
        reads, a millisecond or two), where lookups run (`lookup`): on the event loop for the embedded
        database, on a held connection for a server database. There it beats a thread: a thread hands the
        interpreter's lock to the event loop around each database call and then waits up to the switch
        interval to get it back, which made a category page take twice its own time."""
        if not bounded:
            return await self.run(_in_session, self.engine, work)
        return await self.lookup(lambda connection: _bound_session(connection, work))

    async def lookup(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)`'s result, for reads of a few rows by key. On the embedded database it runs on
        the event loop: it takes microseconds, and the hop to a thread and back would cost more than it. On
        a server database it runs on one of the connections held for the event loop, where the backend has
        an engine for that (waiting for the network there costs no thread)."""
        if self._on_loop is not None:
            return await self._on_loop.run(work)
        if not self.embedded:
            return await self.run(_on_connection, self.engine, work)
        try:
            return work(self._loop_connection())
        except Exception:
            self._drop_loop_connection()  # whatever went wrong, the next lookup starts from a fresh one
            raise

    def _loop_connection(self) -> Connection:
        # One connection kept for the event loop's lookups: checking one out of the pool and back in costs
        # more than the lookup. Prepared reads open no transaction, so it holds no snapshot between them.
        if self._held is None:
            self._held = self.engine.connect()
        return self._held

    def _drop_loop_connection(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.close()

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`function(*args, **kwargs)` in a read thread (for blocking calls other than reads)."""
        return await asyncio.wrap_future(self._threads.submit(function, *args, **kwargs))

    async def close(self) -> None:
        """Let the read threads end once their work is done, and close the connections held (the app is
        shutting down)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._drop_loop_connection()
        if self._on_loop is not None:
            await self._on_loop.close()


class HeldConnections:
    """A few connections of an asyncio engine kept open for lookups, each used by one lookup at a time.

    Checking a connection out of the pool for each lookup cost more than the lookup (SQLAlchemy's checkout,
    the pool's ping when DB_POOL_PRE_PING is on, its reset after): cold PostgreSQL details went from 700 to
    1,380 a second held. A connection whose lookup fails, or is abandoned midway (over its time budget, its
    client gone), is dropped instead of given back, and its place goes to a new one opened when needed."""

    def __init__(self, engine: AsyncEngine, most: int) -> None:
        self.engine = engine
        self.most = most
        # Each place is a held connection or None (one not opened yet): a lookup takes one and gives it back,
        # last in first out, so that connections are opened only as lookups overlap.
        self._places: asyncio.LifoQueue[AsyncConnection | None] | None = None
        self._closing: set[asyncio.Task[None]] = set()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)`'s result, on a held connection (waiting for one when all are in use). When
        the connection is lost (the database restarted, or ended the session), the lookup runs again once on
        a new one: it only reads, and a database truly gone fails the second time too."""
        try:
            return await self._run_once(work)
        except DBAPIError as error:
            failure = backend_of(self.engine.sync_engine).classify(error)
            if failure is None or failure.kind is not Kind.UNREACHABLE:
                raise
        return await self._run_once(work)

    async def _run_once(self, work: Callable[[Connection], T]) -> T:
        places = self._queue()
        connection = await places.get()
        try:
            if connection is None:
                connection = await self.engine.connect()
            result = await connection.run_sync(work)
        except BaseException:
            if connection is not None:
                self._drop_later(connection)
            places.put_nowait(None)
            raise
        places.put_nowait(connection)
        return result

    async def close(self) -> None:
        """Close the connections held and the engine's pool."""
        places = self._queue()
        while not places.empty():
            connection = places.get_nowait()
            if connection is not None:
                await connection.close()
        await asyncio.gather(*self._closing, return_exceptions=True)
        await self.engine.dispose()

    def _queue(self) -> "asyncio.LifoQueue[AsyncConnection | None]":
        if self._places is None:  # made on first use, on the event loop that serves the lookups
            self._places = asyncio.LifoQueue()
            for _ in range(self.most):
                self._places.put_nowait(None)
        return self._places

    def _drop_later(self, connection: AsyncConnection) -> None:
        # Invalidated, not closed: its state is unknown (lost, or a query abandoned midway), so the pool
        # drops it without trying to reset it.
        closing = asyncio.ensure_future(connection.invalidate())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)


def database_of(request: Request) -> Database:
    """The app's database (made once, with the app). Not a dependency: each one costs every request a turn
    of FastAPI's resolution, and this is a lookup."""
    database: Database = request.app.state.database
    return database
