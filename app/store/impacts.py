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
(its document frequency, for the idf) and, under the token "", every indexed article.

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

from app.store.backends.base import SEARCH, TITLE_WEIGHT, Indexable, SearchPage, SearchRequest
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

# Millions of rows over a corpus: sent as tuples through the driver's executemany, in its parameter style.
_INSERT_SQL = "INSERT INTO search_impact (token, impact, published, article_id) VALUES ({0}, {0}, {0}, {0})"
_DELETE_SQL = (
    "DELETE FROM search_impact WHERE token = {0} AND impact = {0} AND published = {0} AND article_id = {0}"
)
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_COUNT = text(
    "INSERT INTO search_term (token, articles, floor, listed) VALUES (:token, :articles, 0, :listed) "
    "ON CONFLICT (token) DO UPDATE SET articles = search_term.articles + excluded.articles, "
    "listed = search_term.listed + excluded.listed"
)
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


def add(connection: Connection, articles: Sequence[Indexable]) -> None:
    """List these articles (not listed yet) under their tokens, and count them."""
    if not articles:
        return
    found = [(article, impacts(article.title_tokens, article.body_tokens)) for article in articles]
    tokens = {token for _article, scores in found for token in scores}
    state: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(tokens):
        state.update((row[0], (row[1], row[2])) for row in connection.execute(_STATE, {"tokens": chunk}))
    rows, counts, listed = [], Counter[str](), Counter[str]()
    for article, scores in found:
        published = published_key(article.published_at)
        for token, impact in scores.items():
            counts[token] += 1
            if impact >= state.get(token, (0, 0))[0]:
                rows.append((token, impact, published, article.id))
                listed[token] += 1
    rows.sort()  # in key order, each B-tree page is written once per batch rather than once per row
    _driver_many(connection, _INSERT_SQL, rows)
    _count(connection, counts, listed, len(articles))
    for token, added in listed.items():
        if state.get(token, (0, 0))[1] + added > TRIM_AT:
            _trim(connection, token)


def _driver_many(connection: Connection, statement: str, rows: list[tuple[str, int, int, str]]) -> None:
    if rows:
        sql = statement.format(_PLACEHOLDERS[connection.dialect.paramstyle])
        connection.exec_driver_sql(sql, rows)


def _count(connection: Connection, counts: Counter[str], listed: Counter[str], articles: int) -> None:
    """Add to the tokens' article counts and list lengths, and to the count of every article."""
    rows = [{"token": token, "articles": n, "listed": listed[token]} for token, n in counts.items()]
    rows.append({"token": EVERY_ARTICLE, "articles": articles, "listed": 0})
    connection.execute(_COUNT, rows)


def _trim(connection: Connection, token: str) -> None:
    """Raise the token's floor to its DEPTH-th best impact and drop the rows below it."""
    cut = connection.execute(_CUT, {"token": token, "depth": DEPTH - 1}).scalar()
    if cut is None:
        return
    connection.execute(
        text("DELETE FROM search_impact WHERE token = :token AND impact < :cut"), {"token": token, "cut": cut}
    )
    connection.execute(
        text(
            "UPDATE search_term SET floor = :cut, "
            "listed = (SELECT count(*) FROM search_impact WHERE token = :token) WHERE token = :token"
        ),
        {"token": token, "cut": cut},
    )


def forget(connection: Connection, ids: Sequence[str], version: str) -> None:
    """Unlist and uncount these articles. Their rows are found again from their text and date as indexed,
    so call this before those change; articles indexed by another tokenizer version were never listed."""
    if not ids:
        return
    stored = connection.execute(
        select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.body_text, ARTICLE.c.published_at)
        .join(SEARCH, SEARCH.c.article_id == ARTICLE.c.id)
        .where(ARTICLE.c.id.in_(list(ids)), SEARCH.c.tokenizer_version == version)
    ).all()
    if not stored:
        return
    rows, counts = [], Counter[str]()
    for article_id, title, body, published_at in stored:
        published = published_key(published_at)
        for token, impact in impacts(index_tokens(title), index_tokens(body)).items():
            rows.append((token, impact, published, article_id))
            counts[token] -= 1
    _driver_many(connection, _DELETE_SQL, rows)
    # `listed` is left as it was: it only says when to trim, and a trim counts the list again.
    _count(connection, counts, Counter(), -len(stored))


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
