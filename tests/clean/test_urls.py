"""Placeholder images and image URL handling."""

import pytest

from app.clean.cleaner import clean_body, is_placeholder_image


@pytest.mark.parametrize(
    "url",
    [
        "https://picsum.photos/400/300?random=5904",
        "https://fastly.picsum.photos/id/1/200/300.jpg",
        "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "http://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "//n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",
        "https://cors.example.dev/?https://picsum.photos/400/300",
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
    ],
)
def test_real_images_are_not_placeholders(url: str) -> None:
    assert not is_placeholder_image(url)


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
