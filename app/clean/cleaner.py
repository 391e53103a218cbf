"""HTML body cleaner: scraped article HTML -> clean text, safe HTML, and the metadata hidden in it.

Pipeline: pick site rules (categories + markup) -> raw fixes -> parse (lexbor) -> prune the tree ->
render text and HTML in one walk (credit lines at the head become fields as they pass) -> credit lines at
the foot -> sanitize the HTML (nh3). Pure functions, no I/O.
"""

import unicodedata
from collections.abc import Sequence

from selectolax.lexbor import LexborHTMLParser

from app.clean.derived import detect_language, make_excerpt, reading_minutes
from app.clean.model import CleanBody, Dropped
from app.clean.prepare import escape_code_literals, strip_raw
from app.clean.render import Renderer
from app.clean.rules import select_sites
from app.clean.sanitize import sanitize
from app.clean.tree import prune
from app.clean.urls import is_placeholder_image, real_image
from app.clean.version import CLEANER_VERSION  # bump it whenever the output changes

__all__ = [
    "CLEANER_VERSION",
    "CleanBody",
    "Dropped",
    "clean_body",
    "detect_language",
    "is_placeholder_image",
    "make_excerpt",
    "reading_minutes",
    "real_image",
]


def clean_body(html: str, *, categories: Sequence[str] = (), title: str = "") -> CleanBody:
    """Clean one article body (braces already unescaped by the caller); `title` spots its echo in the body."""
    sites = select_sites(html, categories)
    dropped: list[Dropped] = []
    html = escape_code_literals(strip_raw(html, sites, dropped))
    # An explicit <body> first keeps leading <style>, <script> or comments in the body, where they are seen.
    body = LexborHTMLParser("<body>" + html).body
    if body is None:
        return _empty(dropped)
    plan = prune(body, sites, dropped)
    renderer = Renderer(plan, title=title)
    renderer.render(body)
    renderer.finish()
    body_text = unicodedata.normalize("NFC", "\n\n".join(renderer.paras))
    body_html = (
        unicodedata.normalize("NFC", sanitize("".join(renderer.out))) if body_text or renderer.out else ""
    )
    fields = renderer.fields
    return CleanBody(
        body_text=body_text,
        body_html=body_html,
        paragraphs=tuple(body_text.split("\n\n")) if body_text else (),
        original_title=_nfc(fields.get("original_title")),
        editor=_nfc(fields.get("editor")),
        byline=_nfc(plan.byline or fields.get("byline")),
        origin=_nfc(fields.get("origin")),
        source_url=plan.source_url,
        images=tuple(renderer.images),
        media=tuple(renderer.media),
        dropped=tuple(dropped),
    )


def _nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value else None


def _empty(dropped: list[Dropped]) -> CleanBody:
    return CleanBody("", "", (), None, None, None, None, None, (), (), tuple(dropped))
