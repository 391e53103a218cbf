"""Parameters resolved from each route's plan give what FastAPI's own resolution gives: the same values,
defaults and errors, for good requests and bad ones."""

from typing import Annotated, Any

import pytest
from fastapi import Header, Query, Request
from fastapi.dependencies.utils import get_dependant
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from starlette.responses import Response as StarletteResponse

from app.api import known_parameters
from app.api.app import create_app
from app.api.parameter_plan import plan_of
from app.config import Settings
from tests.conftest import IngestFn, WritePost

URLS = [
    "/articles",
    "/articles?limit=1&count=false",
    "/articles?limit=0",
    "/articles?limit=abc&offset=-1&since=yesterday",
    "/articles?category=jin-rong&category=ke-ji&category_mode=all",
    "/articles?has_image=yes",
    "/articles?has_image=true&author=新浪财经",
    "/articles?since=2021-09-01&until=2021-09-30",
    "/articles?q=正文&sort=-published_at&facets=category",
    "/articles?sort=sideways",
    "/articles?cursor=not-a-cursor",
    "/articles?slug=x&slug=y",
    "/articles?fields=id,title",
    "/articles?fields=nope",
    "/articles/{id}",
    "/articles/{id}?formats=html&fields=id,body_html,body_text",
    "/articles/{id}?formats=pdf",
    "/articles/{id}/related?limit=99",
    "/articles/{id}/related?limit=2&fields=id",
    "/articles/slug/nothing-here",
    "/categories/jin-rong/articles?limit=1",
    "/categories/jin-rong/articles?offset=x",
    "/feeds/feed.json?limit=0",
    "/feeds/feed.json?category=jin-rong",
]


def _answers(engine: Engine, database_url: str, article: str) -> list[tuple[int, Any]]:
    app = create_app(Settings(database_url=database_url, response_cache_size=0), engine=engine)
    with TestClient(app) as client:
        responses = [client.get(url.replace("{id}", article)) for url in URLS]
    return [(response.status_code, _comparable(response)) for response in responses]


def test_every_answer_is_the_one_fastapi_resolution_gives(
    engine: Engine,
    database_url: str,
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_ingest(write_post(headimg="https://img.example/a.png"), write_post("b.md", title="另一篇"))
    article = client.get("/articles").json()["items"][0]["id"]
    planned = _answers(engine, database_url, article)
    monkeypatch.setattr(known_parameters, "plan_of", lambda dependant: None)  # FastAPI's own resolution
    resolved = _answers(engine, database_url, article)
    for url, ours, theirs in zip(URLS, planned, resolved, strict=True):
        assert ours == theirs, url
    assert {status for status, _ in planned} == {200, 404, 422}  # good requests and both kinds of bad ones


def _comparable(response: Response) -> Any:
    """The body without what differs from one request to the next."""
    body = response.json()
    if isinstance(body, dict):
        body.pop("request_id", None)
    return body


async def _plain(
    request: Request, limit: int = 5, tags: Annotated[list[str] | None, Query()] = None
) -> StarletteResponse:
    return StarletteResponse()


async def _with_header(user_agent: Annotated[str | None, Header()] = None) -> StarletteResponse:
    return StarletteResponse()


async def _returning_a_model(limit: int = 5) -> dict[str, int]:
    return {"limit": limit}


def test_a_plan_covers_path_and_query_parameters_and_nothing_else() -> None:
    plan = plan_of(get_dependant(path="/items/{item}", call=_plain))
    assert plan is not None
    assert [(parameter.key, parameter.many) for parameter in plan.parameters] == [
        ("limit", False),
        ("tags", True),
    ]
    assert plan_of(get_dependant(path="/items", call=_with_header)) is None
    assert plan_of(get_dependant(path="/items", call=_returning_a_model)) is None
