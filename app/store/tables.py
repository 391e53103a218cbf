"""The tables, declared once with SQLModel, and exported typed for SQLAlchemy Core (`ARTICLE`, `LINK`,
`CATEGORY`): reads and writes go through those. The response schemas are `app.query.schemas`."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Index, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database. SQLite's driver writes a datetime's wall-clock fields and drops
    its offset, so every value is converted to UTC first; naive values read back are UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # Every time that listings and details read comes through here (two per row of a category page):
        # combine makes the aware value in a quarter of replace(tzinfo=UTC)'s time, and an aware UTC value
        # (as psycopg hands them back) is already what is wanted.
        if value is None or value.tzinfo is UTC:
            return value
        if value.tzinfo is None:
            return datetime.combine(value.date(), value.time(), UTC)
        return value.astimezone(UTC)


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Category(SQLModel, table=True):
    """One node of the Hexo category hierarchy (top category, source, feed)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String, nullable=False))
    slug: str = Field(sa_column=Column(String, nullable=False, unique=True))
    path: str = Field(sa_column=Column(String, nullable=False, unique=True))
    parent_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    )
    article_count: int = Field(default=0)


class ArticleCategory(SQLModel, table=True):
    """Links an article to every level of its category chain, so a parent includes its descendants."""

    __tablename__ = "article_category"
    __table_args__ = (Index("ix_article_category_listing", "category_id", "published_at", "article_id"),)

    article_id: str = Field(
        sa_column=Column(String(16), ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    category_id: int = Field(
        sa_column=Column(ForeignKey("category.id", ondelete="CASCADE"), primary_key=True)
    )
    # Copied from the article so a category listing is one index range scan, newest first.
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Article(SQLModel, table=True):
    """One post: its metadata, the cleaned body and what ingest needs to recognise the file again."""

    __table_args__ = (
        Index("ix_article_published", "published_at", "id"),
        Index("ix_article_author_published", "author", "published_at"),
        Index("ix_article_slug", "slug", unique=True),  # one article per slug (app.store.article_slugs)
    )

    id: str = Field(sa_column=Column(String(16), primary_key=True))
    source_path: str = Field(sa_column=Column(String, nullable=False, unique=True))
    file_path: str = Field(sa_column=Column(String, nullable=False))
    content_hash: str = Field(sa_column=Column(String(32), nullable=False))
    # Size, mtime, ctime and cleaner version of the file when last read (app.ingest.stamp); None: hash it.
    file_stamp: str | None = Field(default=None, sa_column=Column(String(80)))
    slug: str = Field(sa_column=Column(String, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    author: str | None = Field(default=None, sa_column=Column(String))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    categories: list[str] = _json_list()
    image: str | None = Field(default=None, sa_column=Column(Text))
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False))
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    original_title: str | None = Field(default=None, sa_column=Column(Text))
    editor: str | None = Field(default=None, sa_column=Column(String))
    origin: str | None = Field(default=None, sa_column=Column(String))
    byline: str | None = Field(default=None, sa_column=Column(Text))
    source_url: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, sa_column=Column(String(8)))
    images: list[str] = _json_list()
    media: list[str] = _json_list()
    char_count: int = Field(default=0)
    reading_minutes: int = Field(default=0)
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When an ingest last found the title, body, image or author changed; None: not since it was stored.
    content_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DataVersion(SQLModel, table=True):
    """One row counting committed writes, so readers can tell cheaply whether anything changed."""

    __tablename__ = "data_version"

    id: int = Field(primary_key=True)
    version: int = Field(sa_column=Column(BigInteger, nullable=False))
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


# The tables as SQLAlchemy Core sees them, typed: reads and writes use these, not the SQLModel classes.
ARTICLE: Table = SQLModel.metadata.tables["article"]
LINK: Table = SQLModel.metadata.tables["article_category"]
CATEGORY: Table = SQLModel.metadata.tables["category"]
DATA_VERSION: Table = SQLModel.metadata.tables["data_version"]
