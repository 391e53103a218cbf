"""The database as the routes reach it: reads in a few threads, bounded ones on the event loop."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.store.backends import backend_of

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
    """Runs a request's reads: in a read thread with a session of its own, closed where it was used, or,
    for lookups by key and other bounded reads on the embedded database, on the event loop.

    The routes are coroutines, so FastAPI hands nothing to a worker thread by itself; reads go to one of
    `threads` threads here. A request that is abandoned (over its time budget, or its client gone) stops
    waiting at once: a read it queued is dropped, a read under way finishes in its thread, closes its own
    session and is discarded, so nothing is left behind and the threads stay bounded. Few threads, because
    they share the interpreter's lock with the event loop: dozens of them starved it (the probes then took
    seconds to answer); the other reads wait their turn, within their time budget."""

    def __init__(self, engine: Engine, threads: int) -> None:
        self.engine = engine
        self.embedded = backend_of(engine).embedded
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="articles-read")
        self._held: Connection | None = None

    async def read(self, work: Callable[[Session], T], *, bounded: bool = False) -> T:
        """`work(session)`'s result, computed in a read thread; or, for `bounded` work (a few index range
        reads, a millisecond or two) on the embedded database, on the event loop. There it beats a thread:
        a thread hands the interpreter's lock to the event loop around each SQLite call and then waits up to
        the switch interval to get it back, which made a category page take twice its own time."""
        if not (bounded and self.embedded):
            return await self.run(_in_session, self.engine, work)
        return await self.lookup(lambda connection: _bound_session(connection, work))

    async def lookup(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)`'s result, for reads of a few rows by key. On the embedded database it runs on
        the event loop: it takes microseconds, and the hop to a thread and back would cost more than it."""
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

    def close(self) -> None:
        """Let the read threads end once their work is done (the app is shutting down)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._drop_loop_connection()


def database_of(request: Request) -> Database:
    """The app's database (made once, with the app). Not a dependency: each one costs every request a turn
    of FastAPI's resolution, and this is a lookup."""
    database: Database = request.app.state.database
    return database
