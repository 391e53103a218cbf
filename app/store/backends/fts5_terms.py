"""Listing filters as FTS5 terms (SQLite): a filtered search is one MATCH, answered from the index alone.

Each indexed article carries, in the `filters` column of `article_fts`, one term per category it is linked to
(every level of the chain), one for its author and one saying whether it has an image. FTS5 intersects these
posting lists with the query's as it does any AND, so `q=出口&category=金融&has_image=true` never reads the
article table. The terms start with "§", which no query token can contain (tokens are runs of word
characters), so a search never matches them by accident.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

MARK = "§"


@dataclass(frozen=True, slots=True)
class IndexedFilters:
    """Filters the index answers: every category group must match one of its ids; empty means no filter."""

    category_groups: Sequence[Sequence[int]] = field(default_factory=tuple)
    authors: Sequence[str] = field(default_factory=tuple)
    has_image: bool | None = None

    @property
    def impossible(self) -> bool:
        """True when a category group names no existing category, so nothing can match."""
        return any(not group for group in self.category_groups)


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


def _any(terms: Iterable[str]) -> str:
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"


def fts5_filters(filters: IndexedFilters) -> list[str]:
    """FTS5 expressions that must all match, one per filter given."""
    expressions = [_any(category_term(i) for i in group) for group in filters.category_groups]
    if filters.authors:
        expressions.append(_any(author_term(author) for author in filters.authors))
    if filters.has_image is not None:
        expressions.append(_any([image_term(filters.has_image)]))
    return expressions
