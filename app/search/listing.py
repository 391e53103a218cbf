"""SQLite's fast path for a searched listing: a page costs about its size, not the size of the result.

doc_ids (FTS5 rowids) grow with the publication time, so FTS5 hands out matches newest first without sorting
and stops after the page; `since` and `until` become rowid bounds. Relevance ranks the RANK_WINDOW newest
matches by bm25 (title weighted) and lists the older ones after them, newest first: for a news corpus the
best matches among recent articles, and a word found in half the corpus no longer means scoring all of it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

from app.models import Article
from app.search.index import DATED, doc_id_floor
from app.search.query import SearchQuery
from app.search.sql import FTS, SEARCH, TITLE_WEIGHT, fts5_expression

ARTICLE = Article.__table__  # type: ignore[attr-defined]
RANK_WINDOW = 1000


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The ids of one page, in order, and how many articles match in all."""

    ids: list[str]
    total: int


def _second_after(moment: datetime) -> datetime:
    """`moment` rounded up to a whole second (doc_ids keep seconds)."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _matches(
    columns: Sequence[Any],
    query: SearchQuery,
    conditions: Sequence[Any],
    since: datetime | None,
    until: datetime | None,
) -> Select[Any]:
    source = FTS.join(SEARCH, SEARCH.c.doc_id == FTS.c.rowid)
    if conditions:
        source = source.join(ARTICLE, ARTICLE.c.id == SEARCH.c.article_id)
    statement = select(*columns).select_from(source)
    statement = statement.where(
        literal_column("article_fts").op("MATCH")(fts5_expression(query)), *conditions
    )
    if since is not None:
        statement = statement.where(FTS.c.rowid >= doc_id_floor(_second_after(since.astimezone(UTC))))
    if until is not None:
        bound = doc_id_floor(_second_after(until.astimezone(UTC)))
        statement = statement.where(FTS.c.rowid < bound, FTS.c.rowid >= DATED)
    return statement


def sqlite_search_page(
    *,
    session: Session,
    query: SearchQuery,
    conditions: Sequence[Any],
    since: datetime | None,
    until: datetime | None,
    relevance: bool,
    limit: int,
    offset: int,
) -> SearchPage:
    """A page by relevance, or newest first; `conditions` are on the article table (not since/until)."""

    def matches(*columns: Any) -> Select[Any]:
        return _matches(columns, query, conditions, since, until)

    total = session.execute(matches(func.count())).scalar_one()
    newest = FTS.c.rowid.desc()
    if not relevance:
        rows = session.execute(matches(SEARCH.c.article_id).order_by(newest).limit(limit).offset(offset))
        return SearchPage(list(rows.scalars()), total)
    score = func.bm25(literal_column("article_fts"), TITLE_WEIGHT, 1.0)
    window = session.execute(
        matches(SEARCH.c.article_id, FTS.c.rowid, score).order_by(newest).limit(RANK_WINDOW)
    ).all()
    ranked = [row[0] for row in sorted(window, key=lambda row: (row[2], -row[1]))]
    ids = ranked[offset : offset + limit]
    missing = limit - len(ids)
    if missing > 0 and len(window) == RANK_WINDOW:
        older = matches(SEARCH.c.article_id).where(FTS.c.rowid < min(row[1] for row in window))
        older = older.order_by(newest).limit(missing).offset(max(0, offset - RANK_WINDOW))
        ids += list(session.execute(older).scalars())
    return SearchPage(ids, total)
