"""Cutting a rendered paragraph's HTML where its text is cut, so both keep saying the same thing.

A paragraph's HTML is what `Inline` built: escaped text, inline elements (links, emphasis, code, math, images)
and `<br>` where the text has a newline, so text characters and HTML positions correspond one to one.
"""

import re

_INLINE_TAG = re.compile(r"<(/?)(a|strong|b|em|i|code)\b[^>]*>")
_EMPTY_ELEMENT = re.compile(r"<(a|strong|b|em|i|code)\b[^>]*>\s*</\1>")
_TAG_OR_CHAR = re.compile(r"<[^>]*>|&(?:amp|lt|gt);|.", re.S)


def html_lines(html: str) -> list[str]:
    """The paragraph's lines (split at <br>), each closing the inline elements it opened or inherited."""
    lines: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag) of elements open across the break
    for segment in html.split("<br>"):
        head = "".join(tag for _, tag in open_tags)
        for match in _INLINE_TAG.finditer(segment):
            if not match.group(1):
                open_tags.append((match.group(2), match.group(0)))
            elif open_tags and open_tags[-1][0] == match.group(2):
                open_tags.pop()
        tail = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        lines.append(_EMPTY_ELEMENT.sub("", head + segment + tail))
    return lines


def drop_text_prefix(html: str, count: int) -> str:
    """The HTML without its first `count` text characters; elements left empty go too."""
    kept: list[str] = []
    position = 0
    for match in _TAG_OR_CHAR.finditer(html):
        token = match.group(0)
        if count == 0:
            kept.append(html[match.start() :])
            break
        if token == "<br>" or token[0] != "<":
            count -= 1
        else:
            kept.append(token)
        position = match.end()
    else:
        kept.append(html[position:])
    return _EMPTY_ELEMENT.sub("", "".join(kept)).lstrip(" ")
