"""The category hierarchy: find or create each level of an article's chain, with unique slugs."""

import hashlib
import itertools
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.store.tables import CATEGORY
from app.text.paths import category_path
from app.text.slugs import slugify


class CategoryIndex:
    """Path -> (id, slug) of the categories this process has seen; creates the missing ones."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, str]] = {}
        self._slugs: set[str] | None = None

    def ensure(self, connection: Connection, names: Sequence[str]) -> list[int]:
        """Ids of every level of `names` (top first), creating the levels that do not exist yet."""
        ids: list[int] = []
        parent: tuple[int, str] | None = None
        for depth in range(len(names)):
            path = category_path(names[: depth + 1])
            if path not in self._known:
                self._known[path] = self._load_or_create(connection, names[depth], path, parent)
            parent = self._known[path]
            ids.append(parent[0])
        return ids

    def _load_or_create(
        self, connection: Connection, name: str, path: str, parent: tuple[int, str] | None
    ) -> tuple[int, str]:
        query = select(CATEGORY.c.id, CATEGORY.c.slug).where(CATEGORY.c.path == path)
        found = connection.execute(query).first()
        if found is not None:
            return int(found[0]), str(found[1])
        slug = self._free_slug(connection, name, path, parent[1] if parent else None)
        parent_id = parent[0] if parent else None
        values = {"name": name, "slug": slug, "path": path, "parent_id": parent_id, "article_count": 0}
        inserted = connection.execute(CATEGORY.insert().values(values)).inserted_primary_key
        assert inserted is not None
        return int(inserted[0]), slug

    def _free_slug(self, connection: Connection, name: str, path: str, parent_slug: str | None) -> str:
        """The name's slug; prefixed by the parent's when taken (two feeds named 快讯), then numbered."""
        if self._slugs is None:
            self._slugs = set(connection.execute(select(CATEGORY.c.slug)).scalars())
        base = slugify(name) or "c-" + hashlib.blake2b(path.encode(), digest_size=4).hexdigest()
        prefixed = f"{parent_slug}-{base}" if parent_slug else base
        numbered = (f"{prefixed}-{n}" for n in itertools.count(2))
        slug = next(s for s in itertools.chain((base, prefixed), numbered) if s not in self._slugs)
        self._slugs.add(slug)
        return slug
