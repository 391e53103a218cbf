"""Categories: the tree with counts, a category named by its slug or its name, and the slugs of the
categories an article is filed under."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.query.category_memo import session_categories
from app.query.schemas import CategoryNode
from app.store.tables import CATEGORY
from app.text.paths import PATH_SEPARATOR


@dataclass(frozen=True, slots=True)
class CategoryLookup:
    """What a category value names: one category's slug, or none (with the slugs it could mean)."""

    slug: str | None
    candidates: tuple[str, ...] = ()


def find_category(*, session: Session, value: str) -> CategoryLookup:
    """The category whose slug is `value`, else the one category of that name (a name such as 快讯 may name
    several feeds: then no slug, and the candidates' slugs)."""
    found = session_categories(session).named(value)
    if any(category.slug == value for category in found):
        return CategoryLookup(value)
    slugs = tuple(sorted(category.slug for category in found))
    return CategoryLookup(slugs[0]) if len(slugs) == 1 else CategoryLookup(None, slugs)


def category_slugs(*, session: Session, chains: Sequence[Sequence[str]]) -> list[list[str]]:
    """For each chain of category names (top first), the slugs of its categories."""
    memo = session_categories(session)
    return [memo.chain(chain)[0] for chain in chains]


def category_tree(*, session: Session) -> list[CategoryNode]:
    """Every category with its article count, nested under its parent, siblings by name."""
    selected = session.execute(
        select(
            CATEGORY.c.id,
            CATEGORY.c.parent_id,
            CATEGORY.c.name,
            CATEGORY.c.slug,
            CATEGORY.c.path,
            CATEGORY.c.article_count,
        )
    ).all()
    # Sorted here, not in SQL, so the order is the same whatever the database's collation.
    rows = sorted(selected, key=lambda row: (row.name, row.id))
    nodes = {
        row.id: CategoryNode(
            name=row.name,
            slug=row.slug,
            path=row.path.split(PATH_SEPARATOR),
            article_count=row.article_count,
            children=[],
        )
        for row in rows
    }
    roots: list[CategoryNode] = []
    for row in rows:
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[row.id])
    return roots
