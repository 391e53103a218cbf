"""SQLite: the total of a lone CJK phrase read off bm25's own count instead of counting again."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store.backends import sqlite_search as listing
from app.store.backends.bm25_total import _varints
from tests.conftest import IngestFn, WritePost
from tests.search.conftest import search_ids


def _counts(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A window of two rows for every search (two matches fill it: the total is not read off it), and a log
    of the MATCHes counted."""
    monkeypatch.setattr(listing, "RANK_WINDOW", 2)
    counted: list[str] = []
    count = listing._Matches.count

    def logged(matches: listing._Matches) -> int:
        counted.append(matches.query)
        return count(matches)

    monkeypatch.setattr(listing._Matches, "count", logged)
    return counted


def test_a_lone_phrase_is_totalled_without_counting(
    client: TestClient,
    engine: Engine,
    write_post: WritePost,
    run_ingest: IngestFn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [  # the phrase in the title and twice in the body; in Traditional; overlapping; elsewhere
        ("养老保险改革", "<p>养老保险覆盖更多人，养老保险基金稳健。</p>"),
        ("社保新闻", "<p>養老保險制度持续完善。</p>"),
        ("年度回顾", "<p>今年养老保险、医疗保险都有调整。养老保险养老保险。</p>"),
        ("教育改革", "<p>学校放假。</p>"),
        ("体育新闻", "<p>比赛结果。</p>"),
        ("天气预报", "<p>明天有雨。</p>"),
        ("科技前沿", "<p>芯片出货量增长。</p>"),
        ("财经快讯", "<p>股市上涨，保险板块走强。</p>"),
    ]
    for n, (title, body) in enumerate(texts):
        write_post(f"p{n}.md", title=title, body=body, date=f"2022-01-0{n + 1} 08:00:00")
    run_ingest(write_post("p9.md", title="养老金按时发放").parent)
    counted = _counts(engine, monkeypatch)
    totals = {"养老保险": 3, "養老保險": 3, "养老保": 3, "险": 4, "保险": 4, "改革": 2}
    for query, total in totals.items():
        assert client.get("/articles", params={"q": query, "limit": 1}).json()["total"] == total, query
    assert counted == []


def test_other_searches_are_counted(
    client: TestClient, search_corpus: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {
        q: len(search_ids(client, q=q))
        for q in ("python", "国内 养老", "碳达峰 -方案", "芯片 OR 碳达峰", "碳达峰", "游戏")
    }
    counted = _counts(engine, monkeypatch)
    for q, total in expected.items():
        if q == "碳达峰":  # a date or a filter takes the lone phrase out of bm25's count
            assert client.get("/articles", params={"q": q, "since": "2000-01-01"}).json()["total"] == total
        elif q == "游戏":
            assert client.get("/articles", params={"q": q, "author": "3DMGame"}).json()["total"] == total
        else:
            assert client.get("/articles", params={"q": q}).json()["total"] == total
    if engine.dialect.name == "sqlite":  # each that fills the window
        assert len(counted) == sum(total >= 2 for total in expected.values()) >= 3


def test_a_phrase_in_half_the_articles_or_more_is_counted(
    client: TestClient,
    engine: Engine,
    write_post: WritePost,
    run_ingest: IngestFn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(4):  # bm25's IDF is at its floor: it no longer tells how many
        write_post(f"p{n}.md", title=f"养老保险改革 {n}", date=f"2022-01-0{n + 1} 08:00:00")
    run_ingest(write_post("other.md", title="教育改革").parent)
    counted = _counts(engine, monkeypatch)
    assert client.get("/articles", params={"q": "养老保险"}).json()["total"] == 4
    assert len(counted) == (1 if engine.dialect.name == "sqlite" else 0)


def test_sqlite_varints() -> None:
    assert _varints(bytes([0x05, 0x81, 0x00, 0xFF, 0x7F])) == [5, 128, 16383]
    assert _varints(bytes([0xFF] * 8 + [0x01])) == [(1 << 64) - 255]
