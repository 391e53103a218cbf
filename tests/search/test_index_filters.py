"""Filters answered by the search index stay exact: they follow updates, prunes and rebuilds, and `total`
counts every match once even while the index holds postings of rows it dropped."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.store.backends.base import IndexedFilters
from app.store.backends.fts5 import filter_terms, fts5_filters, stored_filter_terms
from app.store.search_index import rebuild
from tests.conftest import IngestFn, WritePost
from tests.search.conftest import search_ids

FINANCE = "\n - 金融\n - 新浪财经"
GAME = "\n - 游戏\n - 3DMGame"

FILTERED = [
    {"category": "金融"},
    {"category": ["金融", "新浪财经－国內"], "category_mode": "all"},
    {"category": ["金融", "游戏"]},
    {"category": "no-such-category"},
    {"author": ["3DMGame", "IT 之家"]},
    {"has_image": True},
    {"has_image": False, "since": "2021-09-10"},
    {"category": "金融", "has_image": False, "until": "2022-01-01"},
]


def test_filter_terms_cannot_be_searched_for() -> None:
    terms = filter_terms([12, 3, 12], "IT 之家", has_image=False)
    assert terms == "§c3 §c12 §a495420e4b98be5aeb6 §img0"
    assert fts5_filters(IndexedFilters(category_groups=[[1, 2]], authors=["x"], has_image=True)) == [
        '("§c1" OR "§c2")',
        '("§a78")',
        '("§img1")',
    ]
    assert IndexedFilters(category_groups=[[1], []]).impossible


@pytest.mark.parametrize("filters", FILTERED)
@pytest.mark.parametrize("q", ["国内", "芯片 OR 游戏", "5G -iPhone"])
def test_index_filters_equal_the_article_table_filters(
    client: TestClient, search_corpus: dict[str, str], q: str, filters: dict[str, object]
) -> None:
    # sort=title filters on the article table; relevance and -published_at use the index's filter terms
    expected = search_ids(client, q=q, sort="title", **filters)
    assert search_ids(client, q=q, **filters) == expected
    assert search_ids(client, q=q, sort="-published_at", **filters) == expected


def test_filter_terms_follow_an_update(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="养老新闻", categories=FINANCE, author="新浪财经", headimg="https://e.x/a.jpg")
    run_ingest(tmp_path / "posts")
    assert len(search_ids(client, q="养老", category="金融", author="新浪财经", has_image=True)) == 1
    write_post("a.md", title="养老新闻", categories=GAME, author="3DMGame", headimg=None)
    assert run_ingest(tmp_path / "posts").updated == 1
    assert search_ids(client, q="养老", category="金融") == set()
    assert search_ids(client, q="养老", author="新浪财经") == set()
    assert search_ids(client, q="养老", has_image=True) == set()
    assert len(search_ids(client, q="养老", category="游戏", author="3DMGame", has_image=False)) == 1


def test_pruned_articles_leave_the_filter_terms(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="养老新闻", categories=FINANCE)
    gone = write_post("b.md", title="养老政策", categories=FINANCE)
    run_ingest(tmp_path / "posts")
    gone.unlink()
    assert run_ingest(tmp_path / "posts", prune=True).pruned == 1
    r = client.get("/articles", params={"q": "养老", "category": "金融"})
    assert r.json()["total"] == 1, r.text


def _stored_terms_match(engine: Engine) -> None:
    """SQLite keeps each row's filter terms: they must be what the articles say now."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        kept = dict(connection.execute(text("SELECT article_id, filters FROM article_search")).tuples().all())
        assert kept == stored_filter_terms(connection, list(kept))


def _total(client: TestClient, **params: object) -> int:
    """`total` of a one-item page, by relevance and newest first (the same either way)."""
    totals = {
        client.get("/articles", params={**params, "limit": 1, "sort": sort}).json()["total"]
        for sort in ("relevance", "-published_at")
    }
    assert len(totals) == 1, totals
    return int(totals.pop())


def test_total_is_exact_while_the_index_holds_orphans(
    engine: Engine,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_post("a.md", title="养老保险改革", categories=FINANCE)
    write_post("b.md", title="教育改革", categories=GAME)
    write_post("c.md", title="改革开放", categories=FINANCE)
    run_ingest(tmp_path / "posts")
    _stored_terms_match(engine)
    with engine.begin() as connection:  # not through the loader: the index is not told
        connection.execute(
            text(
                "DELETE FROM article_category WHERE article_id IN (SELECT id FROM article WHERE title = :t)"
            ),
            {"t": "改革开放"},
        )
        connection.execute(text("DELETE FROM article WHERE title = '改革开放'"))
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("SELECT count(*) FROM article_fts_orphan")).scalar_one() == 1
    assert _total(client, q="改革") == 2 and _total(client, q="改") == 2
    assert _total(client, q="改革", category="金融") == 1
    with engine.begin() as connection:
        assert rebuild(connection) == 2
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("SELECT count(*) FROM article_fts_orphan")).scalar_one() == 0
    assert _total(client, q="改革", since="2000-01-01") == 2
    assert _total(client, q="改革") == 2


def test_a_cascaded_delete_is_recorded_as_an_orphan(
    engine: Engine, client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="养老保险改革")
    write_post("b.md", title="教育改革")
    run_ingest(tmp_path / "posts")
    with engine.begin() as connection:  # not through the loader: the index is not told
        connection.execute(text("DELETE FROM article_category"))
        connection.execute(text("DELETE FROM article WHERE title = '教育改革'"))
    assert client.get("/articles", params={"q": "改革"}).json()["total"] == 1


def test_a_category_listing_search_filters_in_the_index(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    def ids(**params: object) -> list[str]:
        r = client.get("/categories/xin-mei-ti/articles", params={"q": "芯片 OR 国内", **params})
        assert r.status_code == 200, r.text
        return sorted(item["id"] for item in r.json()["items"])

    assert ids() == ids(sort="title") == sorted(search_corpus[name] for name in ("ai", "phones"))
