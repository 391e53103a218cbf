"""One backend per database, chosen by the dialect of the URL the engine is made from (see `base.Backend`)."""

from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

from app.store.backends.base import Backend
from app.store.backends.postgresql import POSTGRESQL
from app.store.backends.sqlite import SQLITE

_BY_DIALECT: dict[str, Backend] = {backend.dialect: backend for backend in (SQLITE, POSTGRESQL)}


def backend_for_url(url: str) -> Backend:
    """The backend of a SQLAlchemy URL (its validity is the settings' business)."""
    return _BY_DIALECT[make_url(url).get_backend_name()]


def backend_of(bind: Engine | Connection | Session) -> Backend:
    """The backend of an engine, a connection or a session."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return _BY_DIALECT[engine.dialect.name]
