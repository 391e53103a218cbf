"""One file's bytes -> the row ingest stores (pure: no database, safe to run in worker processes)."""

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from app.ingest import frontmatter_split, metadata
from app.ingest.clean import CleanBody, clean_body, detect_language, is_placeholder_image, make_excerpt
from app.ingest.clean import reading_minutes as count_reading_minutes
from app.ingest.reader import decode
from app.slugs import slugify


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
    source_url: str | None
    language: str | None
    images: list[str]
    media: list[str]
    char_count: int
    reading_minutes: int
    extra: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The columns of the article table."""
        return {
            column.name: getattr(self, column.name) for column in fields(self) if column.name != "warnings"
        }


def build_record(data: bytes, *, key: str, file_path: str, digest: str, zone: ZoneInfo) -> ArticleRecord:
    """Decode, split, normalize and clean one file; raises UnreadableFile with a one-line reason."""
    meta, body, warnings = frontmatter_split.split(decode(data))
    title = metadata.clean_title(meta.get("title"), fallback=PurePosixPath(key).stem)
    categories = metadata.clean_categories(meta.get("categories"))
    published_at, date_warning = metadata.parse_date(meta.get("date"), zone)
    if date_warning:
        warnings.append(date_warning)
    cleaned = clean_body(_unescape_braces(body), categories=categories)
    header = metadata.clean_text_field(meta.get("headimg")) or metadata.clean_text_field(
        meta.get("thumbnail")
    )
    images = _images(header, cleaned)
    source_path = post_path(categories, key)
    return ArticleRecord(
        id=article_id(source_path),
        source_path=source_path,
        file_path=file_path,
        content_hash=digest,
        slug=slugify(title),
        title=title,
        author=metadata.clean_text_field(meta.get("author")),
        published_at=published_at,
        categories=categories,
        image=next((url for url in images if not is_placeholder_image(url)), None),
        excerpt=make_excerpt(cleaned.body_text),
        body_text=cleaned.body_text,
        body_html=cleaned.body_html,
        original_title=cleaned.original_title,
        editor=cleaned.editor,
        byline=cleaned.byline,
        source_url=cleaned.source_url,
        language=detect_language(f"{title}\n{cleaned.body_text}"),
        images=images,
        media=list(cleaned.media),
        char_count=len(cleaned.body_text),
        reading_minutes=count_reading_minutes(cleaned.body_text),
        extra=metadata.extra_fields(meta),
        warnings=warnings,
    )


def _unescape_braces(body: str) -> str:
    # The crawler escaped every brace; other entities are left for the HTML parser to decode.
    return body.replace("&#123;", "{").replace("&#125;", "}")


def _images(header: str | None, cleaned: CleanBody) -> list[str]:
    """Header image first, then the body's, de-duplicated in order."""
    ordered = ([header] if header and header.startswith(("http://", "https://", "//")) else []) + list(
        cleaned.images
    )
    ordered = [("https:" + url) if url.startswith("//") else url for url in ordered]
    return list(dict.fromkeys(ordered))
