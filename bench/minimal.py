"""The ceiling of the cold detail path: one async FastAPI route that reads an article's row with the database
driver itself (sqlite3, or psycopg 3 for PostgreSQL) and answers the same JSON bytes as `GET /articles/{id}`.

bench/api.py serves it with `uvicorn minimal:app --app-dir bench --workers 1`, MINIMAL_DATABASE_URL naming
the database as DATABASE_URL does (`sqlite:///...` or `postgresql+psycopg://...`) and MINIMAL_FIELDS the
detail's fields in the API's order (read off one of its responses, so a field added to the API is added
here), and checks that its bodies equal the API's before it measures. Which columns hold JSON or times is
read from the table at start-up. Per request there is nothing else: no session or ORM result, no response
model, no middleware, no thread hop (a SQLite row by primary key takes microseconds, so it is read on the
event loop; PostgreSQL is awaited on a few open connections).
"""

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from fastapi import FastAPI, HTTPException, Response
from psycopg.types.json import set_json_loads

URL = os.environ["MINIMAL_DATABASE_URL"]
FIELDS = tuple(os.environ["MINIMAL_FIELDS"].split(","))
COLUMNS = tuple(name for name in FIELDS if name != "paragraphs")  # paragraphs are split from body_text
SELECT = f"SELECT {', '.join(COLUMNS)} FROM article WHERE id = "
CONNECTIONS = 5  # PostgreSQL: as many as the API keeps open by default (DB_POOL_SIZE)


def render(row: Sequence[Any]) -> dict[str, Any]:
    """The row as the detail's fields, with paragraphs split from the text."""
    values = dict(zip(COLUMNS, row, strict=True))
    text = values["body_text"]
    values["paragraphs"] = text.split("\n\n") if text else []
    return values


def dump(values: dict[str, Any]) -> bytes:
    """The detail's JSON: the fields in the API's order, times in UTC with a Z."""
    return orjson.dumps({name: values[name] for name in FIELDS}, option=orjson.OPT_UTC_Z)


class SQLiteRows:
    """One read-only connection, used on the event loop; JSON comes back as text, times as naive UTC text."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        declared = {row[1]: row[2] for row in self.connection.execute("PRAGMA table_info(article)")}
        self.json = [name for name in COLUMNS if declared[name] == "JSON"]
        self.times = [name for name in COLUMNS if declared[name] in ("DATETIME", "TIMESTAMP")]

    def detail(self, article_id: str) -> bytes | None:
        row = self.connection.execute(SELECT + "?", (article_id,)).fetchone()
        if row is None:
            return None
        values = render(row)
        for name in self.json:
            values[name] = orjson.loads(values[name])
        for name in self.times:
            if values[name] is not None:
                values[name] = datetime.fromisoformat(values[name]).replace(tzinfo=UTC)
        return dump(values)


class PostgreSQLRows:
    """A few open connections, each used by one request at a time; psycopg decodes JSON (with orjson here)
    and hands back aware times in the session's zone."""

    def __init__(self) -> None:
        self.idle: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()

    async def open(self, conninfo: str) -> None:
        set_json_loads(orjson.loads)
        for _ in range(CONNECTIONS):
            self.idle.put_nowait(await psycopg.AsyncConnection.connect(conninfo, autocommit=True))

    async def close(self) -> None:
        while not self.idle.empty():
            await self.idle.get_nowait().close()

    async def detail(self, article_id: str) -> bytes | None:
        connection = await self.idle.get()
        try:
            row = await (await connection.execute(SELECT + "%s", (article_id,))).fetchone()
        finally:
            self.idle.put_nowait(connection)
        if row is None:
            return None
        values = render(row)
        for name, value in values.items():
            if isinstance(value, datetime):
                values[name] = value.astimezone(UTC)
        return dump(values)


sqlite = SQLiteRows(URL.split(":///", 1)[1]) if URL.startswith("sqlite") else None
postgresql = PostgreSQLRows()


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    if sqlite is None:
        await postgresql.open(URL.replace("postgresql+psycopg://", "postgresql://", 1))
    yield
    await postgresql.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/articles/{article_id}")
async def article(article_id: str) -> Response:
    """One article's detail, read and serialized directly."""
    body = sqlite.detail(article_id) if sqlite else await postgresql.detail(article_id)
    if body is None:
        raise HTTPException(status_code=404)
    return Response(body, media_type="application/json")
