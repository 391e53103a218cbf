"""q on the listings: Chinese substrings, folding, words, phrases, exclusions, OR, ranking, highlights."""

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from app.text.folding import fold
from app.text.tokens import is_cjk
from tests.search.conftest import search_ids


def _texts(client: TestClient, ids: dict[str, str]) -> dict[str, str]:
    """Folded title and body of each article, joined by a line break (which no CJK query can cross)."""
    texts = {}
    for article_id in ids.values():
        body = client.get(f"/articles/{article_id}").json()
        texts[article_id] = fold(body["title"]) + "\n" + fold(body["body_text"])
    return texts


def _cjk_queries(texts: dict[str, str], count: int, seed: int = 7) -> set[str]:
    """Substrings of 1-4 CJK characters sampled from the texts, plus pairs around punctuation."""
    rng = random.Random(seed)
    queries: set[str] = set()
    for text in texts.values():
        for position, char in enumerate(text[:-2]):
            if is_cjk(char) and not is_cjk(text[position + 1]) and is_cjk(text[position + 2]):
                queries.add(char + text[position + 2])  # would match if runs were glued together
    corpus = list(texts.values())
    while len(queries) < count:
        text = rng.choice(corpus)
        size = rng.randint(1, 4)
        start = rng.randrange(max(1, len(text) - size))
        candidate = text[start : start + size]
        if len(candidate) == size and all(is_cjk(char) for char in candidate):
            queries.add(candidate)
    return queries


def test_cjk_queries_match_exactly_the_substring_set(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    texts = _texts(client, search_corpus)
    for query in sorted(_cjk_queries(texts, 250)):
        expected = {article_id for article_id, text in texts.items() if query in text}
        assert search_ids(client, q=query) == expected, query


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("养老", {"seed", "trad", "simp"}),
        ("养", {"seed", "trad", "simp"}),
        ("哈哈哈", {"phones"}),
        ("哈哈", {"phones"}),
        ("国美", set()),  # 中国，美国: punctuation between two runs makes no bigram
        ("碳达峰", {"carbon-title", "carbon-body"}),
    ],
)
def test_chinese_substrings(
    client: TestClient, search_corpus: dict[str, str], query: str, names: set[str]
) -> None:
    assert search_ids(client, q=query) == {search_corpus[name] for name in names}


def test_traditional_and_simplified_find_the_same_articles(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    simplified = search_ids(client, q="国内")
    assert simplified == search_ids(client, q="國內") == search_ids(client, q="國内")
    assert {search_corpus["trad"], search_corpus["simp"]} <= simplified


def test_full_width_letters_fold_to_ascii(client: TestClient, search_corpus: dict[str, str]) -> None:
    assert search_ids(client, q="AI") == search_ids(client, q="ＡＩ") == {search_corpus["ai"]}
    assert search_ids(client, q="ai芯片") == {search_corpus["ai"]}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("Python", {"python"}),
        ("python", {"python"}),
        ("Pythonic", {"python"}),
        ("M1", {"python", "phones"}),
        ("5G", {"python", "phones"}),
        ("5g手机", {"phones"}),
        ("A股", {"ai"}),
        ("iPhone13", {"ai"}),
        ('"iPhone 13"', {"phones"}),
        ("iPhone", {"phones"}),
        ("releases", set()),  # words match whole: "release" is in the text, "releases" is not
    ],
)
def test_words_and_mixed_tokens(
    client: TestClient, search_corpus: dict[str, str], query: str, names: set[str]
) -> None:
    assert search_ids(client, q=query) == {search_corpus[name] for name in names}


def test_terms_all_match_phrases_exclusions_and_or(client: TestClient, search_corpus: dict[str, str]) -> None:
    ids = search_corpus
    assert search_ids(client, q="国内 养老") == {ids["trad"], ids["simp"]}
    assert search_ids(client, q="国内 -养老金") == {ids["trad"]}
    assert search_ids(client, q="碳达峰 OR 哈哈") == {ids["carbon-title"], ids["carbon-body"], ids["phones"]}
    assert search_ids(client, q="芯片 5G OR A股") == {ids["ai"], ids["phones"]}
    assert search_ids(client, q='"faster startup"') == {ids["python"]}
    assert search_ids(client, q='"startup faster"') == set()
    everything = search_ids(client)
    assert search_ids(client, q="-游戏") == everything - {ids["script"], ids["undated"]}


def test_relevance_puts_title_matches_first(client: TestClient, search_corpus: dict[str, str]) -> None:
    items = client.get("/articles", params={"q": "碳达峰"}).json()["items"]
    assert [item["id"] for item in items] == [search_corpus["carbon-title"], search_corpus["carbon-body"]]


def test_a_filter_narrows_the_ranking_without_reordering_it(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    def ranked(**params: str) -> list[str]:
        items = client.get("/articles", params={"q": "国内 OR 碳达峰 OR 芯片", "limit": 100, **params}).json()
        return [item["id"] for item in items["items"]]

    everything = ranked()
    filters = ({"category": "金融"}, {"has_image": "false"}, {"author": "新浪财经", "since": "2021-09-10"})
    for params in filters:
        narrowed = ranked(**params)
        assert narrowed and len(narrowed) < len(everything)
        assert narrowed == [article_id for article_id in everything if article_id in set(narrowed)]


@pytest.mark.parametrize("sort", ["relevance", "-published_at", "title"])
def test_count_false_pages_a_search_the_same_without_its_total(
    client: TestClient, search_corpus: dict[str, str], monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    from app.store import impacts

    monkeypatch.setattr(impacts, "DEPTH", 2)  # pages past the ranked articles too
    query = {"q": "国内 OR 碳达峰 OR 芯片 OR 游戏", "sort": sort, "limit": 2}

    def walk(**params: str) -> list[dict[str, object]]:
        pages, cursor = [], None
        while True:
            page = client.get("/articles", params={**query, **params, "cursor": cursor or ""}).json()
            pages.append(page)
            cursor = page["next_cursor"]
            if cursor is None:
                return pages

    counted, uncounted = walk(), walk(count="false")
    assert all(page["total"] is None for page in uncounted)
    assert [page["items"] for page in uncounted] == [page["items"] for page in counted]
    assert len(counted) == -(-counted[0]["total"] // 2) > 2


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("relevance", ["carbon-title", "carbon-body"]),
        ("-published_at", ["carbon-body", "carbon-title"]),
        ("published_at", ["carbon-title", "carbon-body"]),
        ("title", ["carbon-title", "carbon-body"]),  # 碳 (U+78B3) sorts before 能 (U+80FD)
    ],
)
def test_sort_options_with_q(
    client: TestClient, search_corpus: dict[str, str], sort: str, names: list[str]
) -> None:
    items = client.get("/articles", params={"q": "碳达峰", "sort": sort}).json()["items"]
    assert [item["id"] for item in items] == [search_corpus[name] for name in names]


def test_sort_without_q_and_relevance_without_q(client: TestClient, search_corpus: dict[str, str]) -> None:
    newest = [item["id"] for item in client.get("/articles", params={"limit": 100}).json()["items"]]
    relevance = client.get("/articles", params={"limit": 100, "sort": "relevance"}).json()["items"]
    assert [item["id"] for item in relevance] == newest
    oldest = client.get("/articles", params={"limit": 100, "sort": "published_at"}).json()["items"]
    dated = [item["published_at"] for item in oldest if item["published_at"]]
    assert dated == sorted(dated) and oldest[-1]["published_at"] is None
    titles = [item["title"] for item in client.get("/articles", params={"sort": "title"}).json()["items"]]
    assert titles == sorted(titles)


def test_highlights_mark_matches_and_escape_the_rest(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    items = client.get("/articles", params={"q": "游戏 alert"}).json()["items"]
    item = next(item for item in items if item["id"] == search_corpus["script"])
    title = item["highlights"]["title"]
    assert title == "<mark>alert</mark>(1) &lt;3 &amp; <mark>游戏</mark>安全公告"
    body = " ".join(item["highlights"]["body"])
    assert "&lt;script&gt;<mark>alert</mark>(2)&lt;/script&gt;" in body
    assert "<script>" not in body and "<mark>游戏</mark>玩家" in body


def test_highlights_map_folded_matches_back_to_the_original_text(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    items = client.get("/articles", params={"q": "国内 ai"}).json()["items"]
    assert items == []  # no article has both
    items = client.get("/articles", params={"q": "国内"}).json()["items"]
    trad = next(item for item in items if item["id"] == search_corpus["trad"])
    assert trad["highlights"]["title"] == "<mark>國內</mark>經濟穩定"
    assert trad["highlights"]["body"][0].startswith("<mark>國內</mark>市場穩定")
    ai = client.get("/articles", params={"q": "ai"}).json()["items"][0]
    assert ai["highlights"]["title"] == "<mark>ＡＩ</mark>芯片出货量增长"


def test_highlights_only_with_q(client: TestClient, search_corpus: dict[str, str]) -> None:
    plain = client.get("/articles").json()["items"][0]
    assert "highlights" not in plain
    body_only = client.get("/articles", params={"q": "升级"}).json()["items"][0]
    assert body_only["highlights"]["title"] is None
    assert body_only["highlights"]["body"] == [
        "碳达峰是长期目标，碳达峰需要各方努力。 专家认为碳达峰将推动产业<mark>升级</mark>。"
    ]


def test_q_on_a_category_listing(client: TestClient, search_corpus: dict[str, str]) -> None:
    r = client.get("/categories/jin-rong/articles", params={"q": "国内"})
    assert r.status_code == 200, r.text
    assert {item["id"] for item in r.json()["items"]} == {search_corpus["trad"], search_corpus["simp"]}
    assert client.get("/categories/you-xi/articles", params={"q": "国内"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "x" * 2000}, "q"),
        ({"q": "，。！"}, "q"),
        ({"sort": "foo"}, "sort"),
    ],
)
def test_bad_search_parameters_are_422_naming_them(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    r = client.get("/articles", params=params)
    assert r.status_code == 422, r.text
    assert [error["parameter"] for error in r.json()["errors"]] == [parameter]


def test_blank_q_is_no_search(client: TestClient, search_corpus: dict[str, str]) -> None:
    assert search_ids(client, q="   ") == search_ids(client)


def test_relevance_ranks_the_best_listed_matches_then_lists_the_others_newest_first(
    client: TestClient, search_corpus: dict[str, str], monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    from app.store import impacts

    monkeypatch.setattr(impacts, "DEPTH", 1)  # only the best article of each token is ranked
    query = {"q": "国内 OR 碳达峰 OR 芯片"}
    everything = search_ids(client, **query)
    pages = [
        client.get("/articles", params={**query, "limit": 2, "offset": start}).json() for start in (0, 2, 4)
    ]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert len(ids) == len(set(ids)) == len(everything) == pages[0]["total"]
    assert set(ids) == everything
    best = sql(
        "SELECT article_id FROM search_impact WHERE token = :token "
        "ORDER BY impact DESC, published DESC, article_id DESC LIMIT 1"
    )
    with engine.connect() as connection:
        listed = {connection.execute(best, {"token": t}).scalar() for t in ("国内", "碳达", "达峰", "芯片")}
    assert set(ids[: len(listed)]) == listed
    rest = [item["published_at"] for page in pages for item in page["items"]][len(listed) :]
    assert len(rest) >= 2 and rest == sorted(rest, reverse=True)  # past the ranked articles: newest first


def test_until_with_q_excludes_undated_articles(client: TestClient, search_corpus: dict[str, str]) -> None:
    assert search_ids(client, q="游戏", until="2030-01-01") == {search_corpus["script"]}
    assert search_ids(client, q="游戏") == {search_corpus["script"], search_corpus["undated"]}
