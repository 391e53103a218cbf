"""Hostile markup never survives into body_text or body_html."""

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from app.clean.cleaner import clean_body

HOSTILE = {
    "script": '<p>safe</p><script>alert("x")</script><SCRIPT SRC="https://evil.example/x.js"></SCRIPT>',
    "onerror": (
        '<p>safe</p><img src="https://img.example.com/a.jpg" onerror="alert(1)"><img src=x onerror=alert(2)>'
    ),
    "javascript_href": '<a href="javascript:alert(1)">safe</a> <a href=" JaVaScRiPt:alert(2)">safe</a>',
    "data_href": '<p><a href="data:text/html;base64,PHNjcmlwdD4=">safe</a></p>',
    "data_img": '<p>safe</p><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "iframe": '<p>safe</p><iframe src="https://evil.example/frame" onload="alert(1)"></iframe>',
    "svg_onload": '<p>safe</p><svg onload="alert(1)"><script>alert(2)</script><text>svg words</text></svg>',
    "style_expression": '<p style="width:expression(alert(1))">safe</p><style>p{behavior:url(x.htc)}</style>',
    "event_attributes": '<div onclick="alert(1)"><p onmouseover="alert(2)">safe</p></div>',
    "object_embed": (
        '<p>safe</p><object data="https://evil.example/x.swf"></object><embed src="https://e.x/y.swf">'
    ),
    "form": (
        '<p>safe</p><form action="https://evil.example"><input value="alert(1)"><button>go</button></form>'
    ),
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>safe</p>',
    "base_and_link": (
        '<base href="javascript:alert(1)//"><link rel="stylesheet" href="https://e.x/x.css"><p>safe</p>'
    ),
    "noscript_escape": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">safe</p></noscript>',
    "comment_trick": "<!--<img src=x onerror=alert(1)>--><p>safe</p>",
    "entity_obfuscation": (
        '<a href="&#106;avascript:alert(1)">safe</a><a href="jav&#x09;ascript:alert(2)">x</a>'
    ),
    "nested_quotes": '<img src="https://img.example.com/a.jpg" alt="x&quot; onerror=&quot;alert(1)">',
    "math_mglyph": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext>"
    ),
}
ALLOWED = {
    "p": set(), "h1": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(), "h6": set(),
    "ul": set(), "ol": set(), "li": set(), "blockquote": set(), "pre": set(), "code": set(),
    "table": set(), "thead": set(), "tbody": set(), "tr": set(), "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"}, "figure": set(), "figcaption": set(), "strong": set(), "em": set(),
    "b": set(), "i": set(), "br": set(), "a": {"href", "rel"},
    "img": {"src", "alt", "width", "height", "loading", "referrerpolicy"}, "span": {"class", "data-tex"},
}  # fmt: skip


def assert_allowlisted(html: str) -> None:
    """Every element and attribute of the HTML is on the allowlist, and every URL is http(s)."""
    root = LexborHTMLParser(html).body
    assert root is not None
    for node in root.traverse():
        if node.tag == "body":
            continue
        assert node.tag in ALLOWED, f"{node.tag} in {html}"
        for name, value in node.attributes.items():
            assert name in ALLOWED[node.tag], f"{node.tag}[{name}] in {html}"
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://")), html
            if name == "rel":
                assert value == "noopener nofollow"
            if node.tag == "span" and name == "class":
                assert value == "math", html


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_never_reaches_html(name: str) -> None:
    cleaned = clean_body(HOSTILE[name])
    assert_allowlisted(cleaned.body_html)
    assert not re.search(r"javascript:|<script|<svg|<iframe|expression\(", cleaned.body_html, re.I)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_never_reaches_text(name: str) -> None:
    cleaned = clean_body(HOSTILE[name])
    assert "alert(" not in cleaned.body_text, cleaned.body_text
    assert "<script" not in cleaned.body_text.lower()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_leaves_only_http_urls(name: str) -> None:
    cleaned = clean_body(HOSTILE[name])
    for url in (*cleaned.images, *cleaned.media, *re.findall(r'(?:href|src)="([^"]*)"', cleaned.body_html)):
        assert url.startswith(("http://", "https://")), url


def test_links_get_rel_and_keep_only_href() -> None:
    cleaned = clean_body('<p><a href="https://example.com/a" target="_blank" class="x">link</a></p>')
    assert cleaned.body_html == '<p><a href="https://example.com/a" rel="noopener nofollow">link</a></p>'


def test_images_get_lazy_loading_and_no_referrer() -> None:
    cleaned = clean_body('<img src="//img.example.com/a.jpg" width="600" class="big" alt="A cat">')
    assert cleaned.body_html == (
        '<figure><img src="https://img.example.com/a.jpg" alt="A cat" loading="lazy" '
        'referrerpolicy="no-referrer"></figure>'
    )


def test_text_that_looks_like_markup_is_escaped_in_html() -> None:
    cleaned = clean_body("<p>&lt;script&gt;alert(1)&lt;/script&gt; is how the attack starts</p>")
    assert cleaned.body_html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; is how the attack starts</p>"


def test_deep_nesting_does_not_overflow() -> None:
    cleaned = clean_body("<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000)
    assert cleaned.body_text == "deep"
