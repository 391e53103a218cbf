"""Cursor pagination: every article exactly once, in order, whatever happens between pages."""

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from app.query.pagination import InvalidCursor, SortKey, decode_cursor, encode_cursor, ranges
from app.query.sorts import IN_ONE_CATEGORY, NEWEST_FIRST
from app.store.engine import make_engine
from app.store.tables import ARTICLE, LINK
from tests.conftest import IngestFn, WritePost


def _write_many(write_post: WritePost, count: int, *, prefix: str = "p", day: int = 1) -> None:
    """`count` posts; every third has no date and pairs share a timestamp, so ties need the id."""
    for n in range(count):
        date = "Invalid Date" if n % 3 == 0 else f"2021-03-{day + n // 2:02d} 08:00:00"
        write_post(f"金融/新浪财经/新浪财经－国內/{prefix}{n:03d}.md", title=f"{prefix} {n}", date=date)


def _walk(client: TestClient, url: str, between_pages: object = None) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        url = r.links.get("next", {}).get("url", "")
        assert (url == "") == (r.json()["next_cursor"] is None)
        if callable(between_pages):
            between_pages()
    return items


def _in_listing_order(items: list[dict[str, object]]) -> bool:
    dated = [i for i in items if i["published_at"] is not None]
    undated = [i for i in items if i["published_at"] is None]
    if items != dated + undated:
        return False
    dated_keys = [(str(i["published_at"]), str(i["id"])) for i in dated]
    undated_ids = [str(i["id"]) for i in undated]
    return dated_keys == sorted(dated_keys, reverse=True) and undated_ids == sorted(undated_ids, reverse=True)


def test_walking_cursors_visits_every_article_once_in_order(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    _write_many(write_post, 23)
    run_ingest(tmp_path / "posts")
    everything = client.get("/articles", params={"limit": 100}).json()["items"]
    walked = _walk(client, "/articles?limit=4")
    assert walked == everything
    assert len({item["id"] for item in walked}) == 23
    assert _in_listing_order(walked)
    assert walked[-1]["published_at"] is None  # the undated tail is walked too


def test_cursor_walk_survives_ingests_between_pages(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    _write_many(write_post, 20)
    run_ingest(tmp_path / "posts")
    before = {item["id"] for item in client.get("/articles", params={"limit": 100}).json()["items"]}
    batches = iter(range(10))

    def ingest_more() -> None:
        n = next(batches, None)
        if n is None:
            return
        # one newer than everything (lands on pages already read), one in the middle, one undated
        write_post(f"新媒体/36kr/快讯/new{n}a.md", title=f"new {n}", date=f"2022-01-0{n % 9 + 1} 00:00:00")
        write_post(f"新媒体/36kr/快讯/new{n}b.md", title=f"mid {n}", date=f"2021-03-05 08:0{n}:00")
        write_post(f"新媒体/36kr/快讯/new{n}c.md", title=f"undated {n}", date="Invalid Date")
        run_ingest(tmp_path / "posts")

    walked = _walk(client, "/articles?limit=3", between_pages=ingest_more)
    ids = [str(item["id"]) for item in walked]
    assert len(ids) == len(set(ids)), "an article came twice"
    assert before <= set(ids), "an article present from the start was skipped"
    assert _in_listing_order(walked)


def test_offset_paging_would_repeat_articles_where_cursors_do_not(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    _write_many(write_post, 6)
    run_ingest(tmp_path / "posts")
    first = client.get("/articles", params={"limit": 3}).json()
    write_post("新媒体/36kr/快讯/newest.md", title="newest", date="2023-01-01 00:00:00")
    run_ingest(tmp_path / "posts")
    by_offset = client.get("/articles", params={"limit": 3, "offset": 3}).json()["items"]
    by_cursor = client.get("/articles", params={"limit": 3, "cursor": first["next_cursor"]}).json()["items"]
    first_ids = {item["id"] for item in first["items"]}
    assert first_ids & {item["id"] for item in by_offset}  # the shift repeats one
    assert not first_ids & {item["id"] for item in by_cursor}


def test_category_listing_walks_by_cursor_with_its_filters(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    _write_many(write_post, 9)
    for n in range(4):
        write_post(
            f"游戏/3DMGame/新闻中心/g{n}.md", title=f"g{n}", categories="\n - 游戏\n - 3DMGame\n - 新闻中心"
        )
    run_ingest(tmp_path / "posts")
    walked = _walk(client, "/categories/jin-rong/articles?limit=2&author=新浪财经")
    assert len(walked) == 9 and all(str(item["title"]).startswith("p ") for item in walked)
    assert _in_listing_order(walked)


@pytest.mark.parametrize("sort", ["-published_at", "published_at"])
def test_a_category_alone_walks_by_cursor_like_its_pages_by_offset(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path, sort: str
) -> None:
    _write_many(write_post, 23)
    write_post("游戏/3DMGame/新闻中心/g.md", title="g", categories="\n - 游戏\n - 3DMGame\n - 新闻中心")
    run_ingest(tmp_path / "posts")
    walked = _walk(client, f"/categories/jin-rong/articles?limit=4&sort={sort}")
    by_offset = [
        item
        for offset in range(0, 24, 4)
        for item in client.get(
            "/categories/jin-rong/articles", params={"limit": 4, "offset": offset, "sort": sort}
        ).json()["items"]
    ]
    assert walked == by_offset and len(walked) == 23
    assert walked[-1]["published_at"] is None  # the undated tail is walked too
    if sort == "-published_at":
        assert _in_listing_order(walked)


def test_count_false_skips_the_total(client: TestClient, write_post: WritePost, run_ingest: IngestFn) -> None:
    run_ingest(write_post())
    body = client.get("/articles", params={"count": "false"}).json()
    assert body["total"] is None and len(body["items"]) == 1
    assert client.get("/articles").json()["total"] == 1


def test_link_header_has_next_prev_and_first(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    _write_many(write_post, 7)
    run_ingest(tmp_path / "posts")
    r = client.get("/articles", params={"limit": 2, "offset": 4, "author": "新浪财经"})
    links = r.links
    assert (
        links["prev"]["url"]
        == "http://testserver/articles?limit=2&author=%E6%96%B0%E6%B5%AA%E8%B4%A2%E7%BB%8F&offset=2"
    )
    assert (
        links["first"]["url"]
        == "http://testserver/articles?limit=2&author=%E6%96%B0%E6%B5%AA%E8%B4%A2%E7%BB%8F"
    )
    assert "offset" not in links["next"]["url"] and r.json()["next_cursor"] in links["next"]["url"]
    second = client.get("/articles", params={"limit": 2, "offset": 2})
    assert second.links["prev"]["url"] == second.links["first"]["url"] == "http://testserver/articles?limit=2"
    start = client.get("/articles", params={"limit": 2}).json()["next_cursor"]
    walked = client.get("/articles", params=[("category", "金融"), ("limit", 2), ("cursor", start)])
    cursor = walked.json()["next_cursor"]
    category = "category=%E9%87%91%E8%9E%8D"
    assert walked.links["next"]["url"] == f"http://testserver/articles?{category}&limit=2&cursor={cursor}"
    assert walked.links["first"]["url"] == f"http://testserver/articles?{category}&limit=2"
    last = client.get("/articles", params={"limit": 2, "offset": 6})
    assert "next" not in last.links and last.json()["next_cursor"] is None
    assert "link" not in client.get("/articles", params={"limit": 50}).headers


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        "bm90IGpzb24",  # "not json"
        encode_cursor(NEWEST_FIRST, ["2021-01-01", "x"])[:-3],  # truncated
        "WyJuZXdlc3QiLDEsMl0",  # ["newest",1,2]: wrong types
        "WyJ0aXRsZSIsImEiLCJiIl0",  # ["title","a","b"]: another sort's cursor
        "WyJuZXdlc3QiLCIyMDIxLTAxLTAxVDAwOjAwOjAwIiwiYSJd",  # a naive date
    ],
)
def test_tampered_cursor_is_a_422_naming_cursor(client: TestClient, cursor: str) -> None:
    r = client.get("/articles", params={"cursor": cursor})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["parameter"] == "cursor"


def test_cursor_and_offset_together_are_rejected(client: TestClient) -> None:
    cursor = encode_cursor(NEWEST_FIRST, [None, "a"])
    r = client.get("/articles", params={"cursor": cursor, "offset": 5})
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "offset"


def test_cursor_round_trips_dates_ids_and_the_undated_tail() -> None:
    moment = datetime(2021, 9, 13, 6, 39, 4, 120000, tzinfo=UTC)
    for values in [(moment, "5d0f8e2a4c1b3e7f"), (None, "00ff")]:
        token = encode_cursor(NEWEST_FIRST, values)
        assert token.isascii() and "=" not in token and "+" not in token and "/" not in token
        assert decode_cursor(NEWEST_FIRST, token) == values
    with pytest.raises(InvalidCursor):
        decode_cursor(NEWEST_FIRST, encode_cursor(NEWEST_FIRST, (moment, None)))


def _range_plans(tmp_path: Path, template: Path, query: Any, key: SortKey) -> list[str]:
    """SQLite's query plan for each range of a cursor page of `query` (SQLite's plans, unlike
    PostgreSQL's, do not depend on table statistics, so an empty copy shows them)."""
    shutil.copy(template, tmp_path / "plan.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    after = (datetime(2021, 1, 1, tzinfo=UTC), "abc")
    plans = []
    with engine.connect() as connection:
        for where, order in ranges(key, after):
            statement = query.where(where).order_by(*order).limit(20)
            compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
            plans.append(
                " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            )
    engine.dispose()
    return plans


def test_deep_cursor_pages_seek_the_index(tmp_path: Path, migrated_template: Path) -> None:
    """Each range of a cursor page is an index search, so page 1,000 costs what page 1 does."""
    query = select(ARTICLE.c.id, *NEWEST_FIRST.labelled())
    for plan in _range_plans(tmp_path, migrated_template, query, NEWEST_FIRST):
        assert "SEARCH article USING" in plan and "ix_article_published" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(("sort", "key"), [("title", "title"), ("published_at", "published_at")])
def test_other_sorts_walk_by_keyset_too(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, sort: str, key: str
) -> None:
    _write_many(write_post, 23)
    run_ingest(write_post("undated.md", title="无日期", date="Invalid Date").parent)
    items = _walk(client, f"/articles?limit=5&sort={sort}")
    assert len(items) == len({item["id"] for item in items}) == 24
    dated = [item for item in items if item[key] is not None]
    assert dated == sorted(dated, key=lambda item: (str(item[key]), str(item["id"])))
    if sort == "published_at":  # undated last in either direction
        undated = [item["published_at"] is None for item in items]
        assert undated == sorted(undated) and sum(undated) == 9


def test_a_search_walks_by_position(client: TestClient, write_post: WritePost, run_ingest: IngestFn) -> None:
    _write_many(write_post, 16)
    run_ingest(write_post("last.md").parent)
    walked = _walk(client, "/articles?limit=4&q=正文")
    assert len(walked) == len({item["id"] for item in walked}) == 17
    keyset = client.get("/articles", params={"limit": 4}).json()["next_cursor"]
    r = client.get("/articles", params={"q": "正文", "cursor": keyset})
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "cursor"


def test_a_category_page_is_a_range_of_the_link_index(tmp_path: Path, migrated_template: Path) -> None:
    """One category's pages read its slice of article_category's index, not every article of it."""
    key = IN_ONE_CATEGORY["newest"]
    joined = LINK.join(ARTICLE, ARTICLE.c.id == LINK.c.article_id)
    query = select(ARTICLE.c.id, *key.labelled()).select_from(joined).where(LINK.c.category_id == 7)
    for plan in _range_plans(tmp_path, migrated_template, query, key):
        assert "SEARCH article_category USING" in plan and "ix_article_category_listing" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
