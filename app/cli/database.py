"""What a command needs to reach the database: valid settings, and an engine on a schema this code knows."""

import typer
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from app.cli.statuses import Status
from app.cli.terminal import console
from app.config import Settings, get_settings
from app.store.engine import is_embedded, make_engine
from app.store.schema import HEAD, is_newer, revision, schema_failure


def load_settings() -> Settings:
    """The settings; a bad one is a usage error naming the setting and why, never its value (a URL may
    hold a password)."""
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            reason = str(error["msg"]).removeprefix("Value error, ")
            console.print(f"[red]invalid setting[/red] {name}: {reason}", highlight=False)
        raise typer.Exit(Status.USAGE) from None


def open_database(settings: Settings, *, migrate_embedded: bool = True) -> Engine:
    """An engine on the database, whose schema is the one this code expects. The embedded database
    migrates itself first (unless `migrate_embedded` is false); PostgreSQL is migrated on purpose, with
    `articles migrate`. Raises DatabaseUnusable when the schema is missing, older or newer."""
    engine = make_engine(settings.database_url)
    current = revision(engine)
    embedded = migrate_embedded and is_embedded(settings.database_url)
    if current != HEAD and embedded and (current is None or not is_newer(current)):
        from app.store.migrations import upgrade  # Alembic loads in a quarter of a second: only when needed

        upgrade(engine)
        return engine
    failure = schema_failure(engine, current)
    if failure is not None:
        raise failure
    return engine
