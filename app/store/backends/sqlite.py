"""SQLite, the embedded default: WAL and pragmas per connection, an immediate writer lock, FTS5 search.

The search index: `article_search` maps each indexed article to `doc_id`, the rowid of its row in the
contentless FTS5 table `article_fts` (title and body tokens, and the filter terms of
`app.store.backends.fts5`, which `article_search.filters` keeps as given). A contentless table keeps no copy
of the tokens (about half the size); removing a row needs the tokens it was given, recomputed here from the
stored title and body when the row was built by this tokenizer version. Rows of another version are dropped
from `article_search` only: their postings point at a doc_id that is never reused and that no query joins,
until a rebuild clears them. A trigger records every doc_id leaving `article_search` in
`article_fts_orphan`, and `forget` takes back those whose postings it removed: while that table is empty,
FTS5 alone counts matches exactly.
"""

import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, bindparam, event, func, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlmodel import create_engine

from app.config import Settings
from app.store.backends.base import Backend, Failure, Indexable, Kind, SearchPage, SearchRequest, first_line
from app.store.backends.fts5 import fts5_any, fts5_expression, fts5_ids, new_doc_ids, stored_filter_terms
from app.store.backends.sqlite_related import sqlite_related
from app.store.backends.sqlite_search import sqlite_search_page
from app.text.query_syntax import SearchQuery
from app.text.tokens import index_tokens


def _pragmas(mmap_bytes: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers go on while an ingest writes; NORMAL sync is safe under WAL. Mapped reads skip a
        # read call and a page copy per page a query visits: cold details and category pages, which visit
        # pages all over the file, gained 7-8%.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
        cursor.close()

    return on_connect


def _limit_statements(engine: Engine, seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler aborts a statement once its deadline passes
    (the query then fails with "interrupted")."""

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        state = record.info.setdefault("deadline", [float("inf")])
        record.info["statement_seconds"] = seconds
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > state[0], 20_000)

    def before_execute(connection: Any, *_args: Any) -> None:
        _arm_deadline(connection.info, seconds)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "before_cursor_execute", before_execute)


def _arm_deadline(info: dict[str, Any], seconds: float) -> None:
    info.setdefault("deadline", [float("inf")])[0] = time.monotonic() + seconds


# Primary result codes of refused values: too big, constraint failed, datatype mismatch.
_VALUE_ERRORS = frozenset({sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH})
# Primary result codes that say the database file cannot be used, whatever the statement.
_FAILURES = {
    sqlite3.SQLITE_CORRUPT: Kind.CORRUPT,
    sqlite3.SQLITE_NOTADB: Kind.CORRUPT,
    sqlite3.SQLITE_READONLY: Kind.READ_ONLY,
    sqlite3.SQLITE_PERM: Kind.READ_ONLY,
    sqlite3.SQLITE_FULL: Kind.DISK_FULL,
    sqlite3.SQLITE_IOERR: Kind.IO_ERROR,
    sqlite3.SQLITE_BUSY: Kind.LOCKED,
    sqlite3.SQLITE_LOCKED: Kind.LOCKED,
    sqlite3.SQLITE_CANTOPEN: Kind.CANNOT_OPEN,
}
_FORGET_ROWS = text(
    # In doc_id order, like `index`: FTS5 flushes its pending deletes at every step back too.
    "SELECT s.doc_id, s.tokenizer_version, s.filters, a.title, a.body_text FROM article_search s "
    "JOIN article a ON a.id = s.article_id WHERE s.article_id IN :ids ORDER BY s.doc_id"
).bindparams(bindparam("ids", expanding=True))
_DELETE_POSTINGS = text(
    "INSERT INTO article_fts (article_fts, rowid, title, body, filters) "
    "VALUES ('delete', :doc_id, :title, :body, :filters)"
)
_DELETE_ROWS = text("DELETE FROM article_search WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_CLEAR_ORPHANS = text("DELETE FROM article_fts_orphan WHERE doc_id IN :doc_ids").bindparams(
    bindparam("doc_ids", expanding=True)
)
_INSERT_ROWS = text(
    "INSERT INTO article_search (doc_id, article_id, tokenizer_version, filters) "
    "VALUES (:doc_id, :id, :version, :filters)"
)
_INSERT_POSTINGS = text(
    "INSERT INTO article_fts (rowid, title, body, filters) VALUES (:doc_id, :title, :body, :filters)"
)


class SQLiteBackend(Backend):
    """SQLite 3 through the standard library's driver."""

    dialect = "sqlite"
    embedded = True

    def create_engine(self, url: str, settings: Settings, *, statement_timeout_ms: int) -> Engine:
        database = make_url(url).database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # SQLite says why it cannot open the file when it first tries to
        # JSON columns come back as text, decoded for each row read: orjson does it several times faster.
        engine = create_engine(url, connect_args={"check_same_thread": False}, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _pragmas(settings.sqlite_mmap_bytes))
        if statement_timeout_ms:
            _limit_statements(engine, statement_timeout_ms / 1000)
        return engine

    def lock_for_writing(self, connection: Connection) -> None:
        # IMMEDIATE takes the write lock now: a deferred transaction that reads first can fail with
        # SQLITE_BUSY when it later tries to write after another writer committed.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def read_cursor(self, connection: Connection) -> Any:
        seconds = connection.info.get("statement_seconds")
        if seconds is not None:  # the statement deadline, as `_limit_statements` arms it for every statement
            _arm_deadline(connection.info, seconds)
        return connection.connection.cursor()

    def refuses_values(self, error: DBAPIError) -> bool:
        code = getattr(error.orig, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF in _VALUE_ERRORS

    def classify(self, error: DBAPIError) -> Failure | None:
        code = getattr(error.orig, "sqlite_errorcode", None)
        if not isinstance(code, int):
            return None
        kind = _FAILURES.get(code & 0xFF)
        if kind is None and str(error.orig).startswith("no such table"):  # SQLITE_ERROR says no more
            kind = Kind.NOT_MIGRATED
        return Failure(kind, first_line(error.orig)) if kind is not None else None

    def describe(self, url: URL) -> str:
        database = url.database
        if not database or database == ":memory:":
            return "the in-memory SQLite database"
        return f"the SQLite database {os.path.abspath(database)}"

    def insert(self, target: Any) -> Any:
        return sqlite.insert(target)

    def forget(self, connection: Connection, ids: Sequence[str], version: str) -> None:
        if not ids:
            return
        rows = connection.execute(_FORGET_ROWS, {"ids": list(ids)}).all()
        deletes = [
            {
                "doc_id": row.doc_id,
                "title": index_tokens(row.title),
                "body": index_tokens(row.body_text),
                "filters": row.filters,
            }
            for row in rows
            if row.tokenizer_version == version
        ]
        if deletes:
            connection.execute(_DELETE_POSTINGS, deletes)
        connection.execute(_DELETE_ROWS, {"ids": list(ids)})
        if deletes:  # the trigger recorded every row as an orphan; these left no postings behind
            connection.execute(_CLEAR_ORPHANS, {"doc_ids": [delete["doc_id"] for delete in deletes]})

    def index(self, connection: Connection, articles: Sequence[Indexable], version: str) -> None:
        if not articles:
            return
        doc_ids = new_doc_ids(connection, [article.published_at for article in articles])
        filters = stored_filter_terms(connection, [article.id for article in articles])
        # FTS5 flushes its pending postings to a new segment whenever a rowid is lower than the last one
        # written: in doc_id order a batch makes one segment instead of hundreds to merge.
        ordered = sorted(zip(doc_ids, articles, strict=True), key=lambda pair: pair[0])
        rows = [
            {
                "doc_id": doc_id,
                "id": article.id,
                "version": version,
                "title": article.title_tokens,
                "body": article.body_tokens,
                "filters": filters.get(article.id, ""),
            }
            for doc_id, article in ordered
        ]
        connection.execute(_INSERT_ROWS, rows)
        connection.execute(_INSERT_POSTINGS, rows)

    def clear_index(self, connection: Connection) -> None:
        connection.execute(text("INSERT INTO article_fts (article_fts) VALUES ('delete-all')"))
        connection.execute(text("DELETE FROM article_search"))
        connection.execute(text("DELETE FROM article_fts_orphan"))

    def integrity_problems(self, connection: Connection) -> list[str]:
        # integrity_check reads every page (seconds for a large file); FTS5's check reads the whole index.
        found = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
        try:
            connection.execute(text("INSERT INTO article_fts (article_fts) VALUES ('integrity-check')"))
        except DBAPIError as exc:
            failure = self.classify(exc)
            if failure is None or failure.kind is not Kind.CORRUPT:
                raise  # the check could not run (a read-only file...): that is the answer
            found.append(f"search index (article_fts): {failure.reason}")
        connection.rollback()  # the check is written as an INSERT: nothing of it stays
        return found

    def after_rebuild(self, connection: Connection) -> None:
        connection.execute(text("INSERT INTO article_fts (article_fts) VALUES ('optimize')"))

    def matching(self, query: SearchQuery) -> Select[Any] | None:
        return fts5_ids(fts5_expression(query)) if query.groups else None

    def excluding(self, query: SearchQuery) -> Select[Any] | None:
        if query.groups or not query.excluded:
            return None
        return fts5_ids(fts5_any(query.excluded))

    def month(self, moment: ColumnElement[Any]) -> ColumnElement[str]:
        return func.strftime("%Y-%m", moment)

    def related(self, session: Session, article_id: str, limit: int) -> list[str]:
        return sqlite_related(session, article_id, limit)

    def search_page(self, session: Session, request: SearchRequest) -> SearchPage | None:
        return sqlite_search_page(session, request) if request.query.groups else None


SQLITE = SQLiteBackend()
