"""Engine and write transactions: one engine per process, writers serialized across processes."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

from app.config import Settings

# Any constant works: it names the lock that ingest writers of one PostgreSQL database share.
WRITER_LOCK_KEY = 0x61727469636C6573  # "articles"


def is_sqlite(url: str) -> bool:
    """True for SQLite URLs, whose file and pragmas we manage ourselves."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while an ingest writes; NORMAL sync is safe under WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """The engine for `url`: SQLite gets its folder and pragmas, PostgreSQL the pool settings."""
    if not is_sqlite(url):
        settings = settings or Settings(database_url=url)
        return create_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            pool_pre_ping=settings.db_pool_pre_ping,
        )
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's writer lock from its first statement, so that two ingests
    running at once take turns instead of failing or interleaving half-written batches."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # IMMEDIATE takes the write lock now: a deferred transaction that reads first can fail
            # with SQLITE_BUSY when it later tries to write after another writer committed.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
