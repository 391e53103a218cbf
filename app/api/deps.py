"""Dependencies shared by the routes: the database, as each request reaches it."""

from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.store.backends import backend_of

T = TypeVar("T")


def _in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    with Session(engine) as session:
        return work(session)


class Database:
    """Runs a request's reads, each with a session of its own that is closed where it was used.

    The routes are coroutines, so FastAPI hands nothing to a worker thread by itself; reads go to one here
    when they may take a while. A session opened and closed in the thread that uses it cannot be left behind
    when a request is abandoned (over its time budget, or its client gone) while its thread still runs.
    At most `threads` reads run at once: the threads share the interpreter's lock with the event loop, and
    dozens of them starved it (the probes then took seconds to answer); the others wait their turn, within
    their time budget."""

    def __init__(self, engine: Engine, threads: int) -> None:
        self.engine = engine
        self.embedded = backend_of(engine).embedded
        self.threads = threads
        self._limiter: CapacityLimiter | None = None  # made on first use, inside the event loop

    async def read(self, work: Callable[[Session], T], *, quick: bool = False) -> T:
        """`work(session)`'s result. `quick` work (a row or two by key) on the embedded database runs on the
        event loop: it takes microseconds, and the hop to a thread and back would cost more than it."""
        if quick and self.embedded:
            return _in_session(self.engine, work)
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.threads)
        return await anyio.to_thread.run_sync(_in_session, self.engine, work, limiter=self._limiter)


async def get_database(request: Request) -> Database:
    """The app's database (made once, with the app)."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]
