"""Small string helpers shared by the cleaner's stages."""

import re

# Characters that only indent or pad a line; stripped at line starts and ends.
PAD_CHARS = (
    " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u202f\u205f\u3000\ufeff"
)

# Collapsible whitespace as a browser sees it, plus nbsp and the wide spaces (U+3000 between two names),
# which stored text normalizes to one plain space.
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Control and invisible characters that never belong in stored text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")
_TAG = re.compile(r"<[^>]*>")
_SRC = re.compile(r"""src=["']?([^"'\s>]+)""")
_WORD_CHAR = re.compile(r"[^\W_]")

PREVIEW_LIMIT = 80


def collapse(text: str) -> str:
    """Collapse HTML whitespace runs to one space and drop invisible characters."""
    return _COLLAPSIBLE.sub(" ", _INVISIBLE.sub("", text))


def strip_invisible(text: str) -> str:
    """Drop control and zero-width characters (tabs and newlines stay)."""
    return _INVISIBLE.sub("", text)


def has_words(text: str) -> bool:
    """Whether the text holds at least one letter or digit."""
    return _WORD_CHAR.search(text) is not None


def preview(text: str, *, markup: bool = False) -> str:
    """A one-line preview of at most PREVIEW_LIMIT characters, for Dropped records."""
    if markup:
        stripped = _TAG.sub(" ", text)
        if not stripped.strip():
            source = _SRC.search(text)  # markup without text: name what it showed
            stripped = f"<img {source.group(1)}>" if source else text
        text = stripped
    flat = collapse(text).strip(PAD_CHARS)
    if len(flat) <= PREVIEW_LIMIT:
        return flat
    return flat[: PREVIEW_LIMIT - 1].rstrip() + "…"
