"""Engine and write transactions: one engine per process, writers serialized across processes."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from app.config import Settings
from app.store.backends import backend_for_url, backend_of
from app.store.data_version import bump


def make_engine(url: str, settings: Settings | None = None, *, statement_timeout_ms: int = 0) -> Engine:
    """The engine for `url`, made by its database's backend (SQLite: its folder and pragmas; PostgreSQL: the
    pool settings); statements running longer than `statement_timeout_ms` (0: no limit) are cancelled."""
    settings = settings or Settings(database_url=url)
    return backend_for_url(url).create_engine(url, settings, statement_timeout_ms=statement_timeout_ms)


def is_embedded(url: str) -> bool:
    """True for a database that only this project uses (SQLite): commands migrate it as they open it."""
    return backend_for_url(url).embedded


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's writer lock from its first statement, so that two ingests
    running at once take turns instead of failing or interleaving half-written batches."""
    with engine.connect() as connection:
        backend_of(connection).lock_for_writing(connection)
        try:
            yield connection
            bump(connection)  # readers' caches learn that something changed
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
