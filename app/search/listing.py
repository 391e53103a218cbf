"""SQLite's fast path for a searched listing: a page costs about its size, not the size of the result.

doc_ids (FTS5 rowids) grow with the publication time, so FTS5 hands out matches newest first without sorting
and stops after the page; `since` and `until` become rowid bounds. Relevance ranks the RANK_WINDOW newest
matches by bm25 (title weighted) and lists the older ones after them, newest first: for a news corpus the
best matches among recent articles, and a word found in half the corpus no longer means scoring all of it.
Filters other than dates are terms of the same MATCH (`app.search.filters`), so nothing reads the article
table, and `total` is counted by FTS5 alone unless orphaned postings (see `app.search.index`) need the join.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from app.search.filters import IndexedFilters, fts5_filters
from app.search.index import DATED, doc_id_floor
from app.search.query import SearchQuery
from app.search.sql import FTS, SEARCH, bm25, fts5_expression

RANK_WINDOW = 500  # about 3 µs of bm25 per row; 500 still gives a page 25 times its size to rank from


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The ids of one page, in order, and how many articles match in all."""

    ids: list[str]
    total: int


def _second_after(moment: datetime) -> datetime:
    """`moment` rounded up to a whole second (doc_ids keep seconds)."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _expression(query: SearchQuery, filters: IndexedFilters) -> str:
    """The query's MATCH expression, AND every filter's."""
    return " AND ".join([f"({fts5_expression(query)})", *fts5_filters(filters)])


def _matches(
    columns: Sequence[Any],
    expression: str,
    since: datetime | None,
    until: datetime | None,
    *,
    joined: bool = True,
) -> Select[Any]:
    source = FTS.join(SEARCH, SEARCH.c.doc_id == FTS.c.rowid) if joined else FTS
    statement = select(*columns).select_from(source)
    statement = statement.where(literal_column("article_fts").op("MATCH")(expression))
    if since is not None:
        statement = statement.where(FTS.c.rowid >= doc_id_floor(_second_after(since.astimezone(UTC))))
    if until is not None:
        bound = doc_id_floor(_second_after(until.astimezone(UTC)))
        statement = statement.where(FTS.c.rowid < bound, FTS.c.rowid >= DATED)
    return statement


def _has_orphans(session: Session) -> bool:
    """True while FTS5 holds postings of rows gone from article_search (until `articles reindex`)."""
    return bool(session.execute(text("SELECT EXISTS (SELECT 1 FROM article_fts_orphan)")).scalar_one())


def sqlite_search_page(
    *,
    session: Session,
    query: SearchQuery,
    filters: IndexedFilters,
    since: datetime | None,
    until: datetime | None,
    relevance: bool,
    limit: int,
    offset: int,
) -> SearchPage:
    """A page by relevance, or newest first, of the articles that match and pass the filters."""
    if filters.impossible:
        return SearchPage([], 0)
    expression = _expression(query, filters)

    def matches(*columns: Any) -> Select[Any]:
        return _matches(columns, expression, since, until)

    def count(seen: int, complete: bool) -> int:
        """The rows already read when they are every match, else a count (FTS5 alone if it can)."""
        if complete:
            return seen
        counted = _matches([func.count()], expression, since, until, joined=_has_orphans(session))
        return int(session.execute(counted).scalar_one())

    newest = FTS.c.rowid.desc()
    if not relevance:
        rows = session.execute(matches(SEARCH.c.article_id).order_by(newest).limit(limit).offset(offset))
        ids = list(rows.scalars())
        return SearchPage(ids, count(len(ids), offset == 0 and len(ids) < limit))
    window = session.execute(
        matches(SEARCH.c.article_id, FTS.c.rowid, bm25()).order_by(newest).limit(RANK_WINDOW)
    ).all()
    ranked = [row[0] for row in sorted(window, key=lambda row: (row[2], -row[1]))]
    ids = ranked[offset : offset + limit]
    missing = limit - len(ids)
    if missing > 0 and len(window) == RANK_WINDOW:
        older = matches(SEARCH.c.article_id).where(FTS.c.rowid < min(row[1] for row in window))
        older = older.order_by(newest).limit(missing).offset(max(0, offset - RANK_WINDOW))
        ids += list(session.execute(older).scalars())
    return SearchPage(ids, count(len(window), len(window) < RANK_WINDOW))
