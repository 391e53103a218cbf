"""The last line of defence: every body_html passes an nh3 allowlist."""

import nh3

TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img", "a",
    "strong", "em", "b", "i", "br", "span",
})  # fmt: skip

# The renderer writes loading/referrerpolicy itself (nh3's set_tag_attribute_values orders them
# differently from run to run); here they may only hold those values. A span is only ever a formula.
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags={"script", "style"},
    attributes={
        "img": {"src", "alt", "width", "height"},
        "span": {"data-tex"},
        "a": {"href"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
    },
    tag_attribute_values={
        "img": {"loading": {"lazy"}, "referrerpolicy": {"no-referrer"}},
        "span": {"class": {"math"}},
    },
    url_schemes={"http", "https"},
    link_rel="noopener nofollow",
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """Allowlisted tags and attributes only, http(s) URLs only, rel on every link."""
    return _CLEANER.clean(html)
