"""Tables: a data table is one text paragraph of "a | b" rows; a layout table is plain blocks."""

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from app.clean.inline import Inline, finish_text
from app.clean.output import Exit, Output


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


class Tables(Output):
    """table and its parts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table | None] = []  # None: a layout table, its cells are plain blocks

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
