"""Dependencies shared by the routes."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the app's engine for the length of one request.

    A coroutine, so that FastAPI neither hops to a worker thread to open it nor needs one to close it: a
    request abandoned over its time budget is cancelled, and a thread is then no longer given to clean-up
    code, which left its connection checked out, in a transaction. Opening a session does no I/O; closing
    it gives the connection back."""
    engine: Engine = request.app.state.engine
    session = Session(engine)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
