"""Conditional GETs and compression: cheap to poll, small on the wire."""

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from tests.conftest import FIXTURES, IngestFn, WritePost

SEED_KEY = "金融/新浪财经/新浪财经－国內/seed.md"


@pytest.fixture
def posts(tmp_path: Path, write_post: WritePost, run_ingest: IngestFn) -> Path:
    """The seed (a long article) and two short ones in another category."""
    seed = tmp_path / "posts" / SEED_KEY
    seed.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "seed.md", seed)
    write_post("游戏/3DMGame/新闻中心/a.md", title="甲", categories="\n - 游戏\n - 3DMGame\n - 新闻中心")
    write_post("游戏/3DMGame/新闻中心/b.md", title="乙", categories="\n - 游戏\n - 3DMGame\n - 新闻中心")
    assert run_ingest(tmp_path / "posts").failed == 0
    return tmp_path / "posts"


def _seed_url(client: TestClient) -> str:
    return "/articles/" + client.get("/articles", params={"category": "金融"}).json()["items"][0]["id"]


DATA_URLS = ["/articles", "/categories", "/categories/you-xi/articles", "/feeds/atom.xml"]


@pytest.mark.parametrize("url", DATA_URLS)
def test_repeated_get_with_the_etag_is_a_304_without_body(client: TestClient, posts: Path, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "content-type" not in again.headers
    assert client.get(url, headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_article_has_last_modified_and_honours_if_modified_since(client: TestClient, posts: Path) -> None:
    url = _seed_url(client)
    r = client.get(url)
    last_modified = r.headers["last-modified"]
    assert last_modified.endswith(" GMT")
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    # If-None-Match wins: a stale tag with a current date is still a full response
    stale = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert client.get(url, headers=stale).status_code == 200


def test_ingest_changes_etags_exactly_when_content_changes(
    client: TestClient, posts: Path, run_ingest: IngestFn, write_post: WritePost
) -> None:
    seed_url = _seed_url(client)
    other_url = "/categories/you-xi/articles"
    watched = ["/articles", seed_url, "/categories/jin-rong/articles", other_url]
    before = {url: client.get(url).headers["etag"] for url in watched}

    assert run_ingest(posts).unchanged == 3  # nothing changed: the same validators
    assert {url: client.get(url).headers["etag"] for url in watched} == before

    seed = posts / SEED_KEY
    seed.write_text(seed.read_text(encoding="utf-8").replace("加快健全", "加快完善"), encoding="utf-8")
    assert run_ingest(posts).updated == 1
    after = {url: client.get(url).headers["etag"] for url in watched}
    for url in ["/articles", seed_url, "/categories/jin-rong/articles"]:
        assert after[url] != before[url], url
        assert client.get(url, headers={"If-None-Match": before[url]}).status_code == 200
    assert after[other_url] == before[other_url]  # a listing that does not show the article


def test_deleting_an_article_changes_the_listing_etag(
    client: TestClient, posts: Path, run_ingest: IngestFn
) -> None:
    before = client.get("/categories/you-xi/articles").headers["etag"]
    (posts / "游戏/3DMGame/新闻中心/b.md").unlink()
    assert run_ingest(posts, prune=True).pruned == 1
    assert client.get("/categories/you-xi/articles").headers["etag"] != before


def test_cache_control_default_and_configured(engine: Engine, database_url: str, posts: Path) -> None:
    settings = Settings(database_url=database_url, cache_control="private, max-age=5")
    with TestClient(create_app(settings, engine=engine)) as configured:
        assert configured.get("/articles").headers["cache-control"] == "private, max-age=5"
    assert Settings(database_url=database_url).cache_control == "public, max-age=60"


def test_errors_are_not_cached_as_data(client: TestClient) -> None:
    r = client.get("/articles/nope")
    assert r.status_code == 404 and "etag" not in r.headers and "cache-control" not in r.headers


@pytest.fixture
def big(client: TestClient, posts: Path) -> Iterator[str]:
    url = _seed_url(client)
    assert len(client.get(url, headers={"Accept-Encoding": "identity"}).content) > 1024
    yield url


def test_gzip_accepting_client_gets_a_compressed_body(client: TestClient, big: str) -> None:
    plain = client.get(big, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", big, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["vary"]
        body = b"".join(response.iter_raw())
    assert gzip.decompress(body) == plain.content
    assert len(body) < len(plain.content) / 2


def test_brotli_is_preferred_when_accepted(client: TestClient, big: str) -> None:
    plain = client.get(big, headers={"Accept-Encoding": "identity"}).content
    with client.stream("GET", big, headers={"Accept-Encoding": "gzip, br"}) as response:
        assert response.headers["content-encoding"] == "br"
        assert brotli.decompress(b"".join(response.iter_raw())) == plain


def test_small_bodies_are_not_compressed(client: TestClient, posts: Path) -> None:
    r = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in r.headers


def test_a_compressed_response_revalidates_with_its_etag(client: TestClient, big: str) -> None:
    etag = client.get(big, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    again = client.get(big, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
