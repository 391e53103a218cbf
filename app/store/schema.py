"""The schema revision this code expects, and whether a database is at it, without loading Alembic.

Every command that opens the embedded database migrates it first, and `/readyz` asks on every probe; when it
is current (nearly always), one query answers instead of Alembic's import and script scan, a quarter of a
second of each `articles ingest`.
"""

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.store.backends import backend_of
from app.store.backends.base import Failure, Kind
from app.store.failures import DatabaseUnusable, unusable

# The newest migration in migrations/versions (tests check that they agree).
HEAD = "0011"


def revision(engine: Engine) -> str | None:
    """The revision the database records; None when it has no schema yet. A database that cannot be used
    (unreachable, corrupt...) raises its error."""
    with engine.connect() as connection:
        try:
            revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError as exc:
            failure = backend_of(connection).classify(exc)
            if failure is None or failure.kind is not Kind.NOT_MIGRATED:
                raise
            return None  # no alembic_version table yet
    return revisions[0] if revisions else None  # an empty table: migrated down to nothing


def at_head(engine: Engine) -> bool:
    """True when the database records HEAD as its revision; False when it is behind or has no schema.
    A database that cannot be used raises its error."""
    return revision(engine) == HEAD


def is_newer(current: str) -> bool:
    """Whether a revision comes after HEAD (revisions are numbered), or is one this code does not know."""
    return not current.isdigit() or int(current) > int(HEAD)


def schema_failure(engine: Engine, current: str | None) -> DatabaseUnusable | None:
    """Why a database at revision `current` cannot serve this code: no schema, an older one or a newer one."""
    if current == HEAD:
        return None
    if current is None:
        return unusable(Failure(Kind.NOT_MIGRATED, "it has no tables yet"), engine.url)
    where = backend_of(engine).describe(engine.url)
    if is_newer(current):
        cause = f"database schema of {where} is at revision {current}, newer than this version knows ({HEAD})"
        return DatabaseUnusable(Kind.NEWER_SCHEMA, cause)
    cause = f"database schema of {where} is at revision {current}, older than this version needs ({HEAD})"
    return DatabaseUnusable(Kind.NOT_MIGRATED, cause)
