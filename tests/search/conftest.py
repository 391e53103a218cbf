"""A small corpus written for search: Simplified and Traditional, full-width, English, mixed tokens."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.store.tables import ARTICLE
from tests.conftest import FIXTURES, IngestFn, WritePost

FINANCE = "\n - 金融\n - 新浪财经\n - 新浪财经－国內"
TECH = "\n - 新媒体\n - IT 之家\n - 热榜"
GAME = "\n - 游戏\n - 3DMGame\n - 新闻中心"

# name: (title, paragraphs, categories, author, date, image)
POSTS: dict[str, tuple[str, list[str], str, str, str, str | None]] = {
    "trad": (
        "國內經濟穩定",
        ["國內市場穩定，養老保險制度持續完善。", "臺灣與香港的讀者也關心國內新聞。"],
        FINANCE,
        "新浪财经",
        "2021-09-01 08:00:00",
        None,
    ),
    "simp": (
        "国内消费回暖",
        ["国内消费持续回暖，养老金按时发放。", "中国，美国和日本的市场都在变化。"],
        FINANCE,
        "新浪财经",
        "2021-09-15 08:00:00",
        "https://example.com/simp.jpg",
    ),
    "carbon-title": (
        "碳达峰行动方案发布",
        ["方案提出了具体目标。"],
        FINANCE,
        "新浪财经",
        "2021-10-01 08:00:00",
        None,
    ),
    "carbon-body": (
        "能源政策解读",
        ["碳达峰是长期目标，碳达峰需要各方努力。", "专家认为碳达峰将推动产业升级。"],
        FINANCE,
        "新浪财经",
        "2021-10-02 08:00:00",
        None,
    ),
    "python": (
        "Python 3.12 released with faster startup",
        ["The new Python release runs on the M1 Mac and on 5G phones.", "Pythonic code is still welcome."],
        TECH,
        "IT 之家",
        "2022-01-10 08:00:00",
        "https://example.com/python.jpg",
    ),
    "ai": (
        "ＡＩ芯片出货量增长",
        ["人工智能与ＡＩ芯片需求旺盛，iPhone13 也用上了新芯片。", "A股市场的半导体板块大涨。"],
        TECH,
        "IT 之家",
        "2022-02-10 08:00:00",
        None,
    ),
    "phones": (
        "iPhone 13 与 5G 手机对比",
        ["iPhone 13 的 5G 信号更好，M1 芯片不在手机上。", "哈哈，哈哈哈，真有意思。"],
        TECH,
        "IT 之家",
        "2022-02-20 08:00:00",
        None,
    ),
    "script": (
        "alert(1) <3 & 游戏安全公告",
        ["注意：&lt;script&gt;alert(2)&lt;/script&gt; 不会在网页上运行。", "游戏玩家请更新客户端。"],
        GAME,
        "3DMGame",
        "2022-03-01 08:00:00",
        None,
    ),
    "undated": (
        "无日期的游戏新闻",
        ["这篇新闻没有日期，讲的是独立游戏。"],
        GAME,
        "3DMGame",
        "Invalid Date",
        None,
    ),
}


@pytest.fixture
def search_corpus(
    tmp_path: Path, write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> dict[str, str]:
    """Ingest the seed and POSTS; returns article id by post name."""
    seed = tmp_path / "posts" / "seed.md"
    seed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "seed.md", seed)
    for name, (title, paragraphs, categories, author, date, image) in POSTS.items():
        body = "<div>\n" + "".join(f"<p>{text}</p>\n" for text in paragraphs) + "</div>\n"
        write_post(
            f"{name}.md",
            title=title.replace("'", "''"),
            categories=categories,
            author=author,
            date=date,
            headimg=image,
            body=body,
        )
    report = run_ingest(tmp_path / "posts")
    assert report.failed == 0, report.failures
    with engine.connect() as connection:
        rows = connection.execute(select(ARTICLE.c.file_path, ARTICLE.c.id)).all()
    return {Path(file_path).stem: article_id for file_path, article_id in rows}


def search_ids(client: TestClient, **params: object) -> set[str]:
    """Ids of every article the listing returns for these parameters (all pages)."""
    found: set[str] = set()
    offset = 0
    while True:
        r = client.get("/articles", params={**params, "limit": 100, "offset": offset})
        assert r.status_code == 200, r.text
        body = r.json()
        found |= {item["id"] for item in body["items"]}
        offset += 100
        if offset >= body["total"]:
            assert len(found) == body["total"]
            return found
