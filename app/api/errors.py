"""Every error as RFC 9457 problem details, naming the parameter and the reason."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.status import HTTP_422_UNPROCESSABLE_CONTENT

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemResponse(JSONResponse):
    """JSON with the problem media type."""

    media_type = PROBLEM_MEDIA_TYPE


def problem(status: int, title: str, detail: str, **extra: Any) -> ProblemResponse:
    """A problem-details response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail} | extra
    return ProblemResponse(body, status_code=status)


def _parameter(location: tuple[Any, ...]) -> str:
    # ("query", "limit") -> "limit"; ("path", "article_id") -> "article_id"
    names = [str(part) for part in location if part not in ("query", "path", "header", "body")]
    return ".".join(names) or "request"


async def _validation_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"parameter": _parameter(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return problem(HTTP_422_UNPROCESSABLE_CONTENT, "Invalid request parameters", detail, errors=errors)


async def _http_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "Error")
    response = problem(exc.status_code, title, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
