"""Figures (images with a caption) and code blocks."""

import re
from dataclasses import dataclass, field
from html import escape

from selectolax.lexbor import LexborNode

from app.clean.inline import Inline, finish_text
from app.clean.output import Exit, Output
from app.clean.textutil import collapse, has_words, strip_invisible
from app.clean.urls import formula_tex, image_source, real_image

# Attribute pairs that give an image's size, most trusted first (Zhihu, Huxiu, NBD and Sina's editor name
# theirs); a page that knows the size reserves the space instead of jumping when the image arrives.
_SIZE_ATTRIBUTES = (
    ("width", "height"),
    ("data-rawwidth", "data-rawheight"),
    ("data-imgwidth", "data-imgheight"),
    ("data-w", "data-h"),
    ("cms-width", "cms-height"),
)
_MAX_SIDE = 20000
# An image declared at least this wide is a picture of its own even inside a line: a browser wraps it too.
_PICTURE_WIDTH = 200


@dataclass(slots=True)
class Figure:
    """An open figure: its images and caption become one <figure>."""

    acc_depth: int
    images: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    caption: tuple[str, str] | None = None


class Figures(Output):
    """figure, figcaption (and site caption elements), standalone images, pre."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Figure] = []
        self.images: list[str] = []

    def image(self, node: LexborNode) -> None:
        """A formula joins its sentence as TeX, an image inside a line stays there, others are figures."""
        attrs = node.attributes
        alt = collapse(attrs.get("alt") or "").strip()
        acc = self.accs[-1]
        if "emoji" in (attrs.get("class") or ""):
            acc.add_text(alt)
            return
        src = image_source(attrs)
        tex = formula_tex(src) if src else None
        if tex is not None:
            if tex:
                html = f'<span class="math" data-tex="{escape(tex)}">{escape(tex, quote=False)}</span>'
                acc.add_inline(f"${tex}$", html)
            return
        src = real_image(src)
        if src is None:
            return
        if src not in self.images:
            self.images.append(src)
        size = image_size(attrs) or _size_in_url(src, self.sizes_in_urls)
        dimensions = f' width="{size[0]}" height="{size[1]}"' if size else ""
        lazy = ' loading="lazy" referrerpolicy="no-referrer"'
        tag = f'<img src="{escape(src)}" alt="{escape(alt)}"{dimensions}{lazy}>'
        figure = self.current_figure()
        if figure is not None:
            figure.images.append(tag)
            figure.alts.append(alt)
        elif acc.flat or (acc.mid_line() and (size is None or size[0] < _PICTURE_WIDTH)):
            acc.add_html(tag)  # inside a sentence: the paragraph goes on around it
        else:
            self.block_break()
            self.emit_figure(Figure(len(self.accs), [tag], [alt]))

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
        code = escape("\n".join(lines), quote=False)
        self.add_block(text, f"<pre><code>{code}</code></pre>")


def image_size(attrs: dict[str, str | None]) -> tuple[int, int] | None:
    """(width, height) in pixels from the first attribute pair that gives both, else None."""
    for width_name, height_name in _SIZE_ATTRIBUTES:
        width = _pixels(attrs.get(width_name))
        height = _pixels(attrs.get(height_name)) if width else None
        if width and height:
            return width, height
    return None


def _size_in_url(url: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[int, int] | None:
    """(width, height) that a site writes into its image URLs, else None."""
    for pattern in patterns:
        match = pattern.search(url)
        width, height = (
            (_pixels(match.group(name)) for name in ("width", "height")) if match else (None, None)
        )
        if width and height:
            return width, height
    return None


def _pixels(value: str | None) -> int | None:
    if not value:
        return None
    text = value.strip().lower().removesuffix("px").strip()
    try:
        number = round(float(text))
    except (ValueError, OverflowError):  # "", "100%", "auto", "nan", "inf"
        return None
    return number if 1 < number <= _MAX_SIDE else None


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
    return strip_invisible(raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " "))
