"""`fields=` selection and problem details for every error, 405 and 500 included."""

import logging
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.api.app import create_app
from app.config import Settings
from tests.conftest import IngestFn, WritePost


@pytest.fixture
def one(client: TestClient, write_post: WritePost, run_ingest: IngestFn) -> str:
    run_ingest(write_post(headimg="https://img.example/a.png"))
    return str(client.get("/articles").json()["items"][0]["id"])


def test_fields_trims_listing_items(client: TestClient, one: str) -> None:
    body = client.get("/articles", params={"fields": "id,title,published_at"}).json()
    assert body["items"] == [{"id": one, "title": "一篇测试文章", "published_at": "2021-09-13T06:39:04Z"}]
    assert set(body) == {"items", "total", "limit", "offset", "next_cursor"}
    by_category = client.get("/categories/jin-rong/articles", params={"fields": " title , id"}).json()
    assert by_category["items"] == [{"id": one, "title": "一篇测试文章"}]


def test_fields_trims_the_detail(client: TestClient, one: str) -> None:
    r = client.get(f"/articles/{one}", params={"fields": "id,paragraphs,updated_at"})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id", "paragraphs", "updated_at"}
    assert r.json()["paragraphs"] == ["第一段正文，足够长的一段中文内容。", "第二段正文。"]


@pytest.mark.parametrize(
    ("url", "fields"),
    [("/articles", "id,body_text"), ("/articles", "nope"), ("/articles", ","), ("/articles/x", "id,nope")],
)
def test_unknown_field_is_a_422_naming_fields(client: TestClient, url: str, fields: str) -> None:
    r = client.get(url, params={"fields": fields})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    error = r.json()["errors"][0]
    assert error["parameter"] == "fields" and "choose from" in error["message"]


def test_unknown_path_and_wrong_method_are_problems(client: TestClient) -> None:
    r = client.get("/no/such/thing")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Not Found"
    for url in ("/articles/x", "/openapi.json", "/static/swagger-init.js", "/docs"):
        r = client.post(url)
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD", url
    r = client.post("/articles")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "Method Not Allowed",
    }


def test_unexpected_error_is_a_500_problem_with_the_logged_request_id(
    engine: Engine, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        Settings(database_url=database_url, cors_origins=["https://front.example"]), engine=engine
    )
    boom = APIRouter()

    @boom.get("/boom")
    def explode() -> None:
        raise RuntimeError("secret connection string in /srv/app.py")

    app.include_router(boom)
    with TestClient(app) as client, caplog.at_level(logging.ERROR, logger="app.errors"):
        r = client.get("/boom", headers={"X-Request-ID": "trace-42", "Origin": "https://front.example"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "trace-42"
    assert r.headers["access-control-allow-origin"] == "https://front.example"  # readable by the frontend
    body = r.json()
    assert body["status"] == 500 and body["title"] == "Internal Server Error"
    assert body["request_id"] == "trace-42" and "trace-42" in body["detail"]
    assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    logged = [record for record in caplog.records if "trace-42" in record.getMessage()]
    assert logged and logged[0].exc_info is not None  # the stack trace goes to the log only


def test_problem_bodies_are_documented(client: TestClient, tmp_path: Path) -> None:
    schema = client.get("/openapi.json").json()
    assert "request_id" in schema["components"]["schemas"]["ProblemDetail"]["properties"]
    params = {p["name"] for p in schema["paths"]["/articles"]["get"]["parameters"]}
    assert {"cursor", "count", "fields", "limit", "offset"} <= params
