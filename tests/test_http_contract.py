"""HTTP hygiene a generated client relies on: HEAD everywhere, unknown parameters refused, parameters that
accept exactly what the document says, `formats`, and `/` for browsers and API clients."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.parse.record import article_id
from tests.conftest import IngestFn, WritePost

ID = article_id("金融/新浪财经/新浪财经－国內/post.md")
GET_URLS = [
    "/",
    "/articles?limit=1",
    f"/articles/{ID}",
    "/articles/slug/yi-pian-ce-shi-wen-zhang",
    f"/articles/{ID}/related",
    "/categories",
    "/categories/jin-rong/articles",
    "/authors",
    "/feeds/atom.xml",
    "/feeds/rss.xml",
    "/feeds/feed.json",
    "/healthz",
    "/readyz",
    "/docs",
    "/openapi.json",
]


@pytest.fixture
def one(client: TestClient, write_post: WritePost, run_ingest: IngestFn) -> str:
    assert run_ingest(write_post(headimg="https://img.example/a.png")).failed == 0
    return ID


@pytest.mark.parametrize("url", GET_URLS)
def test_head_answers_every_get_with_its_headers_and_no_body(client: TestClient, one: str, url: str) -> None:
    head = client.head(url)
    get = client.get(url)
    assert get.status_code == 200, get.text
    assert head.status_code == 200 and head.content == b""
    ignored = {"x-request-id", "date"}
    assert {k: v for k, v in head.headers.items() if k not in ignored} == {
        k: v for k, v in get.headers.items() if k not in ignored
    }


def test_head_neither_misses_nor_poisons_the_response_cache(client: TestClient, one: str) -> None:
    get = client.get("/articles")
    head = client.head("/articles", headers={"If-None-Match": get.headers["etag"]})
    assert head.status_code == 304 and head.content == b""
    assert client.head("/categories").content == b""
    again = client.get("/categories")
    assert again.status_code == 200 and again.json()[0]["slug"] == "jin-rong"


@pytest.mark.parametrize(
    ("url", "unknown"),
    [
        ("/articles?page=2", "page"),
        ("/articles?serach=x&limit=1", "serach"),
        (f"/articles/{ID}?limit=1", "limit"),
        ("/categories?q=x", "q"),
        ("/authors?per_page=5", "per_page"),
        ("/feeds/atom.xml?search=x", "search"),
        ("/healthz?x=1", "x"),
    ],
)
def test_an_unknown_parameter_is_a_422_listing_the_valid_ones(
    client: TestClient, url: str, unknown: str
) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    (error,) = r.json()["errors"]
    assert error["parameter"] == unknown and "this operation takes:" in error["message"]


@pytest.mark.parametrize(
    ("url", "repeated"),
    [
        ("/articles?q=a&q=b", "q"),
        ("/articles?limit=1&limit=2", "limit"),
        (f"/articles/{ID}?fields=id&fields=title", "fields"),
        ("/feeds/atom.xml?limit=1&limit=1", "limit"),
    ],
)
def test_a_parameter_of_one_value_given_twice_is_a_422(client: TestClient, url: str, repeated: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error == {"parameter": repeated, "message": "given more than once; this parameter takes one value"}


def test_a_list_parameter_may_be_repeated(client: TestClient) -> None:
    assert client.get("/articles?category=金融&category=游戏&limit=1").status_code == 200


def test_the_allow_list_is_what_the_operation_declares(client: TestClient) -> None:
    message = client.get("/articles?nope=1").json()["errors"][0]["message"]
    declared = {
        p["name"] for p in client.get("/openapi.json").json()["paths"]["/articles"]["get"]["parameters"]
    }
    assert set(message.split("takes: ")[1].split(", ")) == declared
    assert client.get("/categories?nope=1").json()["errors"][0]["message"].endswith("takes: none")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "0.5"}, "since"),
        ({"until": "1700000000"}, "until"),
        ({"since": "2021-09-01T00:00:00"}, "since"),  # a date-time needs its offset
        ({"since": "2021-02-30"}, "since"),
        ({"has_image": "yes"}, "has_image"),
        ({"count": "1"}, "count"),
        ({"limit": "+5"}, "limit"),
        ({"fields": "id,nope"}, "fields"),
        ({"facets": "colour"}, "facets"),
    ],
)
def test_values_outside_the_schema_are_refused(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    r = client.get("/articles", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["parameter"] == parameter


def test_since_takes_a_date_or_an_rfc_3339_date_time(client: TestClient, one: str) -> None:
    for since in ("2021-09-13", "2021-09-13T06:00:00Z", "2021-09-13t14:00:00+08:00", "2021-09-13 06:39:04z"):
        assert client.get("/articles", params={"since": since}).json()["total"] == 1, since
    assert client.get("/articles", params={"since": "2021-09-13T06:39:05Z"}).json()["total"] == 0


def test_formats_returns_only_the_forms_of_the_body_asked_for(client: TestClient, one: str) -> None:
    full = client.get(f"/articles/{ID}").json()
    html = client.get(f"/articles/{ID}", params={"formats": "html"}).json()
    assert "body_html" in html and not {"body_text", "paragraphs"} & set(html)
    assert html == {k: v for k, v in full.items() if k not in ("body_text", "paragraphs")}
    both = client.get(
        f"/articles/{ID}", params={"formats": "text, paragraphs", "fields": "id,body_text,body_html"}
    )
    assert set(both.json()) == {"id", "body_text"}
    bad = client.get(f"/articles/{ID}", params={"formats": "pdf"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["parameter"] == "formats"


def test_the_root_shows_browsers_the_reader_and_api_clients_an_index(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/", headers={"Accept": browser}, follow_redirects=False)
    assert r.status_code == 200 and r.text == client.get("/read/").text  # the reader's front page
    index = client.get("/", headers={"Accept": "application/json"})
    assert index.status_code == 200 and "Accept" in index.headers["vary"]
    body = index.json()
    assert body["documentation"] == "http://testserver/docs"
    assert body["openapi"] == "http://testserver/openapi.json"
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert links["listArticles"] == "http://testserver/articles"
    assert links["getArticleBySlug"] == "http://testserver/articles/slug/{slug}"
    assert links["getHealth"] == "http://testserver/healthz"
    assert client.get("/").json() == body  # curl's */*: JSON


def test_feeds_link_to_the_public_site_url_template(
    tmp_path: Path, one: str, engine, database_url: str
) -> None:  # type: ignore[no-untyped-def]
    from app.api.app import create_app
    from app.config import Settings

    settings = Settings(database_url=database_url, public_site_url="https://news.example/p/{slug}?id={id}")
    with TestClient(create_app(settings, engine=engine)) as site:
        item = site.get("/feeds/feed.json").json()["items"][0]
    assert item["url"] == f"https://news.example/p/yi-pian-ce-shi-wen-zhang?id={ID}"
    assert item["id"] == f"http://testserver/articles/{ID}"
