"""`articles check`: the database's own integrity checks, and whether every article is in the search index.

Each problem is one line, its cause then its fix. A check that cannot run because the database cannot be
used raises that error instead (the caller says so as for any command).
"""

from sqlalchemy.engine import Engine

from app.store.backends import backend_of
from app.store.backends.base import Failure, Kind
from app.store.failures import unusable
from app.store.search_index import missing_count


def check_database(engine: Engine) -> list[str]:
    """What is wrong with the database (an empty list when nothing is); its schema is the caller's check."""
    with engine.connect() as connection:
        found = backend_of(connection).integrity_problems(connection)
        missing = missing_count(connection)
    problems = [str(unusable(Failure(Kind.CORRUPT, problem), engine.url)) for problem in found]
    if missing:
        where = backend_of(engine).describe(engine.url)
        problems.append(
            f"{missing} articles of {where} are missing from the search index: run `articles reindex`"
        )
    return problems
