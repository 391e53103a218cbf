"""Categories: the tree with counts, a category named by its slug or its name, and the slugs of the
categories an article is filed under."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.query.schemas import CategoryNode
from app.store.data_version import current
from app.store.prepared import Prepared
from app.store.tables import CATEGORY, LINK
from app.text.paths import PATH_SEPARATOR, category_path


@dataclass(frozen=True, slots=True)
class CategoryLookup:
    """What a category value names: one category's slug, or none (with the slugs it could mean)."""

    slug: str | None
    candidates: tuple[str, ...] = ()


def find_category(*, session: Session, value: str) -> CategoryLookup:
    """The category whose slug is `value`, else the one category of that name (a name such as 快讯 may name
    several feeds: then no slug, and the candidates' slugs)."""
    query = select(CATEGORY.c.slug, CATEGORY.c.name).where(
        or_(CATEGORY.c.slug == value, CATEGORY.c.name == value)
    )
    rows = session.execute(query).all()
    if any(row.slug == value for row in rows):
        return CategoryLookup(value)
    slugs = tuple(sorted(row.slug for row in rows))
    return CategoryLookup(slugs[0]) if len(slugs) == 1 else CategoryLookup(None, slugs)


def category_slugs(*, session: Session, chains: Sequence[Sequence[str]]) -> list[list[str]]:
    """For each chain of category names (top first), the slugs of its categories, in one query."""
    paths = [[category_path(chain[: depth + 1]) for depth in range(len(chain))] for chain in chains]
    wanted = {path for chain in paths for path in chain}
    if not wanted:
        return [[] for _ in chains]
    query = select(CATEGORY.c.path, CATEGORY.c.slug).where(CATEGORY.c.path.in_(wanted))
    slugs = dict(session.execute(query).tuples().all())
    return [[slugs[path] for path in chain if path in slugs] for chain in paths]


def chain_categories(connection: Connection, chain: Sequence[str]) -> tuple[list[str], int | None]:
    """The slugs of a chain's categories (top first) and the id of its deepest one (the article's feed), in
    one prepared read."""
    paths = [category_path(chain[: depth + 1]) for depth in range(len(chain))]
    if not paths:
        return [], None
    rows = _chain_read(len(paths)).rows(connection, **_numbered(paths))
    found = {path: (slug, ident) for path, slug, ident in rows}
    feed = found.get(paths[-1])
    return [found[path][0] for path in paths if path in found], None if feed is None else int(feed[1])


def _numbered(paths: list[str]) -> dict[str, str]:
    return {f"path{index}": path for index, path in enumerate(paths)}


@lru_cache(maxsize=16)
def _chain_read(length: int) -> Prepared:
    """The categories of a chain of `length` paths (a statement per length: chains are a few levels deep)."""
    wanted = [bindparam(f"path{index}", type_=CATEGORY.c.path.type) for index in range(length)]
    columns = (CATEGORY.c.path, CATEGORY.c.slug, CATEGORY.c.id)
    return Prepared(select(*columns).where(CATEGORY.c.path.in_(wanted)))


# Per database, the article count of a category at a data version: a count reads every entry of the category
# in the link table's index (1.4 ms for 37,000), and a reader paging through a category asks it each page.
_TOTALS: "WeakKeyDictionary[Engine, dict[tuple[int, int], int]]" = WeakKeyDictionary()
_TOTALS_KEPT = 1024
_COUNT = Prepared(select(func.count()).select_from(LINK).where(LINK.c.category_id == bindparam("category")))


def category_total(connection: Connection, category_id: int) -> int:
    """How many articles a category holds (its descendants' included), counted once per data version."""
    # The version is read first: a write committed before the count then files it under an older version,
    # which no later request asks for, never a stale count under the newer one.
    key = (category_id, current(connection))
    totals = _TOTALS.setdefault(connection.engine, {})
    total = totals.get(key)
    if total is None:
        (total,) = _COUNT.first(connection, category=category_id) or (0,)
        if len(totals) >= _TOTALS_KEPT:
            totals.clear()
        totals[key] = total
    return total


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
