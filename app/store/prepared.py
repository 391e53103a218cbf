"""Statements compiled once and run on the driver's own cursor, for the reads every request makes.

SQLAlchemy's work per execution (the statement's cache key, an execution context, a result object) costs
tens of microseconds, several times what SQLite takes to answer a lookup by key. A `Prepared` SELECT is
compiled once per dialect into the driver's SQL, the order of its parameters and its columns' result
processors (JSON decoding, UTC times), so that a read is one execute on the cursor and rows come back with
the values SQLAlchemy would have given. Driver errors are raised as SQLAlchemy's `DBAPIError`, so callers
handle failures as they do for any other statement.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.store.backends import backend_of

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters' names, in placeholder order when `positional`
    positional: bool
    defaults: dict[str, Any]  # values bound in the statement itself (e.g. LIMIT 1)
    binds: dict[str, Processor]
    columns: tuple[tuple[int, Processor], ...]  # the columns whose values need processing, by position


class Prepared:
    """A Core SELECT whose compiled form is kept per dialect and run on the driver's cursor."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self.names = tuple(str(column.key) for column in statement.selected_columns)
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, connection: Connection, **params: Any) -> list[tuple[Any, ...]]:
        """Every row, as tuples of processed values."""
        compiled = self._compiled(connection.dialect)
        cursor = backend_of(connection).read_cursor(connection)
        try:
            cursor.execute(compiled.sql, _arguments(compiled, params))
            fetched = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as error:
            driver_error = connection.dialect.loaded_dbapi.Error
            raise DBAPIError.instance(compiled.sql, params, error, driver_error) from error
        finally:
            cursor.close()
        return [_processed(compiled.columns, row) for row in fetched]

    def mappings(self, connection: Connection, **params: Any) -> list[dict[str, Any]]:
        """Every row, as a dict by the selected columns' names (`names`: labels where labelled)."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(connection, **params)]

    def first(self, connection: Connection, **params: Any) -> tuple[Any, ...] | None:
        """The first row, or None (the statement should say LIMIT 1 or select by a unique key)."""
        found = self.rows(connection, **params)
        return found[0] if found else None

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return compiled


def read_connection(session: Session) -> Connection:
    """The connection to run a session's prepared reads on: the one the session was opened on, when it was
    (the event loop's), without beginning the session's transaction, which prepared reads do not need and
    which took a category page 14 us to begin and end; else the session's own."""
    bind = session.bind
    return bind if isinstance(bind, Connection) else session.connection()


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds: dict[str, Processor] = {}
    for bind, name in compiled.bind_names.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            binds[name] = processor
    processors = (
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    columns = tuple((place, process) for place, process in enumerate(processors) if process is not None)
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.bind_names.values())
    defaults = {name: value for name, value in compiled.params.items() if value is not None}
    return _Compiled(compiled.string, names, positional, defaults, binds, columns)


def _arguments(compiled: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    values = compiled.defaults | dict(params)
    for name, processor in compiled.binds.items():
        if name in values:
            values[name] = processor(values[name])
    if compiled.positional:
        return tuple(values[name] for name in compiled.names)
    return {name: values[name] for name in compiled.names}


def _processed(columns: tuple[tuple[int, Processor], ...], row: tuple[Any, ...]) -> tuple[Any, ...]:
    # Only the columns that need it are visited: most (text, numbers) come from the driver as they are.
    if not columns:
        return row
    values = list(row)
    for place, process in columns:
        values[place] = process(values[place])
    return tuple(values)
