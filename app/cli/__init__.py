"""The `articles` command: ingest, serve, inspect, reindex, migrate, check and export."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.database import load_settings, open_database
from app.cli.export import Format as ExportFormat
from app.cli.statuses import SUMMARY, GuardedGroup, Status
from app.cli.terminal import console, stdout
from app.store.engine import make_engine

cli = typer.Typer(
    cls=GuardedGroup,
    help=f"Load Hexo articles into a database and serve them as a JSON API.\n\n{SUMMARY}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@cli.callback()
def _options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", envvar="ARTICLES_DEBUG", help="Print the traceback of a failure before its line."
        ),
    ] = False,
) -> None:
    """Load Hexo articles into a database and serve them as a JSON API."""


@cli.command(
    epilog="Exit status: 0 when every file loaded, 1 when some failed, 2 for a usage error, 3 when the "
    "database cannot be used, 130 when interrupted (SIGINT, SIGTERM: the batch in hand is written first)."
)
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
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the report as one JSON object on stdout (one per load with --watch)."
        ),
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(help="After the load, keep loading files that appear, change (or go, with --prune)."),
    ] = False,
) -> None:
    """Load articles into the database: new files are added, changed ones updated, unchanged ones skipped."""
    from app.cli.ingesting import Output, follow, load, status
    from app.cli.signals import stop_requests
    from app.ingest.runner import Options
    from app.ingest.watch import Watcher

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]No such file or folder:[/red] {', '.join(missing)}")
        raise typer.Exit(Status.USAGE)
    settings = load_settings()
    engine = open_database(settings)
    output = Output(as_json=as_json, quiet=quiet)
    with stop_requests() as stop:
        options = Options(settings.zone, prune, jobs, batch_size, rehash, stop)
        watcher = Watcher(paths, stop) if watch else None  # from now on: changes during the load count
        report = load(paths, engine, options, output)
        if watcher is not None and not report.interrupted:
            follow(watcher, paths, engine, options, output)
    raise typer.Exit(status(report))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.", envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
    health_port: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65535,
            envvar="HEALTH_PORT",
            help="Also answer /healthz and /readyz on this port, from a process of its own: in milliseconds "
            "however loaded the workers are.",
        ),
    ] = None,
) -> None:
    """Serve the API (the embedded SQLite database is migrated first)."""
    import os

    from app.cli.health import HealthPort
    from app.cli.health import start as start_health_port
    from app.config import HEARTBEAT_DIR_ENV
    from app.store.search_index import stale_count

    settings = load_settings()
    engine = open_database(settings)
    with engine.connect() as connection:
        stale = stale_count(connection)
    engine.dispose()
    if stale:
        console.print(
            f"[yellow]{stale} articles are missing from the search index or indexed by another tokenizer:"
            "[/yellow] run `articles reindex`."
        )
    if health_port is None:
        _run_server(host, port, workers)
        return
    config = HealthPort(host, health_port, settings.health_stall_seconds, settings.database_url)
    try:
        health = start_health_port(config)
    except OSError as exc:
        console.print(f"[red]health port[/red] {exc}: choose another --health-port.", highlight=False)
        raise typer.Exit(Status.USAGE) from None
    os.environ[HEARTBEAT_DIR_ENV] = str(health.heartbeats)  # read by each worker's app (app.api.heartbeat)
    try:
        _run_server(host, port, workers)
    finally:
        health.stop()


def _run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    from app.cli.server import MAX_HEAD_BYTES, BoundedHttpToolsProtocol, log_config

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
        # The standard library's event loop: as fast here, and fair when saturated; under uvloop 1% of
        # requests waited ten times the median (p99 80 ms instead of 20 at the same median and rate).
        loop="asyncio",
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,  # unused with httptools; the same bound otherwise
    )


@cli.command("inspect")
def inspect_command(
    path: Annotated[Path, typer.Argument(help="One Markdown file.", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            help="The folder given to `articles ingest`: a file without categories is known by its path "
            "below it (default: the file's own folder).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Show what ingest would store for one file: fields, clean text, and each dropped block with its rule."""
    from app.cli.inspection import inspection_report, print_inspection
    from app.parse.decode import UnreadableFile

    try:
        report = inspection_report(path, load_settings().zone, root)
    except UnreadableFile as exc:
        console.print(f"[red]failed[/red] {path}: {exc}")
        raise typer.Exit(1) from None
    print_inspection(report, stdout, as_json=as_json)


@cli.command()
def reindex() -> None:
    """Rebuild the search index from the stored articles (after upgrading the tokenizer or OpenCC)."""
    from app.cli.ingesting import rebuild_search_index

    count = rebuild_search_index(open_database(load_settings()))
    console.print(f"Search index rebuilt: {count} articles.")


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the database schema (PostgreSQL needs this before the first ingest)."""
    from alembic.util import CommandError

    from app.store import schema
    from app.store.migrations import upgrade

    engine = make_engine(load_settings().database_url)
    current = schema.revision(engine)
    newer = schema.schema_failure(engine, current) if current and schema.is_newer(current) else None
    if newer is not None:  # Alembic would fail to find the revision: say what it means
        raise newer
    try:
        upgrade(engine, revision)
    except CommandError as exc:  # a revision Alembic does not know
        console.print(f"[red]error:[/red] {exc}: give `head` or a revision of migrations/versions")
        raise typer.Exit(Status.USAGE) from None
    console.print(f"Database at revision {revision}.")


@cli.command(
    epilog="Exit status: 0 when every check passes, 3 when one fails or the database cannot be used."
)
def check() -> None:
    """Check the database: its own integrity checks (SQLite), the schema, and the search index's rows."""
    from app.store.health import check_database

    engine = open_database(load_settings(), migrate_embedded=False)
    problems = check_database(engine)
    for problem in problems:
        console.print(f"[red]problem:[/red] {problem}", highlight=False)
    if problems:
        raise typer.Exit(Status.DATABASE)
    console.print("ok: the database passed every check.")


@cli.command(
    epilog="Exit status: 0 when every article was written, 2 for a usage error, 3 when the database cannot "
    "be used, 130 when interrupted."
)
def export(
    form: Annotated[
        ExportFormat,
        typer.Option("--format", help="jsonl: one detail object per line; csv: one row each, lists as JSON."),
    ] = ExportFormat.JSONL,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write to this file (whole, or not at all)."),
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="Category name or slug; repeat for any of several.")
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option(help="Author name or slug; repeat for any of several.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Published at or after: ISO date or datetime, UTC unless it has an offset."),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Published before: ISO date or datetime.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Full-text search, as the API's q.")] = None,
) -> None:
    """Write every article (or those the listing filters select), in the detail shape, by id."""
    from sqlalchemy.orm import Session

    from app.cli.export import destination, moment, search, silence_stdout, write
    from app.query.export import export_articles
    from app.query.filters import ArticleFilters

    filters = ArticleFilters(
        categories=category or (),
        authors=author or (),
        since=moment(since) if since else None,
        until=moment(until) if until else None,
    )
    query = search(q)
    engine = open_database(load_settings(), migrate_embedded=False)
    try:
        with Session(engine) as session, destination(output) as out:
            count = write(export_articles(session=session, filters=filters, search=query), out, form)
    except BrokenPipeError:  # the reader stopped reading (`| head`): like any Unix tool, stop quietly
        silence_stdout()
        raise typer.Exit(Status.OK) from None
    console.print(f"Exported {count:,} articles.")


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli())
