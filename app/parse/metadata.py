"""Front-matter values -> normalized titles, categories, dates, images and extra keys."""

import html
import math
import re
import unicodedata
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from app.text.paths import category_path

# Keys this project understands; everything else is kept verbatim in `extra`.
KNOWN_KEYS = frozenset({"title", "categories", "headimg", "author", "comments", "date", "thumbnail"})
_SPACES = re.compile(r"\s+")
# Categories and the author are index keys. PostgreSQL's B-tree entries hold at most 2,704 bytes, so a longer
# value (never seen in a real post) must fail its own file, not the batch it would be written in.
MAX_KEY_BYTES = 2000
_MARKUP = re.compile(r"<[A-Za-z/!?]")


def strip_markup(value: str) -> str:
    """Text of a front-matter value that smuggles HTML (`<script>` and all), since clients show it as text.
    The crawler turned `<` and `>` of real titles into `_`, so markup here is never meant literally."""
    if _MARKUP.search(value) is None:
        return value
    tree = LexborHTMLParser(f"<body>{value}</body>")
    tree.strip_tags(["script", "style", "template", "noscript"])
    return tree.body.text(separator=" ") if tree.body is not None else ""


def unescape(value: str) -> str:
    """Decode the crawler's `&#123;`/`&#125;` and any other HTML entity, then NFC. A NUL (YAML's `"\\0"`)
    goes: it means nothing in text, and PostgreSQL cannot store it."""
    if "\0" in value:
        value = value.replace("\0", "")
    return (
        unicodedata.normalize("NFC", html.unescape(value))
        if "&" in value
        else unicodedata.normalize("NFC", value)
    )


def clean_title(value: Any, fallback: str) -> str:
    """The title on one line, entities decoded; the file name when there is none."""
    title = _SPACES.sub(" ", strip_markup(unescape(str(value)))).strip() if value is not None else ""
    return title or _SPACES.sub(" ", unicodedata.normalize("NFC", fallback)).strip()


def clean_text_field(value: Any) -> str | None:
    """A short scalar field (author, image URL) as a stripped string, or None when empty."""
    if value is None or isinstance(value, dict | list):
        return None
    text = strip_markup(unescape(str(value))).strip()
    return text or None


def clean_categories(value: Any) -> list[str]:
    """Hexo categories as a flat list, parent first: accepts a list, nested lists, a string or a number."""
    names: list[str] = []
    _flatten(value, names)
    return names


def key_too_long(categories: list[str], author: str | None) -> str | None:
    """Why these values cannot be stored (they are index keys), or None when they can."""
    hierarchy = len(category_path(categories).encode())  # the longest key: the post path is shorter
    if hierarchy > MAX_KEY_BYTES:
        return f"categories too long: {hierarchy:,} bytes as a hierarchy, {MAX_KEY_BYTES:,} at most"
    if author is not None and (size := len(author.encode())) > MAX_KEY_BYTES:
        return f"author too long: {size:,} bytes, {MAX_KEY_BYTES:,} at most"
    return None


def _flatten(value: Any, into: list[str]) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _flatten(item, into)
        return
    if isinstance(value, dict):  # `- parent: child` is YAML for a one-key mapping
        for key, item in value.items():
            _flatten(key, into)
            _flatten(item, into)
        return
    name = _SPACES.sub(" ", strip_markup(unescape(str(value)))).strip()
    if name and name not in into:
        into.append(name)


def parse_date(value: Any, zone: ZoneInfo) -> tuple[datetime | None, str | None]:
    """An aware UTC datetime from any of the corpus's date forms, plus a warning when there is none."""
    if value is None or value == "":
        return None, "no date"
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        parsed = _parse_date_text(str(value).strip())
    if parsed is None:
        return None, f"unreadable date {str(value).strip()[:40]!r} stored as null"
    try:
        return _aware(parsed, zone), None
    except (OverflowError, ValueError):
        return None, f"date {str(value)[:40]!r} is out of range; stored as null"


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def extra_fields(metadata: dict[str, Any]) -> dict[str, Any]:
    """Front-matter keys we do not interpret, as JSON-safe values, so nothing is lost."""
    return {str(key): _json_safe(value) for key, value in metadata.items() if key not in KNOWN_KEYS}


def _json_safe(value: Any) -> Any:
    if isinstance(value, str):
        return unescape(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        # JSON has no infinity or NaN (YAML's .inf, .nan, 1.0e+999) and PostgreSQL rejects them: text instead.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(item) for item in value]
    return str(value)
