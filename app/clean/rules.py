"""Site rules as data: what each source's bodies carry besides the article, and where it goes.

A site applies when one of the article's categories names it, or when its markup markers appear in the
body, so a Sina-structured body is cleaned right even under odd categories. GENERIC always applies.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LineRule:
    """A whole-paragraph pattern: the paragraph is dropped, its `value` group kept in `field` if set."""

    rule: str
    pattern: re.Pattern[str]
    field: str | None = None  # "editor" | "byline"
    first_only: bool = False  # only the body's first paragraph is tested


@dataclass(frozen=True, slots=True)
class BylineRule:
    """Where the (first) author block sits; its parts are joined into CleanBody.byline."""

    rule: str
    container: str  # CSS selector of the block that holds the parts
    parts: tuple[str, ...]  # CSS selectors inside the container, in output order
    joiner: str = "，"
    strip: str = "，,:： "  # trailing punctuation the site appends to a part


@dataclass(frozen=True, slots=True)
class FormulaImage:
    """An image service that draws TeX: the formula is a query parameter of the image's URL."""

    host: str  # the host or a parent domain of it
    path: str
    param: str


@dataclass(frozen=True, slots=True)
class SiteRules:
    """One source's body structure. Selectors are CSS; rules are named "<site>.<what>"."""

    name: str
    sources: tuple[str, ...] = ()  # category names (any level) that select this site
    markers: tuple[tuple[str, ...], ...] = ()  # raw-markup substrings; any group whose members all occur
    raw_strip: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (rule, pattern) removed before parsing
    comments: tuple[tuple[str, str], ...] = ()  # (substring, rule) naming removed comments
    drop: tuple[tuple[str, str], ...] = ()  # (selector, rule) removed with their content
    byline: BylineRule | None = None
    source_url: tuple[str, str] | None = None  # (selector of an element with href, rule)
    lines: tuple[LineRule, ...] = ()
    figures: tuple[str, ...] = ()  # containers rendered as one figure (images + caption)
    captions: tuple[str, ...] = ()  # elements rendered as a figure caption
    blocks: tuple[str, ...] = ()  # inline elements that the site lays out as lines
    headings: tuple[str, ...] = ()  # containers whose own loose text is a heading
    layout_tables: tuple[str, ...] = ()  # tables used for page layout, not data
    unlink: tuple[str, ...] = ()  # links whose text stays but whose href is chrome
    media_links: tuple[str, ...] = ()  # links that stand for an embedded video
    alt_captions: bool = False  # image alt text is the only description (shot titles)
    # Stand-in images, never content: "host" (or a parent domain) alone, or "host/path-prefix".
    placeholder_images: tuple[str, ...] = ()
    image_proxies: tuple[str, ...] = ()  # hosts that serve another image, whose URL follows their "?"
    formula_images: tuple[FormulaImage, ...] = ()
    image_size_in_url: re.Pattern[str] | None = None  # groups "width" and "height" of the image's URL


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


GENERIC = SiteRules(
    name="generic",
    drop=(
        ('[class*="share"], [id*="share"]', "generic.share"),
        ('[class*="qrcode"], [class*="qr-code"], [class*="qr_code"], [id*="qrcode"]', "generic.qr"),
        ('[class*="promo"], [class*="advert"], [id*="advert"], ins.adsbygoogle', "generic.promo"),
    ),
    layout_tables=('table[class*="layout"]', 'table[role="presentation"]'),
    # Footnote anchors that the crawler turned into links to ".../undefined".
    unlink=('a[href$="/undefined"]',),
    # The crawler's default header image is a random stock photo.
    placeholder_images=(
        "picsum.photos",
        "placehold.it",
        "placeholder.com",
        "placekitten.com",
        "dummyimage.com",
    ),
    # The crawler fetched some feeds' images through its CORS proxy.
    image_proxies=("cors.zfour.workers.dev",),
)

SINA = SiteRules(
    name="sina",
    sources=("新浪财经",),
    markers=(("appendQr_wrap",), ("article_adlist",), ("news_keyword_pub",), ("video-2017",)),
    # Ad lists hide HTML inside a comment; an inner "-->" would end the comment early and leak the rest.
    raw_strip=(
        ("sina.adlist", re.compile(r"<!--\s*article_adlist\[(?P<body>.*?)\]article_adlist\s*-->", re.S)),
    ),
    comments=(
        ("article_adlist", "sina.adlist"),
        ("news_keyword_pub", "sina.keyword_pub"),
        # Empty section markers of Sina's template.
        ("正文下iframe", "sina.marker"),
        ("总声明", "sina.marker"),
        ("二维码", "sina.marker"),
        ("编辑姓名及工作代码", "sina.marker"),
    ),
    drop=(
        ("div.appendQr_wrap", "sina.qr_promo"),
        ("div.app-kaihu-qr", "sina.account_promo"),
        ("div.video-2017", "sina.video_placeholder"),
    ),
    lines=(
        LineRule(
            "sina.editor", _rx(r"^责任编辑\s*[:：]\s*(?P<value>.+?)(?:\s+[A-Z]{1,3}\d{2,})?$"), "editor"
        ),
        LineRule("sina.qr_promo", _rx(r"^海量资讯、精准解读，尽在新浪财经APP$")),
    ),
    figures=("div.img_wrapper",),
    captions=("span.img_descr",),
    # Sina's image URLs name the picture's size (".../w632h269/..."); its markup does not.
    image_size_in_url=_rx(r"/w(?P<width>\d{2,5})h(?P<height>\d{2,5})/"),
    placeholder_images=(
        "n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",  # the share logo and APP QR code
        "n.sinaimg.cn/finance/0/w400h400/20220726/a061-3fcaa10d801d4e37e06636fcc145dccb.png",  # 开户 QR code
    ),
)

# Zhihu draws inline formulas as images of their TeX, and gives users without a picture one default avatar.
_ZHIHU_FORMULAS = (FormulaImage("zhihu.com", "/equation", "tex"),)
_ZHIHU_PLACEHOLDERS = ("zhimg.com/da8e974dc",)

ZHIHU_DAILY = SiteRules(
    name="zhihu_daily",
    sources=("知乎日报",),
    markers=(('class="main-wrap', 'class="question"'), ('class="originUrl"',), ('class="view-more"',)),
    byline=BylineRule("zhihu_daily.byline", "div.answer", ("span.author", "span.bio")),
    source_url=("a.originUrl", "zhihu_daily.source_url"),
    drop=(
        ("div.view-more", "zhihu_daily.view_more"),
        ("img.avatar", "zhihu_daily.avatar"),
        ("a.originUrl", "zhihu_daily.source_url"),
    ),
    # The question's title is kept as a heading: it frames the answer, and posts can hold several.
    headings=("div.question",),
    blocks=('a[data-draft-node="block"]',),
    placeholder_images=_ZHIHU_PLACEHOLDERS,
    formula_images=_ZHIHU_FORMULAS,
)

ZHIHU_HOT = SiteRules(
    name="zhihu_hot",
    sources=("知乎热榜",),
    markers=(("的回答<br>",),),
    lines=(
        LineRule("zhihu_hot.byline", _rx(r"^(?P<value>[^\n]{1,64}?)\s*的回答$"), "byline", first_only=True),
    ),
    media_links=('a[href*="zhihu.com/zvideo/"]',),
    blocks=('a[data-draft-node="block"]',),  # link cards
    placeholder_images=_ZHIHU_PLACEHOLDERS,
    formula_images=_ZHIHU_FORMULAS,
)

ITHOME = SiteRules(
    name="ithome",
    sources=("IT之家",),
    markers=(("tougao-user",), ('class="s_tag"', "data-vmark")),
    # "Thanks to reader X for the tip" is site chrome, not the story.
    drop=(("div.tougao-user", "ithome.tip_credit"),),
    unlink=("a.s_tag",),
)

CNBETA = SiteRules(name="cnbeta", sources=("cnBeta",), unlink=("a.s_tag",))

DRIBBBLE = SiteRules(
    name="dribbble",
    sources=("Dribbble",),
    markers=(("cdn.dribbble.com", 'class="media-content"'),),
    lines=(LineRule("dribbble.stats", _rx(r"^\d[\d,.]*[kKmM]?\s+(?:likes?|saves?|views?|comments?)$")),),
    alt_captions=True,
)

AXIS = SiteRules(
    name="axis",
    sources=("Axis Studios",),
    markers=(("listing-details",),),
    blocks=("span.listing-details",),
)

GOOGLE_SITES = SiteRules(
    name="google_sites",
    sources=("Google Sites",),
    markers=(("sites-layout",),),
    layout_tables=('table[class*="sites-layout"]',),
)

# Sources whose bodies the generic path already handles; listed so the choice is explicit.
PLAIN = SiteRules(
    name="plain",
    sources=("36kr", "3DMGame", "金色财经", "Bangumi", "Mastodon", "开眼", "Paul Graham 博客", "游研社"),
)

SITES: tuple[SiteRules, ...] = (
    SINA,
    ZHIHU_DAILY,
    ZHIHU_HOT,
    ITHOME,
    CNBETA,
    DRIBBBLE,
    AXIS,
    GOOGLE_SITES,
    PLAIN,
)


def norm_category(name: str) -> str:
    """Category key: NFKC, case-folded, without spaces ("IT 之家" == "IT之家")."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


_SOURCE_INDEX: dict[str, tuple[SiteRules, ...]] = {}
for _site in SITES:
    for _source in _site.sources:
        _key = norm_category(_source)
        _SOURCE_INDEX[_key] = (*_SOURCE_INDEX.get(_key, ()), _site)


def select_sites(html: str, categories: Sequence[str]) -> tuple[SiteRules, ...]:
    """GENERIC plus every site named by a category or recognized by its markup."""
    chosen: list[SiteRules] = []
    for category in categories:
        for site in _SOURCE_INDEX.get(norm_category(category), ()):
            if all(site is not seen for seen in chosen):
                chosen.append(site)
    for site in SITES:
        if all(site is not seen for seen in chosen) and any(
            all(m in html for m in group) for group in site.markers
        ):
            chosen.append(site)
    return (GENERIC, *chosen)
