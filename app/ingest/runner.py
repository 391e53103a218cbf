"""Orchestrate an ingest: discover, skip unchanged files by hash, build records in parallel, write, prune."""

import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from app.ingest.cleaner_version import CLEANER_VERSION
from app.ingest.loader import Loader, Refused, StoredFile
from app.ingest.reader import SourceFile, UnreadableFile, content_hash, discover
from app.ingest.record import ArticleRecord
from app.ingest.stamp import now, stamp

# Posts are kilobytes: a file this large is something else, and parsing it would take gigabytes of memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
# Below this many changed files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
CHUNK_SIZE = 50
# Chunks queued per parser: enough that parsers keep busy while the writer commits a batch (with 4 they
# ran dry: 10% slower first loads), at about 25 MB more memory than that on a 20,000-file load.
CHUNKS_IN_FLIGHT_PER_JOB = 16


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that failed (or loaded with a warning), and why, in one line."""

    path: str
    reason: str


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


@dataclass(frozen=True, slots=True)
class _Task:
    key: str
    path: str


Outcome = ArticleRecord | Problem


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
    Known files whose stamp (size, mtime) is unchanged are skipped unread, unless `rehash`."""
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
    for outcome in _build_all(tasks, zone, jobs):
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

    def take_back(self, refused: Sequence[Refused], report: IngestReport) -> None:
        """Records the database refused: failures after all, and whatever their files gave before stays."""
        for record, reason in ((item.record, item.reason) for item in refused):
            if self._updates(record):
                report.updated -= 1
            else:
                report.added -= 1
            report.failures.append(Problem(record.file_path, reason))
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
) -> list[_Task]:
    """The files to parse: new ones, which the parsers read anyway, and known ones that changed."""
    tasks: list[_Task] = []
    settled = 0  # unchanged or failed: reported to the progress bar at once, not 20,000 times
    for source in files:
        path = source.path
        known = run.stored.get(path)
        if known is None:
            tasks.append(_Task(source.key, path))
            continue
        try:
            unchanged = _unchanged(path, known, run, rehash)
        except OSError as exc:
            report.failures.append(Problem(path, _os_reason(exc)))
            settled += 1
            continue
        if unchanged:
            run.seen[known.id] = path
            report.unchanged += 1
            settled += 1
        else:
            tasks.append(_Task(source.key, path))
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


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished during the ingest"
    return f"cannot read file: {exc.strerror or exc}"


def _gone(paths: Sequence[Path], files: Sequence[SourceFile], run: _Run) -> list[str]:
    """Ids of stored articles whose files lived under one of the given folders and are not there now."""
    folders = tuple(os.path.abspath(p) + os.sep for p in paths if p.is_dir())
    present = {source.path for source in files}
    return [
        entry.id
        for path, entry in run.stored.items()
        if path not in present and path.startswith(folders) and entry.id not in run.seen
    ]


def build_chunk(tasks: Sequence[_Task], zone_name: str) -> list[Outcome]:
    """Build records for a chunk of files; every failure becomes a Problem, never an exception."""
    zone = ZoneInfo(zone_name)

    return [_build_one(task, zone) for task in tasks]


def _build_one(task: _Task, zone: ZoneInfo) -> Outcome:
    if not _is_utf8(task.path):  # the name's bytes came through as surrogate escapes, which nothing stores
        return Problem(task.path, "the file name is not valid UTF-8: rename the file")
    try:
        read_at = now()
        with open(task.path, "rb") as handle:
            file_stamp = stamp(os.fstat(handle.fileno()), read_at)
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return Problem(task.path, f"file too large: more than {MAX_FILE_BYTES // 2**20} MiB")
        digest = content_hash(data, CLEANER_VERSION)
        from app.ingest.build import build_record  # the parsers load only once a file has changed

        return build_record(
            data, key=task.key, file_path=task.path, digest=digest, zone=zone, file_stamp=file_stamp
        )
    except UnreadableFile as exc:
        return Problem(task.path, str(exc))
    except OSError as exc:
        return Problem(task.path, _os_reason(exc))
    except (RecursionError, MemoryError) as exc:
        return Problem(task.path, f"too deeply nested or too large to parse ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        return Problem(task.path, f"unexpected error: {type(exc).__name__}: {exc}"[:300])


def _chunks(tasks: Sequence[_Task]) -> Iterator[Sequence[_Task]]:
    for start in range(0, len(tasks), CHUNK_SIZE):
        yield tasks[start : start + CHUNK_SIZE]


def _build_all(tasks: Sequence[_Task], zone: ZoneInfo, jobs: int | None) -> Iterator[Outcome]:
    """Build records inline for small runs, else in worker processes with a bounded queue of chunks."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < PARALLEL_THRESHOLD:
        for chunk in _chunks(tasks):
            yield from build_chunk(chunk, zone.key)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_server()) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(tasks):
            pending.append(pool.submit(build_chunk, chunk, zone.key))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _fork_server() -> BaseContext:
    """A fork server that has loaded the parsers once forks each worker ready to go, without forking this
    process (whose progress-bar thread makes plain fork unsafe). It runs `python -c`, which puts the working
    directory first on its import path (Python 3.11's ignores ours): it is started without it, so that an
    `app` package in the folder ingest runs from (another checkout) cannot stand in for this one."""
    context = get_context("forkserver")
    context.set_forkserver_preload(["app.ingest.preload"])
    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()  # once per process; later calls find it running
    finally:
        if previous is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = previous
    return context
