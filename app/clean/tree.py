"""DOM pruning: pull out bylines and source links, remove boilerplate, mark nodes for the renderer."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from app.clean.model import Dropped
from app.clean.rules import GENERIC, BylineRule, LineRule, SiteRules
from app.clean.textutil import collapse, preview
from app.clean.urls import absolute, link_target

_HIDDEN_SELECTOR = '[hidden], [aria-hidden="true"], [style*="none"], [style*="hidden"]'
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PIXEL_SIZES = frozenset({"0", "1", "0px", "1px"})
# Generic drop selectors match substrings; the class or id must also hold the word as a token
# ("social-share" yes, "shared-state" no).
_GENERIC_TOKEN = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|qrcode|qr-code|qr_code|promo|promotion|advert|advertisement|adsbygoogle)"
    r"(?:$|[\s_-])",
    re.I,
)


@dataclass(slots=True)
class Plan:
    """What pruning found: fields, removals, and node ids (mem_id) the renderer treats specially."""

    dropped: list[Dropped] = field(default_factory=list)
    byline: str | None = None
    source_url: str | None = None
    media: list[str] = field(default_factory=list)
    figures: set[int] = field(default_factory=set)
    captions: set[int] = field(default_factory=set)
    blocks: set[int] = field(default_factory=set)
    headings: set[int] = field(default_factory=set)
    layout_tables: set[int] = field(default_factory=set)
    unlink: set[int] = field(default_factory=set)
    comment_rules: tuple[tuple[str, str], ...] = ()
    lines: tuple[LineRule, ...] = ()
    alt_captions: bool = False
    sizes_in_urls: tuple[re.Pattern[str], ...] = ()


def prune(root: LexborNode, sites: tuple[SiteRules, ...], dropped: list[Dropped]) -> Plan:
    """Apply the sites' extractions and removals to the tree, then the generic ones."""
    plan = Plan(dropped=dropped)
    for site in sites:
        if site.byline is not None and plan.byline is None:
            plan.byline = _extract_byline(root, site.byline, dropped)
        if site.source_url is not None and plan.source_url is None:
            plan.source_url = _extract_source_url(root, *site.source_url, dropped)
    for site in sites:
        guard = _GENERIC_TOKEN if site is GENERIC else None
        for selector, rule in site.drop:
            _remove_all(root.css(selector), rule, dropped, guard)
    _remove_hidden(root, dropped)
    _remove_pixels(root, dropped)
    _mark(root, sites, plan)
    return plan


def _extract_byline(root: LexborNode, rule: BylineRule, dropped: list[Dropped]) -> str | None:
    """The first byline block's parts, joined and removed; later blocks become one clean "NAME，BIO" line."""
    # Posts with several answers keep each later author in the text, so every answer says who wrote it.
    byline = None
    for index, container in enumerate(root.css(rule.container)):
        nodes = [n for n in (container.css_first(selector) for selector in rule.parts) if n is not None]
        parts = [collapse(n.text(deep=True)).strip().rstrip(rule.strip).strip() for n in nodes]
        text = rule.joiner.join(part for part in parts if part)
        for node in nodes[1:]:
            node.decompose(recursive=False)
        if not nodes:
            continue
        if index == 0 and text:
            byline = text
            dropped.append(Dropped(rule.rule, preview(text)))
            nodes[0].decompose(recursive=False)
        else:
            nodes[0].replace_with(text)
    return byline


def _extract_source_url(root: LexborNode, selector: str, rule: str, dropped: list[Dropped]) -> str | None:
    """The href of the first matching link; the link itself is removed."""
    node = root.css_first(selector)
    if node is None:
        return None
    url = link_target(node.attributes.get("href"))
    dropped.append(Dropped(rule, preview(node.text(deep=True)) or (url or "")[:80]))
    node.decompose(recursive=False)
    return url


def _remove_all(
    nodes: Iterable[LexborNode], rule: str, dropped: list[Dropped], guard: re.Pattern[str] | None = None
) -> None:
    """Detach the nodes (not destroy: a later match may sit inside an earlier one) and record them."""
    removed: set[int] = set()
    for node in nodes:
        if node.mem_id in removed:  # a selector list can return a node once per matching part
            continue
        if guard is not None:
            attrs = node.attributes
            if not guard.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
                continue
        if not _inside(node, removed):
            dropped.append(Dropped(rule, _describe(node)))
        removed.add(node.mem_id)
        node.decompose(recursive=False)


def _inside(node: LexborNode, removed: set[int]) -> bool:
    """Whether an ancestor of the node was already removed in this pass."""
    if not removed:
        return False
    parent = node.parent
    while parent is not None:
        if parent.mem_id in removed:
            return True
        parent = parent.parent
    return False


def _describe(node: LexborNode) -> str:
    """Preview of a removed node: its text, else its tag and class."""
    text = preview(node.text(deep=True))
    if text:
        return text
    attrs = node.attributes
    cls = (attrs.get("class") or "").split()
    src = attrs.get("src")
    return preview(f"<{node.tag}{'.' + '.'.join(cls) if cls else ''}{' ' + src if src else ''}>")


def _remove_hidden(root: LexborNode, dropped: list[Dropped]) -> None:
    """Elements a reader never sees: `hidden`, aria-hidden, display:none, visibility:hidden."""
    hidden = []
    for node in root.css(_HIDDEN_SELECTOR):
        attrs = node.attributes
        if (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or _HIDDEN_STYLE.search(attrs.get("style") or "")
        ):
            hidden.append(node)
    _remove_all(hidden, "generic.hidden", dropped)


def _remove_pixels(root: LexborNode, dropped: list[Dropped]) -> None:
    """Tracking pixels: images declared 0 or 1 pixel wide or high."""
    pixels = []
    for node in root.css("img[width], img[height]"):
        attrs = node.attributes
        width = (attrs.get("width") or "").strip().lower()
        height = (attrs.get("height") or "").strip().lower()
        if width in _PIXEL_SIZES or height in _PIXEL_SIZES:
            pixels.append(node)
    _remove_all(pixels, "generic.pixel", dropped)


def _mark(root: LexborNode, sites: tuple[SiteRules, ...], plan: Plan) -> None:
    """Record the node ids of the sites' figures, captions, blocks, headings, layout tables and unlinks."""
    for site in sites:
        for selectors, target in (
            (site.figures, plan.figures),
            (site.captions, plan.captions),
            (site.blocks, plan.blocks),
            (site.headings, plan.headings),
            (site.layout_tables, plan.layout_tables),
            (site.unlink, plan.unlink),
        ):
            for selector in selectors:
                target.update(node.mem_id for node in root.css(selector))
        for selector in site.media_links:
            for node in root.css(selector):
                url = absolute(node.attributes.get("href"))
                if url and url not in plan.media:
                    plan.media.append(url)
        plan.comment_rules += site.comments
        plan.lines += site.lines
        plan.alt_captions = plan.alt_captions or site.alt_captions
        if site.image_size_in_url is not None:
            plan.sizes_in_urls += (site.image_size_in_url,)
