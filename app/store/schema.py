"""The schema revision this code expects, and whether a database is at it, without loading Alembic.

Every command that opens the embedded database migrates it first, and `/readyz` asks on every probe; when it
is current (nearly always), one query answers instead of Alembic's import and script scan, a quarter of a
second of each `articles ingest`.
"""

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

# The newest migration in migrations/versions (tests check that they agree).
HEAD = "0009"


def at_head(engine: Engine) -> bool:
    """True when the database records HEAD as its revision; False when it is behind or has no schema.
    A database that does not answer raises its error."""
    with engine.connect() as connection:
        try:
            revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:  # no alembic_version table yet
            return False
    return revisions == [HEAD]
