"""The HTTP API over a small ingested corpus."""

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.json_body import json_body
from app.parse.record import article_id
from app.query.schemas import ArticleDetail, ArticlePage
from tests.conftest import FIXTURES, IngestFn, WritePost

SEED_ID = article_id("金融/新浪财经/新浪财经－国內/seed.md")


@pytest.fixture
def corpus(tmp_path: Path, write_post: WritePost, run_ingest: IngestFn) -> Path:
    """Seed + four posts across two top categories, dates in every form."""
    seed = tmp_path / "posts" / "金融" / "新浪财经" / "新浪财经－国內" / "seed.md"
    seed.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "seed.md", seed)
    write_post(
        "金融/新浪财经/新浪财经－美股/us.md",
        title="美股收盘",
        categories="\n - 金融\n - 新浪财经\n - 新浪财经－美股",
        date="Tue, 14 Sep 2021 20:00:00 GMT",
    )
    write_post(
        "新媒体/36kr/快讯/kr.md",
        title="某公司完成融资",
        categories="\n - 新媒体\n - 36kr\n - 快讯",
        author="36kr",
        date="2022-01-30 05:55:58",
    )
    write_post(
        "新媒体/金色财经/快讯/jinse.md",
        title="链上数据",
        categories="\n - 新媒体\n - 金色财经\n - 快讯",
        author="金色财经",
        date="Invalid Date",
    )
    write_game_post(write_post, "game.md", title="新游戏发布", date="2022-03-06T14:04:00+08:00")
    report = run_ingest(tmp_path / "posts")
    assert report.failed == 0, report.failures
    return tmp_path / "posts"


def write_game_post(write_post: WritePost, name: str, **fields: str) -> None:
    """A post of the 游戏 / 3DMGame / 新闻中心 feed, by 3DMGame."""
    chain = "\n - 游戏\n - 3DMGame\n - 新闻中心"
    write_post(f"游戏/3DMGame/新闻中心/{name}", categories=chain, author="3DMGame", **fields)


def _titles(response_json: dict[str, list[dict[str, str]]]) -> list[str]:
    return [item["title"] for item in response_json["items"]]


def test_list_is_newest_first_with_undated_last(client: TestClient, corpus: Path) -> None:
    r = client.get("/articles")
    assert r.status_code == 200, r.text
    body = r.json()
    assert _titles(body) == [
        "新游戏发布",
        "某公司完成融资",
        "美股收盘",
        "浙江：加快健全社会保障体系",
        "链上数据",
    ]
    assert (body["total"], body["limit"], body["offset"]) == (5, 20, 0)
    first = body["items"][0]
    assert set(first) == {
        "id", "slug", "title", "categories", "category_slugs", "author", "published_at", "image", "excerpt"
    }  # fmt: skip
    assert first["category_slugs"] == ["you-xi", "3dmgame", "xin-wen-zhong-xin"]
    assert first["published_at"] == "2022-03-06T06:04:00Z"
    assert body["items"][-1]["published_at"] is None


def test_list_pages_with_limit_and_offset(client: TestClient, corpus: Path) -> None:
    body = client.get("/articles", params={"limit": 2, "offset": 2}).json()
    assert _titles(body) == ["美股收盘", "浙江：加快健全社会保障体系"]
    assert body["total"] == 5


def test_parent_category_includes_descendants(client: TestClient, corpus: Path) -> None:
    assert _titles(client.get("/articles", params={"category": "金融"}).json()) == [
        "美股收盘",
        "浙江：加快健全社会保障体系",
    ]
    by_slug = client.get("/articles", params={"category": "xin-lang-cai-jing-mei-gu"}).json()
    assert _titles(by_slug) == ["美股收盘"]


def test_category_name_shared_by_two_feeds_matches_both(client: TestClient, corpus: Path) -> None:
    body = client.get("/articles", params={"category": "快讯"}).json()
    assert sorted(_titles(body)) == ["某公司完成融资", "链上数据"]


def test_repeated_category_and_author_filters(client: TestClient, corpus: Path) -> None:
    body = client.get("/articles", params=[("category", "游戏"), ("category", "金色财经")]).json()
    assert _titles(body) == ["新游戏发布", "链上数据"]
    body = client.get("/articles", params=[("author", "36kr"), ("author", "3DMGame")]).json()
    assert _titles(body) == ["新游戏发布", "某公司完成融资"]
    assert client.get("/articles", params={"category": "金融", "author": "36kr"}).json()["total"] == 0


def test_unknown_category_filter_matches_nothing(client: TestClient, corpus: Path) -> None:
    assert client.get("/articles", params={"category": "no-such"}).json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "next_cursor": None,
    }


def test_detail_has_the_clean_body_and_metadata(client: TestClient, corpus: Path) -> None:
    r = client.get(f"/articles/{SEED_ID}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == SEED_ID
    assert body["paragraphs"] == body["body_text"].split("\n\n")
    assert len(body["paragraphs"]) == 5
    assert body["original_title"] == "加快健全社会保障体系"
    assert body["editor"] == "王珊珊"
    assert (body["byline"], body["origin"]) == ("孙胜梅 傅思聪", None)
    assert body["char_count"] == len(body["body_text"])
    assert body["published_at"] == "2021-09-13T06:39:04Z"
    assert body["updated_at"].endswith("Z")
    assert "<p>" in body["body_html"] and "appendQr" not in body["body_html"]


ALL_DETAIL_FIELDS = set(ArticleDetail.model_fields)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", None),
        ("?fields=id,title,newer,extra", {"id", "title", "newer", "extra"}),
        ("?formats=html", ALL_DETAIL_FIELDS - {"body_text", "paragraphs"}),
        ("?fields=older", {"older"}),
    ],
)
def test_a_detail_is_byte_for_byte_what_its_model_writes(
    client: TestClient,
    corpus: Path,
    write_post: WritePost,
    run_ingest: IngestFn,
    query: str,
    fields: set[str] | None,
) -> None:
    # Details are written from the stored values directly: the bytes must be those the documented model
    # gives for the same values (field order, times with a Z, numbers, nested values, the fields chosen).
    extra = "weight: 0.1\nrank: 3\nflag: true\ntags:\n - a\n - 中文\nnested: {k: [1, 2.5, null]}"
    write_game_post(
        write_post, "extra.md", title="带附加字段", date="2022-03-07T01:02:03.250+08:00", extra=extra
    )
    assert run_ingest(corpus).failed == 0
    for item in client.get("/articles?limit=100").json()["items"]:
        model = ArticleDetail.model_validate_json(client.get(f"/articles/{item['id']}").content)
        body = client.get(f"/articles/{item['id']}{query}").content
        assert body == json_body(model, include=fields), item["title"]


@pytest.mark.parametrize(
    "path",
    [
        "/articles?limit=3",
        "/articles?limit=2&sort=title&count=false",
        "/categories/jin-rong/articles?limit=1",
        "/articles?q=融资&facets=category,author,month",
        "/articles?q=美股 收盘&category=金融",
        "/articles?facets=month&since=2021-01-01",
    ],
)
@pytest.mark.parametrize("fields", [None, {"id", "published_at", "highlights"}, {"category_slugs"}])
def test_a_listing_page_is_byte_for_byte_what_its_model_writes(
    client: TestClient,
    corpus: Path,
    write_post: WritePost,
    run_ingest: IngestFn,
    path: str,
    fields: set[str] | None,
) -> None:
    # Pages are written from the stored values directly: the bytes must be those ArticlePage gives for the
    # same values (field order, times with a Z, highlights and facets only where present, the fields chosen).
    write_game_post(write_post, "fraction.md", title="毫秒时间", date="2022-03-07T01:02:03.250+08:00")
    assert run_ingest(corpus).failed == 0
    whole = client.get(path)
    assert whole.status_code == 200 and whole.json()["items"], path
    model = ArticlePage.model_validate_json(whole.content)
    assert whole.content == json_body(model, exclude_unset=True)
    if fields is not None:
        chosen = client.get(f"{path}&fields={','.join(sorted(fields))}").content
        include = dict.fromkeys(ArticlePage.model_fields, True) | {"items": {"__all__": fields}}
        assert chosen == json_body(model, include=include, exclude_unset=True)


def test_an_integer_orjson_cannot_write_still_answers(
    client: TestClient, corpus: Path, write_post: WritePost, run_ingest: IngestFn
) -> None:
    write_game_post(write_post, "big.md", title="大整数", extra="big: 123456789012345678901234567890")
    assert run_ingest(corpus).failed == 0
    found = client.get("/articles", params={"q": "大整数"}).json()["items"]
    r = client.get(f"/articles/{found[0]['id']}")
    assert r.status_code == 200
    assert json.loads(r.content)["extra"]["big"] == pytest.approx(123456789012345678901234567890)


def test_unknown_article_is_a_json_404(client: TestClient, corpus: Path) -> None:
    r = client.get("/articles/0000000000000000")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404 and "0000000000000000" in r.json()["detail"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10_001}, "offset"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    client: TestClient, params: dict[str, object], parameter: str
) -> None:
    r = client.get("/articles", params=params)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["status"] == 422
    assert body["errors"][0]["parameter"] == parameter
    assert body["errors"][0]["message"]


def test_category_tree_has_counts_including_descendants(client: TestClient, corpus: Path) -> None:
    tree = client.get("/categories").json()
    assert [node["name"] for node in tree] == ["新媒体", "游戏", "金融"]
    finance = next(node for node in tree if node["name"] == "金融")
    assert finance["article_count"] == 2 and finance["slug"] == "jin-rong"
    sina = finance["children"][0]
    assert (sina["name"], sina["article_count"], sina["path"]) == ("新浪财经", 2, ["金融", "新浪财经"])
    assert sorted(child["article_count"] for child in sina["children"]) == [1, 1]
    media = next(node for node in tree if node["name"] == "新媒体")
    feeds = [child["children"][0]["slug"] for child in media["children"]]
    assert len(set(feeds)) == 2  # two feeds named 快讯 get distinct slugs


def test_category_articles_route(client: TestClient, corpus: Path) -> None:
    body = client.get("/categories/jin-rong/articles", params={"limit": 1}).json()
    assert _titles(body) == ["美股收盘"] and body["total"] == 2
    r = client.get("/categories/nope/articles")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_a_category_total_follows_every_ingest(
    client: TestClient, corpus: Path, write_post: WritePost, run_ingest: IngestFn
) -> None:
    assert client.get("/categories/jin-rong/articles").json()["total"] == 2
    write_post(
        "金融/新浪财经/新浪财经－美股/more.md",
        title="再一篇",
        categories="\n - 金融\n - 新浪财经\n - 新浪财经－美股",
    )
    run_ingest(corpus)
    assert client.get("/categories/jin-rong/articles").json()["total"] == 3
    (corpus / "金融" / "新浪财经" / "新浪财经－美股" / "us.md").unlink()
    run_ingest(corpus, prune=True)
    body = client.get("/categories/jin-rong/articles").json()
    assert body["total"] == 2 and len(body["items"]) == 2


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_documents_every_parameter_and_field(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation.get("tags"), path
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (path, parameter["name"])
    for name in ("ArticleSummary", "ArticleDetail", "ArticlePage", "CategoryNode", "ProblemDetail"):
        for field, spec in schema["components"]["schemas"][name]["properties"].items():
            assert spec.get("description"), (name, field)
    assert schema["components"]["schemas"]["ArticleSummary"].get("example")
