"""Slugs: ASCII, URL-safe, readable for Chinese titles."""

import pytest

from app.text.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("浙江：加快健全社会保障体系", "zhe-jiang-jia-kuai-jian-quan-she-hui-bao-zhang-ti-xi"),
        ("新浪财经－国內", "xin-lang-cai-jing-guo-nei"),
        ("IT 之家", "it-zhi-jia"),
        ("iPhone13发布", "iphone13-fa-bu"),
        ("Ｆｕｌｌ　width", "full-width"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("⚽️🏆", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_long_slugs_are_cut_at_a_dash() -> None:
    slug = slugify("社会保障" * 40)
    assert len(slug) <= 80 and not slug.endswith("-")
    assert slug.startswith("she-hui-bao-zhang-") and slug.rsplit("-", 1)[1] in {"she", "hui", "bao", "zhang"}
