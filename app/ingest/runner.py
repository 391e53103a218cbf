"""Orchestrate an ingest: discover, skip unchanged files, build records (app.ingest.parsers), write, prune."""

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from app.clean.version import CLEANER_VERSION
from app.ingest.discover import SourceFile, discover
from app.ingest.parsers import MAX_FILE_BYTES, Outcome, Problem, Task, build_all, os_reason
from app.ingest.stamp import now, stamp
from app.parse.decode import content_hash
from app.parse.record import ArticleRecord
from app.store.writer import Loader, Refused, StoredFile


@dataclass(slots=True)
class IngestReport:
    """What an ingest did; the CLI prints it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def files(self) -> int:
        return self.added + self.updated + self.unchanged + self.failed

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else 0.0


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
) -> IngestReport:
    """Load every `.md` file under `paths`; `on_progress(done, total)` is called as files complete.
    Known files whose stamp (size, mtime, ctime and cleaner version; `app.ingest.stamp`) is unchanged are
    skipped unread, unless `rehash`."""
    started = time.perf_counter()
    report = IngestReport()
    loader = Loader(engine)
    stored = loader.stored_files()
    run = _Run(stored=stored, stored_ids={entry.id for entry in stored.values()})
    files = list({source.path: source for source in discover(paths)}.values())
    progress = _Progress(len(files), on_progress)
    tasks = _changed_files(files, run, report, progress, rehash)
    loader.restamp(run.restamps)
    batch: list[ArticleRecord] = []
    for outcome in build_all(tasks, zone, jobs):
        progress.advance()
        record = run.accept(outcome, report)
        if record is not None:
            batch.append(record)
        if len(batch) >= batch_size:
            run.take_back(loader.write(batch), report)
            batch = []
    run.take_back(loader.write(batch), report)
    replaced = [old for old in run.replaced if old not in run.seen]
    gone = _gone(paths, files, run) if prune else []
    loader.delete(replaced + gone)
    report.pruned = len(gone)
    if report.added or report.updated or gone:
        loader.refresh_category_counts()
    report.seconds = time.perf_counter() - started
    return report


@dataclass(slots=True)
class _Run:
    """What one ingest knows: the stored files and the articles this run has claimed."""

    stored: dict[str, StoredFile]
    stored_ids: set[str]
    seen: dict[str, str] = field(default_factory=dict)  # article id -> file that gave it this run
    replaced: list[str] = field(default_factory=list)  # ids a file gave before its post path changed
    restamps: list[tuple[str, str]] = field(default_factory=list)  # (id, stamp): unchanged, stamp is new

    def accept(self, outcome: Outcome, report: IngestReport) -> ArticleRecord | None:
        """Count an outcome; None for a failure or for a second file claiming an article already claimed."""
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
        if self._updates(outcome):
            report.updated += 1
        else:
            report.added += 1
        return outcome

    def take_back(self, refused: Sequence[Refused[ArticleRecord]], report: IngestReport) -> None:
        """Records the database refused: failures after all, and whatever their files gave before stays."""
        for item in refused:
            record = item.record
            if self._updates(record):
                report.updated -= 1
            else:
                report.added -= 1
            report.failures.append(Problem(record.file_path, item.reason))
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
    files: Sequence[SourceFile], run: _Run, report: IngestReport, progress: _Progress, rehash: bool
) -> list[Task]:
    """The files to parse: new ones, which the parsers read anyway, and known ones that changed."""
    tasks: list[Task] = []
    settled = 0  # unchanged or failed: reported to the progress bar at once, not 20,000 times
    for source in files:
        path = source.path
        known = run.stored.get(path)
        if known is None:
            tasks.append(Task(source.key, path))
            continue
        try:
            unchanged = _unchanged(path, known, run, rehash)
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
