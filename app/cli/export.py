"""`articles export`: the articles in the detail shape, as JSON Lines or CSV, to stdout or to a file."""

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

import typer

from app.query.export import EXPORTED_FIELDS, LEFT_OUT
from app.query.schemas import ArticleDetail
from app.text.query_syntax import QueryError, SearchQuery, parse_query


class Format(StrEnum):
    """What `--format` takes."""

    JSONL = "jsonl"
    CSV = "csv"


def moment(value: str) -> datetime:
    """An ISO date or datetime as the API's `since` and `until` read it: UTC unless it carries an offset."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date or datetime (2021-09-01, 2021-09-01T08:00+08:00)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def search(q: str | None) -> SearchQuery | None:
    """`--q` parsed as the API parses `q`; a usage error when it cannot be."""
    if q is None or not q.strip():
        return None
    try:
        return parse_query(q)
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--q") from None


def write(articles: Iterable[ArticleDetail], out: TextIO, form: Format) -> int:
    """Write the articles; how many there were."""
    rows = csv.writer(out) if form is Format.CSV else None
    if rows is not None:
        rows.writerow(EXPORTED_FIELDS)
    count = 0
    for article in articles:
        if rows is None:
            out.write(article.model_dump_json(exclude=LEFT_OUT) + "\n")
        else:
            fields = article.model_dump(mode="json", exclude=LEFT_OUT)
            rows.writerow(_cell(fields[name]) for name in EXPORTED_FIELDS)
        count += 1
    return count


def _cell(value: Any) -> Any:
    """A CSV cell: lists and objects as JSON, null as an empty cell."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


@contextmanager
def destination(path: Path | None) -> Iterator[TextIO]:
    """UTF-8 text to stdout, or to a file beside `path` that becomes `path` once complete: an export that
    fails or is interrupted leaves no half file behind. A device or a pipe (/dev/null, a FIFO) is written
    to as it is."""
    if path is not None and path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    if path is None:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield out
            out.flush()
        finally:
            out.detach()  # stdout stays open for whatever comes after
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        out = open(partial, "w", encoding="utf-8", newline="")  # closed by the with below
    except OSError as exc:
        raise typer.BadParameter(f"cannot write {path}: {exc.strerror}", param_hint="--output") from None
    try:
        with out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def silence_stdout() -> None:
    """The reader of stdout went away (`articles export | head`): drop what is still buffered for it."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file: nothing will be flushed to it at exit
