"""Orchestrate an ingest: discover, skip unchanged files, build records (app.ingest.parsers), write, prune.

The counts of a report are what was committed: a record counts as added or updated once its batch is written.
An ingest asked to stop (`stop` set, by a signal) writes the batch in hand and ends there, without pruning.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from app.clean.version import CLEANER_VERSION
from app.ingest.discover import SourceFile, discover, locate
from app.ingest.parsers import MAX_FILE_BYTES, Outcome, Problem, Task, build_all, os_reason
from app.ingest.stamp import now, stamp
from app.parse.decode import content_hash
from app.parse.record import ArticleRecord
from app.store.writer import Loader, StoredFile


@dataclass(slots=True)
class IngestReport:
    """What an ingest committed; the CLI prints it. `interrupted`: it was asked to stop before the end."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def files(self) -> int:
        return self.added + self.updated + self.unchanged + self.failed

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Options:
    """How to run an ingest: parser processes, batch size, whether to prune, and the stop request."""

    zone: ZoneInfo
    prune: bool = False
    jobs: int | None = None
    batch_size: int = 500
    rehash: bool = False
    stop: threading.Event | None = None

    @property
    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()


def ingest(
    paths: Sequence[Path],
    *,
    engine: Engine,
    zone: ZoneInfo,
    prune: bool = False,
    jobs: int | None = None,
    batch_size: int = 500,
    rehash: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> IngestReport:
    """Load every `.md` file under `paths`; `on_progress(done, total)` is called as files complete.
    Known files whose stamp (size, mtime, ctime and cleaner version; `app.ingest.stamp`) is unchanged are
    skipped unread, unless `rehash`. Once `stop` is set, the batch in hand is written and the ingest ends."""
    started = time.perf_counter()
    options = Options(zone, prune, jobs, batch_size, rehash, stop)
    loader = Loader(engine)
    run = _Run(loader, loader.stored_files(), complete=True)
    files = list({source.path: source for source in discover(paths)}.values())
    report = _load(run, files, options, on_progress)
    gone = _gone(paths, files, run) if prune and not report.interrupted else []
    _finish(run, report, gone)
    report.seconds = time.perf_counter() - started
    return report


def ingest_changes(
    roots: Sequence[Path], changed: Iterable[str], *, engine: Engine, options: Options
) -> IngestReport:
    """Ingest paths that changed below `roots` (files or folders, as `app.ingest.watch` reports them): what
    is there now is loaded as `ingest` would load it; with `prune`, the articles of files that went are
    deleted. Only the stored files at these paths are read from the database."""
    started = time.perf_counter()
    files, missing = locate(roots, changed)
    loader = Loader(engine)
    stored = loader.stored_files_at([source.path for source in files] + missing, folders=missing)
    run = _Run(loader, stored, complete=False)
    report = _load(run, files, options, None)
    present = {source.path for source in files}
    gone = [entry.id for path, entry in stored.items() if path not in present and entry.id not in run.seen]
    _finish(run, report, gone if options.prune and not report.interrupted else [])
    report.seconds = time.perf_counter() - started
    return report


def _load(
    run: "_Run",
    files: Sequence[SourceFile],
    options: Options,
    on_progress: Callable[[int, int], None] | None,
) -> IngestReport:
    """Parse the changed files among `files` and write them in batches."""
    report = IngestReport()
    progress = _Progress(len(files), on_progress)
    tasks = _changed_files(files, run, report, progress, options)
    run.loader.restamp(run.restamps)
    batch: list[ArticleRecord] = []
    outcomes = build_all(tasks, options.zone, options.jobs)
    try:
        for outcome in outcomes:
            progress.advance()
            record = run.accept(outcome, report)
            if record is not None:
                batch.append(record)
            if len(batch) >= options.batch_size:
                run.write(batch, report)
                batch = []
            if options.stopping:
                break
    finally:
        outcomes.close()  # parser processes stop now, whatever ended the loop
    run.write(batch, report)  # records parsed in full: written even when stopping
    report.interrupted = options.stopping
    return report


def _finish(run: "_Run", report: IngestReport, gone: list[str]) -> None:
    """Delete what moved to another id and what is gone, and recount the categories when anything changed."""
    replaced = [old for old in run.replaced if old not in run.seen]
    run.loader.delete(replaced + gone)
    report.pruned = len(gone)
    if report.added or report.updated or gone:
        run.loader.refresh_category_counts()


@dataclass(slots=True)
class _Run:
    """What one ingest knows: the stored files it read (all of them when `complete`) and the articles this
    run has claimed."""

    loader: Loader
    stored: dict[str, StoredFile]
    complete: bool
    stored_ids: set[str] = field(init=False)
    seen: dict[str, str] = field(default_factory=dict)  # article id -> file that gave it this run
    replaced: list[str] = field(default_factory=list)  # ids a file gave before its post path changed
    restamps: list[tuple[str, str]] = field(default_factory=list)  # (id, stamp): unchanged, stamp is new

    def __post_init__(self) -> None:
        self.stored_ids = {entry.id for entry in self.stored.values()}

    def accept(self, outcome: Outcome, report: IngestReport) -> ArticleRecord | None:
        """Take an outcome; None for a failure or for a second file claiming an article already claimed."""
        if isinstance(outcome, Problem):
            report.failures.append(outcome)
            return None
        if outcome.id in self.seen:
            other = self.seen[outcome.id]
            report.failures.append(
                Problem(outcome.file_path, f"same post (categories and file name) as {other}")
            )
            return None
        self.seen[outcome.id] = outcome.file_path
        report.warnings.extend(Problem(outcome.file_path, warning) for warning in outcome.warnings)
        previous = self.stored.get(outcome.file_path)
        if previous is not None and previous.id != outcome.id:
            self.replaced.append(previous.id)
        return outcome

    def write(self, batch: Sequence[ArticleRecord], report: IngestReport) -> None:
        """Write a batch and count what it added and updated; records the database refused are failures
        after all, and whatever their files gave before stays."""
        if not batch:
            return
        if not self.complete:  # only some stored files were read: ask about these articles
            self.stored_ids |= self.loader.known_ids([record.id for record in batch])
        updates = {record.id for record in batch if self._updates(record)}
        refused = {item.record.id: item for item in self.loader.write(batch)}
        for record in batch:
            item = refused.get(record.id)
            if item is None and record.id in updates:
                report.updated += 1
            elif item is None:
                report.added += 1
            else:
                report.failures.append(Problem(record.file_path, item.reason))
                self._keep_previous(record)

    def _keep_previous(self, record: ArticleRecord) -> None:
        """A refused record's file keeps the article it gave before, even under another id."""
        previous = self.stored.get(record.file_path)
        if previous is not None and previous.id != record.id:
            self.replaced.remove(previous.id)

    def _updates(self, record: ArticleRecord) -> bool:
        return record.file_path in self.stored or record.id in self.stored_ids


class _Progress:
    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)


def _changed_files(
    files: Sequence[SourceFile], run: _Run, report: IngestReport, progress: _Progress, options: Options
) -> list[Task]:
    """The files to parse: new ones, which the parsers read anyway, and known ones that changed."""
    tasks: list[Task] = []
    settled = 0  # unchanged or failed: reported to the progress bar at once, not 20,000 times
    for source in files:
        if options.stopping:
            break
        path = source.path
        known = run.stored.get(path)
        if known is None:
            tasks.append(Task(source.key, path))
            continue
        try:
            unchanged = _unchanged(path, known, run, options.rehash)
        except OSError as exc:
            report.failures.append(Problem(path, os_reason(exc)))
            settled += 1
            continue
        if unchanged:
            run.seen[known.id] = path
            report.unchanged += 1
            settled += 1
        else:
            tasks.append(Task(source.key, path))
    progress.advance(settled)
    return tasks


def _unchanged(path: str, known: StoredFile, run: _Run, rehash: bool) -> bool:
    """True when the file holds what the database has: by its stamp alone, else by its bytes' hash (and
    then its new stamp is recorded, so that a touched file is read once, not at every ingest)."""
    read_at = now()
    status = os.stat(path)
    current = stamp(status, read_at)
    if current is not None and current == known.file_stamp and not rehash:
        return True
    if status.st_size > MAX_FILE_BYTES:
        return False  # changed, since it was stored: parsing it reports it
    with open(path, "rb") as handle:
        data = handle.read()
    if known.content_hash != content_hash(data, CLEANER_VERSION):
        return False
    if current is not None and current != known.file_stamp:
        run.restamps.append((known.id, current))
    return True


def _gone(paths: Sequence[Path], files: Sequence[SourceFile], run: _Run) -> list[str]:
    """Ids of stored articles whose files lived under one of the given folders and are not there now."""
    folders = tuple(os.path.abspath(p) + os.sep for p in paths if p.is_dir())
    present = {source.path for source in files}
    return [
        entry.id
        for path, entry in run.stored.items()
        if path not in present and path.startswith(folders) and entry.id not in run.seen
    ]
