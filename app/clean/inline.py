"""Inline content accumulation: text and HTML built side by side, with browser-like whitespace."""

from dataclasses import dataclass
from html import escape

from app.clean.textutil import PAD_CHARS


@dataclass(slots=True, eq=False)
class Mark:
    """An open inline element (link, emphasis, code); opened in the HTML only once content arrives."""

    tag: str
    open_html: str
    emitted: bool = False
    enabled: bool = True


class Inline:
    """One paragraph's inline content; `flat` ones (list item, cell, caption) turn breaks into spaces."""

    __slots__ = ("text", "html", "marks", "flat", "_pending", "_line_start", "_has_content", "_br_at")

    def __init__(self, *, flat: bool) -> None:
        self.text: list[str] = []
        self.html: list[str] = []
        self.marks: list[Mark] = []
        self.flat = flat
        self._pending = False  # a collapsed space waits for the next content
        self._line_start = True  # nothing on the current line yet
        self._has_content = False
        self._br_at = -1  # index in html of a trailing <br>, so a paragraph break can take it back

    def add_text(self, text: str) -> None:
        """Append already-collapsed text (runs of whitespace are single spaces)."""
        if not text:
            return
        if text[0] == " ":
            self._pending = True
        core = text.strip(" ")
        if self._line_start:
            core = core.lstrip(PAD_CHARS)
        if core:
            self._open()
            self.text.append(core)
            self.html.append(escape(core, quote=False))
            self._line_start = False
            self._has_content = True
            self._br_at = -1
        if text[-1] == " " and core:
            self._pending = True

    def space(self) -> None:
        """Whitespace between content: at most one space, and none at a line start."""
        self._pending = True

    def add_inline(self, text: str, html: str) -> None:
        """Append an inline element whose text differs from its HTML (a formula: "$x$" and its TeX span)."""
        self._open()
        self.text.append(text)
        self.html.append(html)
        self._line_start = False
        self._has_content = True
        self._br_at = -1

    def mid_line(self) -> bool:
        """Whether the current line already has content (an image here sits inside a sentence)."""
        return not self._line_start

    def add_html(self, fragment: str) -> None:
        """Append an inline element that has no text (an image inside a line, a list item or a cell)."""
        self._open()
        self.html.append(fragment)
        self._has_content = True
        self._br_at = -1

    def line_break(self) -> bool:
        """A <br>; returns True when it is the second in a row, which ends the paragraph."""
        if self.flat:
            self._pending = True
            return False
        if not self._has_content:
            return False
        if self._line_start:
            return True
        self.text.append("\n")
        self._br_at = len(self.html)
        self.html.append("<br>")
        self._line_start = True
        self._pending = False
        return False

    def close_mark(self, mark: Mark) -> None:
        """The element of `mark` ended."""
        if any(open_mark is mark for open_mark in self.marks):
            self.marks.remove(mark)
            if mark.emitted:
                self.html.append(f"</{mark.tag}>")

    def take(self) -> tuple[str, str]:
        """Return (text, html) so far and start empty; open marks carry over, links do not."""
        if self._br_at >= 0:
            self.html[self._br_at] = ""
        for mark in reversed(self.marks):
            if mark.emitted:
                self.html.append(f"</{mark.tag}>")
                mark.emitted = False
            # A link that spans blocks is a card wrapping whole paragraphs; they should not all be links.
            if mark.tag == "a":
                mark.enabled = False
        text, html = "".join(self.text), "".join(self.html)
        self.text.clear()
        self.html.clear()
        self._pending = False
        self._line_start = True
        self._has_content = False
        self._br_at = -1
        return text, html

    def _open(self) -> None:
        if self._pending and not self._line_start:
            self.text.append(" ")
            self.html.append(" ")
        self._pending = False
        for mark in self.marks:
            if mark.enabled and not mark.emitted:
                self.html.append(mark.open_html)
                mark.emitted = True


def finish_text(text: str) -> str:
    """Trim each line and drop empty ones (the text of one paragraph)."""
    if "\n" not in text:
        return text.strip(PAD_CHARS)
    lines = (line.strip(PAD_CHARS) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
