"""The OpenAPI document as the app really answers: errors as problem details, 304s and database 503s.

Routes declare their own successes and the errors they raise; what the middleware and the shared error
handlers add to every operation is documented here, once, so that a client generated from the schema (or a
fuzzer checking responses against it) meets no status, media type or header the schema does not name.
"""

from typing import Any

from fastapi import FastAPI

from app.api.errors import PROBLEM_MEDIA_TYPE
from app.query.schemas import ProblemDetail

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetail"}
ETAG = {
    "ETag": {
        "description": "Strong validator of the body; send it back in `If-None-Match`.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED = {
    "description": "Not Modified: the client's copy (`If-None-Match`, `If-Modified-Since`) is current.",
    "headers": ETAG,
}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
# For `include_router(responses=...)` of the routers whose routes query the database (errors.py's handler).
DATABASE_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The database did not answer in time (statement timeout or unreachable).",
        "headers": {"Retry-After": RETRY_AFTER},
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
    }
}
# FastAPI's own validation-error schemas: our handler answers every 422 as a problem instead.
UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError")


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what every operation can answer to `schema` (changed in place and returned)."""
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if status[0] in "45":  # every error body is a problem (errors.py), whatever the route said
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
            if method == "get" and "200" in responses:  # the conditional-GET middleware
                responses["200"].setdefault("headers", {}).update(ETAG)
                responses.setdefault("304", NOT_MODIFIED)
            operation["responses"] = dict(sorted(responses.items()))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in UNUSED_SCHEMAS:
        components.pop(name, None)
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
