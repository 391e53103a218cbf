"""SQLite's search index in FTS5 terms: MATCH expressions of a search, and the filter terms every article is
indexed with.

`article_fts` is a contentless FTS5 table whose rowid is `article_search.doc_id`. Besides title and body
tokens, each indexed article carries, in its `filters` column, one term per category it is linked to (every
level of the chain), one for its author and one saying whether it has an image. FTS5 intersects these
posting lists with the query's as it does any AND, so `q=出口&category=金融&has_image=true` never reads the
article table. The terms start with "§", which no query token can contain (tokens are runs of word
characters), so a search never matches them by accident.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, column, literal_column, select, table, text
from sqlalchemy.engine import Connection

from app.store.backends.base import SEARCH, IndexedFilters
from app.text.query_syntax import Phrase, SearchQuery

MARK = "§"
FTS = table("article_fts", column("rowid"))


def _fts5_phrase(phrase: Phrase) -> str:
    quoted = '"' + " ".join(phrase.tokens.tokens) + '"'
    return quoted + " *" if phrase.tokens.prefix else quoted


def fts5_any(phrases: Iterable[Phrase]) -> str:
    """The expression matching any of the phrases."""
    return "(" + " OR ".join(_fts5_phrase(phrase) for phrase in phrases) + ")"


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of the query's groups, minus its exclusions (needs one group)."""
    expression = " AND ".join(fts5_any(group) for group in query.groups)
    if query.excluded:
        expression += " NOT " + fts5_any(query.excluded)
    return expression


def fts5_ids(expression: str) -> Select[Any]:
    """article_id of the rows matching the expression."""
    return (
        select(SEARCH.c.article_id)
        .select_from(FTS.join(SEARCH, SEARCH.c.doc_id == FTS.c.rowid))
        .where(literal_column("article_fts").op("MATCH")(expression))
    )


def category_term(category_id: int) -> str:
    """The term of articles linked to this category."""
    return f"{MARK}c{category_id}"


def author_term(author: str) -> str:
    """The term of articles by exactly this author (hex, so any string is one exact token)."""
    return f"{MARK}a{author.encode().hex()}"


def image_term(has_image: bool) -> str:
    """The term of articles with (or without) an image."""
    return f"{MARK}img{int(has_image)}"


def filter_terms(category_ids: Iterable[int], author: str | None, has_image: bool) -> str:
    """The space-joined terms an article is indexed with."""
    terms = [category_term(category_id) for category_id in sorted(set(category_ids))]
    if author is not None:
        terms.append(author_term(author))
    terms.append(image_term(has_image))
    return " ".join(terms)


def stored_filter_terms(connection: Connection, ids: Sequence[str]) -> dict[str, str]:
    """The filter terms of these articles as the database holds them now (links written first)."""
    if not ids:
        return {}
    articles = connection.execute(
        text("SELECT id, author, image IS NOT NULL FROM article WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": list(ids)},
    ).all()
    links: dict[str, list[int]] = {}
    for article_id, category_id in connection.execute(
        text("SELECT article_id, category_id FROM article_category WHERE article_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"ids": list(ids)},
    ):
        links.setdefault(article_id, []).append(category_id)
    return {row[0]: filter_terms(links.get(row[0], ()), row[1], bool(row[2])) for row in articles}


def _any_term(terms: Iterable[str]) -> str:
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"


def fts5_filters(filters: IndexedFilters) -> list[str]:
    """FTS5 expressions that must all match, one per filter given."""
    expressions = [_any_term(category_term(i) for i in group) for group in filters.category_groups]
    if filters.authors:
        expressions.append(_any_term(author_term(author) for author in filters.authors))
    if filters.has_image is not None:
        expressions.append(_any_term([image_term(filters.has_image)]))
    return expressions


# doc_ids grow with the publication time, so FTS5 hands out matches newest first without sorting: the
# publication second above SEQUENCE_BITS, a sequence kept in the database below.
SEQUENCE_BITS = 22
DATED = 1 << SEQUENCE_BITS  # doc_ids below this belong to undated articles


def doc_id_floor(moment: datetime | None) -> int:
    """The smallest doc_id of an article published at `moment` (or undated, for None)."""
    if moment is None:
        return 0
    seconds = int(moment.replace(tzinfo=moment.tzinfo or UTC).timestamp())
    return (max(0, seconds) + 1) << SEQUENCE_BITS


def new_doc_ids(connection: Connection, published: Sequence[datetime | None]) -> list[int]:
    """doc_ids for articles published at these times: their second, then the sequence's next numbers."""
    start = connection.execute(text("SELECT next FROM article_search_sequence")).scalar_one()
    connection.execute(
        text("UPDATE article_search_sequence SET next = :next"), {"next": start + len(published)}
    )
    mask = DATED - 1
    return [doc_id_floor(moment) | ((start + offset) & mask) for offset, moment in enumerate(published)]
