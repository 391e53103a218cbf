"""`articles ingest`: the load, then (with `--watch`) each batch of changes, for people or as JSON lines."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import Engine

from app.cli.ingest_report import counts, print_batch, print_json, print_report
from app.cli.statuses import Interrupted, Status
from app.cli.terminal import console, stdout
from app.ingest.runner import IngestReport, Options, ingest, ingest_changes
from app.ingest.watch import Watcher
from app.store.engine import write_transaction


@dataclass(frozen=True, slots=True)
class Output:
    """How reports are printed: one JSON object per load on stdout, or for people (failures listed unless
    `quiet`)."""

    as_json: bool
    quiet: bool

    def report(self, report: IngestReport, *, batch: bool = False) -> None:
        if self.as_json:
            print_json(report, stdout)
        elif batch:
            print_batch(report, stdout, quiet=self.quiet)
        else:
            print_report(report, stdout, quiet=self.quiet)


def load(paths: Sequence[Path], engine: Engine, options: Options, output: Output) -> IngestReport:
    """The whole load, with a progress bar on stderr, and its report."""
    with _progress_bar() as progress:
        task = progress.add_task("ingest", total=None)
        report = ingest(
            paths,
            engine=engine,
            zone=options.zone,
            prune=options.prune,
            jobs=options.jobs,
            batch_size=options.batch_size,
            rehash=options.rehash,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            stop=options.stop,
        )
    output.report(report)
    if not report.interrupted:
        _refresh_search_index(engine)
    return report


def follow(
    watcher: Watcher, paths: Sequence[Path], engine: Engine, options: Options, output: Output
) -> NoReturn:
    """Load each batch of changes until asked to stop (SIGINT, SIGTERM), then raise Interrupted."""
    loads = 0
    for changed in watcher.batches():
        report = ingest_changes(paths, changed, engine=engine, options=options)
        output.report(report, batch=True)
        loads += 1
        if report.interrupted:
            break
    raise Interrupted(f"stopped watching after {loads} loads of changes, each committed as it was reported")


def status(report: IngestReport) -> Status:
    """0 or 1 for a load that ran to its end; raises Interrupted, with what was committed, for one that
    did not."""
    if report.interrupted:
        raise Interrupted(f"interrupted: committed {counts(report)}; run the same command again to finish")
    return Status.FAILED if report.failures else Status.OK


def _refresh_search_index(engine: Engine) -> None:
    """Index the articles a tokenizer upgrade left stale (unchanged files are not written again)."""
    from app.store.search_index import any_stale, refresh_stale

    with engine.connect() as connection:
        if not any_stale(connection):  # the usual case: then no writer lock, and readers' caches stay
            return
    # No total: counting them would read the index through once more.
    with write_transaction(engine) as connection, _progress_bar() as progress:
        task = progress.add_task("search index", total=None)
        refreshed = refresh_stale(connection, lambda done: progress.update(task, completed=done))
    if refreshed:
        console.print(f"Search index: {refreshed} articles indexed again for the current tokenizer.")


def rebuild_search_index(engine: Engine) -> int:
    """`articles reindex`: the whole index again, in one transaction, with a progress bar on stderr."""
    from app.store.search_index import article_count, rebuild

    with write_transaction(engine) as connection, _progress_bar() as progress:
        task = progress.add_task("reindex", total=article_count(connection))
        return rebuild(connection, lambda done: progress.update(task, completed=done))


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
