"""Probes, request ids, the access log, CORS and the baseline security headers."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from app.store.engine import make_engine
from app.store.migrations import downgrade, upgrade


def test_healthz_answers_without_a_database(tmp_path: Path) -> None:
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(Settings(), engine=dead)) as client:
        r = client.get("/healthz")
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        assert r.headers["cache-control"] == "no-store"


def test_readyz_is_ok_on_a_migrated_database(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer() -> None:
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with TestClient(create_app(Settings(), engine=dead)) as client:
        r = client.get("/readyz")
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Not Ready" and "password" not in r.text


def test_a_database_that_does_not_answer_is_a_503_problem_not_a_500() -> None:
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with TestClient(create_app(Settings(), engine=dead)) as client:
        r = client.get("/articles", headers={"X-Request-ID": "slow-1"})
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == "5" and r.headers["x-request-id"] == "slow-1"
    assert "psycopg" not in r.text and "127.0.0.1" not in r.text


def test_readyz_is_503_when_the_schema_is_behind(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine)
    downgrade(engine, "base")
    with TestClient(create_app(Settings(), engine=engine)) as client:
        r = client.get("/readyz")
    assert r.status_code == 503 and "migration" in r.json()["detail"]
    engine.dispose()


def test_request_id_is_echoed_when_sane_else_generated(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    for bad in ["", "has space", "x" * 200, "a\tb"]:
        generated = client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert generated != bad and len(generated) == 32
    one, two = (client.get("/healthz").headers["x-request-id"] for _ in range(2))
    assert one != two


def test_one_access_log_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get("/articles?limit=2", headers={"X-Request-ID": "req-7"})
        client.get("/articles/missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert len(lines) == 2
    method, path, status, duration, request_id = lines[0].split(" ")
    assert (method, path, status, request_id) == ("GET", "/articles?limit=2", "200", "request_id=req-7")
    assert duration.endswith("ms") and float(duration.removesuffix("ms")) >= 0
    assert lines[1].startswith("GET /articles/missing 404 ")


def test_every_response_has_nosniff(client: TestClient) -> None:
    for url in ["/articles", "/articles/none", "/docs", "/openapi.json", "/static/vendor/swagger-ui.css"]:
        assert client.get(url).headers["x-content-type-options"] == "nosniff", url


def test_cors_lets_any_origin_read_by_default_and_exposes_the_validators(client: TestClient) -> None:
    r = client.get("/articles", headers={"Origin": "https://anywhere.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "link", "x-request-id"} <= exposed
    preflight = client.options(
        "/articles",
        headers={
            "Origin": "https://anywhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match, X-Request-ID",
        },
    )
    assert preflight.status_code == 200, preflight.text
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_every_response_varies_on_origin_in_one_vary_header(engine: Engine, database_url: str) -> None:
    """A shared cache must not serve a response made for one origin (or none) to another."""
    settings = Settings(database_url=database_url, cors_origins="https://front.example")
    with TestClient(create_app(settings, engine=engine)) as client:
        for origin in (None, "https://front.example", "https://evil.example"):
            headers = {"Accept-Encoding": "gzip"} | ({"Origin": origin} if origin else {})
            for url in ("/openapi.json", "/articles", "/articles/none"):
                vary = client.get(url, headers=headers).headers.get_list("vary")
                assert len(vary) == 1 and vary[0].endswith("Origin"), (url, origin, vary)
            assert client.get("/openapi.json", headers=headers).headers["vary"] == "Accept-Encoding, Origin"


def test_cors_origins_are_configurable(engine: Engine, database_url: str) -> None:
    settings = Settings(database_url=database_url, cors_origins="https://front.example")
    with TestClient(create_app(settings, engine=engine)) as client:
        allowed = client.get("/articles", headers={"Origin": "https://front.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://front.example"
        other = client.get("/articles", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/articles", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
        )
        assert preflight.status_code == 400


@pytest.mark.parametrize("mapped", [0, 8 * 1024 * 1024])
def test_sqlite_maps_as_much_of_the_file_as_configured(tmp_path: Path, mapped: int) -> None:
    url = f"sqlite:///{tmp_path / 'mapped.db'}"
    engine = make_engine(url, Settings(database_url=url, sqlite_mmap_bytes=mapped))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA mmap_size").scalar_one() == mapped
    engine.dispose()
