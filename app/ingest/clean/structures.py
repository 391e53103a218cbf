"""Multi-part blocks: lists, tables, figures, quotes and code, rendered as text and HTML together."""

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from selectolax.lexbor import LexborNode

from app.ingest.clean.inline import Inline, finish_text
from app.ingest.clean.textutil import has_words

Exit = Callable[[], None] | None
_MAX_INDENT = 8  # deeper lists keep this indentation; hostile nesting must not blow the text up


@dataclass(slots=True)
class Listing:
    """An open ul/ol; nested lists share the outermost one's text lines."""

    ordered: bool
    number: int
    depth: int
    acc_depth: int  # len(accs) when the list opened; its items sit directly above
    lines: list[str]
    item: Inline | None = None
    marker: str = "- "
    marker_used: bool = False


@dataclass(slots=True)
class Cell:
    """One td/th, flattened to a line of text and inline HTML."""

    tag: str
    text: str
    html: str
    spans: str  # ' colspan="2"' and the like


@dataclass(slots=True)
class Table:
    """An open data table; rows are emitted at its end, empty ones skipped."""

    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)  # (section, cells)
    section: str = "tbody"


@dataclass(slots=True)
class Figure:
    """An open figure: its images and caption become one <figure>."""

    acc_depth: int
    images: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    caption: tuple[str, str] | None = None


class Structures:
    """Output state and the multi-part blocks; Renderer adds the walk and paragraphs."""

    alt_captions = False

    def __init__(self) -> None:
        self.out: list[str] = []  # HTML chunks
        self.paras: list[str] = []  # text paragraphs
        self.accs: list[Inline] = [Inline(flat=False)]
        self.kinds: list[str] = ["p"]
        self.content = 0  # blocks emitted so far; wrappers with none inside are taken back
        self.listings: list[Listing] = []
        self.tables: list[Table | None] = []  # None: a layout table, its cells are plain blocks
        self.figures: list[Figure] = []

    def block_break(self) -> None:
        """A block boundary (Renderer)."""
        raise NotImplementedError

    def emit_paragraph(self, kind: str, text: str, html: str) -> None:
        """Add one paragraph (Renderer)."""
        raise NotImplementedError

    def add_block(self, text: str, html: str) -> None:
        """Append one finished block; text may be empty (an image)."""
        if text:
            self.paras.append(text)
        self.out.append(html)
        self.content += 1

    def enter_wrapper(self, tag: str) -> Exit:
        """A container element kept in the HTML (blockquote); its text paragraphs are plain."""
        if self.accs[-1].flat:
            self.block_break()
            return self.block_break
        self.block_break()
        start, content = len(self.out), self.content
        self.out.append(f"<{tag}>")
        self.kinds.append("p")

        def leave() -> None:
            self.block_break()
            self.kinds.pop()
            self._close(start, content, f"</{tag}>")

        return leave

    def _close(self, start: int, content: int, closing: str) -> None:
        """Close a wrapper, or take it back when nothing was emitted inside."""
        if self.content == content:
            del self.out[start:]
        else:
            self.out.append(closing)

    # --- lists --------------------------------------------------------------------------------------

    def in_listing(self) -> bool:
        """Whether an li here is an item of the innermost open list."""
        return bool(self.listings) and len(self.accs) == self.listings[-1].acc_depth

    def enter_list(self, node: LexborNode, *, ordered: bool) -> Exit:
        """A ul/ol: one text paragraph of "- item" / "1. item" lines, nested ones indented."""
        outer = self.listings[-1] if self.listings else None
        # Nested: inside an item of the open list, or (malformed) directly inside the list.
        nested = outer is not None and len(self.accs) - outer.acc_depth in (0, 1)
        if self.accs[-1].flat and not nested:
            self.block_break()
            return self.block_break
        if outer is not None and nested:
            self._commit_item(outer)
            lines, depth = outer.lines, outer.depth + 1
        else:
            self.block_break()
            lines, depth = [], 0
        start_attr = (node.attributes.get("start") or "1").strip()
        number = int(start_attr) if start_attr.isdigit() and len(start_attr) < 7 else 1
        listing = Listing(ordered, number, depth, len(self.accs), lines)
        self.listings.append(listing)
        start, content = len(self.out), self.content
        tag = "ol" if ordered else "ul"
        self.out.append(f"<{tag}>")

        def leave() -> None:
            self.listings.pop()
            self._close(start, content, f"</{tag}>")
            if depth == 0 and lines:
                self.paras.append("\n".join(lines))

        return leave

    def enter_item(self) -> Exit:
        """An li of the innermost list: a flat line with its marker."""
        listing = self.listings[-1]
        listing.item = Inline(flat=True)
        listing.marker = f"{listing.number}. " if listing.ordered else "- "
        listing.marker_used = False
        listing.number += 1
        self.accs.append(listing.item)
        start, content = len(self.out), self.content
        self.out.append("<li>")

        def leave() -> None:
            self._commit_item(listing)
            self.accs.pop()
            listing.item = None
            self._close(start, content, "</li>")

        return leave

    def _commit_item(self, listing: Listing) -> None:
        """Move the item's content so far to the output (before a nested list, or at its end)."""
        if listing.item is None:
            return
        text, html = listing.item.take()
        text = " ".join(finish_text(text).split("\n"))
        if text:
            marker = "  " if listing.marker_used else listing.marker
            listing.lines.append("  " * min(listing.depth, _MAX_INDENT) + marker + text)
            listing.marker_used = True
        if html:
            self.out.append(html)
            self.content += 1

    # --- tables -------------------------------------------------------------------------------------

    def in_table(self) -> bool:
        """Whether table parts here belong to an open table (data or layout)."""
        return bool(self.tables)

    def enter_table(self, node: LexborNode, *, layout: bool) -> Exit:
        """A data table becomes one paragraph of rows ("a | b"); a layout table is plain blocks."""
        if layout or self.accs[-1].flat or _is_layout(node):
            self.tables.append(None)
            self.block_break()

            def leave_layout() -> None:
                self.block_break()
                self.tables.pop()

            return leave_layout
        self.block_break()
        table = Table()
        self.tables.append(table)

        def leave() -> None:
            self.tables.pop()
            self._emit_table(table)

        return leave

    def enter_table_part(self, node: LexborNode, tag: str) -> Exit:
        """tr/td/th/thead/tbody/tfoot/caption inside the innermost table."""
        table = self.tables[-1]
        if table is None:
            return self.enter_block_like(tag)
        if tag in ("thead", "tbody", "tfoot"):
            table.section = "thead" if tag == "thead" else "tbody"
            return None
        if tag == "tr":
            table.rows.append((table.section, []))
            return None
        acc = Inline(flat=True)
        self.accs.append(acc)
        if tag == "caption":
            return lambda: self._leave_caption_of_table(acc)
        if not table.rows:
            table.rows.append((table.section, []))
        cells = table.rows[-1][1]
        spans = _spans(node)

        def leave_cell() -> None:
            self.accs.pop()
            text, html = acc.take()
            cells.append(Cell(tag, " ".join(finish_text(text).split("\n")), html, spans))

        return leave_cell

    def enter_block_like(self, tag: str) -> Exit:
        """Table parts of a layout table: rows and cells are blocks, sections are transparent."""
        if tag in ("thead", "tbody", "tfoot"):
            return None
        self.block_break()
        return self.block_break

    def _leave_caption_of_table(self, acc: Inline) -> None:
        self.accs.pop()
        text, html = acc.take()
        self.emit_paragraph("p", finish_text(text), html)

    def _emit_table(self, table: Table) -> None:
        rows = [(section, cells) for section, cells in table.rows if any(c.text or c.html for c in cells)]
        if not rows:
            return
        lines = (" | ".join(cell.text for cell in cells).rstrip() for _, cells in rows)
        html = ["<table>"]
        section = ""
        for row_section, cells in rows:
            if row_section != section:
                html.append(f"</{section}><{row_section}>" if section else f"<{row_section}>")
                section = row_section
            html.append("<tr>")
            html.extend(f"<{c.tag}{c.spans}>{c.html}</{c.tag}>" for c in cells)
            html.append("</tr>")
        html.append(f"</{section}></table>")
        self.add_block("\n".join(line for line in lines if line.strip(" |")), "".join(html))

    # --- figures and code ---------------------------------------------------------------------------

    def current_figure(self) -> Figure | None:
        """The open figure that an image here belongs to."""
        if self.figures and self.figures[-1].acc_depth == len(self.accs):
            return self.figures[-1]
        return None

    def enter_figure(self) -> Exit:
        """Images and one caption; the caption is a text paragraph when it carries words."""
        if self.accs[-1].flat:
            return None
        self.block_break()
        figure = Figure(len(self.accs))
        self.figures.append(figure)

        def leave() -> None:
            self.figures.pop()
            self.emit_figure(figure)
            self.block_break()

        return leave

    def enter_caption(self) -> Exit:
        """figcaption (or a site's caption element): flat inline content."""
        if self.accs[-1].flat:
            self.block_break()
            return self.block_break
        figure = self.current_figure()
        acc = Inline(flat=True)
        self.accs.append(acc)

        def leave() -> None:
            self.accs.pop()
            text, html = acc.take()
            text = " ".join(finish_text(text).split("\n"))
            if figure is not None and figure.caption is None:
                figure.caption = (text, html)
            else:
                self.emit_paragraph("p", text, html)

        return leave

    def emit_figure(self, figure: Figure) -> None:
        """One <figure> of the images; the caption (or, for some sites, the alt) as a text paragraph."""
        text, html = figure.caption or ("", "")
        if not has_words(text):
            text, html = "", ""
            alt = next((a for a in figure.alts if has_words(a)), "") if self.alt_captions else ""
            if alt:
                text, html = alt, escape(alt, quote=False)
        if not figure.images:
            if text:
                self.emit_paragraph("p", text, html)
            return
        caption = f"<figcaption>{html}</figcaption>" if text else ""
        self.add_block(text, f"<figure>{''.join(figure.images)}{caption}</figure>")

    def code_block(self, node: LexborNode) -> None:
        """pre: lines and indentation kept; the text drops blank lines so the block stays one paragraph."""
        lines = [line.rstrip() for line in _pre_text(node).split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if not lines:
            return
        acc = self.accs[-1]
        if acc.flat:
            acc.add_text(" ".join(line.strip() for line in lines if line.strip()))
            return
        self.block_break()
        text = "\n".join(line for line in lines if line.strip())
        self.add_block(text, f"<pre><code>{escape(chr(10).join(lines), quote=False)}</code></pre>")


def _pre_text(node: LexborNode) -> str:
    """The text of a pre, with <br> as newlines; tabs kept, nbsp and CR normalized."""
    if node.css_first("br") is None:
        raw = node.text(deep=True)
    else:
        parts = []
        for child in node.traverse(include_text=True):
            if child.tag == "-text":
                parts.append(child.text_content or "")
            elif child.tag == "br":
                parts.append("\n")
        raw = "".join(parts)
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")


def _spans(node: LexborNode) -> str:
    """colspan/rowspan attributes worth keeping (they carry the table's meaning)."""
    attrs = node.attributes
    out = ""
    for name in ("colspan", "rowspan"):
        value = (attrs.get(name) or "").strip()
        if value.isdigit() and 1 < int(value) < 1000:
            out += f' {name}="{value}"'
    return out


def _is_layout(node: LexborNode) -> bool:
    """A table whose rows hold at most one cell each is page layout, not data."""
    for row in node.css("tr"):
        cells = sum(1 for child in row.iter() if child.tag in ("td", "th"))
        if cells > 1 and _owner_table(row) == node.mem_id:
            return False
    return True


def _owner_table(row: LexborNode) -> int | None:
    """The mem_id of the table a row belongs to (rows of nested tables belong to those)."""
    parent = row.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None
