"""SQLite's fast path for a searched listing: a page costs about its size, not the size of the result.

doc_ids (FTS5 rowids) grow with the publication time, so FTS5 hands out matches newest first without sorting
and stops after the page; `since` and `until` become rowid bounds. Relevance is read off the impact lists
(`app.store.impacts`): the best-ranked articles that match, then the other matches newest first. Filters
other than dates are terms of the same MATCH (`app.store.backends.fts5`), so nothing reads the article
table. Matches are read as doc_ids, and only the page's are looked up in `article_search`; `total` is counted
by FTS5 alone (or is a lone token's article count), and only when asked for and not already known. Both hold
while no orphaned postings (see `app.store.backends.sqlite`) exist: until those are cleared, every read joins
`article_search` to leave them out.
"""

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Result, TextClause, text
from sqlalchemy.orm import Session

from app.store import impacts
from app.store.backends.base import IndexedFilters, SearchPage, SearchRequest
from app.store.backends.fts5 import DATED, SEQUENCE_BITS, doc_id_floor, fts5_expression, fts5_filters
from app.text.query_syntax import SearchQuery


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

    def newest(self, limit: int) -> list[int]:
        """doc_ids of the first `limit` matches, newest first (by second, then by arrival)."""
        found = self._run("article_fts.rowid", "ORDER BY article_fts.rowid DESC LIMIT :limit", limit=limit)
        return list(found.scalars().all())

    def in_second(self, second: int) -> list[int]:
        """doc_ids of the matches published in this second (`doc_id >> SEQUENCE_BITS`; 0: undated)."""
        bounds = "AND article_fts.rowid BETWEEN :low AND :high"
        low, high = second << SEQUENCE_BITS, ((second + 1) << SEQUENCE_BITS) - 1
        return list(self._run("article_fts.rowid", bounds, low=low, high=high).scalars().all())

    def among(self, doc_ids: Sequence[int]) -> set[int]:
        """Which of these doc_ids match. Unary plus: the list is tested on each row, not taken by FTS5 as
        rowid constraints, which it would answer running the MATCH once a value."""
        if not doc_ids:
            return set()
        among = (
            "AND article_fts.rowid BETWEEN :low AND :high "
            "AND +article_fts.rowid IN (SELECT value FROM json_each(:among))"
        )
        low, high = min(doc_ids), max(doc_ids)
        found = self._run("article_fts.rowid", among, low=low, high=high, among=json.dumps(list(doc_ids)))
        return set(found.scalars().all())

    def count(self) -> int:
        """How many articles match (FTS5 alone, unless orphaned postings need the join)."""
        return int(self._run("count(*)").scalar_one())

    def lone_token(self) -> str | None:
        """The search's token when it alone is the MATCH, so that every article listed under it matches
        (with no orphaned postings, no listed article can be gone: a delete behind the loader's back
        leaves one)."""
        if self.filters or self.since is not None or self.until is not None or self.joined:
            return None
        return impacts.lone_token(self.search)


_BY_DATE = text(
    "SELECT s.article_id, a.published_at FROM article_search s JOIN article a ON a.id = s.article_id "
    "WHERE s.doc_id IN (SELECT value FROM json_each(:doc_ids))"
)

_DOC_IDS = text(
    "SELECT article_id, doc_id FROM article_search WHERE article_id IN (SELECT value FROM json_each(:ids))"
)


def _has_orphans(session: Session) -> bool:
    """True while FTS5 holds postings of rows gone from article_search (until `articles reindex`)."""
    return bool(session.execute(text("SELECT EXISTS (SELECT 1 FROM article_fts_orphan)")).scalar_one())


def _doc_ids(session: Session, article_ids: Sequence[str]) -> dict[str, int]:
    """The doc_ids of these articles."""
    if not article_ids:
        return {}
    rows = session.execute(_DOC_IDS, {"ids": json.dumps(list(article_ids))})
    return dict(rows.tuples().all())


def _by_date(session: Session, doc_ids: Sequence[int]) -> list[str]:
    """The ids of the articles indexed as these doc_ids, newest first, then by id descending (undated last),
    as every listing orders them."""
    if not doc_ids:
        return []
    rows = list(session.execute(_BY_DATE, {"doc_ids": json.dumps(list(doc_ids))}).tuples())
    # published_at as stored: one fixed-width text form, so its order is the time's
    rows.sort(key=lambda row: (row[1] is not None, row[1] or "", row[0]), reverse=True)
    return [article_id for article_id, _published in rows]


def _newest(matches: _Matches, start: int, count: int, excluded: Collection[int] = ()) -> list[str]:
    """Article ids of the matches from position `start` to `start + count` (leaving out `excluded`
    doc_ids), newest first, then by id descending.

    doc_ids order the matches by publication second, then by arrival: the seconds at both ends of the window
    are read whole, so that articles of one second are in id order across page boundaries too."""
    found = [doc_id for doc_id in matches.newest(start + count + len(excluded)) if doc_id not in excluded]
    if len(found) <= start:
        return []
    second = found[start] >> SEQUENCE_BITS
    first = next(i for i, doc_id in enumerate(found) if doc_id >> SEQUENCE_BITS == second)
    last = found[-1] >> SEQUENCE_BITS
    window = [doc_id for doc_id in found[first:] if doc_id >> SEQUENCE_BITS != last]
    window += [doc_id for doc_id in matches.in_second(last) if doc_id not in excluded]
    return _by_date(matches.session, window)[start - first : start - first + count]


def _newest_page(matches: _Matches, limit: int, offset: int, count: bool) -> SearchPage:
    found = _newest(matches, offset, limit + 1)
    more = len(found) > limit
    if offset == 0 and not more:  # every match is on the page
        total: int | None = len(found)
    else:
        total = matches.count() if count else None
    return SearchPage(found[:limit], total, more)


def _ranked_page(matches: _Matches, limit: int, offset: int, count: bool) -> SearchPage:
    """The best-ranked articles that match (a phrase, an exclusion or a filter may rule listed ones out),
    then the other matches newest first."""
    session = matches.session
    connection = session.connection()
    listed = impacts.ranked(connection, matches.search)
    doc_ids = _doc_ids(session, listed)  # an article gone behind the index's back has none
    matching = matches.among(list(doc_ids.values()))
    listed = [article_id for article_id in listed if doc_ids.get(article_id) in matching]
    wanted = offset + limit + 1
    page = listed[offset:wanted]
    if len(page) < limit + 1:  # past the ranked articles: the other matches follow, newest first
        skip, missing = max(0, offset - len(listed)), limit + 1 - len(page)
        page += _newest(matches, skip, missing, excluded={doc_ids[article_id] for article_id in listed})
    total: int | None = None
    if count:
        lone = matches.lone_token()
        total = impacts.articles_with(connection, lone) if lone is not None else matches.count()
    return SearchPage(page[:limit], total, len(page) > limit)


def sqlite_search_page(session: Session, request: SearchRequest) -> SearchPage:
    """A page by relevance, or newest first, of the articles that match and pass the filters; `total` when
    `count` or when it costs nothing."""
    if request.filters.impossible:
        return SearchPage([], 0 if request.count else None, more=False)
    matches = _Matches(session, request.query, request.filters, request.since, request.until)
    if request.relevance and matches.lone_token() is not None:
        # One token, nothing else: its impact list is the page, its stored count the total (as on
        # PostgreSQL), unless the page runs past the list.
        listed = impacts.lone_token_page(session.connection(), request)
        if listed is not None:
            return listed
    page = _ranked_page if request.relevance else _newest_page
    return page(matches, request.limit, request.offset, request.count)
