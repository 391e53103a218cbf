"""What feed entries carry beyond a summary: the sanitized HTML body, and when the content last changed."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.tables import ARTICLE


@dataclass(frozen=True, slots=True)
class EntryContent:
    """An article's body for a feed reader, and its `updated` time."""

    body_html: str
    updated: datetime


def entry_contents(*, session: Session, ids: Sequence[str]) -> dict[str, EntryContent]:
    """For each article: its HTML body, and when an ingest last saw its content change, else its
    publication (else, undated, when it was first stored: nothing else dates it)."""
    updated = func.coalesce(ARTICLE.c.content_changed_at, ARTICLE.c.published_at, ARTICLE.c.created_at)
    query = select(ARTICLE.c.id, ARTICLE.c.body_html, updated.label("updated")).where(ARTICLE.c.id.in_(ids))
    return {row.id: EntryContent(row.body_html, row.updated) for row in session.execute(query)}
