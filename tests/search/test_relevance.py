"""Relevance is a top-k over every match by BM25 (title weighted), the same on SQLite and PostgreSQL: the
impact lists kept at ingest hold each token's best articles, whatever order they were ingested in."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from app.store import impacts, search_index
from app.store.engine import write_transaction
from app.store.tables import ARTICLE
from app.text.query_syntax import parse_query
from app.text.tokens import index_tokens
from tests.conftest import IngestFn, WritePost

FILLER = "<p>　　市场观察人士表示，今年的行业走势仍有变数。</p>"


def _post(write_post: WritePost, name: str, *, title: str, mentions: int, date: str) -> None:
    body = "<div>" + "<p>　　新型储能项目落地。</p>" * mentions + FILLER * 3 + "</div>"
    write_post(f"{name}.md", title=title, date=date, body=body)


def _ranked(client: TestClient, q: str, limit: int = 50) -> tuple[list[str], int]:
    page = client.get("/articles", params={"q": q, "limit": limit}).json()
    return [item["id"] for item in page["items"]], page["total"]


def _expected(engine: Engine, token: str) -> list[str]:
    """Every article holding the token, by BM25 impact computed from its stored text, ties newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.body_text, ARTICLE.c.published_at)
        )
        keys = []
        for article_id, title, body, published_at in rows:
            impact = impacts.impacts(index_tokens(title), index_tokens(body)).get(token)
            if impact is not None:
                keys.append((impact, impacts.published_key(published_at), article_id))
    return [key[2] for key in sorted(keys, reverse=True)]


@pytest.fixture
def small_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists of 3 trimmed past 5, so that a few articles go through every trim."""
    monkeypatch.setattr(impacts, "DEPTH", 3)
    monkeypatch.setattr(impacts, "TRIM_AT", 5)


def test_an_old_title_match_ranks_first_among_many_newer_body_matches(
    small_lists: None,
    engine: Engine,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    tmp_path: Path,
) -> None:
    _post(write_post, "old-title", title="储能行业报告", mentions=1, date="2015-01-01 08:00:00")
    run_ingest(tmp_path / "posts")
    for wave in range(3):  # ingested in waves: each one trims the lists again
        for n in range(4):
            day = f"2022-0{wave + 1}-1{n} 08:00:00"
            _post(write_post, f"w{wave}-{n}", title=f"第{wave}{n}号公告", mentions=1 + (n == 2), date=day)
        run_ingest(tmp_path / "posts")
    ids, total = _ranked(client, "储能")
    expected = _expected(engine, "储能")
    assert total == len(expected) == 13 and sorted(ids) == sorted(expected)
    assert ids[:3] == expected[:3]  # the exact top 3 (the lists' depth here), after every trim
    first = client.get(f"/articles/{ids[0]}").json()
    assert first["title"] == "储能行业报告"  # the old title match, first despite twelve newer articles
    rest = [client.get(f"/articles/{article_id}").json()["published_at"] for article_id in ids[3:]]
    assert rest == sorted(rest, reverse=True)  # below the lists: newest first


def test_an_edited_or_deleted_article_leaves_the_ranking(
    small_lists: None,
    engine: Engine,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    tmp_path: Path,
) -> None:
    for n in range(6):
        _post(write_post, f"a{n}", title=f"第{n}号公告", mentions=1 + n, date=f"2022-01-1{n} 08:00:00")
    run_ingest(tmp_path / "posts")
    ids, total = _ranked(client, "储能")
    assert total == 6 and ids[:3] == _expected(engine, "储能")[:3]
    best = ids[0]
    _post(write_post, "a5", title="第5号公告", mentions=0, date="2022-01-15 08:00:00")  # the word is gone
    run_ingest(tmp_path / "posts")
    ids, total = _ranked(client, "储能")
    assert best not in ids and total == 5 and ids[:3] == _expected(engine, "储能")[:3]
    (tmp_path / "posts" / "a4.md").unlink()
    run_ingest(tmp_path / "posts", prune=True)
    ids, total = _ranked(client, "储能")
    assert total == 4 and ids[:3] == _expected(engine, "储能")[:3]
    if engine.dialect.name == "postgresql":  # the loader's own deletes leave the lists trusted
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM article_search_orphan")).scalar_one() == 0


def test_a_multi_term_search_ranks_articles_with_both_terms_above_those_with_one(
    engine: Engine, client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("both.md", title="光伏与储能", date="2020-01-01 08:00:00")
    for n in range(3):
        write_post(f"one{n}.md", title=f"储能观察{n}", date=f"2022-01-1{n} 08:00:00")
    run_ingest(tmp_path / "posts")
    ids, total = _ranked(client, "储能 OR 光伏")
    assert total == 4
    assert client.get(f"/articles/{ids[0]}").json()["title"] == "光伏与储能"


def _newest_first(engine: Engine) -> list[str]:
    """Every article newest first, undated last, ties by id descending: the order of every listing."""
    with engine.connect() as connection:
        rows = list(connection.execute(select(ARTICLE.c.id, ARTICLE.c.published_at)))
    rows.sort(key=lambda row: (row[1] is not None, row[1] or 0, row[0]), reverse=True)
    return [row[0] for row in rows]


def test_articles_of_one_second_or_undated_follow_by_id_on_every_page(
    small_lists: None,
    engine: Engine,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    tmp_path: Path,
) -> None:
    # Eight undated articles and eight of one second, ingested one by one (in an order unrelated to their
    # ids), and two others; every one mentions the word, one more than the rest.
    for n in range(8):
        _post(write_post, f"undated{n}", title=f"第{n}号公告", mentions=1, date=None)  # type: ignore[arg-type]
        run_ingest(tmp_path / "posts")
        _post(write_post, f"same{n}", title=f"第{n}号通知", mentions=1, date="2022-03-01 08:00:00")
        run_ingest(tmp_path / "posts")
    _post(write_post, "newer", title="新闻", mentions=1, date="2022-05-01 08:00:00")
    _post(write_post, "best", title="储能", mentions=3, date="2021-01-01 08:00:00")
    run_ingest(tmp_path / "posts")
    newest = _newest_first(engine)
    pages = [
        client.get("/articles", params={"q": "储能", "sort": "-published_at", "limit": 3, "offset": offset})
        for offset in range(0, 18, 3)
    ]
    assert [item["id"] for page in pages for item in page.json()["items"]] == newest
    ids, total = _ranked(client, "储能")
    assert total == 18 and ids[0] == _expected(engine, "储能")[0]
    assert ids[3:] == [article_id for article_id in newest if article_id not in ids[:3]]  # below the lists
    paged = [item["id"] for offset in range(0, 18, 4) for item in _page(client, "储能", offset)]
    assert paged == ids


def _page(client: TestClient, q: str, offset: int) -> list[dict[str, str]]:
    items: list[dict[str, str]] = client.get(
        "/articles", params={"q": q, "limit": 4, "offset": offset}
    ).json()["items"]
    return items


def _lists_hold(engine: Engine, tokens: list[str]) -> None:
    """What the impact lists must say of each token: its article count, its exact DEPTH best articles,
    a length that counts its rows, and no row below its floor."""
    with engine.connect() as connection:
        for token in tokens:
            expected = _expected(engine, token)
            articles, floor, listed = connection.execute(
                text("SELECT articles, floor, listed FROM search_term WHERE token = :t"), {"t": token}
            ).one()
            rows = connection.execute(
                text("SELECT article_id, impact FROM search_impact WHERE token = :t"), {"t": token}
            ).all()
            assert articles == len(expected) and listed == len(rows)
            assert impacts.ranked(connection, parse_query(token)) == expected[: impacts.DEPTH]
            assert all(impact >= floor for _id, impact in rows)


def test_a_rebuild_in_many_batches_keeps_the_lists_exact(
    small_lists: None,
    engine: Engine,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(14):  # mentions in no order, so that the lists are trimmed between and within batches
        title = "储能行业报告" if n == 3 else f"第{n}号公告"
        _post(
            write_post, f"a{n:02}", title=title, mentions=1 + (n * 5) % 7, date=f"2022-01-{n + 10} 08:00:00"
        )
    run_ingest(tmp_path / "posts")
    before = _ranked(client, "储能")
    monkeypatch.setattr(search_index, "BATCH", 3)  # five batches in one transaction
    told: list[int] = []
    with write_transaction(engine) as connection:
        assert search_index.rebuild(connection, told.append) == 14
    assert told == [3, 6, 9, 12, 14]
    _lists_hold(engine, ["储能", "公告", "市场"])
    assert _ranked(client, "储能") == before
