"""SQLite's fast path for a searched listing: a page costs about its size, not the size of the result.

doc_ids (FTS5 rowids) grow with the publication time, so FTS5 hands out matches newest first without sorting
and stops after the page; `since` and `until` become rowid bounds. Relevance ranks the RANK_WINDOW newest
matches by bm25 (title weighted) and lists the older ones after them, newest first: for a news corpus the
best matches among recent articles, and a word found in half the corpus no longer means scoring all of it.
Filters other than dates are terms of the same MATCH (`app.store.backends.fts5`), so nothing reads the
article table. Matches are read as doc_ids, and only the page's are looked up in `article_search`; `total` is
counted by FTS5 alone (or read off bm25's own count, `app.store.backends.bm25_total`), and only when asked
for and not already known. Both hold while no orphaned postings (see `app.store.backends.sqlite`) exist:
until those are cleared, every read joins `article_search` to leave them out.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Result, TextClause, text
from sqlalchemy.orm import Session

from app.store.backends.base import IndexedFilters, SearchPage
from app.store.backends.bm25_total import bm25_total
from app.store.backends.fts5 import BM25, DATED, doc_id_floor, fts5_expression, fts5_filters
from app.text.query_syntax import SearchQuery

RANK_WINDOW = 500  # about 1 µs of bm25 per row; 500 still gives a page 25 times its size to rank from


def _second_after(moment: datetime) -> datetime:
    """`moment` rounded up to a whole second (doc_ids keep seconds)."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


@cache
def _sql(statement: str) -> TextClause:
    return text(statement)


class _Matches:
    """The doc_ids a search selects: the MATCH of `q` and the filters' terms, within the date bounds.

    Its statements are SQL text: a request runs several, and building each as an expression (and its cache
    key) cost more than FTS5 took to answer the small ones.
    """

    def __init__(
        self,
        session: Session,
        query: SearchQuery,
        filters: IndexedFilters,
        since: datetime | None,
        until: datetime | None,
    ) -> None:
        self.session = session
        self.search = query
        self.query = fts5_expression(query)
        self.filters = fts5_filters(filters)
        self.since, self.until = since, until
        self.joined = _has_orphans(session)

    def _run(self, columns: str, rest: str = "", *, query_only: bool = False, **params: Any) -> Result[Any]:
        """SELECT `columns` of the matches (of the MATCH of `q` alone, if asked), then `rest` of the SQL."""
        source = "article_fts"
        if self.joined:
            source += " JOIN article_search ON article_search.doc_id = article_fts.rowid"
        where = ["article_fts MATCH :expression"]
        expression = self.query if query_only else " AND ".join([f"({self.query})", *self.filters])
        if self.since is not None:
            where.append("article_fts.rowid >= :since")
            params["since"] = doc_id_floor(_second_after(self.since.astimezone(UTC)))
        if self.until is not None:
            where.append("article_fts.rowid < :until AND article_fts.rowid >= :dated")
            params["until"] = doc_id_floor(_second_after(self.until.astimezone(UTC)))
            params["dated"] = DATED
        statement = f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)} {rest}"
        return self.session.execute(_sql(statement), {"expression": expression, **params})

    def newest(self, limit: int, offset: int = 0, before: int | None = None) -> list[int]:
        """doc_ids of the matches (older than `before`, if given), newest first."""
        page = "ORDER BY article_fts.rowid DESC LIMIT :limit OFFSET :offset"
        if before is not None:
            page = "AND article_fts.rowid < :before " + page
        found = self._run("article_fts.rowid", page, limit=limit, offset=offset, before=before)
        return list(found.scalars().all())

    def scored(self) -> list[tuple[int, float]]:
        """(doc_id, bm25) of the RANK_WINDOW newest matches."""
        columns = f"article_fts.rowid, {BM25}"
        if not self.filters:
            newest = "ORDER BY article_fts.rowid DESC LIMIT :limit"
            return list(self._run(columns, newest, limit=RANK_WINDOW).tuples().all())
        # bm25 first counts every phrase of the MATCH over the whole table, filter terms too: their posting
        # lists are the longest. They are scored with weight 0, so scoring the window with the MATCH of `q`
        # alone gives the same scores without reading those lists. Unary plus: the list is tested on each
        # row, not taken by FTS5 as rowid constraints, which it would answer running the MATCH once a value.
        window = self.newest(RANK_WINDOW)
        if not window:
            return []
        among = (
            "AND article_fts.rowid BETWEEN :low AND :high "
            "AND +article_fts.rowid IN (SELECT value FROM json_each(:window))"
        )
        found = self._run(
            columns, among, query_only=True, low=window[-1], high=window[0], window=json.dumps(window)
        )
        return list(found.tuples().all())

    def count(self) -> int:
        """How many articles match (FTS5 alone, unless orphaned postings need the join)."""
        return int(self._run("count(*)").scalar_one())

    def total(self, scored: Sequence[tuple[int, float]]) -> int:
        """How many articles match: read off the scores of the window when bm25 has counted them already
        (`app.store.backends.bm25_total`), else counted."""
        phrase = self._lone_phrase()
        found = bm25_total(self.session, phrase, scored) if phrase is not None else None
        return self.count() if found is None else found

    def _lone_phrase(self) -> str | None:
        """The search's phrase when it is all of the MATCH and FTS5 alone counts its matches."""
        groups, excluded = self.search.groups, self.search.excluded
        if len(groups) != 1 or len(groups[0]) != 1 or excluded or self.filters or self.joined:
            return None
        return groups[0][0].text if self.since is None and self.until is None else None


_ARTICLE_IDS = text(
    "SELECT doc_id, article_id FROM article_search WHERE doc_id IN (SELECT value FROM json_each(:doc_ids))"
)


def _has_orphans(session: Session) -> bool:
    """True while FTS5 holds postings of rows gone from article_search (until `articles reindex`)."""
    return bool(session.execute(text("SELECT EXISTS (SELECT 1 FROM article_fts_orphan)")).scalar_one())


def _article_ids(session: Session, doc_ids: Sequence[int]) -> list[str]:
    """The ids of the articles indexed as these doc_ids, in this order."""
    if not doc_ids:
        return []
    rows = session.execute(_ARTICLE_IDS, {"doc_ids": json.dumps(list(doc_ids))})
    articles = dict(rows.tuples().all())
    return [articles[doc_id] for doc_id in doc_ids if doc_id in articles]


def _newest_page(matches: _Matches, limit: int, offset: int, count: bool) -> SearchPage:
    found = matches.newest(limit + 1, offset)
    more = len(found) > limit
    if offset == 0 and not more:  # every match is on the page
        total: int | None = len(found)
    else:
        total = matches.count() if count else None
    return SearchPage(_article_ids(matches.session, found[:limit]), total, more)


def _ranked_page(matches: _Matches, limit: int, offset: int, count: bool) -> SearchPage:
    window = matches.scored()
    ranked = [doc_id for doc_id, _score in sorted(window, key=lambda row: (row[1], -row[0]))]
    doc_ids = ranked[offset : offset + limit]
    more = offset + limit < len(ranked)
    if not more and len(window) == RANK_WINDOW:  # the page ends past the window: older matches follow it
        missing = limit - len(doc_ids)
        oldest = min(doc_id for doc_id, _score in window)
        older = matches.newest(missing + 1, max(0, offset - RANK_WINDOW), before=oldest)
        doc_ids += older[:missing]
        more = len(older) > missing
    if len(window) < RANK_WINDOW:  # the window holds every match
        total: int | None = len(window)
    else:
        total = matches.total(window) if count else None
    return SearchPage(_article_ids(matches.session, doc_ids), total, more)


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
    count: bool = True,
) -> SearchPage:
    """A page by relevance, or newest first, of the articles that match and pass the filters; `total` when
    `count` or when it costs nothing."""
    if filters.impossible:
        return SearchPage([], 0 if count else None, more=False)
    matches = _Matches(session, query, filters, since, until)
    page = _ranked_page if relevance else _newest_page
    return page(matches, limit, offset, count)
