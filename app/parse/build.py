"""One file's bytes -> its ArticleRecord (pure: no database, safe to run in worker processes)."""

from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from app.clean.cleaner import CleanBody, clean_body, detect_language, is_placeholder_image, make_excerpt
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
    record = explain(data, key=key, file_path=file_path, digest=digest, zone=zone)[0]
    record.file_stamp = file_stamp
    return record


def explain(
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
    cleaned = clean_body(_unescape_braces(body), categories=categories)
    header = metadata.clean_text_field(meta.get("headimg")) or metadata.clean_text_field(
        meta.get("thumbnail")
    )
    images = _images(header, cleaned)
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
        image=next((url for url in images if not is_placeholder_image(url)), None),
        excerpt=make_excerpt(" ".join(cleaned.paragraphs)),  # one line for listings
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
        title_tokens=index_tokens(title),
        body_tokens=index_tokens(cleaned.body_text),
    )
    return record, cleaned


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
