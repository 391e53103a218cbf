"""What every database backend does, and the shapes its callers hand it.

A backend owns every statement that differs between SQLite and PostgreSQL: how the engine is made and a
writer takes its lock, the upsert, the search index's writes, how a search matches and is scored, and how a
date is cut to its month. Nothing outside `app.store.backends` asks which database it is talking to.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, column, table
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from app.config import Settings
from app.text.query_syntax import SearchQuery
from app.text.tokens import index_tokens

TITLE_WEIGHT = 5.0  # a title match counts this many times a body match, on both databases
SEARCH = table(
    "article_search",
    column("doc_id"),
    column("article_id"),
    column("tokenizer_version"),
    column("document"),
    column("stream"),
)


@dataclass(frozen=True, slots=True)
class Indexable:
    """What the index is built from: the tokens of title and body (ingest computes them in its workers)."""

    id: str
    title_tokens: str
    body_tokens: str
    published_at: datetime | None

    @classmethod
    def of(cls, article_id: str, title: str, body_text: str, published_at: datetime | None) -> "Indexable":
        """Tokenize an article's title and body."""
        return cls(article_id, index_tokens(title), index_tokens(body_text), published_at)


@dataclass(frozen=True, slots=True)
class IndexedFilters:
    """The filters other than dates, resolved: every category group must match one of its ids, the author
    one of `authors`; empty means no filter. A backend whose index holds them answers a filtered search
    from the index alone."""

    category_groups: Sequence[Sequence[int]] = field(default_factory=tuple)
    authors: Sequence[str] = field(default_factory=tuple)
    has_image: bool | None = None

    @property
    def impossible(self) -> bool:
        """True when a category group names no existing category, so nothing can match."""
        return any(not group for group in self.category_groups)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The ids of one page of a search, in order; how many articles match in all (None: not counted);
    whether matches follow the page."""

    ids: list[str]
    total: int | None
    more: bool


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A page of a search that an index may answer alone: the query, the filters the index holds, the date
    bounds, the order (by relevance, else newest first), the page, and whether to count every match."""

    query: SearchQuery
    filters: IndexedFilters
    since: datetime | None
    until: datetime | None
    relevance: bool
    limit: int
    offset: int
    count: bool

    @property
    def unfiltered(self) -> bool:
        """No filter and no date bound: the query alone selects."""
        filters = self.filters
        no_filter = not (filters.category_groups or filters.authors or filters.has_image is not None)
        return no_filter and self.since is None and self.until is None


class Kind(StrEnum):
    """Why a database cannot be used (each has its own fix, `app.store.failures`)."""

    UNREACHABLE = "unreachable"
    NO_DATABASE = "no database"
    AUTHENTICATION = "authentication"
    CANNOT_OPEN = "cannot open"
    NOT_MIGRATED = "not migrated"
    NEWER_SCHEMA = "newer schema"
    CORRUPT = "corrupt"
    READ_ONLY = "read-only"
    DISK_FULL = "disk full"
    IO_ERROR = "I/O error"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class Failure:
    """What a backend makes of a database error: the kind, and the database's own words, on one line."""

    kind: Kind
    reason: str


_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # each driver's own parameter marker


def driver_statement(connection: Connection, template: str) -> str:
    """A statement for the driver's executemany (bulk rows as tuples, past SQLAlchemy's per-row work): each
    `{0}` in the template becomes the driver's parameter marker."""
    return template.format(_MARKERS[connection.dialect.paramstyle])


def first_line(error: object) -> str:
    """The first line of an error's message, spaces collapsed."""
    return " ".join(str(error).split("\n", 1)[0].split())


class Backend(ABC):
    """One database's way of doing what differs between databases."""

    dialect: str  # SQLAlchemy's name for it
    # True for a database in a file that only this project uses: it is migrated by any command that opens
    # it, and answers in microseconds, so asking it from the event loop beats a thread hop.
    embedded: bool

    @abstractmethod
    def create_engine(self, url: str, settings: Settings, *, statement_timeout_ms: int) -> Engine:
        """The engine for `url`; statements running longer than `statement_timeout_ms` (0: no limit) fail."""

    def create_async_engine(
        self, url: str, settings: Settings, *, statement_timeout_ms: int
    ) -> AsyncEngine | None:
        """An engine whose connections are used from the event loop, for a server database (its driver
        waits for the network without holding a thread); None for an embedded one (its reads never wait)."""
        return None

    @abstractmethod
    def lock_for_writing(self, connection: Connection) -> None:
        """Take the database's writer lock at the start of a write transaction."""

    @abstractmethod
    def refuses_values(self, error: DBAPIError) -> bool:
        """Whether the database refused the values written (a constraint, a size limit, bad data), as
        opposed to failing to write at all (locked, full, gone): only then is writing the rest of a batch
        without them worth a try."""

    @abstractmethod
    def classify(self, error: DBAPIError) -> Failure | None:
        """Why the database cannot be used, when the error says so; None for an error of one statement or
        of its values (a cancelled query, a refused value)."""

    def read_cursor(self, connection: Connection) -> Any:
        """A driver cursor for a prepared read (`app.store.prepared`), which SQLAlchemy's execution events do
        not see: a backend arms here whatever those events would have armed."""
        return connection.connection.cursor()

    @abstractmethod
    def describe(self, url: URL) -> str:
        """The database as people name it in a message (never with its password)."""

    @abstractmethod
    def insert(self, target: Any) -> Any:
        """An INSERT on `target` that has `on_conflict_do_update` (the upsert)."""

    def insert_rows(
        self, connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Append rows (tuples in `columns` order) to a table: the bulk path of the search index's writes,
        millions of rows over a corpus."""
        if rows:
            values = ", ".join(["{0}"] * len(columns))
            template = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"
            connection.exec_driver_sql(driver_statement(connection, template), list(rows))

    @abstractmethod
    def forget(self, connection: Connection, ids: Sequence[str], version: str) -> None:
        """Remove these articles from the search index (before their rows change or go)."""

    @abstractmethod
    def index(self, connection: Connection, articles: Sequence[Indexable], version: str) -> None:
        """Add these articles, which must not be in the index, indexed by tokenizer `version`."""

    @abstractmethod
    def clear_index(self, connection: Connection) -> None:
        """Empty the search index."""

    def integrity_problems(self, connection: Connection) -> list[str]:
        """What the database's own integrity checks find wrong, one line each; none when it has no such
        check or all pass. A check that cannot run raises its error."""
        return []

    def after_rebuild(self, connection: Connection) -> None:  # noqa: B027 - optional
        """Tidy the index once every article has been indexed again."""

    @abstractmethod
    def matching(self, query: SearchQuery) -> Select[Any] | None:
        """article_id of the articles every group of the query matches; None when the query only excludes."""

    @abstractmethod
    def excluding(self, query: SearchQuery) -> Select[Any] | None:
        """Ids of the articles an excluded phrase matches, when the query excludes without selecting."""

    @abstractmethod
    def month(self, moment: ColumnElement[Any]) -> ColumnElement[str]:
        """The UTC month of a timestamp column as `YYYY-MM`."""

    @abstractmethod
    def related(self, session: Session, article_id: str, limit: int) -> list[str]:
        """Ids of the articles whose text is most like this one's, best first, itself left out
        (`app.store.backends.related`)."""

    def search_page(self, session: Session, request: SearchRequest) -> SearchPage | None:
        """A page of a search answered by the index alone, when this backend has such a path; None sends the
        caller to the general query (`matching` joined with the article table)."""
        return None
