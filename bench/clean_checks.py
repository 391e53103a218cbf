"""What a reader must not see, checked without the cleaner's own rules (clean_report.py counts these).

Each check is a plain pattern over the output, written apart from `app.clean.credits` so that a rule the
cleaner lacks shows up here instead of agreeing with itself.
"""

import re
import unicodedata
from html import unescape
from urllib.parse import parse_qs, urlsplit

# A line that opens with a credit keyword: original title, source, or a person's role.
_CREDIT_START = re.compile(
    r"[►▶●■◆★•·\s]*[【\[（(]?\s*(?:原标题|来源|转自|转载自|本文来自|本文转自|文章来源|题图来源|图片来源|作者|撰文|"
    r"本报记者|记者\s|通讯员|责任编辑|编辑\s|编辑[:：]|摄影|文\s*[|｜/／:：\s]|图\s*[|｜/／:：])"
)
# "【环球时报记者 张三】..." and "ORG记者NAME 北京报道 ...": a byline glued to the lead.
_BRACKETED_BYLINE = re.compile(r"[【\[（(][^】\]）)]{0,30}(?:记者|通讯员|编辑|作者)[^】\]）)]{0,30}[】\]）)]")
_FILED_BYLINE = re.compile(r"\S{0,20}(?:记者|通讯员)\s?\S{1,4}(?:\s\S{1,4})*\s\S{2,6}报道\s")
# A short line without sentence punctuation that names a role ("孙胜梅 傅思聪 编辑 周宇晗").
_ROLE = re.compile(r"记者|编辑|作者|通讯员|撰文|摄影")
_SENTENCE = re.compile(r"[。！？!?，,]")
_SHORT_LINE = 40
# Stand-in images and proxies: the crawler's random photos, generic logos, default avatars, CORS proxies.
_FAKE_IMAGE = re.compile(
    r"picsum\.photos|placehold|343233024\.png|a061-3fcaa10d801d4e37e06636fcc145dccb|/da8e974dc|"
    r"\?https?://|\?https?%3A",
    re.I,
)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc=["']([^"']+)""", re.I)
_SPACE = re.compile(r"\s+")


def starts_with_credit(text: str) -> bool:
    """Whether the text (an excerpt or a first paragraph) opens with a credit line or a glued byline."""
    first = text.split("\n", 1)[0].strip()
    if _CREDIT_START.match(first) or _BRACKETED_BYLINE.match(first) or _FILED_BYLINE.match(first):
        return True
    return len(first) <= _SHORT_LINE and not _SENTENCE.search(first) and _ROLE.search(first) is not None


def title_key(text: str) -> str:
    """Letters and digits only, width and case folded."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def echoes_title(paragraphs: tuple[str, ...], title: str) -> bool:
    """Whether the first paragraph repeats the title while the body says more than the title."""
    return len(paragraphs) > 1 and bool(title_key(title)) and title_key(paragraphs[0]) == title_key(title)


def formulas(html: str) -> list[str]:
    """The TeX of every formula image in a source body (Zhihu's equation service)."""
    found = []
    for src in _IMG_SRC.findall(html):
        parts = urlsplit(unescape(src))
        if parts.path == "/equation" and (parts.hostname or "").endswith("zhihu.com"):
            found += parse_qs(parts.query).get("tex", [])
    return found


def missing_formulas(html: str, body_text: str) -> list[str]:
    """Formulas of the source whose TeX is not in the clean text between $ signs."""
    text = _SPACE.sub("", body_text)
    return [tex for tex in formulas(html) if f"${_SPACE.sub('', tex)}$" not in text]


def fake_images(image: str | None, images: list[str], body_html: str) -> list[str]:
    """Placeholder or proxied URLs among the header image, the image list and the body's <img>s."""
    urls = [image or "", *images, *_IMG_SRC.findall(body_html)]
    return sorted({url for url in urls if url and _FAKE_IMAGE.search(url)})
