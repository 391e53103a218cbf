"""The OpenAPI document names every status, media type and header the app really answers with."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.app import create_app
from app.config import Settings
from app.query.schemas import ArticleDetail, ArticleLink, ArticleSummary, Author
from tests.conftest import IngestFn, WritePost

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}}
DATA_PATHS = [
    "/articles",
    "/articles/{article_id}",
    "/categories",
    "/categories/{slug}/articles",
    "/feeds/atom.xml",
    "/feeds/rss.xml",
    "/feeds/feed.json",
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document alone: building it touches no database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'unused.db'}"
    with TestClient(create_app(Settings(database_url=url))) as client:
        document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, operation) for path, ops in schema["paths"].items() for operation in ops.values()]


def test_every_error_response_is_documented_as_a_problem(schema: dict[str, Any]) -> None:
    for path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert response["content"] == PROBLEM, (path, status)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_every_get_documents_the_etag_and_304(schema: dict[str, Any]) -> None:
    for path, operation in _operations(schema):
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "304" in operation["responses"], path
        assert "content" not in operation["responses"]["304"], path


def test_operations_that_query_the_database_document_503(schema: dict[str, Any]) -> None:
    for path in [*DATA_PATHS, "/readyz"]:
        assert "503" in schema["paths"][path]["get"]["responses"], path
    assert "503" not in schema["paths"]["/healthz"]["get"]["responses"]


@pytest.mark.parametrize(
    ("path", "url", "headers"),
    [
        ("/articles/{article_id}", "/articles/nope", {}),
        ("/articles", "/articles?limit=0", {}),
        ("/categories/{slug}/articles", "/categories/nope/articles", {}),
        ("/feeds/atom.xml", "/feeds/atom.xml?limit=0", {}),
        ("/categories", "/categories", {"If-None-Match": "*"}),
        ("/healthz", "/healthz", {"If-None-Match": "*"}),
    ],
)
def test_real_answers_are_documented(
    client: TestClient,
    write_post: WritePost,
    run_ingest: IngestFn,
    path: str,
    url: str,
    headers: dict[str, str],
) -> None:
    run_ingest(write_post())
    documented = client.get("/openapi.json").json()["paths"][path]["get"]["responses"]
    r = client.get(url, headers=headers)
    assert str(r.status_code) in documented, r.text
    media_type = r.headers.get("content-type", "").split(";")[0]
    assert media_type in documented[str(r.status_code)].get("content", {"": None}), r.headers


OPERATION_IDS = {
    ("/articles", "listArticles"),
    ("/articles/{article_id}", "getArticle"),
    ("/articles/slug/{slug}", "getArticleBySlug"),
    ("/articles/{article_id}/related", "listRelatedArticles"),
    ("/categories", "listCategories"),
    ("/categories/{slug}/articles", "listCategoryArticles"),
    ("/authors", "listAuthors"),
    ("/feeds/atom.xml", "getAtomFeed"),
    ("/feeds/rss.xml", "getRssFeed"),
    ("/feeds/feed.json", "getJsonFeed"),
    ("/healthz", "getHealth"),
    ("/readyz", "getReadiness"),
    ("/", "getApiIndex"),
}


def test_every_operation_has_its_explicit_operation_id(schema: dict[str, Any]) -> None:
    found = {(path, operation["operationId"]) for path, operation in _operations(schema)}
    assert found == OPERATION_IDS


def test_every_operation_declares_500_and_422_as_problems_and_the_request_id(schema: dict[str, Any]) -> None:
    for path, operation in _operations(schema):
        responses = operation["responses"]
        assert responses["500"]["content"] == PROBLEM and responses["422"]["content"] == PROBLEM, path
        for status, response in responses.items():
            assert response["headers"]["X-Request-ID"]["required"], (path, status)


def test_response_headers_are_documented_where_they_are_sent(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    for path in ("/articles", "/categories/{slug}/articles"):
        assert "Link" in paths[path]["get"]["responses"]["200"]["headers"], path
    for path in ("/articles/{article_id}", "/articles/slug/{slug}"):
        for status in ("200", "304"):
            assert "Last-Modified" in paths[path]["get"]["responses"][status]["headers"], path
    for path, operation in _operations(schema):
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"]), path


def test_the_page_and_parameters_are_typed_for_generated_clients(schema: dict[str, Any]) -> None:
    page = schema["components"]["schemas"]["ArticlePage"]
    assert "next_cursor" in page["required"]
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/articles"]["get"]["parameters"]}
    assert parameters["facets"]["items"]["enum"] == ["category", "author", "month"]
    assert parameters["since"] == {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
        "title": "Since",
    }
    assert parameters["fields"]["pattern"].startswith("^ *(id|slug|title|")
    assert parameters["limit"]["minimum"] == 1 and parameters["limit"]["maximum"] == 100


def test_examples_are_complete_and_valid(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    models = {"ArticleSummary": ArticleSummary, "ArticleDetail": ArticleDetail, "ArticleLink": ArticleLink}
    for name, model in (models | {"Author": Author}).items():
        example = components[name]["example"]
        assert model.model_validate(example).model_dump(mode="json", exclude_unset=True) == example, name
        assert set(example) >= set(components[name]["required"]), name
