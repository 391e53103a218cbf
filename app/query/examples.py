"""Examples for the response schemas: one made-up article, complete, so that each validates against its
schema (the OpenAPI document shows them, and the linters check them)."""

from typing import Any

SEED_ID = "5d0f8e2a4c1b3e7f"
LINKED: dict[str, Any] = {
    "id": "9c1e0b7d2a4f6e83",
    "slug": "mei-gu-shou-pan",
    "title": "美股收盘",
    "published_at": "2021-09-14T20:00:00Z",
}
SUMMARY: dict[str, Any] = {
    "id": SEED_ID,
    "slug": "zhe-jiang-jia-kuai-jian-quan-she-hui-bao-zhang-ti-xi",
    "title": "浙江：加快健全社会保障体系",
    "categories": ["金融", "新浪财经", "新浪财经－国內"],
    "category_slugs": ["jin-rong", "xin-lang-cai-jing", "xin-lang-cai-jing-guo-nei"],
    "author": "新浪财经",
    "published_at": "2021-09-13T06:39:04Z",
    "image": None,
    "excerpt": "《浙江高质量发展建设共同富裕示范区实施方案》将率先基本实现人的全生命周期公共服务优质共享…",
}
PARAGRAPHS = [
    "《浙江高质量发展建设共同富裕示范区实施方案》将率先基本实现人的全生命周期公共服务优质共享。",
    "社会保障作为政府公共服务的重要内容，承担着保障基本民生的功能。",
]
DETAIL: dict[str, Any] = SUMMARY | {
    "body_text": "\n\n".join(PARAGRAPHS),
    "paragraphs": PARAGRAPHS,
    "body_html": "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS),
    "original_title": "加快健全社会保障体系",
    "editor": "王珊珊",
    "origin": "浙江日报",
    "byline": "孙胜梅 傅思聪",
    "source_url": None,
    "language": "zh",
    "images": [],
    "media": [],
    "char_count": 78,
    "reading_minutes": 1,
    "extra": {"comments": False},
    "updated_at": "2021-09-13T08:00:00Z",
    "newer": LINKED,
    "older": None,
}
AUTHOR: dict[str, Any] = {
    "name": "新浪财经",
    "slug": "xin-lang-cai-jing",
    "article_count": 1280,
    "latest_published_at": "2022-03-06T06:04:00Z",
}
