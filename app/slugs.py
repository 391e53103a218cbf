"""URL-safe ASCII slugs: Han characters become pinyin, everything else is folded to a-z0-9 and dashes."""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """`浙江：加快健全` -> `zhe-jiang-jia-kuai-jian-quan`; empty when nothing usable is left."""
    words = lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL, errors="default")
    ascii_text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
