"""The record a file becomes, as a reader sees it: credits in fields, a real lead, real images."""

from zoneinfo import ZoneInfo

from app.parse.build import build_record_with_cleaning
from app.parse.record import ArticleRecord
from tests.conftest import FIXTURES, post_text

UTC = ZoneInfo("UTC")
LEAD = "<p>　　县里今年新修了三条乡村公路，沿线的果园第一次用上了冷链车。</p>"


def _record(text: str, name: str = "post.md") -> ArticleRecord:
    return build_record_with_cleaning(text.encode(), key=name, file_path=name, digest="", zone=UTC)[0]


def test_the_seed_names_its_authors_and_opens_with_its_text() -> None:
    record = _record((FIXTURES / "seed.md").read_text(encoding="utf-8"), "seed.md")
    assert record.byline == "孙胜梅 傅思聪"
    assert record.editor == "王珊珊"  # Sina's 责任编辑 outranks the page editor named at the head
    assert record.original_title == "加快健全社会保障体系"
    assert record.body_text.split("\n\n")[0].startswith("《浙江高质量发展")
    assert record.excerpt.startswith("《浙江高质量发展")
    assert record.image is None  # the header is Sina's share logo, and the body has no picture
    assert record.images == []


def test_source_and_byline_lines_become_fields_not_the_excerpt() -> None:
    body = f"<div>\n<p>　　来源： 南湖健康12345</p>\n<p>　　►文 南湖观察网 林小舟</p>\n{LEAD}\n</div>\n"
    record = _record(post_text(body=body))
    assert (record.origin, record.byline) == ("南湖健康12345", "林小舟")
    assert record.excerpt == "县里今年新修了三条乡村公路，沿线的果园第一次用上了冷链车。"


def test_the_title_repeated_as_the_lead_is_not_the_excerpt() -> None:
    body = f"<div>\n<p>　　南湖：乡村公路通到果园</p>\n{LEAD}\n</div>\n"
    record = _record(post_text(title="南湖：乡村公路通到果园", body=body))
    assert record.excerpt.startswith("县里今年")


def test_a_placeholder_header_gives_way_to_the_first_real_image_of_the_body() -> None:
    body = (
        '<div>\n<p><img src="https://picsum.photos/400/300?random=8"></p>\n'
        f'{LEAD}\n<p><img src="https://img.example.org/road.jpg"></p>\n</div>\n'
    )
    record = _record(post_text(headimg="https://picsum.photos/400/300?random=8", body=body))
    assert record.image == "https://img.example.org/road.jpg"
    assert record.images == ["https://img.example.org/road.jpg"]


def test_a_proxied_header_is_the_original_it_wraps() -> None:
    proxied = "https://cors.zfour.workers.dev/?http://img.example.org/cover/1.jpg"
    body = f'<div>\n<img src="{proxied}">\n{LEAD}\n</div>\n'
    record = _record(post_text(headimg=proxied, body=body))
    assert record.image == "http://img.example.org/cover/1.jpg"
    assert record.images == ["http://img.example.org/cover/1.jpg"]
    assert "workers.dev" not in record.body_html


def test_zhihu_default_avatar_is_never_the_image() -> None:
    avatar = "https://pica.zhimg.com/da8e974dc_l.jpg?source=8673f162"
    categories = "\n - 社交媒体\n - 知乎\n - 知乎日报"
    record = _record(post_text(headimg=avatar, categories=categories, body=f"<div>{LEAD}</div>"))
    assert record.image is None and record.images == []


def test_formulas_are_searchable_text() -> None:
    body = '<div><p>圆环 <img src="https://www.zhihu.com/equation?tex=G%28n%2Cm%29"> 的走法。</p></div>'
    record = _record(post_text(categories="\n - 社交媒体\n - 知乎\n - 知乎热榜", body=body))
    assert record.body_text == "圆环 $G(n,m)$ 的走法。"
    assert "g" in record.body_tokens.split() and "n" in record.body_tokens.split()
