"""Render the pruned tree into paragraphs of text and the matching HTML, in one walk."""

import re
import unicodedata
from collections.abc import Iterator
from html import escape, unescape

from selectolax.lexbor import LexborNode

from app.clean.credit_lines import SITE, Credits
from app.clean.figures import Figures
from app.clean.inline import Mark, finish_text
from app.clean.lists import Lists
from app.clean.model import Dropped
from app.clean.output import Exit
from app.clean.tables import Tables
from app.clean.textutil import collapse, has_words, preview
from app.clean.tree import Plan
from app.clean.urls import absolute, link_target

# Removed with their content; the value names the rule, None when only non-empty ones are worth recording.
_SKIP = {
    "script": "generic.script", "style": "generic.style", "noscript": "generic.noscript",
    "template": "generic.template", "form": "generic.form", "nav": "generic.nav",
    "svg": None, "math": None, "canvas": None, "button": None, "input": None, "select": None,
    "textarea": None, "head": None, "title": None, "meta": None, "link": None, "base": None,
    "dialog": None, "map": None, "param": None, "area": None,
}  # fmt: skip
_MEDIA = frozenset({"iframe", "video", "audio", "embed", "source", "track", "object"})
_MARKS = frozenset({"strong", "b", "em", "i", "code"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "center", "address",
    "dl", "dt", "dd", "details", "summary", "fieldset", "legend", "body", "html", "hgroup",
})  # fmt: skip
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_MIN_DUPLICATE = 10  # shorter repeats ("哈哈") may be deliberate


def _stop() -> None:
    """Sentinel exit action: the element's content is not walked."""


STOP: Exit = _stop


class Renderer(Credits, Lists, Tables, Figures):
    """Walks the tree once; every block becomes one text paragraph and one HTML element."""

    def __init__(self, plan: Plan, *, title: str = "") -> None:
        super().__init__(title)
        self.plan = plan
        self.alt_captions = plan.alt_captions
        self.sizes_in_urls = plan.sizes_in_urls
        self.media: list[str] = list(plan.media)
        self._flushed = 0
        self._seen_drops: set[tuple[str, str]] = set()

    def render(self, root: LexborNode) -> None:
        """Walk the tree without recursion (bodies can nest deeper than Python's stack)."""
        stack: list[tuple[Iterator[LexborNode], Exit]] = [(root.iter(include_text=True), None)]
        while stack:
            iterator, on_exit = stack[-1]
            node = next(iterator, None)
            if node is None:
                stack.pop()
                if on_exit is not None:
                    on_exit()
                continue
            tag = node.tag or ""
            if tag == "-text":
                self._text(node.text_content or "")
            elif tag == "-comment":
                self._comment(node.comment_content or "")
            elif tag and tag[0] != "-":
                action = self._enter(node, tag)
                if action is not STOP:
                    stack.append((node.iter(include_text=True), action))
        self.block_break()

    def _text(self, text: str) -> None:
        acc = self.accs[-1]
        if text.isspace():  # most text nodes are the newlines between tags
            acc.space()
            return
        # Feeds that escaped twice leave "&amp;quot;" behind; prose gets a second decoding, code does not.
        if "&" in text and _ENTITY.search(text) and not any(mark.tag == "code" for mark in acc.marks):
            text = unescape(text)
        acc.add_text(collapse(text))

    def _enter(self, node: LexborNode, tag: str) -> Exit:
        """Handle an element's start; return its exit action, None, or STOP to skip its content."""
        if tag in _SKIP:
            self._skipped(node, tag)
            return STOP
        if tag in _MEDIA:
            self._media(node, tag)
            return STOP
        if tag == "br":
            if self.accs[-1].line_break():
                self.block_break()
            return STOP
        if tag == "img":
            self.image(node)
            return STOP
        if tag == "hr":
            self.block_break()
            return STOP
        if tag == "pre":
            self.code_block(node)
            return STOP
        if tag == "a" or tag in _MARKS:
            if self.plan.blocks and node.mem_id in self.plan.blocks:
                return self._as_block(node, tag)
            return self._link(node) if tag == "a" else self._mark(tag)
        return self._enter_structure(node, tag)

    def _as_block(self, node: LexborNode, tag: str) -> Exit:
        """An inline element that the site lays out as its own line (a link card)."""
        leave_block = self.enter_block("p")  # first: a block boundary disables open links
        leave = self._link(node) if tag == "a" else self._mark(tag)

        def leave_both() -> None:
            if leave is not None:
                leave()
            if leave_block is not None:
                leave_block()

        return leave_both

    def _enter_structure(self, node: LexborNode, tag: str) -> Exit:
        node_id = node.mem_id
        if tag in ("ul", "ol"):
            return self.enter_list(node, ordered=tag == "ol")
        if tag == "li" and self.in_listing():
            return self.enter_item()
        if tag == "table":
            return self.enter_table(node, layout=node_id in self.plan.layout_tables)
        if tag in ("tr", "td", "th", "thead", "tbody", "tfoot", "caption") and self.in_table():
            return self.enter_table_part(node, tag)
        if tag == "figure" or node_id in self.plan.figures:
            return self.enter_figure()
        if tag == "figcaption" or node_id in self.plan.captions:
            return self.enter_caption()
        if tag == "blockquote":
            return self.enter_wrapper("blockquote")
        if tag in _HEADINGS:
            return self.enter_block(tag)
        if node_id in self.plan.headings:
            return self.enter_block("h2")
        if (
            tag in _BLOCKS
            or tag in ("li", "ul", "ol", "tr", "td", "th", "caption")
            or node_id in self.plan.blocks
        ):
            return self.enter_block("p")
        return None

    # --- blocks -------------------------------------------------------------------------------------

    def enter_block(self, kind: str) -> Exit:
        """A paragraph-like element: it ends what came before, and its own content at its end."""
        self.block_break()
        self.kinds.append(kind)

        def leave() -> None:
            self.block_break()
            self.kinds.pop()

        return leave

    def block_break(self) -> None:
        """A block boundary: a space inside a list item or cell, else the end of a paragraph."""
        acc = self.accs[-1]
        if acc.flat:
            acc.space()
            return
        text, html = acc.take()
        self.emit_paragraph(self.kinds[-1], finish_text(text), html)

    def emit_paragraph(self, kind: str, text: str, html: str) -> None:
        """Add one paragraph unless it is empty, a credit, matched by a line rule, or bare punctuation."""
        if not text:
            return
        first = self._flushed == 0
        self._flushed += 1
        if self._line_rule(text, first=first):
            return
        if self.in_head():
            text, html = self.trim_head(kind, text, html)
            if not text:
                return
        if not has_words(text) and not _has_symbols(text):
            self.drop("generic.punctuation", text)
            return
        # Feeds repeat a line (a table title given as a paragraph and as the caption): keep one.
        if len(text) >= _MIN_DUPLICATE and self.paras and self.paras[-1] == text:
            self.drop("generic.duplicate", text)
            return
        self.flow[len(self.paras)] = (len(self.out), kind, html)
        self.add_block(text, f"<{kind}>{html}</{kind}>")

    def _line_rule(self, text: str, *, first: bool) -> bool:
        """Whether every line of the paragraph matches a line rule (then it goes, fields kept)."""
        if not self.plan.lines:
            return False
        matches = []
        for line in text.split("\n"):
            found = next(
                (
                    (rule, m)
                    for rule in self.plan.lines
                    if (first or not rule.first_only) and (m := rule.pattern.match(line))
                ),
                None,
            )
            if found is None:
                return False
            matches.append((line, *found))
        for line, rule, match in matches:
            value = (match.groupdict().get("value") or "").strip()
            into = ((rule.field, value),) if rule.field is not None and value else ()
            for name, given in into:
                self.fields.offer(name, given, SITE)
            self.drop(rule.rule, line, into)
        return True

    def drop(self, rule: str, text: str, into: tuple[tuple[str, str], ...] = ()) -> None:
        """Record a removal once per (rule, preview)."""
        key = (rule, preview(text))
        if key not in self._seen_drops:
            self._seen_drops.add(key)
            self.plan.dropped.append(Dropped(*key, into))

    # --- inline -------------------------------------------------------------------------------------

    def _link(self, node: LexborNode) -> Exit:
        acc = self.accs[-1]
        if node.mem_id in self.plan.unlink or any(mark.tag == "a" for mark in acc.marks):
            return None
        href = link_target(node.attributes.get("href"))
        if href is None:
            return None
        mark = Mark("a", f'<a href="{escape(href)}">')
        acc.marks.append(mark)
        return lambda: acc.close_mark(mark)

    def _mark(self, tag: str) -> Exit:
        acc = self.accs[-1]
        if any(mark.tag == tag for mark in acc.marks):
            return None
        mark = Mark(tag, f"<{tag}>")
        acc.marks.append(mark)
        return lambda: acc.close_mark(mark)

    def _media(self, node: LexborNode, tag: str) -> None:
        sources = [node]
        if tag in ("video", "audio", "object"):
            sources += node.css("source, embed")
        for element in sources:
            attrs = element.attributes
            for name in ("src", "data-src", "data"):
                url = absolute(attrs.get(name))
                if url is not None and url not in self.media:
                    self.media.append(url)

    def _skipped(self, node: LexborNode, tag: str) -> None:
        rule = _SKIP[tag]
        text = node.text(deep=True)
        if rule is not None or text.strip():
            self.drop(rule or f"generic.{tag}", text or f"<{tag}>")

    def _comment(self, content: str) -> None:
        if not content.strip():
            return
        rule = next((r for needle, r in self.plan.comment_rules if needle in content), "generic.comment")
        self.drop(rule, preview(content, markup=True) or content)


def _has_symbols(text: str) -> bool:
    """Whether text without letters still says something (emoji, currency signs)."""
    return any(unicodedata.category(ch) in ("So", "Sc") for ch in text)
