"""What links articles together for a reader: unique slugs, category slugs, authors, neighbours and
related articles, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.parse.record import article_id
from tests.conftest import IngestFn, WritePost

FINANCE = "\n - 金融\n - 新浪财经\n - 新浪财经－国內"
US = "\n - 金融\n - 新浪财经\n - 新浪财经－美股"
FLASH_36KR = "\n - 新媒体\n - 36kr\n - 快讯"
FLASH_JINSE = "\n - 新媒体\n - 金色财经\n - 快讯"
PENSION = "<p>养老保险制度改革，养老金并轨，个人养老账户。养老保险的缴费年限。</p>"
CHIPS = "<p>芯片产能紧张，晶圆代工涨价，芯片短缺。晶圆厂扩产。</p>"


def _id(categories: str, name: str) -> str:
    chain = [line.strip(" -") for line in categories.strip().splitlines()]
    return article_id("/".join([*chain, name]))


@pytest.fixture
def corpus(tmp_path: Path, write_post: WritePost, run_ingest: IngestFn) -> Path:
    write_post("a/p1.md", title="养老保险改革", categories=FINANCE, date="2021-09-10 00:00:00", body=PENSION)
    write_post("a/p2.md", title="养老金并轨", categories=FINANCE, date="2021-09-11 00:00:00", body=PENSION)
    write_post("a/p3.md", title="芯片短缺", categories=FINANCE, date="2021-09-12 00:00:00", body=CHIPS)
    write_post("a/p4.md", title="无日期", categories=FINANCE, date="Invalid Date", body=CHIPS)
    write_post("b/p5.md", title="晶圆代工涨价", categories=US, date="2021-09-13 00:00:00", body=CHIPS)
    write_post("c/k.md", title="快讯一", categories=FLASH_36KR, author="36kr", date="2022-01-01 00:00:00")
    write_post(
        "c/j.md", title="快讯二", categories=FLASH_JINSE, author="金色财经", date="2022-01-02 00:00:00"
    )
    assert run_ingest(tmp_path / "posts").failed == 0
    return tmp_path / "posts"


def test_a_title_taken_twice_gives_the_later_article_a_suffixed_slug(
    client: TestClient, tmp_path: Path, write_post: WritePost, run_ingest: IngestFn
) -> None:
    first, second = _id(FINANCE, "same.md"), _id(US, "same.md")
    write_post("x/same.md", title="同一个标题", categories=FINANCE, body=PENSION)
    write_post("y/same.md", title="同一个标题", categories=US, body=CHIPS)
    run_ingest(tmp_path / "posts")
    # one batch: the smaller id is written first and keeps the slug
    keeper, later = sorted([first, second])
    assert client.get(f"/articles/{keeper}").json()["slug"] == "tong-yi-ge-biao-ti"
    assert client.get(f"/articles/{later}").json()["slug"] == f"tong-yi-ge-biao-ti-{later[:6]}"
    # a third article of that title, in a later ingest, gets its own suffix; nobody's slug moves
    write_post("z/same.md", title="同一个标题", categories=FLASH_36KR, author="36kr")
    run_ingest(tmp_path / "posts")
    third = _id(FLASH_36KR, "same.md")
    assert client.get(f"/articles/{third}").json()["slug"] == f"tong-yi-ge-biao-ti-{third[:6]}"
    assert client.get(f"/articles/{keeper}").json()["slug"] == "tong-yi-ge-biao-ti"
    slugs = [item["slug"] for item in client.get("/articles").json()["items"]]
    assert len(slugs) == len(set(slugs)) == 3


def test_a_slug_is_kept_for_life_even_when_the_title_changes(
    client: TestClient, tmp_path: Path, write_post: WritePost, run_ingest: IngestFn
) -> None:
    write_post("x/a.md", title="旧标题", categories=FINANCE)
    run_ingest(tmp_path / "posts")
    write_post("x/a.md", title="新标题", categories=FINANCE)
    run_ingest(tmp_path / "posts")
    article = client.get(f"/articles/{_id(FINANCE, 'a.md')}").json()
    assert (article["title"], article["slug"]) == ("新标题", "jiu-biao-ti")


def test_an_article_is_found_by_its_slug_with_the_same_body_and_headers(
    client: TestClient, corpus: Path
) -> None:
    by_id = client.get(f"/articles/{_id(FINANCE, 'p3.md')}")
    by_slug = client.get("/articles/slug/xin-pian-duan-que")
    assert by_slug.status_code == 200, by_slug.text
    assert by_slug.content == by_id.content
    for header in ("etag", "last-modified", "cache-control"):
        assert by_slug.headers[header] == by_id.headers[header], header
    trimmed = client.get("/articles/slug/xin-pian-duan-que", params={"fields": "id,title"}).json()
    assert trimmed == {"id": _id(FINANCE, "p3.md"), "title": "芯片短缺"}
    missing = client.get("/articles/slug/no-such-slug")
    assert missing.status_code == 404 and "no-such-slug" in missing.json()["detail"]


def test_listings_filter_by_slug(client: TestClient, corpus: Path) -> None:
    found = client.get("/articles", params=[("slug", "xin-pian-duan-que"), ("slug", "kuai-xun-yi")]).json()
    assert [item["title"] for item in found["items"]] == ["快讯一", "芯片短缺"] and found["total"] == 2
    searched = client.get("/articles", params={"slug": "xin-pian-duan-que", "q": "芯片"}).json()
    assert [item["title"] for item in searched["items"]] == ["芯片短缺"]
    assert client.get("/articles", params={"slug": "nope"}).json()["total"] == 0


def test_summaries_and_details_link_their_categories(client: TestClient, corpus: Path) -> None:
    items = client.get("/articles", params={"category": "快讯"}).json()["items"]
    assert [item["category_slugs"] for item in items] == [
        ["xin-mei-ti", "jin-se-cai-jing", "kuai-xun"],  # the first 快讯 stored took the plain slug
        ["xin-mei-ti", "36kr", "36kr-kuai-xun"],
    ]
    detail = client.get(f"/articles/{_id(US, 'p5.md')}").json()
    assert detail["category_slugs"] == ["jin-rong", "xin-lang-cai-jing", "xin-lang-cai-jing-mei-gu"]
    for slug in detail["category_slugs"]:
        assert client.get(f"/categories/{slug}/articles").status_code == 200


def test_a_category_listing_takes_a_name_that_names_one_category(client: TestClient, corpus: Path) -> None:
    by_name = client.get("/categories/金融/articles").json()
    assert by_name == client.get("/categories/jin-rong/articles").json()
    shared = client.get("/categories/快讯/articles")
    assert shared.status_code == 404, shared.text
    assert shared.json()["detail"].endswith("use one of their slugs: 36kr-kuai-xun, kuai-xun.")


def test_authors_are_listed_with_counts_and_filter_by_slug(client: TestClient, corpus: Path) -> None:
    authors = client.get("/authors").json()
    assert authors == [
        {
            "name": "新浪财经",
            "slug": "xin-lang-cai-jing",
            "article_count": 5,
            "latest_published_at": "2021-09-13T00:00:00Z",
        },
        {"name": "36kr", "slug": "36kr", "article_count": 1, "latest_published_at": "2022-01-01T00:00:00Z"},
        {
            "name": "金色财经",
            "slug": "jin-se-cai-jing",
            "article_count": 1,
            "latest_published_at": "2022-01-02T00:00:00Z",
        },
    ]
    by_slug = client.get("/articles", params={"author": "jin-se-cai-jing"}).json()
    by_name = client.get("/articles", params={"author": "金色财经"}).json()
    assert by_slug == by_name and by_slug["total"] == 1
    searched = client.get("/articles", params={"author": "jin-se-cai-jing", "q": "快讯"}).json()
    assert [item["title"] for item in searched["items"]] == ["快讯二"]
    assert client.get("/articles", params={"author": "nobody"}).json()["total"] == 0


def test_the_detail_links_its_neighbours_in_its_own_feed(client: TestClient, corpus: Path) -> None:
    # the feed 新浪财经－国內, newest first: p3, p2, p1, then the undated p4 (p5 is in another feed)
    def neighbours(name: str) -> tuple[str | None, str | None]:
        body = client.get(f"/articles/{_id(FINANCE, name)}").json()
        return tuple(link and link["title"] for link in (body["newer"], body["older"]))  # type: ignore[return-value]

    assert neighbours("p3.md") == (None, "养老金并轨")
    assert neighbours("p2.md") == ("芯片短缺", "养老保险改革")
    assert neighbours("p1.md") == ("养老金并轨", "无日期")
    assert neighbours("p4.md") == ("养老保险改革", None)
    newer = client.get(f"/articles/{_id(FINANCE, 'p2.md')}").json()["newer"]
    assert newer == {
        "id": _id(FINANCE, "p3.md"),
        "slug": "xin-pian-duan-que",
        "title": "芯片短缺",
        "published_at": "2021-09-12T00:00:00Z",
    }


def test_related_articles_share_distinctive_terms_and_exclude_the_article(
    client: TestClient, corpus: Path
) -> None:
    r = client.get(f"/articles/{_id(FINANCE, 'p3.md')}/related")
    assert r.status_code == 200, r.text
    titles = [item["title"] for item in r.json()["items"]]
    assert set(titles) == {"无日期", "晶圆代工涨价"} and "芯片短缺" not in titles
    assert titles[0] == "晶圆代工涨价"  # its title shares 涨价 and 晶圆 too
    pension = client.get(f"/articles/{_id(FINANCE, 'p1.md')}/related", params={"limit": 1}).json()
    assert [item["title"] for item in pension["items"]] == ["养老金并轨"]
    assert set(pension["items"][0]) >= {"id", "slug", "category_slugs", "excerpt"}
    trimmed = client.get(f"/articles/{_id(FINANCE, 'p1.md')}/related", params={"fields": "title"}).json()
    assert trimmed == {"items": [{"title": "养老金并轨"}]}


@pytest.mark.parametrize(("params", "status"), [({"limit": 21}, 422), ({"limit": 0}, 422), ({}, 404)])
def test_related_articles_of_a_bad_request(
    client: TestClient, corpus: Path, params: dict[str, int], status: int
) -> None:
    article = _id(FINANCE, "p1.md") if status == 422 else "0000000000000000"
    r = client.get(f"/articles/{article}/related", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
