"""Unique, stable article slugs, decided by the writer inside its transaction against the stored ones.

The first article to take a slug keeps it for life (an edited title does not move it: links stay good). A
later article whose title gives a slug already taken gets the slug, a dash and the first 6 characters of its
id (then the whole id, then a number, should even those be taken). Ingest writes in a deterministic order
(files in order, each batch by id), so SQLite and PostgreSQL hand out the same slugs.
"""

from collections.abc import Iterator, Sequence
from itertools import count, islice
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from app.store.tables import ARTICLE

ID_PREFIX = 6


class Slugged(Protocol):
    """What slugs are decided from: an article's id and the slug its title gives."""

    @property
    def id(self) -> str: ...
    @property
    def slug(self) -> str: ...


def candidates(slug: str, article_id: str) -> Iterator[str]:
    """The slugs an article may take, in order of preference."""
    yield slug
    yield f"{slug}-{article_id[:ID_PREFIX]}"
    yield f"{slug}-{article_id}"
    for number in count(2):
        yield f"{slug}-{article_id}-{number}"


def assign_slugs(connection: Connection, records: Sequence[Slugged]) -> dict[str, str]:
    """The slug of each record, by id: a stored article keeps its own, a new one takes the first free
    candidate (records in the given order take theirs first)."""
    likely = {slug for record in records for slug in islice(candidates(record.slug, record.id), 2)}
    query = select(ARTICLE.c.id, ARTICLE.c.slug).where(
        or_(ARTICLE.c.id.in_([record.id for record in records]), ARTICLE.c.slug.in_(likely))
    )
    stored = dict(connection.execute(query).tuples().all())
    taken = set(stored.values())
    slugs: dict[str, str] = {}
    for record in records:
        if record.id in stored:
            slugs[record.id] = stored[record.id]
            continue
        slug = next(s for s in candidates(record.slug, record.id) if not _taken(connection, s, taken, likely))
        taken.add(slug)
        slugs[record.id] = slug
    return slugs


def _taken(connection: Connection, slug: str, taken: set[str], looked_up: set[str]) -> bool:
    """Whether an article holds the slug; the database is asked only about slugs not looked up already."""
    if slug in taken or slug in looked_up:
        return slug in taken
    return connection.execute(select(ARTICLE.c.id).where(ARTICLE.c.slug == slug)).first() is not None
