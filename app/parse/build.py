"""One file's bytes -> its ArticleRecord (pure: no database, safe to run in worker processes)."""

from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from app.clean.cleaner import CleanBody, clean_body, detect_language, make_excerpt, real_image
from app.clean.cleaner import reading_minutes as count_reading_minutes
from app.parse import front_matter, metadata
from app.parse.decode import UnreadableFile, decode
from app.parse.record import ArticleRecord, article_id, post_path
from app.text.slugs import slugify
from app.text.tokens import index_tokens


def build_record(
    data: bytes, *, key: str, file_path: str, digest: str, zone: ZoneInfo, file_stamp: str | None = None
) -> ArticleRecord:
    """Decode, split, normalize and clean one file; raises UnreadableFile with a one-line reason."""
    record = build_record_with_cleaning(data, key=key, file_path=file_path, digest=digest, zone=zone)[0]
    record.file_stamp = file_stamp
    return record


def build_record_with_cleaning(
    data: bytes, *, key: str, file_path: str, digest: str, zone: ZoneInfo
) -> tuple[ArticleRecord, CleanBody]:
    """The record and the cleaner's full answer (with what it dropped and why), for `articles inspect`."""
    meta, body, warnings = front_matter.split(decode(data))
    title = metadata.clean_title(meta.get("title"), fallback=PurePosixPath(key).stem)
    categories = metadata.clean_categories(meta.get("categories"))
    author = metadata.clean_text_field(meta.get("author"))
    problem = metadata.key_too_long(categories, author)
    if problem is not None:
        raise UnreadableFile(problem)
    published_at, date_warning = metadata.parse_date(meta.get("date"), zone)
    if date_warning:
        warnings.append(date_warning)
    cleaned = clean_body(_unescape_braces(body), categories=categories, title=title)
    images = _images(meta, cleaned)
    source_path = post_path(categories, key)
    record = ArticleRecord(
        id=article_id(source_path),
        source_path=source_path,
        file_path=file_path,
        content_hash=digest,
        slug=slugify(title) or article_id(source_path),
        title=title,
        author=author,
        published_at=published_at,
        categories=categories,
        image=images[0] if images else None,
        excerpt=make_excerpt(" ".join(cleaned.paragraphs)),  # one line for listings
        body_text=cleaned.body_text,
        body_html=cleaned.body_html,
        original_title=cleaned.original_title,
        editor=cleaned.editor,
        byline=cleaned.byline,
        origin=cleaned.origin,
        source_url=cleaned.source_url,
        language=detect_language(f"{title}\n{cleaned.body_text}"),
        images=images,
        media=list(cleaned.media),
        char_count=len(cleaned.body_text),
        reading_minutes=count_reading_minutes(cleaned.body_text),
        extra=metadata.extra_fields(meta),
        warnings=warnings,
        title_tokens=index_tokens(title),
        body_tokens=index_tokens(cleaned.body_text),
    )
    return record, cleaned


def _unescape_braces(body: str) -> str:
    # The crawler escaped every brace; other entities are left for the HTML parser to decode.
    return body.replace("&#123;", "{").replace("&#125;", "}")


def _images(meta: dict[str, Any], cleaned: CleanBody) -> list[str]:
    """The first real header image (headimg, else thumbnail), then the body's, de-duplicated in order.
    Crawler defaults and generic logos are no header; a proxied one is its original."""
    headers = (real_image(metadata.clean_text_field(meta.get(key))) for key in ("headimg", "thumbnail"))
    header = next((url for url in headers if url is not None), None)
    return list(dict.fromkeys(([header] if header else []) + list(cleaned.images)))
