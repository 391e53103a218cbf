"""The OpenAPI document as the app really answers: errors as problem details, 304s, 500s, database 503s,
the response headers, and trimmed articles where `fields` or `formats` trims them.

Routes declare their own successes and the errors they raise; what the middleware and the shared error
handlers add to every operation is documented here, once, so that a client generated from the schema (or a
fuzzer checking responses against it) meets no status, media type or header the schema does not name.
"""

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.utils import generate_unique_id

from app.api.errors import PROBLEM_MEDIA_TYPE
from app.api.request_log import REQUEST_ID_HEADER
from app.query import examples
from app.query.schemas import ProblemDetail

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetail"}
PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
STRING = {"type": "string"}
ETAG = {
    "ETag": {
        "description": "Strong validator of the body; send it back in `If-None-Match`.",
        "required": True,
        "schema": STRING,
    }
}
CACHE_CONTROL = {
    "Cache-Control": {
        "description": "How long the response may be reused (the `CACHE_CONTROL` setting; probes: no-store).",
        "required": True,
        "schema": STRING,
    }
}
REQUEST_ID = {
    REQUEST_ID_HEADER: {
        "description": "The request's id (the client's own when sane); the access log line ends with it.",
        "required": True,
        "schema": STRING,
    }
}
LINK = {
    "Link": {
        "description": 'RFC 8288 links to the `rel="next"` page, and `prev` and `first` where known.',
        "schema": STRING,
    }
}
LAST_MODIFIED = {
    "Last-Modified": {
        "description": "When ingest last stored a change to the article (`updated_at`), as an HTTP date.",
        "required": True,
        "schema": STRING,
    }
}
NOT_MODIFIED = {
    "description": "Not Modified: the client's copy (`If-None-Match`, `If-Modified-Since`) is current.",
    "headers": ETAG,
}
INVALID = {
    "description": "A parameter is invalid, or not one this operation takes; `errors` names it.",
    "content": PROBLEM_CONTENT,
}
UNEXPECTED = {
    "description": "An unexpected error: the body carries only the request id it was logged under.",
    "content": PROBLEM_CONTENT,
}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": STRING}
# For `include_router(responses=...)` of the routers whose routes query the database (errors.py's handler).
DATABASE_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The database did not answer in time (statement timeout or unreachable).",
        "headers": {"Retry-After": RETRY_AFTER},
        "content": PROBLEM_CONTENT,
    }
}
# FastAPI's own validation-error schemas: our handler answers every 422 as a problem instead.
UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError")
# The probes' routes name no operation id of their own: theirs are given here.
OPERATION_IDS = {"healthz": "getHealth", "readyz": "getReadiness"}
# FastAPI drops the null fields of examples (`exclude_none`): the models' examples are put back whole.
EXAMPLES = {
    "ArticleSummary": examples.SUMMARY,
    "ArticleDetail": examples.DETAIL,
    "ArticleLink": examples.LINKED,
    "Author": examples.AUTHOR,
}
# Relative: the host and path prefix the document was fetched from (FastAPI names a root path instead).
SERVERS = [{"url": "/", "description": "Where this document is served"}]
# Parameters that trim the articles of a response, and the schemas that then describe it.
TRIMMING = ("fields", "formats")
TRIMMED = "Trimmed"


def operation_id(route: APIRoute) -> str:
    """The route's operationId: its own, else the one given here (FastAPI's default for one nobody named)."""
    return route.operation_id or OPERATION_IDS.get(route.name) or generate_unique_id(route)


def _trimmed(schemas: dict[str, Any], name: str) -> str:
    """The name of a copy of schema `name` whose article fields may be missing (`fields`, `formats`),
    added to `schemas` once: an article schema without `required`, a list whose items are those."""
    trimmed = name + TRIMMED
    if trimmed not in schemas:
        schema = copy.deepcopy(schemas[name])
        items = schema.get("properties", {}).get("items", {}).get("items", {})
        if "$ref" in items:  # a page or a list: its articles are trimmed, it is not
            items["$ref"] = "#/components/schemas/" + _trimmed(schemas, items["$ref"].rsplit("/", 1)[1])
        else:
            schema.pop("required", None)
            schema.pop("example", None)
        schema["title"] = trimmed
        schema["description"] = schema.get("description", "") + " Trimmed by `fields` or `formats`."
        schemas[trimmed] = schema
    return trimmed


def _document_trimming(schemas: dict[str, Any], operation: dict[str, Any]) -> None:
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    content = operation["responses"].get("200", {}).get("content", {}).get("application/json")
    if content is None or not names & set(TRIMMING) or "$ref" not in content["schema"]:
        return
    full = content["schema"]["$ref"]
    trimmed = "#/components/schemas/" + _trimmed(schemas, full.rsplit("/", 1)[1])
    content["schema"] = {"anyOf": [{"$ref": full}, {"$ref": trimmed}]}


def _document_headers(operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        headers.update(REQUEST_ID)  # every response, errors included (request_log.py)
        if status in ("200", "304"):
            headers.update(ETAG | CACHE_CONTROL)  # conditional.py, on every successful GET
        if status == "200" and "cursor" in names:
            headers.update(LINK)
        if status in ("200", "304") and operation["operationId"] in ("getArticle", "getArticleBySlug"):
            headers.update(LAST_MODIFIED)


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what every operation can answer to `schema` (changed in place and returned)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if status[0] in "45":  # every error body is a problem (errors.py), whatever the route said
                    response["content"] = PROBLEM_CONTENT
            if method == "get" and "200" in responses:  # the conditional-GET middleware
                responses.setdefault("304", copy.deepcopy(NOT_MODIFIED))
            responses.setdefault("422", copy.deepcopy(INVALID))  # known_parameters: an unknown parameter
            responses.setdefault("500", copy.deepcopy(UNEXPECTED))  # errors.UnexpectedErrorMiddleware
            _document_headers(operation)
            _document_trimming(components, operation)
            operation["responses"] = dict(sorted(responses.items()))
    for name in UNUSED_SCHEMAS:
        components.pop(name, None)
    for name, example in EXAMPLES.items():
        components[name]["example"] = example
    schema.setdefault("servers", SERVERS)
    schema.setdefault("security", [])  # public and read-only: no operation asks for credentials
    if "ProblemDetail" not in components:
        problem = ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem.pop("$defs", {}), ProblemDetail=problem)
    return schema


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on the first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
