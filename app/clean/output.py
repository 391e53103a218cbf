"""Output state shared by the block renderers: HTML chunks, text paragraphs, inline accumulators."""

import re
from collections.abc import Callable

from app.clean.inline import Inline

Exit = Callable[[], None] | None


class Output:
    """What has been rendered so far; the block mixins and Renderer build on it."""

    alt_captions = False
    sizes_in_urls: tuple[re.Pattern[str], ...] = ()  # the sites' patterns for an image size in its URL

    def __init__(self) -> None:
        self.out: list[str] = []  # HTML chunks
        self.paras: list[str] = []  # text paragraphs
        self.accs: list[Inline] = [Inline(flat=False)]  # the flow, then list items / cells / captions
        self.kinds: list[str] = ["p"]  # the element a flow paragraph becomes (p, h2, ...)
        self.content = 0  # blocks emitted so far; wrappers with none inside are taken back

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
            self.close_wrapper(start, content, f"</{tag}>")

        return leave

    def close_wrapper(self, start: int, content: int, closing: str) -> None:
        """Close a wrapper, or take it back when nothing was emitted inside."""
        if self.content == content:
            del self.out[start:]
        else:
            self.out.append(closing)
