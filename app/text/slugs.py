"""URL-safe ASCII slugs: Han characters become pinyin, everything else is folded to a-z0-9 and dashes."""

import os
import re
import unicodedata
from functools import cache

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80


def _toneless(reading: str) -> str:
    return unicodedata.normalize("NFKD", reading).encode("ascii", "ignore").decode()


@cache
def _pinyin_table() -> dict[int, str]:
    """Codepoint -> ' pinyin ' (first reading, no tones); per-character lookup is 20x faster than
    pypinyin's phrase segmentation, and a slug does not need the right reading of every polyphone."""
    # Imported here, and without the phrase dictionary (pypinyin's own switch) that its package would
    # otherwise load and train a segmenter on, a third of a second that slugs never use.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin.pinyin_dict import pinyin_dict

    codes = list(pinyin_dict)
    # One NFKD pass over all readings: a newline between them keeps each apart.
    readings = _toneless("\n".join(pinyin_dict[code].split(",")[0] for code in codes)).split("\n")
    return {code: f" {reading} " for code, reading in zip(codes, readings, strict=True)}


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """`浙江：加快健全` -> `zhe-jiang-jia-kuai-jian-quan`; empty when nothing usable is left."""
    romanized = unicodedata.normalize("NFKC", text).translate(_pinyin_table())
    ascii_text = unicodedata.normalize("NFKD", romanized).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
