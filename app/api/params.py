"""Query parameter types that accept exactly what the OpenAPI document says they take.

Pydantic's lax mode reads more than a schema admits (`yes` and `1` as true, `+1` and `1_0` as integers, a
bare number as a Unix time): a client generated from the document, or a fuzzer checking that the server
refuses what it does not describe, would meet a server that answers where the document says it cannot.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

_INTEGER = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339's date-time (what OpenAPI's `date-time` format means): the offset is not optional.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
MOMENT_HINT = "give a date (2021-09-01) or a date-time with its offset (2021-09-01T08:00:00+08:00; Z for UTC)"


def _flag(value: object) -> object:
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    raise ValueError("give true or false")


def _integer(value: object) -> object:
    if isinstance(value, str) and not _INTEGER.fullmatch(value):
        raise ValueError("give a whole number in digits")
    return value


def _moment(value: object) -> object:
    """A date (midnight UTC) or an RFC 3339 date-time, as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value
    text = str(value)
    if _DATE.fullmatch(text):
        try:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        except ValueError as exc:
            raise ValueError(f"{exc}; {MOMENT_HINT}") from None
    if not _DATE_TIME.fullmatch(text):
        raise ValueError(MOMENT_HINT)
    try:
        return datetime.fromisoformat(text.upper()).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # overflow: a year-1 or year-9999 time moved to UTC
        raise ValueError(f"{exc}; {MOMENT_HINT}") from None


Flag = Annotated[bool, BeforeValidator(_flag)]
# For integers: `Annotated[int, Ge(1), Le(100), DIGITS, Query(...)]` (bounds before it, so the schema shows
# them as minimum and maximum).
DIGITS = BeforeValidator(_integer)
Moment = Annotated[
    datetime | None,
    BeforeValidator(_moment),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    ),
]
