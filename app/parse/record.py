"""The row ingest stores for one article, and the id it is known by."""

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any


def post_path(categories: list[str], key: str) -> str:
    """Where Hexo keeps the post: `<category>/<source>/<feed>/<file name>`, the corpus's own identity of
    an item (a feed cannot hold two items of one title). Without categories: the path below the root."""
    name = PurePosixPath(key).name
    return "/".join([*categories, name]) if categories else key


def article_id(path: str) -> str:
    """The stable public id: 16 hex characters derived from the post's path (see `post_path`)."""
    return hashlib.blake2b(path.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(slots=True)
class ArticleRecord:
    """Everything ingest stores for one article; field names match the article table."""

    id: str
    source_path: str
    file_path: str
    content_hash: str
    slug: str
    title: str
    author: str | None
    published_at: datetime | None
    categories: list[str]
    image: str | None
    excerpt: str
    body_text: str
    body_html: str
    original_title: str | None
    editor: str | None
    byline: str | None
    origin: str | None
    source_url: str | None
    language: str | None
    images: list[str]
    media: list[str]
    char_count: int
    reading_minutes: int
    extra: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    file_stamp: str | None = None  # see app.ingest.stamp
    # Search index tokens, computed in the worker processes so that the single writer only writes.
    title_tokens: str = ""
    body_tokens: str = ""

    def row(self) -> dict[str, Any]:
        """The columns of the article table."""
        return {name: getattr(self, name) for name in STORED}


NOT_STORED = frozenset({"warnings", "title_tokens", "body_tokens"})
STORED = tuple(column.name for column in fields(ArticleRecord) if column.name not in NOT_STORED)
