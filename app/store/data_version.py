"""A database-wide change counter: every writer transaction bumps it, readers poll it cheaply.

It lets the API cache whole responses safely (an entry is only served while the counter is unchanged), on
SQLite and PostgreSQL alike, across processes and machines.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine

from app.store.prepared import Prepared
from app.store.tables import DATA_VERSION

BUMP = text("UPDATE data_version SET version = version + 1, changed_at = :now WHERE id = 1")
READ = "SELECT version, changed_at FROM data_version WHERE id = 1"


@dataclass(frozen=True, slots=True)
class Version:
    """The counter and when it last moved."""

    number: int
    changed_at: datetime


# The counter, for reads that carry it beside their rows (a scalar subquery) or ask for it alone.
VERSION_NOW = select(DATA_VERSION.c.version).where(DATA_VERSION.c.id == 1)
_CURRENT = Prepared(VERSION_NOW)


_BOTH = Prepared(select(DATA_VERSION.c.version, DATA_VERSION.c.changed_at).where(DATA_VERSION.c.id == 1))


def read_version(connection: Connection) -> Version:
    """The counter and when it moved, as this connection sees them now (a prepared read)."""
    found = _BOTH.first(connection)
    if found is None:
        return Version(0, datetime.min.replace(tzinfo=UTC))
    number, changed_at = found
    return Version(int(number), _aware(changed_at))


def current(connection: Connection) -> int:
    """The counter as this connection sees it now (a prepared read, for memos kept per version)."""
    found = _CURRENT.first(connection)
    return 0 if found is None else int(found[0])


def bump(connection: Connection) -> None:
    """Record, inside the writer's transaction, that the data changed."""
    connection.execute(BUMP, {"now": datetime.now(UTC).replace(tzinfo=None)})


class VersionProbe:
    """Reads the counter over one dedicated connection, so a check costs one tiny query, not a pool trip."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None
        self._cursor: Any = None
        self._lock = threading.Lock()
        self._last: tuple[Any, Any, Version] | None = None  # the raw row, and what it gave

    def read(self, began: Callable[[], None] | None = None) -> Version:
        """The current version; raises the database's error (after dropping the connection) on failure.
        `began` is called once the read has its turn on the probe's connection."""
        with self._lock:
            if began is not None:
                began()
            try:
                return self._read()
            except Exception:
                self.close()
                raise

    def _read(self) -> Version:
        # The API asks on every cached response: one kept cursor, and the last answer reused when the
        # counter has not moved, keep a check to a few microseconds.
        if self._connection is None:
            self._connection = self.engine.raw_connection()
            self._cursor = self._connection.cursor()
        self._cursor.execute(READ)
        number, changed_at = self._cursor.fetchone()
        self._connection.rollback()  # end the read so the next one sees newer commits
        if self._last is None or self._last[:2] != (number, changed_at):
            self._last = (number, changed_at, Version(int(number), _aware(changed_at)))
        return self._last[2]

    def close(self) -> None:
        """Give the connection back (the probe reconnects on the next read)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = self._cursor = None


def _aware(value: Any) -> datetime:
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
