"""/healthz: is the process alive and the database reachable."""

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text

from app.api.deps import SessionDep

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    """Liveness answer."""

    status: str = Field(description="`ok` when the process serves requests.", examples=["ok"])


@router.get("/healthz", response_model=Health, summary="Liveness probe")
def healthz(session: SessionDep) -> Health:
    """Answers `ok` while the process runs and its database answers a trivial query."""
    session.execute(text("SELECT 1"))
    return Health(status="ok")
