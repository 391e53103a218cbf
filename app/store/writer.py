"""Batched, idempotent writes of article records, their categories and their search index rows."""

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.store import search_index
from app.store.article_slugs import assign_slugs
from app.store.backends import backend_of
from app.store.backends.base import Indexable
from app.store.categories import CategoryIndex
from app.store.engine import write_transaction
from app.store.tables import ARTICLE, CATEGORY, LINK

# What every ingest reads of every article first; on SQLite an index covers it (migration 0007).
STORED_FILES = select(ARTICLE.c.file_path, ARTICLE.c.id, ARTICLE.c.content_hash, ARTICLE.c.file_stamp)
# What a reader sees change: an update that changes one of these moves `content_changed_at` (feeds' updated).
CONTENT_COLUMNS = ("title", "body_html", "image", "author")
# Never changed by an update: the id, when it was first stored, the slug it took (app.store.article_slugs).
KEPT_ON_UPDATE = ("id", "created_at", "slug")


class ArticleRecord(Protocol):
    """What the writer needs of a record (`app.parse.record.ArticleRecord` is one): its row and what links
    and indexes it."""

    @property
    def id(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def title_tokens(self) -> str: ...
    @property
    def body_tokens(self) -> str: ...
    def row(self) -> dict[str, Any]:
        """The columns of the article table."""
        ...


Record = TypeVar("Record", bound=ArticleRecord)


@dataclass(frozen=True, slots=True)
class Refused(Generic[Record]):
    """A record the database would not store, and its one-line reason."""

    record: Record
    reason: str


def _first_line(error: BaseException | None) -> str:
    text = " ".join(str(error).split("\n", 1)[0].split())
    return f"the database refused it: {text}"[:300]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the database remembers of a file: enough to skip it, or to prune it."""

    id: str
    content_hash: str
    file_stamp: str | None


class Loader:
    """Writes batches in one transaction each; keeps the category ids it has seen."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.categories = CategoryIndex()

    def stored_files(self) -> dict[str, StoredFile]:
        """Every stored article by the absolute path of the file it came from."""
        with self.engine.connect() as connection:
            return {
                row[0]: StoredFile(row[1], row[2], row[3]) for row in connection.execute(STORED_FILES).all()
            }

    def stored_files_at(self, paths: Sequence[str], folders: Sequence[str] = ()) -> dict[str, StoredFile]:
        """The stored articles whose files are at these paths or below these folders, by file path."""
        at = [ARTICLE.c.file_path.in_(paths[start : start + 500]) for start in range(0, len(paths), 500)]
        below = [ARTICLE.c.file_path.startswith(folder + os.sep, autoescape=True) for folder in folders]
        wanted, prefixes = set(paths), tuple(folder + os.sep for folder in folders)
        found: dict[str, StoredFile] = {}
        with self.engine.connect() as connection:
            for where in (*at, *below):
                for path, *stored in connection.execute(STORED_FILES.where(where)):
                    if path in wanted or path.startswith(prefixes):  # LIKE ignores case on SQLite
                        found[path] = StoredFile(*stored)
        return found

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these article ids are stored."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(ARTICLE.c.id).where(ARTICLE.c.id.in_(ids))).scalars())

    def restamp(self, stamps: Sequence[tuple[str, str]]) -> None:
        """Record new file stamps, by article id, for files found unchanged by their hash."""
        if not stamps:
            return
        statement = update(ARTICLE).where(ARTICLE.c.id == bindparam("article_id"))
        with write_transaction(self.engine) as connection:
            connection.execute(
                statement.values(file_stamp=bindparam("stamp")),
                [{"article_id": article_id, "stamp": stamp} for article_id, stamp in sorted(stamps)],
            )

    def write(self, records: Sequence[Record]) -> list[Refused[Record]]:
        """Upsert `records`, replace their category links and search index rows, all in one transaction.
        When the database refuses the values of some (a constraint, a size limit), the batch is written
        again one record at a time, so that a bad record costs only itself: the refused ones are returned
        with the database's reason, the others are written."""
        if not records:
            return []
        # One order for every writer, so concurrent ingests lock rows in the same sequence.
        records = sorted(records, key=lambda record: record.id)
        try:
            self._write_retrying(records)
            return []
        except DBAPIError as exc:
            if len(records) == 1 or not backend_of(self.engine).refuses_values(exc):
                raise
        refused: list[Refused[Record]] = []
        for record in records:
            try:
                self._write_retrying([record])
            except DBAPIError as exc:
                if not backend_of(self.engine).refuses_values(exc):
                    raise
                refused.append(Refused(record, _first_line(exc.orig)))
        return refused

    def _write_retrying(self, records: Sequence[ArticleRecord]) -> None:
        try:
            self._write(records)
        except IntegrityError:
            # Another ingest may have dropped a category we had cached: forget the cache and retry once.
            self.categories = CategoryIndex()
            self._write(records)

    def _write(self, records: Sequence[ArticleRecord]) -> None:
        now = datetime.now(UTC)
        with write_transaction(self.engine) as connection:
            chains = {record.id: self.categories.ensure(connection, record.categories) for record in records}
            ids = [record.id for record in records]
            search_index.forget(connection, ids)  # first: SQLite's index needs the text being replaced
            self._upsert_articles(connection, records, now)
            connection.execute(delete(LINK).where(LINK.c.article_id.in_(ids)))
            links = [
                {"article_id": record.id, "category_id": category_id, "published_at": record.published_at}
                for record in records
                for category_id in chains[record.id]
            ]
            if links:
                connection.execute(LINK.insert(), links)
            search_index.index(
                connection,
                [Indexable(r.id, r.title_tokens, r.body_tokens, r.published_at) for r in records],
            )

    def _upsert_articles(
        self, connection: Connection, records: Sequence[ArticleRecord], now: datetime
    ) -> None:
        slugs = assign_slugs(connection, records)
        rows = [
            record.row() | {"slug": slugs[record.id], "created_at": now, "updated_at": now}
            for record in records
        ]
        statement = backend_of(connection).insert(ARTICLE)
        changed = {name: statement.excluded[name] for name in rows[0] if name not in KEPT_ON_UPDATE}
        content_changed = or_(
            *(ARTICLE.c[name].is_distinct_from(statement.excluded[name]) for name in CONTENT_COLUMNS)
        )
        changed["content_changed_at"] = case(
            (content_changed, statement.excluded.updated_at), else_=ARTICLE.c.content_changed_at
        )
        # executemany of one cached statement: compiling a multi-row VALUES costs more than the insert.
        connection.execute(statement.on_conflict_do_update(index_elements=["id"], set_=changed), rows)

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles (with their links and search index rows) by id; returns how many went."""
        ids = sorted(ids)
        if not ids:
            return 0
        with write_transaction(self.engine) as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                search_index.forget(connection, chunk)
                connection.execute(delete(LINK).where(LINK.c.article_id.in_(chunk)))
                connection.execute(delete(ARTICLE).where(ARTICLE.c.id.in_(chunk)))
        return len(ids)

    def refresh_category_counts(self) -> None:
        """Recount articles per category and drop categories left empty."""
        count = (
            select(func.count())
            .select_from(LINK)
            .where(LINK.c.category_id == CATEGORY.c.id)
            .scalar_subquery()
        )
        with write_transaction(self.engine) as connection:
            connection.execute(update(CATEGORY).values(article_count=count))
            connection.execute(delete(CATEGORY).where(CATEGORY.c.article_count == 0))
        self.categories = CategoryIndex()
