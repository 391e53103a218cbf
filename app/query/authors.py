"""Authors (the sources' names): the list with counts, their slugs, and author filter values resolved."""

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session

from app.query.schemas import Author
from app.store.tables import ARTICLE
from app.text.slugs import slugify


def author_slugs(names: Iterable[str]) -> dict[str, str]:
    """A unique slug per name: its own slug for the first name (in code point order, the same on every
    database) to take it, numbered after that; a name with nothing to slugify gets a hash of itself."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name) or "a-" + hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


def list_authors(*, session: Session) -> list[Author]:
    """Every author with its article count and newest publication, most articles first (then by name)."""
    count = func.count().label("article_count")
    query = (
        select(ARTICLE.c.author, count, func.max(ARTICLE.c.published_at).label("latest"))
        .where(ARTICLE.c.author.is_not(None))
        .group_by(ARTICLE.c.author)
        .order_by(desc(count))
    )
    rows = session.execute(query).all()
    slugs = author_slugs(row.author for row in rows)
    authors = [
        Author(
            name=row.author,
            slug=slugs[row.author],
            article_count=row.article_count,
            latest_published_at=row.latest,
        )
        for row in rows
    ]
    return sorted(authors, key=lambda author: (-author.article_count, author.name))


def author_names(session: Session, values: Sequence[str]) -> tuple[str, ...]:
    """The authors that `author` filter values name: a name as it is, a slug as its author's name. A value
    that names none stays, and matches nothing."""
    if not values:
        return ()
    query = select(ARTICLE.c.author).where(ARTICLE.c.author.in_(values)).distinct()
    names = set(session.execute(query).scalars())
    unknown = [value for value in values if value not in names]
    if unknown:  # slugs, probably: every author's slug is needed to tell which
        every = session.execute(select(ARTICLE.c.author).where(ARTICLE.c.author.is_not(None)).distinct())
        by_slug = {slug: name for name, slug in author_slugs(every.scalars()).items()}
        names |= {by_slug.get(value, value) for value in unknown}
    return tuple(sorted(names))
