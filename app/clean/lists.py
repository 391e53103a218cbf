"""Lists: one text paragraph of "- item" / "1. item" lines, nested lists indented; ul/ol/li in HTML."""

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from app.clean.inline import Inline, finish_text
from app.clean.output import Exit, Output

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


class Lists(Output):
    """ul, ol and li."""

    def __init__(self) -> None:
        super().__init__()
        self.listings: list[Listing] = []

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
            self.close_wrapper(start, content, f"</{tag}>")
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
            self.close_wrapper(start, content, "</li>")

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
