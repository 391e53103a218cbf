"""Fixes on the raw markup that must happen before parsing."""

import re
from collections.abc import Iterable

from app.clean.model import Dropped
from app.clean.rules import SiteRules
from app.clean.textutil import preview

_CODE_REGION = re.compile(r"(<(pre|code)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)
# Inside code, a "<" that does not open one of the highlighter's own tags is a literal character
# that the feed forgot to escape (`cout << x`, `<?xml ...?>`, `<ROOT>/path`).
_LITERAL_LT = re.compile(
    r"<(?!/?(?:span|code|br|b|i|em|strong|a|font|u|s|sub|sup|mark|kbd|var|samp|div|p)[\s/>])", re.I
)


def strip_raw(html: str, sites: Iterable[SiteRules], dropped: list[Dropped]) -> str:
    """Remove the sites' raw patterns (comment-wrapped ad lists), recording each removal."""
    for site in sites:
        for rule, pattern in site.raw_strip:
            if pattern.search(html) is None:
                continue
            for match in pattern.finditer(html):
                dropped.append(
                    Dropped(rule, preview(match.groupdict().get("body") or match.group(0), markup=True))
                )
            html = pattern.sub("", html)
    return html


def escape_code_literals(html: str) -> str:
    """Escape stray "<" inside pre/code so the parser keeps them as text."""
    if "<pre" not in html and "<code" not in html and "<PRE" not in html and "<CODE" not in html:
        return html
    return _CODE_REGION.sub(_escape_region, html)


def _escape_region(match: re.Match[str]) -> str:
    return match.group(1) + _LITERAL_LT.sub("&lt;", match.group(3)) + match.group(4)
