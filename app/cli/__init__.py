"""The `articles` command: ingest, serve, reindex and migrate."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import Engine

from app.config import Settings, get_settings
from app.store.engine import is_embedded, make_engine
from app.store.schema import at_head

cli = typer.Typer(
    help="Load Hexo articles into a database and serve them as a JSON API.\n\n"
    "Exit status: 0 success, 1 some files failed to load, 2 usage error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Lines are never wrapped to the terminal: scripts read them, and a path must stay on one line.
console = Console(stderr=True, soft_wrap=True)
stdout = Console(soft_wrap=True)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:  # pydantic's ValidationError: a bad setting, stated once
        console.print(f"[red]Invalid settings:[/red] {exc}")
        raise typer.Exit(2) from None


def _engine(settings: Settings, *, auto_migrate: bool) -> Engine:
    engine = make_engine(settings.database_url)
    # The embedded database keeps itself current; PostgreSQL is migrated on purpose.
    if auto_migrate and is_embedded(settings.database_url) and not at_head(engine):
        from app.store.migrations import upgrade

        upgrade(engine)
    return engine


@cli.command(epilog="Exit status: 0 when every file loaded, 1 when some failed, 2 for a usage error.")
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Markdown files or folders (searched recursively for .md).")
    ],
    prune: Annotated[
        bool, typer.Option(help="Delete articles whose files are gone from the given folders.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option(min=1, max=64, help="Parser processes (default: one per core).")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="Articles written per transaction.")
    ] = 500,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print the summary only, no failure list.")
    ] = False,
    rehash: Annotated[
        bool,
        typer.Option(
            help="Read and hash every known file, even one whose size and times are as last recorded."
        ),
    ] = False,
) -> None:
    """Load articles into the database: new files are added, changed ones updated, unchanged ones skipped."""
    from app.cli.ingest_report import print_report
    from app.ingest.runner import ingest as run_ingest

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]No such file or folder:[/red] {', '.join(missing)}")
        raise typer.Exit(2)
    settings = _settings()
    engine = _engine(settings, auto_migrate=True)
    with _progress_bar() as progress:
        task = progress.add_task("ingest", total=None)
        report = run_ingest(
            paths,
            engine=engine,
            zone=settings.zone,
            prune=prune,
            jobs=jobs,
            batch_size=batch_size,
            rehash=rehash,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    print_report(report, stdout, quiet=quiet)
    _refresh_search_index(engine)
    raise typer.Exit(1 if report.failures else 0)


def _refresh_search_index(engine: Engine) -> None:
    """Index the articles a tokenizer upgrade left stale (unchanged files are not written again)."""
    from app.store.search_index import refresh_stale

    with engine.begin() as connection:
        refreshed = refresh_stale(connection)
    if refreshed:
        console.print(f"Search index: {refreshed} articles indexed again for the current tokenizer.")


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.", envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
) -> None:
    """Serve the API (the embedded SQLite database is migrated first)."""
    import uvicorn

    from app.cli.server import MAX_HEAD_BYTES, BoundedHttpToolsProtocol, log_config
    from app.store.search_index import stale_count

    settings = _settings()
    engine = _engine(settings, auto_migrate=True)
    with engine.connect() as connection:
        stale = stale_count(connection)
    engine.dispose()
    if stale:
        console.print(
            f"[yellow]{stale} articles are missing from the search index or indexed by another tokenizer:"
            "[/yellow] run `articles reindex`."
        )
    uvicorn.run(
        "app.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=log_config(),
        access_log=False,  # app.access logs each request once, with its duration and request id
        http=BoundedHttpToolsProtocol,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,  # unused with httptools; the same bound otherwise
    )


@cli.command()
def inspect(
    path: Annotated[Path, typer.Argument(help="One Markdown file.", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show what ingest would store for one file: fields, clean text, and each dropped block with its rule."""
    from app.cli.inspection import inspect as inspect_file
    from app.cli.inspection import print_inspection
    from app.parse.decode import UnreadableFile

    try:
        report = inspect_file(path, _settings().zone)
    except UnreadableFile as exc:
        console.print(f"[red]failed[/red] {path}: {exc}")
        raise typer.Exit(1) from None
    print_inspection(report, stdout, as_json=as_json)


@cli.command()
def reindex() -> None:
    """Rebuild the search index from the stored articles (after upgrading the tokenizer or OpenCC)."""
    from app.store.engine import write_transaction
    from app.store.search_index import rebuild

    engine = _engine(_settings(), auto_migrate=True)
    with write_transaction(engine) as connection:
        count = rebuild(connection)
    console.print(f"Search index rebuilt: {count} articles.")


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the database schema (PostgreSQL needs this before the first ingest)."""
    from app.store.migrations import upgrade

    settings = _settings()
    upgrade(make_engine(settings.database_url), revision)
    console.print(f"Database at revision {revision}.")


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli())
