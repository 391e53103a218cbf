"""PostgreSQL through psycopg 3: a connection pool, an advisory writer lock, tsvector + GIN search.

The search index: one `article_search` row per article with a weighted tsvector (title A, body B) under a GIN
index, and the token stream " title tokens | body tokens ", which decides phrases exactly (tsvector
positions stop at 16,383 and at 256 per word, so long articles cannot rely on them). Foreign keys cascade
and a row is simply replaced.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from sqlalchemy import ColumnElement, Select, and_, bindparam, cast, func, or_, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session
from sqlmodel import create_engine

from app.config import Settings
from app.store import impacts
from app.store.backends.base import (
    SEARCH,
    Backend,
    Failure,
    Indexable,
    Kind,
    SearchPage,
    SearchRequest,
    first_line,
)
from app.store.backends.postgresql_related import postgresql_related
from app.text.query_syntax import Phrase, SearchQuery

# Any constant works: it names the lock that ingest writers of one PostgreSQL database share.
WRITER_LOCK_KEY = 0x61727469636C6573  # "articles"
MAX_POSITION = 16_383  # PostgreSQL's limits for tsvector positions
MAX_POSITIONS_PER_WORD = 256
# A tsvector holds at most 1 MiB; past this estimate of its size, further distinct tokens of a (huge) article
# go unindexed rather than fail the batch it is written in.
MAX_TSVECTOR_BYTES = 1_000_000

# SQLSTATEs (then classes) that say the database cannot be used, as opposed to one statement failing.
_FAILURES = {
    "42P01": Kind.NOT_MIGRATED,  # undefined table
    "3F000": Kind.NOT_MIGRATED,  # invalid schema name
    "28000": Kind.AUTHENTICATION,
    "28P01": Kind.AUTHENTICATION,
    "3D000": Kind.NO_DATABASE,
    "25006": Kind.READ_ONLY,  # read-only transaction: a standby, or default_transaction_read_only
    "53100": Kind.DISK_FULL,
    "53300": Kind.UNREACHABLE,  # too many connections
    "57P01": Kind.UNREACHABLE,  # administrator shutdown
    "57P02": Kind.UNREACHABLE,  # crash shutdown
    "57P03": Kind.UNREACHABLE,  # cannot connect now (starting up)
    "XX001": Kind.CORRUPT,  # data corrupted
    "XX002": Kind.CORRUPT,  # index corrupted
    "58030": Kind.IO_ERROR,
    "55P03": Kind.LOCKED,  # lock not available
}
_FAILURE_CLASSES = {"08": Kind.UNREACHABLE}  # connection exception

_COLUMNS = ("article_id", "tokenizer_version", "document", "stream")
_DELETE_ROWS = text("DELETE FROM article_search WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def tsvector_literal(title: Sequence[str], body: Sequence[str]) -> str:
    """A tsvector in PostgreSQL's input syntax: each token with its positions, title A and body B."""
    positions: dict[str, list[str]] = {}
    position = size = 0
    for weight, tokens in (("A", title), ("B", body)):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entry = positions.get(token)
            if entry is None:
                # The token, its entry and position count (with alignment), then 2 bytes per position.
                cost = len(token.encode()) + 8
                if size + cost > MAX_TSVECTOR_BYTES:
                    continue
                size += cost
                entry = positions[token] = []
            label = f"{position}{weight}"
            if len(entry) < MAX_POSITIONS_PER_WORD and (not entry or entry[-1] != label):
                entry.append(label)
                size += 2
    return " ".join(f"'{token}':{','.join(labels)}" for token, labels in positions.items())


def _row(article: Indexable, version: str) -> tuple[str, str, str, str]:
    """An article_search row in _COLUMNS order (COPY reads the tsvector from its text)."""
    title, body = article.title_tokens, article.body_tokens
    return (article.id, version, tsvector_literal(title.split(), body.split()), f" {title} | {body} ")


def _lexeme(token: str, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def _tsquery_all(phrase: Phrase) -> str:
    tokens = phrase.tokens.tokens
    last = len(tokens) - 1
    return " & ".join(_lexeme(token, phrase.tokens.prefix and i == last) for i, token in enumerate(tokens))


def _stream_pattern(phrase: Phrase) -> str:
    return " " + " ".join(phrase.tokens.tokens) + ("" if phrase.tokens.prefix else " ")


def _phrase(phrase: Phrase) -> ColumnElement[bool]:
    """Exact: one token is decided by the index, a longer phrase by the stream."""
    if len(phrase.tokens.tokens) == 1:
        return SEARCH.c.document.op("@@")(cast(_tsquery_all(phrase), TSQUERY))
    return func.strpos(SEARCH.c.stream, _stream_pattern(phrase)) > 0


def _candidates(groups: Iterable[Iterable[Phrase]]) -> str:
    """Every token of a phrase, in the same AND/OR shape: a superset the GIN index can find fast."""
    return " & ".join("(" + " | ".join(f"({_tsquery_all(p)})" for p in group) + ")" for group in groups)


def _ids(groups: tuple[tuple[Phrase, ...], ...]) -> Select[Any]:
    candidates = cast(_candidates(groups), TSQUERY)
    exact = and_(*(or_(*(_phrase(phrase) for phrase in group)) for group in groups))
    return select(SEARCH.c.article_id).where(SEARCH.c.document.op("@@")(candidates), exact)


def _has_orphans(session: Session) -> bool:
    """True while index rows deleted outside the loader (migration 0011's trigger) left the impact lists
    behind, until `articles reindex`."""
    return bool(session.execute(text("SELECT EXISTS (SELECT 1 FROM article_search_orphan)")).scalar_one())


def _server_words(line: str) -> str:
    """libpq's reason without its preamble: 'connection to server at "h", port 1 failed: FATAL:  x' -> 'x'."""
    return line.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()


def _connection_failure(reason: str) -> Kind:
    """What a failed connection's words say: no such database, a refused login, or no server."""
    if reason.startswith("database ") and reason.endswith("does not exist"):
        return Kind.NO_DATABASE
    login = ("authentication failed", "no password supplied", "pg_hba.conf", "role ")
    if any(words in reason for words in login):
        return Kind.AUTHENTICATION
    return Kind.UNREACHABLE


def _pool_options(settings: Settings, statement_timeout_ms: int) -> dict[str, Any]:
    options = {"options": f"-c statement_timeout={statement_timeout_ms}"} if statement_timeout_ms else {}
    return {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "pool_pre_ping": settings.db_pool_pre_ping,
        "connect_args": options,
    }


class PostgreSQLBackend(Backend):
    """PostgreSQL 13 or newer through psycopg 3."""

    dialect = "postgresql"
    embedded = False

    def create_engine(self, url: str, settings: Settings, *, statement_timeout_ms: int) -> Engine:
        return create_engine(url, **_pool_options(settings, statement_timeout_ms))

    def create_async_engine(self, url: str, settings: Settings, *, statement_timeout_ms: int) -> AsyncEngine:
        # Lookups are a statement or two that need no snapshot in common: in autocommit, psycopg sends no
        # BEGIN before them and the pool no ROLLBACK after, two round trips of four.
        # Its connections are held (`app.api.deps.HeldConnections`, DB_POOL_SIZE of them): no overflow.
        options = _pool_options(settings, statement_timeout_ms) | {"max_overflow": 0}
        return create_async_engine(url, isolation_level="AUTOCOMMIT", **options)

    def lock_for_writing(self, connection: Connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
        # The loader keeps the impact lists in step with what it deletes from the index: those deletes are
        # not orphans (see `_has_orphans`).
        connection.execute(text("SET LOCAL articles.loader = 'on'"))

    def refuses_values(self, error: DBAPIError) -> bool:
        sqlstate = getattr(error.orig, "sqlstate", None)
        # The class of the SQLSTATE: data exception, integrity constraint, program limit exceeded.
        return isinstance(sqlstate, str) and sqlstate[:2] in ("22", "23", "54")

    def classify(self, error: DBAPIError) -> Failure | None:
        sqlstate = getattr(error.orig, "sqlstate", None)
        reason = _server_words(first_line(error.orig))
        if isinstance(sqlstate, str):
            kind = _FAILURES.get(sqlstate) or _FAILURE_CLASSES.get(sqlstate[:2])
            return Failure(kind, reason) if kind is not None else None
        if isinstance(error.orig, psycopg.OperationalError):
            # No SQLSTATE: libpq could not connect (or lost the connection) and says why in words.
            return Failure(_connection_failure(reason), reason)
        return None

    def describe(self, url: URL) -> str:
        host = url.host or "the local socket"
        return f"PostgreSQL database {url.database or url.username or ''!r} at {host}:{url.port or 5432}"

    def insert(self, target: Any) -> Any:
        return postgresql.insert(target)

    def insert_rows(
        self, connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        # COPY streams the rows in one statement: a rebuild's several million impact rows took minutes as
        # INSERTs, even pipelined. It runs on the driver's cursor, so its error is wrapped here as SQLAlchemy
        # wraps every other (the writer reads it to tell refused values from a lost database).
        if not rows:
            return
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        try:
            driver: Any = connection.connection.driver_connection  # psycopg's: COPY is not in the DB-API
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc

    def forget(self, connection: Connection, ids: Sequence[str], version: str) -> None:
        if ids:
            connection.execute(_DELETE_ROWS, {"ids": list(ids)})

    def index(self, connection: Connection, articles: Sequence[Indexable], version: str) -> None:
        self.insert_rows(
            connection, "article_search", _COLUMNS, [_row(article, version) for article in articles]
        )

    def clear_index(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM article_search"))
        connection.execute(text("DELETE FROM article_search_orphan"))  # every list is rebuilt
        # A rebuild writes every row in one transaction: a larger pending list merges into the GIN index in
        # fewer, larger steps; `after_rebuild` merges what is left, so that searches never scan it.
        connection.execute(text("SET LOCAL gin_pending_list_limit = '64MB'"))

    def after_rebuild(self, connection: Connection) -> None:
        connection.execute(text("SELECT gin_clean_pending_list('ix_article_search_document')"))

    def matching(self, query: SearchQuery) -> Select[Any] | None:
        if not query.groups:
            return None
        ids = _ids(query.groups)
        if query.excluded:
            ids = ids.where(~or_(*(_phrase(phrase) for phrase in query.excluded)))
        return ids

    def search_page(self, session: Session, request: SearchRequest) -> SearchPage | None:
        # One token, nothing else: its impact list is the ranking and its stored count the total (the index
        # decides one token by its lexeme, as the count counts it); reading every match cost 150 ms for a
        # word in most articles. Anything more takes the general query, and so does every search while
        # articles deleted behind the loader's back left their list rows and counts behind.
        if not request.relevance or not request.unfiltered or impacts.lone_token(request.query) is None:
            return None
        if _has_orphans(session):  # asked last: a query, where the tests above are free
            return None
        return impacts.lone_token_page(session.connection(), request)

    def excluding(self, query: SearchQuery) -> Select[Any] | None:
        if query.groups or not query.excluded:
            return None
        return _ids((query.excluded,))

    def month(self, moment: ColumnElement[Any]) -> ColumnElement[str]:
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM")

    def related(self, session: Session, article_id: str, limit: int) -> list[str]:
        return postgresql_related(session, article_id, limit)


POSTGRESQL = PostgreSQLBackend()
