"""Every error as RFC 9457 problem details, naming the parameter and the reason; never a stack trace."""

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.status import HTTP_422_UNPROCESSABLE_CONTENT
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.head import allowed_methods
from app.api.request_log import request_id_of
from app.query.pagination import InvalidCursor
from app.store.backends.base import Kind
from app.store.failures import DatabaseUnusable, diagnose

PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger("app.errors")


class ProblemResponse(JSONResponse):
    """JSON with the problem media type."""

    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """A problem-details response; the title defaults to the status's reason phrase."""
    title = title or HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail} | extra
    return ProblemResponse(body, status_code=status, headers=headers)


def _parameter(location: tuple[Any, ...]) -> str:
    # ("query", "limit") -> "limit"; ("path", "article_id") -> "article_id"
    names = [str(part) for part in location if part not in ("query", "path", "header", "body")]
    return ".".join(names) or "request"


def invalid_parameters(errors: list[dict[str, str]]) -> ProblemResponse:
    """A 422 listing each rejected parameter with the reason."""
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return problem(HTTP_422_UNPROCESSABLE_CONTENT, detail, title="Invalid request parameters", errors=errors)


async def _validation_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    return invalid_parameters(
        [{"parameter": _parameter(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    )


async def _invalid_cursor(_request: Request, exc: Exception) -> ProblemResponse:
    return invalid_parameters([{"parameter": "cursor", "message": str(exc)}])


async def _database_unavailable(request: Request, exc: Exception) -> ProblemResponse:
    # A cancelled slow query (statement timeout) or a database that does not answer: retryable, not a bug.
    logger.warning(
        "database unavailable on %s %s request_id=%s: %s",
        request.method,
        request.url.path,
        request_id_of(request.scope),
        type(exc).__name__,
    )
    detail = "The database did not answer in time; try again shortly."
    return problem(503, detail, headers={"Retry-After": "5"})


# The problem type of a request that met a corrupt database: no bug of ours, and no use retrying.
CORRUPT_TYPE = "urn:articles-api:problem:database-corrupt"
CORRUPT_DETAIL = "The database is corrupt; an operator must restore it (`articles check` says what is wrong)."


def corruption(app: FastAPI) -> DatabaseUnusable | None:
    """The corruption a request of this process met, if one did: /readyz answers 503 from then on."""
    found: DatabaseUnusable | None = getattr(app.state, "database_corruption", None)
    return found


def corrupt_if(app: FastAPI, error: Exception) -> DatabaseUnusable | None:
    """The corruption `error` reveals, remembered for /readyz; None when it reveals none."""
    found = diagnose(error, app.state.engine.url)
    if found is None or found.kind is not Kind.CORRUPT:
        return None
    if corruption(app) is None:
        logger.error("the database is corrupt: %s", found)  # once: the first request to meet it says it
    app.state.database_corruption = found
    return found


async def _database_error(request: Request, exc: Exception) -> ProblemResponse:
    if corrupt_if(request.app, exc) is None:
        raise exc  # another database error: a bug, logged with the request id by the 500 boundary
    return problem(500, CORRUPT_DETAIL, title="Database Corrupt", type=CORRUPT_TYPE)


async def _http_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405 and "allow" in response.headers:
        response.headers["allow"] = allowed_methods(response.headers["allow"])
    return response


class UnexpectedErrorMiddleware:
    """Turns an exception no handler took into a 500 problem carrying the request id, and logs it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            request_id = request_id_of(scope)
            logger.exception(
                "unexpected error on %s %s request_id=%s", scope["method"], scope["path"], request_id
            )
            if started:  # too late for an error response; the server closes the connection
                raise
            detail = f"An unexpected error occurred. Quote request id {request_id} when reporting it."
            await problem(500, detail, request_id=request_id)(scope, receive, send)


def install(app: FastAPI) -> None:
    """Register the handlers on `app` (the middleware is added by create_app, in its place)."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidCursor, _invalid_cursor)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DatabaseError, _database_error)  # its other kinds, corruption among them
    app.add_exception_handler(PoolTimeout, _database_unavailable)  # every pooled connection busy
    app.add_exception_handler(StarletteHTTPException, _http_error)
