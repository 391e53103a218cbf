"""A SearchQuery as SQL, one builder per database: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both give `matching(query)`: a subquery of (article_id, score) for the articles every group matches, lower
scores first; and `excluding(query)`: the ids of articles that an excluded phrase matches.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, cast, column, func, literal_column, or_, select, table
from sqlalchemy.dialects.postgresql import TSQUERY

from app.text.query_syntax import Phrase, SearchQuery

TITLE_WEIGHT = 5.0  # a title match counts this many times a body match
FTS = table("article_fts", column("rowid"))
SEARCH = table(
    "article_search",
    column("doc_id"),
    column("article_id"),
    column("tokenizer_version"),
    column("document"),
    column("stream"),
)


# SQLite: article_fts is a contentless FTS5 table whose rowid is article_search.doc_id.


def _fts5_phrase(phrase: Phrase) -> str:
    quoted = '"' + " ".join(phrase.tokens.tokens) + '"'
    return quoted + " *" if phrase.tokens.prefix else quoted


def _fts5_any(phrases: Iterable[Phrase]) -> str:
    return "(" + " OR ".join(_fts5_phrase(phrase) for phrase in phrases) + ")"


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of the query's groups, minus its exclusions (needs one group)."""
    expression = " AND ".join(_fts5_any(group) for group in query.groups)
    if query.excluded:
        expression += " NOT " + _fts5_any(query.excluded)
    return expression


# FTS5's bm25 of the current row: title weighted, body plain, filter terms not counted.
BM25 = f"bm25(article_fts, {TITLE_WEIGHT}, 1.0, 0.0)"


def bm25() -> Any:
    """BM25 as a column."""
    return literal_column(BM25)


def _fts5_ids(expression: str, *, score: bool) -> Select[Any]:
    columns: list[Any] = [SEARCH.c.article_id]
    if score:
        columns.append(bm25().label("score"))
    return (
        select(*columns)
        .select_from(FTS.join(SEARCH, SEARCH.c.doc_id == FTS.c.rowid))
        .where(literal_column("article_fts").op("MATCH")(expression))
    )


# PostgreSQL: article_search.document is a tsvector (title weight A, body B) with a GIN index, and
# article_search.stream the token stream " title tokens | body tokens ", which decides phrases exactly
# (tsvector positions stop at 16,383 and at 256 per word, so long articles cannot rely on them).


def _lexeme(token: str, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def _tsquery_all(phrase: Phrase) -> str:
    tokens = phrase.tokens.tokens
    last = len(tokens) - 1
    return " & ".join(_lexeme(token, phrase.tokens.prefix and i == last) for i, token in enumerate(tokens))


def _stream_pattern(phrase: Phrase) -> str:
    return " " + " ".join(phrase.tokens.tokens) + ("" if phrase.tokens.prefix else " ")


def _pg_phrase(phrase: Phrase) -> ColumnElement[bool]:
    """Exact: one token is decided by the index, a longer phrase by the stream."""
    if len(phrase.tokens.tokens) == 1:
        return SEARCH.c.document.op("@@")(cast(_tsquery_all(phrase), TSQUERY))
    return func.strpos(SEARCH.c.stream, _stream_pattern(phrase)) > 0


def _pg_candidates(groups: Iterable[Iterable[Phrase]]) -> str:
    """Every token of a phrase, in the same AND/OR shape: a superset the GIN index can find fast."""
    return " & ".join("(" + " | ".join(f"({_tsquery_all(p)})" for p in group) + ")" for group in groups)


def _pg_ids(groups: tuple[tuple[Phrase, ...], ...], *, score: bool) -> Select[Any]:
    candidates = cast(_pg_candidates(groups), TSQUERY)
    columns: list[Any] = [SEARCH.c.article_id]
    if score:
        weights: Any = literal_column(f"'{{0, 0, {1 / TITLE_WEIGHT}, 1}}'::float4[]")
        columns.append((-func.ts_rank(weights, SEARCH.c.document, candidates)).label("score"))
    exact = and_(*(or_(*(_pg_phrase(phrase) for phrase in group)) for group in groups))
    return select(*columns).where(SEARCH.c.document.op("@@")(candidates), exact)


def matching(dialect: str, query: SearchQuery) -> Select[Any] | None:
    """(article_id, score) of the articles the query selects; None when it only excludes."""
    if not query.groups:
        return None
    if dialect == "postgresql":
        ids = _pg_ids(query.groups, score=True)
        if query.excluded:
            ids = ids.where(~or_(*(_pg_phrase(phrase) for phrase in query.excluded)))
        return ids
    return _fts5_ids(fts5_expression(query), score=True)


def excluding(dialect: str, query: SearchQuery) -> Select[Any] | None:
    """Ids of the articles an excluded phrase matches, when the query excludes without selecting."""
    if query.groups or not query.excluded:
        return None
    if dialect == "postgresql":
        return _pg_ids((query.excluded,), score=False)
    return _fts5_ids(_fts5_any(query.excluded), score=False)
