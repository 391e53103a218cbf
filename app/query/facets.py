"""Facets: counts per category, author and month over every article a listing matches (not just a page)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, desc, func, select
from sqlalchemy.orm import Session

from app.query.schemas import FacetValue
from app.store.backends import backend_of
from app.store.backends.base import Backend
from app.store.tables import ARTICLE, CATEGORY, LINK

FACETS = ("category", "author", "month")
MAX_VALUES = 50  # per facet; the most frequent categories and authors, the newest months


Facets = dict[str, list[dict[str, Any]]]  # per facet, FacetValue's fields (`label` only where it has one)


def _category(ids: Select[Any]) -> Select[Any]:
    count = func.count().label("count")
    return (
        select(CATEGORY.c.slug.label("value"), count, CATEGORY.c.name.label("label"))
        .select_from(LINK.join(CATEGORY, CATEGORY.c.id == LINK.c.category_id))
        .where(LINK.c.article_id.in_(ids))
        .group_by(CATEGORY.c.id, CATEGORY.c.slug, CATEGORY.c.name)
        .order_by(desc(count), CATEGORY.c.slug)
    )


def _author(ids: Select[Any]) -> Select[Any]:
    count = func.count().label("count")
    return (
        select(ARTICLE.c.author.label("value"), count)
        .where(ARTICLE.c.id.in_(ids), ARTICLE.c.author.is_not(None))
        .group_by(ARTICLE.c.author)
        .order_by(desc(count), ARTICLE.c.author)
    )


def _months(ids: Select[Any], backend: Backend) -> Select[Any]:
    month = backend.month(ARTICLE.c.published_at).label("value")
    return (
        select(month, func.count().label("count"))
        .where(ARTICLE.c.id.in_(ids), ARTICLE.c.published_at.is_not(None))
        .group_by(month)
        .order_by(desc(month))
    )


def count_facets(*, session: Session, ids: Select[Any], names: Sequence[str]) -> Facets:
    """For each facet name, its values over the articles whose id `ids` selects, as FacetValue's fields
    (`label` only for categories)."""
    queries = {"category": _category(ids), "author": _author(ids), "month": _months(ids, backend_of(session))}
    return {
        name: [
            FacetValue.model_validate(dict(row)).model_dump(exclude_unset=True)
            for row in session.execute(queries[name].limit(MAX_VALUES)).mappings()
        ]
        for name in names
    }
