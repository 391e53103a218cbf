"""The category table and per-category article counts, kept in memory per data version.

Every listing and detail names categories: the slugs of an article's chain, the category a path or a value
names, how many articles a category holds. The table is small (a few dozen rows for a whole corpus) and
changes only when an ingest commits, so each process reads it once per data version instead of querying
it on every request; a count (which reads a category's whole range of the link table's index, 1.4 ms for
37,000 articles) is made once per version too. The version is read before the table or a count: a write
committed in between files what was read under an older version, which no later request asks for, never
stale values under the newer one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.store.data_version import current
from app.store.prepared import Prepared, read_connection
from app.store.tables import CATEGORY, LINK
from app.text.paths import category_path

_ROWS = Prepared(select(CATEGORY.c.id, CATEGORY.c.slug, CATEGORY.c.name, CATEGORY.c.path))
_COUNT = Prepared(select(func.count()).select_from(LINK).where(LINK.c.category_id == bindparam("category")))


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    slug: str
    name: str
    path: str


@dataclass(slots=True)
class CategoryMemo:
    """The categories of one data version, by path, slug and name, and the counts asked for so far."""

    version: int
    by_path: dict[str, Category]
    by_slug: dict[str, Category]
    by_name: dict[str, list[Category]]
    totals: dict[int, int] = field(default_factory=dict)
    # Chains resolved so far: a listing page resolves 20, drawn from the few dozen feeds' chains.
    chains: dict[tuple[str, ...], tuple[tuple[str, ...], Category | None]] = field(default_factory=dict)

    @classmethod
    def read(cls, connection: Connection, version: int) -> "CategoryMemo":
        categories = [Category(*row) for row in _ROWS.rows(connection)]
        by_name: dict[str, list[Category]] = {}
        for category in categories:
            by_name.setdefault(category.name, []).append(category)
        by_path = {category.path: category for category in categories}
        return cls(version, by_path, {category.slug: category for category in categories}, by_name)

    def named(self, value: str) -> list[Category]:
        """The category whose slug is `value`, else those named `value` (what a route's category names)."""
        found = self.by_slug.get(value)
        return [found] if found is not None else self.by_name.get(value, [])

    def matching(self, value: str) -> set[int]:
        """The ids of every category whose slug or name is `value` (what a `category` filter takes)."""
        ids = {category.id for category in self.by_name.get(value, [])}
        by_slug = self.by_slug.get(value)
        if by_slug is not None:
            ids.add(by_slug.id)
        return ids

    def chain(self, names: Sequence[str]) -> tuple[list[str], Category | None]:
        """The slugs of a chain's categories (names top first), and its deepest category (an article's
        feed) when it exists."""
        key = tuple(names)
        found = self.chains.get(key)
        if found is None:
            paths = [category_path(names[: depth + 1]) for depth in range(len(names))]
            slugs = tuple(self.by_path[path].slug for path in paths if path in self.by_path)
            found = self.chains[key] = slugs, self.by_path.get(paths[-1]) if paths else None
        return list(found[0]), found[1]

    def total(self, connection: Connection, category_id: int) -> int:
        """How many articles the category holds (its descendants' included)."""
        total = self.totals.get(category_id)
        if total is None:
            (total,) = _COUNT.first(connection, category=category_id) or (0,)
            self.totals[category_id] = total
        return total


_MEMOS: "WeakKeyDictionary[Engine, CategoryMemo]" = WeakKeyDictionary()


def session_categories(session: Session) -> CategoryMemo:
    """`category_memo` as of the session's first use of it: a request's reads agree on one version, and
    ask for it once."""
    memo: CategoryMemo | None = session.info.get("categories")
    if memo is None:
        memo = session.info["categories"] = category_memo(read_connection(session))
    return memo


def category_memo(connection: Connection, version: int | None = None) -> CategoryMemo:
    """The categories as of the data version current now (or of `version`, read by the caller with the
    rows it serves)."""
    version = current(connection) if version is None else version
    memo = _MEMOS.get(connection.engine)
    if memo is None or memo.version != version:
        memo = _MEMOS[connection.engine] = CategoryMemo.read(connection, version)
    return memo
