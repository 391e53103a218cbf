"""Placeholder images, proxies, formulas drawn as images, and image sizes."""

import pytest

from app.clean.cleaner import clean_body, is_placeholder_image, real_image
from app.clean.figures import image_size
from app.clean.urls import formula_tex, unwrap_proxy


@pytest.mark.parametrize(
    "url",
    [
        "https://picsum.photos/400/300?random=5904",
        "https://fastly.picsum.photos/id/1/200/300.jpg",
        "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "http://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "//n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "https://cors.example.dev/?https://picsum.photos/400/300",
        "https://cors.zfour.workers.dev/?http://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "https://pica.zhimg.com/da8e974dc_l.jpg?source=8673f162",
        "https://pic3.zhimg.com/da8e974dc_xl.jpg",
        "https://via.placeholder.com/150",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "",
    ],
)
def test_placeholders_are_recognized(url: str) -> None:
    assert is_placeholder_image(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://n.sinaimg.cn/finance/crawl/399/w550h649/20210815/82b2-abc.jpg",
        "https://pic1.zhimg.com/v2-abc_720w.jpg?source=8673f162",
        "https://cors.example.dev/?http://lain.example.tv/pic/cover/l/25/cd/1_x.jpg",
        "https://example.com/photos/picsum.photos.jpg",
        "https://pic2.zhimg.com/v2-1074522a_l.jpg?source=8673f162",
        "https://example.com/da8e974dc_l.jpg",
    ],
)
def test_real_images_are_not_placeholders(url: str) -> None:
    assert not is_placeholder_image(url)


@pytest.mark.parametrize(
    ("url", "real"),
    [
        (
            "https://cors.zfour.workers.dev/?http://img.example.org/cover/1.jpg?imageMogr2/quality/60",
            "http://img.example.org/cover/1.jpg?imageMogr2/quality/60",
        ),
        ("https://proxy.example.dev/?https://img.example.org/a.png", "https://img.example.org/a.png"),
        ("//img.example.org/a.png", "https://img.example.org/a.png"),
        ("https://img.example.org/a.png?from=http://x", "https://img.example.org/a.png?from=http://x"),
        ("https://picsum.photos/400/300?random=12", None),
        ("/relative.png", None),
        (None, None),
    ],
)
def test_real_image_unwraps_proxies_and_refuses_placeholders(url: str | None, real: str | None) -> None:
    assert real_image(url) == real


def test_only_a_query_that_is_a_url_is_unwrapped() -> None:
    kept = "https://img.example.org/resize/?width=300"
    assert unwrap_proxy(kept) == kept


@pytest.mark.parametrize(
    ("url", "tex"),
    [
        ("https://www.zhihu.com/equation?tex=n%5Ctimes+m", "n\\times m"),
        ("https://www.zhihu.com/equation?tex=%5Cfrac%7B3%7D%7B%5Crho+r%7D", "\\frac{3}{\\rho r}"),
        ("https://www.zhihu.com/equation?tex=", ""),
        ("https://www.zhihu.com/equations/1.png", None),
        ("https://pic1.zhimg.com/v2-abc_720w.jpg", None),
    ],
)
def test_formula_images_give_their_tex(url: str, tex: str | None) -> None:
    assert formula_tex(url) == tex


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ({"width": "970px", "height": "374px"}, (970, 374)),
        ({"width": "630", "data-imgwidth": "1196", "data-imgheight": "807"}, (1196, 807)),
        ({"data-rawwidth": "1080", "data-rawheight": "720"}, (1080, 720)),
        ({"cms-width": "676", "cms-height": "738.594"}, (676, 739)),
        ({"width": "100%", "height": "auto"}, None),
        ({"width": "nan", "height": "inf"}, None),
        ({"width": "1", "height": "1"}, None),
        ({}, None),
    ],
)
def test_image_sizes_come_from_the_first_complete_pair(attrs: dict[str, str | None], size: object) -> None:
    assert image_size(attrs) == size


def test_a_formula_stays_inside_its_sentence_as_tex() -> None:
    cleaned = clean_body(
        '<p>你看到一个 <img src="https://www.zhihu.com/equation?tex=n%5Ctimes+m" alt> 网格的圆环 '
        '<img src="https://www.zhihu.com/equation?tex=G%28n%2Cm%29">。</p>',
        categories=["社交媒体", "知乎", "知乎热榜"],
    )
    assert cleaned.paragraphs == ("你看到一个 $n\\times m$ 网格的圆环 $G(n,m)$。",)
    assert cleaned.body_html == (
        '<p>你看到一个 <span class="math" data-tex="n\\times m">n\\times m</span> 网格的圆环 '
        '<span class="math" data-tex="G(n,m)">G(n,m)</span>。</p>'
    )
    assert cleaned.images == ()


def test_a_formula_tex_is_escaped_in_html() -> None:
    cleaned = clean_body('<p>x <img src="https://www.zhihu.com/equation?tex=a%3Cb%22%3E%3Cscript%3E"> y</p>')
    assert cleaned.body_html == (
        '<p>x <span class="math" data-tex="a&lt;b&quot;&gt;&lt;script&gt;">'
        'a&lt;b"&gt;&lt;script&gt;</span> y</p>'
    )


def test_a_small_image_inside_a_sentence_does_not_split_it() -> None:
    cleaned = clean_body(
        '<p>先预约<img src="https://img.example.com/ticket.png" width="16" height="16">，再入场。</p>'
    )
    assert cleaned.paragraphs == ("先预约，再入场。",)
    assert '<img src="https://img.example.com/ticket.png" alt="" width="16" height="16"' in cleaned.body_html
    wide = clean_body(
        '<p>先看图<img src="https://img.example.com/wide.png" width="900" height="600">再说。</p>'
    )
    assert wide.paragraphs == ("先看图", "再说。")


def test_images_are_absolute_ordered_and_unique() -> None:
    cleaned = clean_body(
        '<img src="//a.example.com/1.jpg"><p>x</p><img src="https://b.example.com/2.jpg">'
        '<img src="https://a.example.com/1.jpg"><img src="/relative.jpg">'
        '<img src="data:image/png;base64,AA==">'
        '<img src="https://picsum.photos/400/300"><img data-src="https://c.example.com/3.jpg">'
    )
    assert cleaned.images == (
        "https://a.example.com/1.jpg",
        "https://b.example.com/2.jpg",
        "https://c.example.com/3.jpg",
    )


def test_srcset_is_used_when_src_is_a_data_uri() -> None:
    cleaned = clean_body(
        '<img src="data:image/gif;base64,R0lGOD" '
        'srcset="data:image/gif;base64,R0lGOD 1x, https://x.example.com/s.jpg 300w, '
        'https://x.example.com/l.jpg 900w">'
    )
    assert cleaned.images == ("https://x.example.com/l.jpg",)


def test_media_collects_iframes_videos_and_sources() -> None:
    cleaned = clean_body(
        '<iframe src="https://youtube.com/embed/abc"></iframe>'
        '<video src="https://v.example.com/a.mp4" controls><source src="https://v.example.com/a.webm">old</video>'
        '<video width="100%" source src="http://player.example.com/b.mp4"></video>'
    )
    assert cleaned.media == (
        "https://youtube.com/embed/abc",
        "https://v.example.com/a.mp4",
        "https://v.example.com/a.webm",
        "http://player.example.com/b.mp4",
    )
    assert cleaned.body_text == ""
    assert cleaned.body_html == ""


def test_sina_image_urls_give_the_size_its_markup_leaves_out() -> None:
    html = '<div class="img_wrapper"><img src="https://n.sinaimg.cn/finance/x/w632h269/2021/a.png"></div>'
    sina = clean_body(html, categories=["金融", "新浪财经"])
    assert 'width="632" height="269"' in sina.body_html
    assert "width=" not in clean_body(html.replace("img_wrapper", "pic"), categories=["其他"]).body_html
