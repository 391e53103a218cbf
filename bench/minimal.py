"""The ceiling of the cold path: async FastAPI routes that read with the database driver itself (sqlite3, or
psycopg 3 for PostgreSQL) and answer the same JSON bytes as `GET /articles/{id}` and as the pages of
`GET /categories/{slug}/articles` (newest first, 20 a page, from the start or from a `cursor`, with `total`).

bench/api.py serves it with `uvicorn minimal:app --app-dir bench --workers 1`, MINIMAL_DATABASE_URL naming
the database as DATABASE_URL does (`sqlite:///...` or `postgresql+psycopg://...`), MINIMAL_FIELDS the
detail's fields and MINIMAL_SUMMARY_FIELDS a listing item's, in the API's order (read off its responses),
and checks that its bodies equal the API's before it measures.

A detail does the reads it needs and nothing else: the article's row, its categories' slugs (with its
feed's id) in one query, and the feed's newer and older neighbours, one index range read each (two for the
side where the dated and undated articles meet), each read only when the API's detail has the fields it
serves. A listing page reads the category's slice of the link table joined to the articles, one range read
(two where the dated and undated articles meet); the categories (slugs, ids, paths) and each category's
count are read once and kept, as the API keeps them until the data changes. No session or ORM result, no
response model, no middleware, no thread hop: SQLite's reads take microseconds and run on the event loop;
PostgreSQL's are awaited on a few open connections.
"""

import asyncio
import base64
import os
import sqlite3
from collections.abc import AsyncIterator, Generator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
import psycopg
from fastapi import FastAPI, HTTPException, Request, Response
from psycopg.types.json import set_json_loads

URL = os.environ["MINIMAL_DATABASE_URL"]
FIELDS = tuple(os.environ["MINIMAL_FIELDS"].split(","))
SUMMARY_FIELDS = tuple(os.environ["MINIMAL_SUMMARY_FIELDS"].split(","))
SUMMARY_COLUMNS = tuple(name for name in SUMMARY_FIELDS if name != "category_slugs")
PAGE_SIZE = 20
T = TypeVar("T")
MMAP_BYTES = int(os.environ.get("SQLITE_MMAP_BYTES", 2 * 1024**3))
DERIVED = ("paragraphs", "category_slugs", "newer", "older")  # computed below, not stored
COLUMNS = tuple(name for name in FIELDS if name not in DERIVED)
PATH_SEPARATOR = " / "  # between the names of a category's path, as the category table keys them
LINK_COLUMNS = ("id", "slug", "title", "published_at")
NEIGHBOUR = (
    "SELECT a.id, a.slug, a.title, a.published_at FROM article_category AS l "
    "JOIN article AS a ON a.id = l.article_id WHERE l.category_id = ? AND "
)
DATED, UNDATED = "l.published_at IS NOT NULL", "l.published_at IS NULL"
CONNECTIONS = 5  # PostgreSQL: as many as the API keeps open by default (DB_POOL_SIZE)


@dataclass(frozen=True)
class Query:
    """One statement (with `?` placeholders) and whether one row or all rows are wanted."""

    sql: str
    params: Sequence[Any]
    one: bool = True


Plan = Generator[Query, Any, dict[str, Any] | None]


def detail(article_id: str) -> Plan:
    """The detail's reads, in order: each Query is sent back its result; returns the fields (stored values
    as the driver gave them), or None for an unknown id."""
    row = yield Query(f"SELECT {', '.join(COLUMNS)} FROM article WHERE id = ?", (article_id,))
    if row is None:
        return None
    values = dict(zip(COLUMNS, row, strict=True))
    text = values["body_text"]
    values["paragraphs"] = text.split("\n\n") if text else []
    chain = values["categories"] = _json(values["categories"])
    paths = [PATH_SEPARATOR.join(chain[: depth + 1]) for depth in range(len(chain))]
    found: dict[str, tuple[str, int]] = {}
    if paths and ("category_slugs" in FIELDS or "newer" in FIELDS):
        marks = ", ".join("?" * len(paths))
        rows = yield Query(f"SELECT path, slug, id FROM category WHERE path IN ({marks})", paths, one=False)
        found = {path: (slug, category_id) for path, slug, category_id in rows}
    values["category_slugs"] = [found[path][0] for path in paths if path in found]
    values["newer"] = values["older"] = None
    if "newer" in FIELDS and paths and paths[-1] in found:  # the neighbours only where the API has them
        feed = found[paths[-1]][1]
        newer, older = steps(values["published_at"], article_id)
        values["newer"] = yield from first(feed, newer)
        values["older"] = yield from first(feed, older)
    return values


def steps(published_at: Any, article_id: str) -> tuple[list[Query], list[Query]]:
    """Where the newer and the older neighbour are, in the listing's order (newest first, undated last)."""
    if published_at is None:
        newer = [
            Query(f"{UNDATED} AND l.article_id > ? ORDER BY l.article_id", (article_id,)),
            Query(f"{DATED} ORDER BY l.published_at, l.article_id", ()),
        ]
        return newer, [Query(f"{UNDATED} AND l.article_id < ? ORDER BY l.article_id DESC", (article_id,))]
    key = (published_at, article_id)
    after, before = "(l.published_at, l.article_id) > (?, ?)", "(l.published_at, l.article_id) < (?, ?)"
    newer = [Query(f"{DATED} AND {after} ORDER BY l.published_at, l.article_id", key)]
    older = [
        Query(f"{DATED} AND {before} ORDER BY l.published_at DESC, l.article_id DESC", key),
        Query(f"{UNDATED} ORDER BY l.article_id DESC", ()),
    ]
    return newer, older


def first(feed: int, queries: list[Query]) -> Generator[Query, Any, dict[str, Any] | None]:
    """The first row any of `queries` finds among the feed's articles, as a link."""
    for query in queries:
        row = yield Query(f"{NEIGHBOUR}{query.sql} LIMIT 1", (feed, *query.params))
        if row is not None:
            return dict(zip(LINK_COLUMNS, row, strict=True))
    return None


def page(category_id: int, after: list[Any] | None, time_param: Any) -> Generator[Query, Any, list[Any]]:
    """A listing page's rows, newest first (undated last), one past the page to tell whether more follow:
    the summary columns, then the link row's date and article id (the cursor's key)."""
    columns = ", ".join([*(f"a.{name}" for name in SUMMARY_COLUMNS), "l.published_at", "l.article_id"])
    select = (
        f"SELECT {columns} FROM article_category AS l JOIN article AS a ON a.id = l.article_id "
        "WHERE l.category_id = ? AND "
    )
    newest, undated = "ORDER BY l.published_at DESC, l.article_id DESC", "ORDER BY l.article_id DESC"
    ranges: list[tuple[str, tuple[Any, ...]]]
    if after is None:
        ranges = [(f"{DATED} {newest}", ()), (f"{UNDATED} {undated}", ())]
    elif after[0] is None:
        ranges = [(f"{UNDATED} AND l.article_id < ? {undated}", (after[1],))]
    else:
        key = (time_param(after[0]), after[1])
        ranges = [(f"{DATED} AND (l.published_at, l.article_id) < (?, ?) {newest}", key)]
        ranges.append((f"{UNDATED} {undated}", ()))
    rows: list[Any] = []
    for sql, params in ranges:
        wanted = PAGE_SIZE + 1 - len(rows)
        if wanted <= 0:
            break
        rows += yield Query(f"{select}{sql} LIMIT {wanted}", (category_id, *params), one=False)
    return rows


def page_body(rows: list[Any], total: int, slugs: dict[str, str], to_utc: Any) -> tuple[bytes, str | None]:
    """The page's JSON, as the API writes it (items' fields in its order, `next_cursor` as it encodes it),
    and that cursor."""
    items = []
    for row in rows[:PAGE_SIZE]:
        values = dict(zip(SUMMARY_COLUMNS, row, strict=False))
        chain = values["categories"] = _json(values["categories"])
        paths = [PATH_SEPARATOR.join(chain[: depth + 1]) for depth in range(len(chain))]
        values["category_slugs"] = [slugs[path] for path in paths if path in slugs]
        values["published_at"] = to_utc(values["published_at"])
        items.append({name: values[name] for name in SUMMARY_FIELDS})
    cursor = None
    if len(rows) > PAGE_SIZE:
        published_at, article_id = rows[PAGE_SIZE - 1][-2:]
        moment = to_utc(published_at)
        payload = ["newest", None if moment is None else moment.isoformat(), article_id]
        cursor = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode("ascii")
    page = {"items": items, "total": total, "limit": PAGE_SIZE, "offset": 0, "next_cursor": cursor}
    return orjson.dumps(page, option=orjson.OPT_UTC_Z), cursor


def decode(cursor: str | None) -> list[Any] | None:
    """The key a cursor holds (its date as ISO text, or null, and the article id)."""
    if cursor is None:
        return None
    return list(orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[1:])


@dataclass
class Categories:
    """The category table as listings use it, read once: ids by slug, slugs by path, counts as asked for."""

    ids: dict[str, int] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    read: bool = False


CATEGORIES = "SELECT id, slug, path FROM category"
COUNT = "SELECT count(*) FROM article_category WHERE category_id = ?"


def listing(
    known: Categories, slug: str, cursor: str | None, time_param: Any
) -> Generator[Query, Any, tuple[list[Any], int] | None]:
    """A category page's reads, in order: the category table the first time, the category's count the first
    time it is asked for, then the page (`page`); returns its rows and the count, None for an unknown slug."""
    if not known.read:
        rows = yield Query(CATEGORIES, (), one=False)
        known.ids = {named: key for key, named, _ in rows}
        known.slugs = {path: named for _, named, path in rows}
        known.read = True
    category_id = known.ids.get(slug)
    if category_id is None:
        return None
    total = known.counts.get(category_id)
    if total is None:
        (total,) = yield Query(COUNT, (category_id,))
        known.counts[category_id] = total
    rows = yield from page(category_id, decode(cursor), time_param)
    return rows, total


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite hands back text, psycopg the decoded value."""
    return orjson.loads(value) if isinstance(value, str) else value


def dump(values: dict[str, Any], to_utc: Any) -> bytes:
    """The detail's JSON, fields in the API's order, times made aware UTC by `to_utc` (written with a Z)."""
    for name in ("published_at", "updated_at"):
        values[name] = to_utc(values[name])
    for link in (values["newer"], values["older"]):
        if link is not None:
            link["published_at"] = to_utc(link["published_at"])
    return orjson.dumps({name: values[name] for name in FIELDS}, option=orjson.OPT_UTC_Z)


class SQLiteRows:
    """One read-only connection, used on the event loop, reading the file mapped as the API does; JSON comes
    back as text, times as naive UTC text."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")  # as the API maps it (SQLITE_MMAP_BYTES)
        declared = {row[1]: row[2] for row in self.connection.execute("PRAGMA table_info(article)")}
        self.json = [name for name in COLUMNS if declared[name] == "JSON"]
        self.categories = Categories()

    def detail(self, article_id: str) -> bytes | None:
        values = self.run(detail(article_id))
        if values is None:
            return None
        for name in self.json:
            values[name] = _json(values[name])
        return dump(values, _sqlite_time)

    def listing(self, slug: str, cursor: str | None) -> tuple[bytes, str | None] | None:
        found = self.run(listing(self.categories, slug, cursor, _sqlite_param))
        return None if found is None else page_body(*found, self.categories.slugs, _sqlite_time)

    def run(self, plan: Generator[Query, Any, T]) -> T:
        """Each of the plan's queries in turn, its result sent back; the plan's result."""
        try:
            query = next(plan)
            while True:
                cursor = self.connection.execute(query.sql, query.params)
                query = plan.send(cursor.fetchone() if query.one else cursor.fetchall())
        except StopIteration as done:
            result: T = done.value
            return result


def _sqlite_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _sqlite_param(value: str) -> str:
    # The cursor's ISO time as SQLite holds times: naive UTC text, microseconds included.
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class PostgreSQLRows:
    """A few open connections, each used by one request at a time; psycopg decodes JSON (with orjson here)
    and hands back aware times in the session's zone."""

    def __init__(self) -> None:
        self.idle: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
        self.categories = Categories()

    async def open(self, conninfo: str) -> None:
        set_json_loads(orjson.loads)
        for _ in range(CONNECTIONS):
            self.idle.put_nowait(await psycopg.AsyncConnection.connect(conninfo, autocommit=True))

    async def close(self) -> None:
        while not self.idle.empty():
            await self.idle.get_nowait().close()

    async def detail(self, article_id: str) -> bytes | None:
        values = await self.run(detail(article_id))
        return None if values is None else dump(values, _postgresql_time)

    async def listing(self, slug: str, cursor: str | None) -> tuple[bytes, str | None] | None:
        found = await self.run(listing(self.categories, slug, cursor, datetime.fromisoformat))
        return None if found is None else page_body(*found, self.categories.slugs, _postgresql_time)

    async def run(self, plan: Generator[Query, Any, T]) -> T:
        """Each of the plan's queries in turn on an idle connection, its result sent back; the plan's
        result."""
        connection = await self.idle.get()
        try:
            query = next(plan)
            while True:
                cursor = await connection.execute(query.sql.replace("?", "%s"), query.params)
                query = plan.send(await (cursor.fetchone() if query.one else cursor.fetchall()))
        except StopIteration as done:
            result: T = done.value
            return result
        finally:
            self.idle.put_nowait(connection)


def _postgresql_time(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


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


@app.get("/categories/{slug}/articles")
async def category_articles(request: Request, slug: str, cursor: str | None = None) -> Response:
    """One page of a category's articles, newest first, read and serialized directly, with the Link header
    to the next page (and the first, past it) that the API sends."""
    found = sqlite.listing(slug, cursor) if sqlite else await postgresql.listing(slug, cursor)
    if found is None:
        raise HTTPException(status_code=404)
    body, following = found
    here = f"{request.url.scheme}://{request.headers['host']}{request.url.path}"
    links = [] if following is None else [f'<{here}?cursor={following}>; rel="next"']
    if cursor is not None:
        links.append(f'<{here}>; rel="first"')
    headers = {"Link": ", ".join(links)} if links else None
    return Response(body, media_type="application/json", headers=headers)
