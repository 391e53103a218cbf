"""The response cache serves what cannot have changed, and nothing else."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from app.store.data_version import VersionProbe
from tests.conftest import IngestFn, WritePost


def _cache(client: TestClient) -> dict[object, object]:
    """The cache's entries (the middleware sits in the app's built stack)."""
    layer = client.app.middleware_stack  # type: ignore[attr-defined]
    while layer is not None and type(layer).__name__ != "ResponseCacheMiddleware":
        layer = getattr(layer, "app", None)
    assert layer is not None
    return layer.entries  # type: ignore[no-any-return]


def test_a_listing_is_cached_until_an_ingest_commits(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn
) -> None:
    first = write_post("a.md", title="第一篇")
    run_ingest(first.parent)
    before = client.get("/articles")
    assert [item["title"] for item in before.json()["items"]] == ["第一篇"]
    assert len(_cache(client)) == 1
    again = client.get("/articles")
    assert again.content == before.content and again.headers["etag"] == before.headers["etag"]
    write_post("b.md", title="第二篇", date="Tue, 14 Sep 2021 06:39:04 GMT")
    run_ingest(first.parent)
    after = client.get("/articles")
    assert [item["title"] for item in after.json()["items"]] == ["第二篇", "第一篇"]
    assert after.headers["etag"] != before.headers["etag"]


def test_an_ingest_that_changes_nothing_keeps_the_cache(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md")
    run_ingest(post.parent)
    probe = VersionProbe(engine)
    version = probe.read().number
    run_ingest(post.parent)  # every file unchanged: no transaction, no new version
    assert probe.read().number == version
    probe.close()


def test_the_cache_is_bounded_and_can_be_turned_off(
    engine: Engine, database_url: str, write_post: WritePost, run_ingest: IngestFn
) -> None:
    run_ingest(write_post("a.md").parent)
    settings = Settings(database_url=database_url, response_cache_size=3)
    with TestClient(create_app(settings, engine=engine)) as small:
        for limit in range(1, 8):
            assert small.get("/articles", params={"limit": limit}).status_code == 200
        assert len(_cache(small)) == 3
    off = Settings(database_url=database_url, response_cache_size=0)
    with TestClient(create_app(off, engine=engine)) as uncached:
        uncached.get("/articles")
        assert len(_cache(uncached)) == 0


def test_errors_and_other_requests_are_not_cached(client: TestClient) -> None:
    assert client.get("/articles/0000000000000000").status_code == 404
    assert client.get("/articles", params={"limit": 0}).status_code == 422
    assert client.get("/healthz").status_code == 200
    assert _cache(client) == {}


def test_a_cached_response_keeps_its_own_request_id(client: TestClient) -> None:
    first = client.get("/categories", headers={"X-Request-ID": "one"})
    second = client.get("/categories", headers={"X-Request-ID": "two"})
    assert (first.headers["x-request-id"], second.headers["x-request-id"]) == ("one", "two")
    gzip = client.get("/categories", headers={"Accept-Encoding": "gzip"})
    assert gzip.json() == first.json()


def test_links_built_for_one_host_are_never_served_to_another(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn
) -> None:
    for name in ("a.md", "b.md"):
        write_post(name, title=name)
    run_ingest(write_post("c.md", title="c").parent)
    first = client.get("/articles", params={"limit": 1}, headers={"Host": "evil.example"})
    second = client.get("/articles", params={"limit": 1}, headers={"Host": "api.example"})
    assert "evil.example" in first.headers["link"]
    assert "evil.example" not in second.headers["link"] and "api.example" in second.headers["link"]


def test_a_hit_is_served_in_the_encoding_the_client_accepts(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn
) -> None:
    for number in range(10):  # a listing long enough to be worth compressing
        folder = write_post(f"{number}.md", title=f"第{number}篇").parent
    run_ingest(folder)
    plain = client.get("/articles", headers={"Accept-Encoding": "identity"})
    squeezed = client.get("/articles", headers={"Accept-Encoding": "gzip"})
    plain_again = client.get("/articles", headers={"Accept-Encoding": "identity"})
    assert squeezed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and "content-encoding" not in plain_again.headers
    assert plain_again.content == plain.content and squeezed.json() == plain.json()
    assert len(_cache(client)) == 2
    assert squeezed.headers["etag"] == plain.headers["etag"]


def test_a_hit_carries_cors_headers_only_for_the_origin_it_was_built_for(
    engine: Engine, database_url: str, write_post: WritePost, run_ingest: IngestFn
) -> None:
    run_ingest(write_post("a.md").parent)
    settings = Settings(database_url=database_url, cors_origins="https://front.example")
    with TestClient(create_app(settings, engine=engine)) as client:
        allowed = client.get("/articles", headers={"Origin": "https://front.example"})
        other = client.get("/articles", headers={"Origin": "https://evil.example"})
        bare = client.get("/articles")
        allowed_again = client.get("/articles", headers={"Origin": "https://front.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://front.example"
    assert allowed_again.headers["access-control-allow-origin"] == "https://front.example"
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in bare.headers


def test_a_hit_answers_a_conditional_request_itself(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn
) -> None:
    run_ingest(write_post("a.md").parent)
    first = client.get("/articles")
    assert len(_cache(client)) == 1
    again = client.get("/articles", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["x-content-type-options"] == "nosniff" and again.headers["x-request-id"]
