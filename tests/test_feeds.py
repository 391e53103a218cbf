"""Atom and RSS read back with a real feed parser (feedparser); JSON Feed checked against its spec."""

from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from tests.conftest import IngestFn, WritePost

IMAGE = "https://img.example/header.png"


@pytest.fixture
def posts(tmp_path: Path, write_post: WritePost, run_ingest: IngestFn) -> Path:
    write_post("金融/a.md", title="金融新闻 <一> & 二", headimg=IMAGE, date="2021-09-14 00:00:00")
    write_post("金融/b.md", title="较早的新闻", date="2021-09-13 00:00:00")
    write_post(
        "游戏/c.md",
        title="游戏新闻",
        categories="\n - 游戏\n - 3DMGame\n - 新闻中心",
        author="3DMGame",
        date="Invalid Date",
    )
    assert run_ingest(tmp_path / "posts").failed == 0
    return tmp_path / "posts"


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feed_lists_the_newest_articles_with_links_summaries_and_images(
    client: TestClient, posts: Path, name: str
) -> None:
    r = client.get(f"/feeds/{name}")
    assert r.status_code == 200, r.text
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert titles == ["金融新闻 <一> & 二", "较早的新闻", "游戏新闻"]
    first = feed.entries[0]
    newest = client.get("/articles").json()["items"][0]
    assert first.link == f"http://testserver/read/{newest['slug']}"  # the reader page
    assert first.id == f"http://testserver/articles/{newest['id']}"
    assert client.get(first.id.removeprefix("http://testserver")).status_code == 200
    assert first.summary.startswith("第一段正文，足够长的一段中文内容。") and "<" not in first.summary
    assert first.content[0].type == "text/html"
    assert first.content[0].value == client.get(f"/articles/{newest['id']}").json()["body_html"]
    assert first.published_parsed[:3] == (2021, 9, 14)
    assert first.author == "新浪财经"
    assert [enclosure.href for enclosure in first.enclosures] == [IMAGE]
    assert [tag.term for tag in first.tags] == ["金融", "新浪财经", "新浪财经－国內"]
    assert "published_parsed" not in feed.entries[2]  # the undated article has no invented date


def test_json_feed_follows_version_1_1(client: TestClient, posts: Path) -> None:
    r = client.get("/feeds/feed.json")
    assert r.headers["content-type"] == "application/feed+json"
    feed = r.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == "http://testserver/feeds/feed.json"
    assert feed["home_page_url"] == "http://testserver/articles"
    first = feed["items"][0]
    assert first["id"].startswith("http://testserver/articles/")
    assert first["url"].startswith("http://testserver/read/")
    assert first["title"] == "金融新闻 <一> & 二" and first["content_html"].startswith("<p>第一段正文")
    assert first["image"] == IMAGE and first["authors"] == [{"name": "新浪财经"}]
    assert first["date_published"] == "2021-09-14T00:00:00Z"
    assert all(("content_text" in item or "content_html" in item) and item["id"] for item in feed["items"])
    assert "date_published" not in feed["items"][2]


def test_feeds_take_the_listing_filters(client: TestClient, posts: Path) -> None:
    for name in ["atom.xml", "rss.xml"]:
        games = feedparser.parse(client.get(f"/feeds/{name}", params={"category": "游戏"}).content)
        assert [e.title for e in games.entries] == ["游戏新闻"], name
        by_author = feedparser.parse(client.get(f"/feeds/{name}", params={"author": "3DMGame"}).content)
        assert [e.title for e in by_author.entries] == ["游戏新闻"], name
        limited = feedparser.parse(client.get(f"/feeds/{name}", params={"limit": 1}).content)
        assert len(limited.entries) == 1
    games = client.get("/feeds/feed.json", params={"category": "游戏"}).json()["items"]
    assert [item["title"] for item in games] == ["游戏新闻"]
    assert client.get("/feeds/rss.xml", params={"limit": 0}).json()["errors"][0]["parameter"] == "limit"


def test_feed_media_types(client: TestClient, posts: Path) -> None:
    assert client.get("/feeds/atom.xml").headers["content-type"] == "application/atom+xml"
    assert client.get("/feeds/rss.xml").headers["content-type"] == "application/rss+xml"


def test_public_base_url_makes_the_links(engine: Engine, database_url: str, posts: Path) -> None:
    settings = Settings(database_url=database_url, public_base_url="https://news.example/api/")
    with TestClient(create_app(settings, engine=engine)) as client:
        feed = feedparser.parse(client.get("/feeds/atom.xml").content)
        assert feed.entries[0].id.startswith("https://news.example/api/articles/")
        assert feed.entries[0].link.startswith("https://news.example/api/read/")
        assert feed.feed.links[0].href == "https://news.example/api/feeds/atom.xml"
        link = client.get("/articles", params={"limit": 1}).links["next"]["url"]
        assert link.startswith("https://news.example/api/articles?limit=1&cursor=")


def test_empty_feed_is_still_valid(client: TestClient) -> None:
    for name in ["atom.xml", "rss.xml"]:
        feed = feedparser.parse(client.get(f"/feeds/{name}").content)
        assert not feed.bozo and feed.entries == [] and feed.version, name
    assert client.get("/feeds/feed.json").json()["items"] == []


def test_updated_is_the_publication_until_an_ingest_changes_the_content(
    client: TestClient, tmp_path: Path, write_post: WritePost, run_ingest: IngestFn
) -> None:
    def updated() -> tuple[str, str]:
        item = client.get("/feeds/feed.json").json()["items"][0]
        atom = feedparser.parse(client.get("/feeds/atom.xml").content).entries[0]
        return item["date_modified"], atom.updated

    write_post("x/a.md", title="标题", date="2021-09-13 00:00:00")
    run_ingest(tmp_path / "posts")
    assert updated() == ("2021-09-13T00:00:00Z", "2021-09-13T00:00:00Z")  # not the time of the ingest
    write_post("x/a.md", title="标题", date="2021-09-13 00:00:00", extra="tags: 财经")
    assert run_ingest(tmp_path / "posts").updated == 1
    assert updated()[0] == "2021-09-13T00:00:00Z"  # the file changed, what a reader sees did not
    write_post("x/a.md", title="标题", date="2021-09-13 00:00:00", body="<p>更正后的正文。</p>")
    run_ingest(tmp_path / "posts")
    changed = updated()[0]
    assert changed > "2025" and changed == updated()[1]
    rss = feedparser.parse(client.get("/feeds/rss.xml").content).entries[0]
    assert rss.content[0].value == "<p>更正后的正文。</p>"
