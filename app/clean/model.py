"""What the cleaner returns."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dropped:
    """One piece of a body that a rule removed, for `articles inspect`."""

    rule: str  # e.g. "sina.qr_promo", "generic.comment"
    text: str  # short preview (<= 80 chars) of what was removed
    into: tuple[tuple[str, str], ...] = ()  # (field, value) pairs a credit line gave, e.g. ("byline", "张三")


@dataclass(frozen=True, slots=True)
class CleanBody:
    """A body as clean text, safe HTML, and the metadata pulled out of it."""

    body_text: str  # paragraphs joined by "\n\n"
    body_html: str  # sanitized HTML (nh3 allowlist)
    paragraphs: tuple[str, ...]  # == tuple(body_text.split("\n\n")) when body_text else ()
    original_title: str | None  # "原标题：..." line
    editor: str | None  # "责任编辑：NAME", else an editor named in a credit line
    byline: str | None  # Zhihu answer author (+ bio) / "NAME的回答" / authors named in credit lines
    origin: str | None  # the original publisher a source line names ("来源：华夏时报")
    source_url: str | None  # e.g. Zhihu 查看知乎原文 link
    images: tuple[str, ...]  # absolute http(s) content image URLs, document order, de-duplicated
    media: tuple[str, ...]  # embedded video/iframe URLs
    dropped: tuple[Dropped, ...]  # what was removed and by which rule
