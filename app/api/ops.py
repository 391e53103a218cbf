"""Probes: /healthz (the process answers) and /readyz (the database answers and its schema is current)."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.api.errors import CORRUPT_DETAIL, CORRUPT_TYPE, corrupt_if, corruption, problem
from app.api.known_parameters import CheckedRoute
from app.query.schemas import ProblemDetail
from app.store.schema import at_head

router = APIRouter(route_class=CheckedRoute, tags=["operations"])

NO_STORE = {"Cache-Control": "no-store"}


class Health(BaseModel):
    """A probe's answer."""

    status: str = Field(description="`ok` when the probe passes.", examples=["ok"])


@router.get("/healthz", response_model=Health, summary="Liveness probe")
async def healthz(response: Response) -> Health:
    """Answers `ok` while the process serves requests; it does not touch the database."""
    # A coroutine: answered on the event loop, never behind the thread pool that data requests may fill.
    response.headers.update(NO_STORE)
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={
        503: {"model": ProblemDetail, "description": "Database unreachable, not migrated, or found corrupt."}
    },
    summary="Readiness probe",
)
async def readyz(request: Request, response: Response) -> Health | Response:
    """Answers `ok` when the database answers and its schema is at the newest migration, else 503; and 503
    for good once a request of this process has met a corrupt database."""
    engine: Engine = request.app.state.engine
    if corruption(request.app) is None:
        try:
            current = await run_in_threadpool(at_head, engine)
        except SQLAlchemyError as exc:
            if corrupt_if(request.app, exc) is None:
                reason = f"The database does not answer ({type(exc).__name__})."
                return problem(503, reason, title="Not Ready", headers=NO_STORE)
        else:
            if not current:
                reason = "The database schema is not at the newest migration."
                return problem(503, reason, title="Not Ready", headers=NO_STORE)
            response.headers.update(NO_STORE)
            return Health(status="ok")
    return problem(503, CORRUPT_DETAIL, title="Not Ready", type=CORRUPT_TYPE, headers=NO_STORE)
