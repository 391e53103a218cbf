"""Listing filters (category_mode, author, since/until, has_image) and facets, alone and with q."""

import pytest
from fastapi.testclient import TestClient

from tests.search.conftest import search_ids

FINANCE = {"seed", "trad", "simp", "carbon-title", "carbon-body"}
TECH = {"python", "ai", "phones"}
GAME = {"script", "undated"}


def _names(ids: dict[str, str], found: set[str]) -> set[str]:
    return {name for name, article_id in ids.items() if article_id in found}


def test_category_mode_all_needs_every_category(client: TestClient, search_corpus: dict[str, str]) -> None:
    both = [("category", "金融"), ("category", "新浪财经－国內")]
    r = client.get("/articles", params=[*both, ("category_mode", "all"), ("limit", 100)])
    assert _names(search_corpus, {item["id"] for item in r.json()["items"]}) == FINANCE
    r = client.get("/articles", params=[("category", "金融"), ("category", "游戏"), ("category_mode", "all")])
    assert r.json()["total"] == 0
    r = client.get("/articles", params=[("category", "金融"), ("category", "游戏"), ("limit", 100)])
    assert r.json()["total"] == len(FINANCE | GAME)


def test_repeated_authors_with_q(client: TestClient, search_corpus: dict[str, str]) -> None:
    found = search_ids(client, q="游戏 OR 芯片", author=["3DMGame", "IT 之家"])
    assert _names(search_corpus, found) == {"script", "undated", "ai", "phones"}
    assert _names(search_corpus, search_ids(client, q="芯片", author="新浪财经")) == set()


def test_since_is_inclusive_and_until_exclusive(client: TestClient, search_corpus: dict[str, str]) -> None:
    assert _names(search_corpus, search_ids(client, since="2022-02-20T08:00:00Z")) == {"phones", "script"}
    assert _names(search_corpus, search_ids(client, until="2021-09-13T06:39:04Z")) == {"trad"}
    window = search_ids(client, since="2021-09-13", until="2021-10-01")
    assert _names(search_corpus, window) == {"seed", "simp"}
    # an offset is honoured: 16:00+08:00 is 08:00 UTC
    assert _names(search_corpus, search_ids(client, since="2022-03-01T16:00:00+08:00")) == {"script"}
    assert _names(search_corpus, search_ids(client, q="国内", since="2021-09-10")) == {"simp"}


def test_has_image(client: TestClient, search_corpus: dict[str, str]) -> None:
    assert _names(search_corpus, search_ids(client, has_image=True)) == {"simp", "python"}
    without = search_ids(client, has_image=False)
    assert _names(search_corpus, without) == set(search_corpus) - {"simp", "python"}
    assert _names(search_corpus, search_ids(client, q="国内", has_image="true")) == {"simp"}


def test_filters_on_the_category_listing(client: TestClient, search_corpus: dict[str, str]) -> None:
    r = client.get("/categories/xin-mei-ti/articles", params={"has_image": True, "since": "2022-01-01"})
    assert r.status_code == 200, r.text
    assert [item["id"] for item in r.json()["items"]] == [search_corpus["python"]]


def test_facets_count_the_whole_result_not_the_page(
    client: TestClient, search_corpus: dict[str, str]
) -> None:
    r = client.get("/articles", params={"facets": "category,author,month", "limit": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["items"]) == 1
    facets = body["facets"]
    assert set(facets) == {"category", "author", "month"}
    authors = {entry["value"]: entry["count"] for entry in facets["author"]}
    assert authors == {"新浪财经": 5, "IT 之家": 3, "3DMGame": 2}
    categories = {entry["value"]: (entry["label"], entry["count"]) for entry in facets["category"]}
    assert categories["jin-rong"] == ("金融", 5) and categories["you-xi"] == ("游戏", 2)
    assert facets["category"][0]["count"] == 5  # most frequent first
    months = [(entry["value"], entry["count"]) for entry in facets["month"]]
    assert months == [("2022-03", 1), ("2022-02", 2), ("2022-01", 1), ("2021-10", 2), ("2021-09", 3)]


def test_facets_follow_q_and_filters(client: TestClient, search_corpus: dict[str, str]) -> None:
    params = [("q", "芯片 OR 游戏"), ("facets", "author"), ("facets", "month"), ("since", "2022-02-01")]
    body = client.get("/articles", params=params).json()
    assert body["facets"] == {
        "author": [{"value": "IT 之家", "count": 2}, {"value": "3DMGame", "count": 1}],
        "month": [{"value": "2022-03", "count": 1}, {"value": "2022-02", "count": 2}],
    }
    assert "facets" not in client.get("/articles").json()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2021-13-01"}, "until"),
        ({"category_mode": "some"}, "category_mode"),
        ({"facets": "category,colour"}, "facets"),
        ({"has_image": "maybe"}, "has_image"),
    ],
)
def test_bad_filter_values_are_422_naming_the_parameter(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    r = client.get("/articles", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["parameter"] == parameter
    assert client.get("/categories/jin-rong/articles", params=params).status_code == 422


@pytest.mark.parametrize("value", ["", "author,", " , "])
def test_an_empty_facet_name_is_422(client: TestClient, value: str) -> None:
    r = client.get("/articles", params={"facets": value})
    assert r.status_code == 422, r.text
    assert [error["parameter"] for error in r.json()["errors"]] == ["facets"]
