"""What a listing is narrowed by: the request's filters, and the same resolved once per request into the
SQL conditions of the article table and the filters the search index answers. A new filter is a field of
`ArticleFilters` and one more line in each method of `ResolvedFilters`."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.query.authors import author_names
from app.query.category_memo import session_categories
from app.store.backends.base import IndexedFilters
from app.store.tables import ARTICLE, LINK


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """A listing's filters as the request gives them; empty lists and None mean no filter."""

    categories: Sequence[str] = field(default_factory=tuple)
    category_mode: Literal["any", "all"] = "any"
    authors: Sequence[str] = field(default_factory=tuple)  # names or slugs
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    has_image: bool | None = None
    within: str | None = None  # a category slug the article must also be in (the /categories route)
    slugs: Sequence[str] = field(default_factory=tuple)  # article slugs


@dataclass(frozen=True, slots=True)
class ResolvedFilters:
    """The filters with category names and slugs turned into ids (an article passes when it is linked to
    one category of every group), and author slugs into names."""

    category_groups: tuple[tuple[int, ...], ...] = ()
    authors: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    has_image: bool | None = None
    slugs: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, session: Session, filters: ArticleFilters) -> "ResolvedFilters":
        """Resolve every category value of `filters` in one query (a name may name several categories), and
        the author values (a slug names its author)."""
        values = [*filters.categories, *([filters.within] if filters.within else [])]
        ids = _category_ids(session, values) if values else {}
        if filters.category_mode == "all":
            groups = [ids[value] for value in filters.categories]
        else:
            groups = [tuple(sorted({i for value in filters.categories for i in ids[value]}))]
            groups = groups if filters.categories else []
        if filters.within:
            groups.append(ids[filters.within])
        authors = author_names(session, filters.authors)
        slugs = tuple(filters.slugs)
        return cls(tuple(groups), authors, filters.since, filters.until, filters.has_image, slugs)

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions on the article table."""
        conditions = [_in_categories(group) for group in self.category_groups]
        if self.authors:
            conditions.append(ARTICLE.c.author.in_(self.authors))
        if self.since is not None:
            conditions.append(ARTICLE.c.published_at >= self.since)
        if self.until is not None:
            conditions.append(ARTICLE.c.published_at < self.until)
        if self.has_image is not None:
            conditions.append(ARTICLE.c.image.is_not(None) if self.has_image else ARTICLE.c.image.is_(None))
        if self.slugs:
            conditions.append(ARTICLE.c.slug.in_(self.slugs))
        return conditions

    def indexed(self) -> IndexedFilters | None:
        """The filters other than dates, for a search index that holds them (dates bound it otherwise); None
        when a filter the index does not hold is set (slugs: a handful of articles, read from the table)."""
        if self.slugs:
            return None
        return IndexedFilters(self.category_groups, self.authors, self.has_image)

    def one_category(self) -> int | None:
        """The category id when the categories narrow to exactly one, so the link table's slice of it can
        be read instead of the article table."""
        if len(self.category_groups) == 1 and len(self.category_groups[0]) == 1:
            return self.category_groups[0][0]
        return None

    def without_categories(self) -> "ResolvedFilters":
        """The same filters, categories left out."""
        return replace(self, category_groups=())


def _category_ids(session: Session, values: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """For each value, the ids of the categories it is the slug or the name of."""
    memo = session_categories(session)
    return {value: tuple(sorted(memo.matching(value))) for value in values}


def _in_categories(ids: Sequence[int]) -> Any:
    return ARTICLE.c.id.in_(select(LINK.c.article_id).where(LINK.c.category_id.in_(ids)))
