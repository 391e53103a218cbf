"""Impact lists: each index token's best articles by BM25, kept at ingest, so that ranking a search is a short
read however many articles match, and the same on every database.

An article's impact for a token is the BM25 term weight of that token in it: the token's frequency (title
occurrences weighted TITLE_WEIGHT times) saturated by k1 and normalised by the article's length against a
fixed average. It is computed here, in Python, once at ingest, and stored as an integer, so SQLite and
PostgreSQL hold the same numbers and sort them alike. The average length is a constant rather than the
corpus's running average so that an impact never changes after its article is written.

`search_impact` holds, per token, every indexed article whose impact is at least the token's `floor`
(`search_term`), ordered by (impact, publication time, id) in its primary key. The floor starts at 0 (every
article listed); when a token's list grows past TRIM_AT rows, the floor rises to the impact of its DEPTH-th
row and the rows below it go. So the first DEPTH rows of a list are always that token's DEPTH best articles,
whatever order the articles were ingested in. `search_term` also counts the articles containing each token
(its document frequency, for the idf) and, under the token "", every indexed article. Both tables are
written through `Lists`, one per write transaction.

A search is ranked (`ranked`) by the sum, over its tokens, of idf times impact, across the DEPTH best
articles of each token: for a query of one token that is its exact top DEPTH by BM25; the matches ranked
below every list follow newest first.
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection

from app.store.backends.base import (
    SEARCH,
    TITLE_WEIGHT,
    Backend,
    Indexable,
    SearchPage,
    SearchRequest,
    driver_statement,
)
from app.store.tables import ARTICLE
from app.text.query_syntax import SearchQuery
from app.text.tokens import index_tokens

K1, B = 1.2, 0.75  # BM25's usual constants
AVERAGE_LENGTH = 1_000  # tokens: a fixed average, so an impact is final when written
SCALE = 1_000  # impacts and idfs are stored and summed as integers: exact, and identical on every database
DEPTH = 100  # how many best articles of each token are ranked (five pages of 20)
TRIM_AT = 3 * DEPTH  # a list is trimmed back to DEPTH past this: a few trims per token over a whole corpus
EVERY_ARTICLE = ""  # search_term's row counting the indexed articles (no token is empty)
UNDATED = -(2**62)  # the publication key of an undated article: after every dated one, newest first
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CHUNK = 2_000  # tokens per IN list

_IMPACT_COLUMNS = ("token", "impact", "published", "article_id")
# A forgotten article's rows, as tuples through the driver's executemany, in its parameter style.
_DELETE_SQL = (
    "DELETE FROM search_impact WHERE token = {0} AND impact = {0} AND published = {0} AND article_id = {0}"
)
_WRITE_TERMS = text(
    "INSERT INTO search_term (token, articles, floor, listed) VALUES (:token, :articles, :floor, :listed) "
    "ON CONFLICT (token) DO UPDATE SET articles = search_term.articles + excluded.articles, "
    "floor = excluded.floor, listed = excluded.listed"
)
_DROP = text("DELETE FROM search_impact WHERE token = :token AND impact >= :floor AND impact < :cut")
_LISTED = text("SELECT count(*) FROM search_impact WHERE token = :token AND impact >= :cut")
_STATE = text("SELECT token, floor, listed FROM search_term WHERE token IN :tokens").bindparams(
    bindparam("tokens", expanding=True)
)
_BEST = text(
    "SELECT article_id, impact, published FROM search_impact WHERE token = :token "
    "ORDER BY impact DESC, published DESC, article_id DESC LIMIT :limit"
)
_CUT = text(
    "SELECT impact FROM search_impact WHERE token = :token "
    "ORDER BY impact DESC, published DESC, article_id DESC LIMIT 1 OFFSET :depth"
)
_ARTICLES = text("SELECT articles FROM search_term WHERE token = :token")
_FREQUENCIES = text("SELECT token, articles FROM search_term WHERE token IN :tokens").bindparams(
    bindparam("tokens", expanding=True)
)


def impacts(title_tokens: str, body_tokens: str) -> dict[str, int]:
    """Each distinct token's impact in an article of these (space-joined) tokens."""
    title, body = title_tokens.split(), body_tokens.split()
    frequency: dict[str, float] = dict(Counter(body))
    for token in title:
        frequency[token] = frequency.get(token, 0) + TITLE_WEIGHT
    norm = K1 * (1 - B + B * (len(title) + len(body)) / AVERAGE_LENGTH)
    return {token: round(SCALE * f * (K1 + 1) / (f + norm)) for token, f in frequency.items()}


def idf(articles: int, total: int) -> int:
    """BM25's idf (the form that stays positive for a token in most articles), scaled to an integer."""
    return round(SCALE * math.log(1 + (total - articles + 0.5) / (articles + 0.5)))


def published_key(moment: datetime | None) -> int:
    """Microseconds since 1970 (UNDATED for None): an integer both databases order alike."""
    if moment is None:
        return UNDATED
    return (moment.replace(tzinfo=moment.tzinfo or UTC) - _EPOCH) // timedelta(microseconds=1)


def _chunks(tokens: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(tokens)
    return (ordered[start : start + _CHUNK] for start in range(0, len(ordered), _CHUNK))


class Lists:
    """The impact lists' upkeep within one write transaction, over any number of batches.

    Each token's floor and list length are read from search_term once, then kept here; article counts add up
    here; search_term is written once, by `flush`, before the transaction ends. A rebuild of many batches so
    reads and rewrites each common token's row once rather than once per batch (on PostgreSQL, each rewrite
    left a dead row version that later reads in the same transaction stepped over). Sound because the writer
    lock (`Backend.lock_for_writing`) makes this transaction the only one writing them.
    """

    def __init__(self, connection: Connection, backend: Backend, *, emptied: bool = False) -> None:
        self.connection, self.backend = connection, backend
        self._emptied = emptied  # after `clear`: no token has a row to read
        self._state: dict[str, list[int]] = {}  # token -> [floor, listed], as search_term will hold them
        self._articles = Counter[str]()  # token -> change in its article count, not yet written

    def add(self, articles: Sequence[Indexable]) -> None:
        """List these articles (not listed yet) under their tokens, and count them."""
        if not articles:
            return
        found = [(article, impacts(article.title_tokens, article.body_tokens)) for article in articles]
        self._load({token for _article, scores in found for token in scores})
        rows, listed = [], Counter[str]()
        for article, scores in found:
            published = published_key(article.published_at)
            for token, impact in scores.items():
                self._articles[token] += 1
                if impact >= self._state[token][0]:
                    rows.append((token, impact, published, article.id))
                    listed[token] += 1
        self._articles[EVERY_ARTICLE] += len(articles)
        rows.sort()  # in key order, each B-tree page is written once per batch rather than once per row
        self.backend.insert_rows(self.connection, "search_impact", _IMPACT_COLUMNS, rows)
        for token, added in listed.items():
            state = self._state[token]
            state[1] += added
            if state[1] > TRIM_AT:
                self._trim(token, state)

    def forget(self, ids: Sequence[str], version: str) -> None:
        """Unlist and uncount these articles. Their rows are found again from their text and date as
        indexed, so call this before those change; articles indexed by another tokenizer version were never
        listed. A list's length is left as it was: it only says when to trim, and a trim counts again."""
        if not ids:
            return
        stored = self.connection.execute(
            select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.body_text, ARTICLE.c.published_at)
            .join(SEARCH, SEARCH.c.article_id == ARTICLE.c.id)
            .where(ARTICLE.c.id.in_(list(ids)), SEARCH.c.tokenizer_version == version)
        ).all()
        if not stored:
            return
        rows = []
        for article_id, title, body, published_at in stored:
            published = published_key(published_at)
            for token, impact in impacts(index_tokens(title), index_tokens(body)).items():
                rows.append((token, impact, published, article_id))
                self._articles[token] -= 1
        self._articles[EVERY_ARTICLE] -= len(stored)
        if rows:  # none for an article without a token
            self.connection.exec_driver_sql(driver_statement(self.connection, _DELETE_SQL), rows)

    def flush(self) -> None:
        """Write the counts, floors and list lengths kept since the last flush to search_term."""
        if not self._articles:
            return
        self._load(set(self._articles))
        rows = [
            {
                "token": token,
                "articles": change,
                "floor": self._state[token][0],
                "listed": self._state[token][1],
            }
            for token, change in self._articles.items()
        ]
        self.connection.execute(_WRITE_TERMS, rows)
        self._articles.clear()

    def _load(self, tokens: set[str]) -> None:
        """Read the floor and list length of the tokens not known yet (0 and 0 for a token never seen)."""
        unknown = [token for token in tokens if token not in self._state]
        for token in unknown:
            self._state[token] = [0, 0]
        if self._emptied:
            return
        for chunk in _chunks(unknown):
            for token, floor, listed in self.connection.execute(_STATE, {"tokens": chunk}):
                self._state[token] = [floor, listed]

    def _trim(self, token: str, state: list[int]) -> None:
        """Raise the token's floor to its DEPTH-th best impact and drop the rows below it."""
        cut = self.connection.execute(_CUT, {"token": token, "depth": DEPTH - 1}).scalar()
        if cut is None:
            return
        # Both statements read from a bound up: the rows below the old floor went at earlier trims, and in a
        # long transaction their index entries are still there to step over.
        self.connection.execute(_DROP, {"token": token, "floor": state[0], "cut": cut})
        state[0], state[1] = cut, self.connection.execute(_LISTED, {"token": token, "cut": cut}).scalar_one()


def clear(connection: Connection) -> None:
    """Empty the lists and the counts (before every article is indexed again)."""
    connection.execute(text("DELETE FROM search_impact"))
    connection.execute(text("DELETE FROM search_term"))


def ranking_tokens(query: SearchQuery) -> list[str]:
    """The whole tokens of the phrases a search selects by (a prefix token has no list of its own)."""
    tokens: dict[str, None] = {}
    for group in query.groups:
        for phrase in group:
            whole = phrase.tokens.tokens[:-1] if phrase.tokens.prefix else phrase.tokens.tokens
            tokens.update(dict.fromkeys(whole))
    return list(tokens)


def lone_token(query: SearchQuery) -> str | None:
    """The token when the search is exactly one whole token: then every listed article matches it."""
    if len(query.groups) != 1 or len(query.groups[0]) != 1 or query.excluded:
        return None
    tokens = query.groups[0][0].tokens
    return tokens.tokens[0] if len(tokens.tokens) == 1 and not tokens.prefix else None


def articles_with(connection: Connection, token: str) -> int:
    """How many indexed articles contain the token."""
    found = connection.execute(_ARTICLES, {"token": token}).scalar()
    return int(found or 0)


def lone_token_page(connection: Connection, request: SearchRequest) -> SearchPage | None:
    """A page by relevance of a search that is one whole token (filters are the caller's business), read
    off the token's list, with its stored article count as `total`; None when the page runs past the list
    (the matches below it follow newest first: the caller reads them)."""
    token = lone_token(request.query)
    if token is None:
        return None
    end = request.offset + request.limit
    listed = ranked(connection, request.query, end + 1)
    total = articles_with(connection, token)
    if len(listed) <= end and len(listed) < total:
        return None
    return SearchPage(listed[request.offset : end], total if request.count else None, more=total > end)


def ranked(connection: Connection, query: SearchQuery, depth: int = DEPTH) -> list[str]:
    """Ids of the best articles for the search by summed idf x impact over the best `depth` (at most DEPTH)
    of each token's list, best first, ties newest first then by id (descending). They are not checked
    against the search: a phrase or a filter may still rule some out."""
    tokens, limit = ranking_tokens(query), min(depth, DEPTH)
    if len(tokens) == 1:  # one token: its list is already in that order
        return [row[0] for row in connection.execute(_BEST, {"token": tokens[0], "limit": limit})]
    frequencies = dict(connection.execute(_FREQUENCIES, {"tokens": [*tokens, EVERY_ARTICLE]}).tuples().all())
    total = frequencies.get(EVERY_ARTICLE, 0)
    scores: Counter[str] = Counter()
    published: dict[str, int] = {}
    for token in tokens:
        weight = idf(frequencies.get(token, 0), total)
        for article_id, impact, key in connection.execute(_BEST, {"token": token, "limit": limit}):
            scores[article_id] += weight * impact
            published[article_id] = key
    order = {article_id: (score, published[article_id], article_id) for article_id, score in scores.items()}
    return sorted(order, key=order.__getitem__, reverse=True)
