"""Keyset pagination: opaque cursors and the WHERE clauses that continue a sort after a row.

A sort is a `SortKey`: columns compared in one direction, the last one unique (the id) so that every row
has its own position. Only the leading column may be NULL; NULLs come last in either direction. Rows with
and without that value are read as two index ranges, one after the other, because a single `x < ? OR x IS
NULL` makes SQLite (and PostgreSQL with NULLS LAST) walk the index from the start: a deep page would then
cost as much as all the pages before it.
"""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import BindParameter, ColumnElement, Integer, Select, and_, bindparam, true, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.store.prepared import Prepared

Kind = Literal["datetime", "str", "float"]
_TYPES: dict[Kind, type] = {"datetime": str, "str": str, "float": float}


class InvalidCursor(ValueError):
    """A `cursor` that this API did not hand out (or not for this sort)."""


@dataclass(frozen=True, slots=True)
class SortColumn:
    """One column of a sort key and how its values travel in a cursor."""

    expression: ColumnElement[Any]
    kind: Kind


@dataclass(frozen=True, slots=True)
class SortKey:
    """An order for a listing: `columns` compared lexicographically in one direction."""

    name: str
    columns: tuple[SortColumn, ...]
    descending: bool
    nullable_first: bool = False  # the leading column may be NULL (those rows come last)

    def order_by(self) -> list[Any]:
        """ORDER BY clauses for the whole listing (NULLs of the leading column last)."""
        clauses = [c.expression.desc() if self.descending else c.expression.asc() for c in self.columns]
        if self.nullable_first:
            clauses[0] = clauses[0].nulls_last()
        return clauses

    def labelled(self) -> list[Any]:
        """The key's columns, labelled for reading back from a row."""
        return [column.expression.label(f"_sort_{i}") for i, column in enumerate(self.columns)]

    def values(self, row: Any) -> tuple[Any, ...]:
        """The key of a row selected with `labelled()`."""
        return tuple(row[f"_sort_{i}"] for i in range(len(self.columns)))


def encode_cursor(key: SortKey, values: Sequence[Any]) -> str:
    """An opaque, URL-safe token for the position just after a row with these key values."""
    payload = [key.name, *(_encode_value(v) for v in values)]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode("ascii")


def decode_cursor(key: SortKey, token: str) -> tuple[Any, ...]:
    """The key values in `token`; InvalidCursor when it is not a cursor of this sort."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = orjson.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("not a cursor returned by this API") from exc
    if not isinstance(payload, list) or len(payload) != len(key.columns) + 1:
        raise InvalidCursor("not a cursor returned by this API")
    if payload[0] != key.name:
        raise InvalidCursor(f"this cursor belongs to another sort than {key.name!r}")
    return tuple(_decode_value(key, i, value) for i, value in enumerate(payload[1:]))


POSITION = "position"


def encode_position(offset: int) -> str:
    """A cursor for ranked results (a search), whose order has no key to seek: the next row's position."""
    return base64.urlsafe_b64encode(orjson.dumps([POSITION, offset])).rstrip(b"=").decode("ascii")


def decode_position(token: str) -> int:
    """The position in a cursor made by `encode_position`; InvalidCursor for anything else."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("not a cursor returned by this API") from exc
    valid = isinstance(payload, list) and len(payload) == 2 and payload[0] == POSITION
    if not valid or not isinstance(payload[1], int) or isinstance(payload[1], bool) or payload[1] < 0:
        raise InvalidCursor("not a cursor of a search (cursors do not carry over between q and no q)")
    return int(payload[1])


def _encode_value(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _decode_value(key: SortKey, index: int, value: Any) -> Any:
    column = key.columns[index]
    if value is None and index == 0 and key.nullable_first:
        return None
    if not isinstance(value, _TYPES[column.kind]) or isinstance(value, bool):
        raise InvalidCursor("not a cursor returned by this API")
    if column.kind != "datetime":
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidCursor("not a cursor returned by this API") from exc
    if parsed.tzinfo is None:
        raise InvalidCursor("not a cursor returned by this API")
    return parsed.astimezone(UTC)


def _after(expressions: Sequence[ColumnElement[Any]], values: Sequence[Any], descending: bool) -> Any:
    """Rows strictly after `values` in the order of `expressions` (a row-value comparison uses the index)."""
    if len(expressions) == 1:
        return expressions[0] < values[0] if descending else expressions[0] > values[0]
    # A plain tuple on the right takes the column types (UTC handling of datetimes included); bind
    # parameters (a prepared read's) are already typed.
    bound = all(isinstance(value, BindParameter) for value in values)
    left, right = tuple_(*expressions), tuple_(*values) if bound else tuple(values)
    return left < right if descending else left > right


def ranges(key: SortKey, after: tuple[Any, ...] | None) -> list[tuple[Any, list[Any]]]:
    """The index ranges that follow `after` (None: the start), in order, as (WHERE, ORDER BY) pairs."""
    expressions = [c.expression for c in key.columns]
    direction = [(e.desc() if key.descending else e.asc()) for e in expressions]
    if not key.nullable_first:
        where = _after(expressions, after, key.descending) if after is not None else true()
        return [(where, direction)]
    leading, rest = expressions[0], expressions[1:]
    valued = leading.is_not(None)
    undated = leading.is_(None)
    if after is None:
        return [(valued, direction), (undated, direction[1:])]
    if after[0] is None:
        return [(and_(undated, _after(rest, after[1:], key.descending)), direction[1:])]
    return [(and_(valued, _after(expressions, after, key.descending)), direction), (undated, direction[1:])]


def keyset_rows(
    *, session: Session, query: Select[Any], key: SortKey, after: tuple[Any, ...] | None, limit: int
) -> list[Any]:
    """Up to `limit` rows of `query` (which must select `key.labelled()`) following `after`, in order."""
    rows: list[Any] = []
    for where, order in ranges(key, after):
        wanted = limit - len(rows)
        if wanted <= 0:
            break
        rows.extend(session.execute(query.where(where).order_by(*order).limit(wanted)).mappings())
    return rows


# Prepared range reads of `prepared_keyset_rows`, by query, then by sort and the shape of the position (which
# of its values are NULL: each shape reads other ranges). Weak: a query no longer used takes its reads along.
_PREPARED: "WeakKeyDictionary[Select[Any], dict[tuple[str, tuple[bool, ...] | None], list[Prepared]]]" = (
    WeakKeyDictionary()
)


def prepared_keyset_rows(
    connection: Connection,
    query: Select[Any],
    key: SortKey,
    after: tuple[Any, ...] | None,
    limit: int,
    **params: Any,
) -> list[dict[str, Any]]:
    """What `keyset_rows` reads, for a `query` made once and used again, differing between calls only by
    its bind parameters (`params`): each range's statement is built and compiled once, then run on the
    driver (building a statement cost more than the read)."""
    shape = None if after is None else tuple(value is None for value in after)
    by_shape = _PREPARED.setdefault(query, {})
    reads = by_shape.get((key.name, shape))
    if reads is None:
        reads = by_shape[(key.name, shape)] = _prepared_ranges(query, key, after)
    values = {f"after_{i}": value for i, value in enumerate(after or ()) if value is not None}
    rows: list[dict[str, Any]] = []
    for read in reads:
        wanted = limit - len(rows)
        if wanted <= 0:
            break
        rows.extend(read.mappings(connection, **params, **values, limit=wanted))
    return rows


def _prepared_ranges(query: Select[Any], key: SortKey, after: tuple[Any, ...] | None) -> list[Prepared]:
    bound = None
    if after is not None:
        columns = key.columns
        bound = tuple(
            None if value is None else bindparam(f"after_{i}", type_=columns[i].expression.type)
            for i, value in enumerate(after)
        )
    limit = bindparam("limit", type_=Integer())
    return [Prepared(query.where(where).order_by(*order).limit(limit)) for where, order in ranges(key, bound)]
