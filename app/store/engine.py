"""Engine and write transactions: one engine per process, writers serialized across processes."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

from app.config import Settings
from app.store.data_version import bump

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


def make_engine(url: str, settings: Settings | None = None, *, statement_timeout_ms: int = 0) -> Engine:
    """The engine for `url`: SQLite gets its folder and pragmas, PostgreSQL the pool settings; statements
    running longer than `statement_timeout_ms` (0: no limit) are cancelled."""
    if not is_sqlite(url):
        settings = settings or Settings(database_url=url)
        options = {"options": f"-c statement_timeout={statement_timeout_ms}"} if statement_timeout_ms else {}
        return create_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            pool_pre_ping=settings.db_pool_pre_ping,
            connect_args=options,
        )
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    if statement_timeout_ms:
        _limit_sqlite_statements(engine, statement_timeout_ms / 1000)
    return engine


def _limit_sqlite_statements(engine: Engine, seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler aborts a statement once its deadline passes
    (the query then fails with "interrupted")."""

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        state = record.info.setdefault("deadline", [float("inf")])
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > state[0], 20_000)

    def before_execute(connection: Any, *_args: Any) -> None:
        connection.info.setdefault("deadline", [float("inf")])[0] = time.monotonic() + seconds

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "before_cursor_execute", before_execute)


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
            bump(connection)  # readers' caches learn that something changed
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
