"""Orchestrate an ingest: discover, skip unchanged files by hash, build records in parallel, write, prune."""

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from app.ingest.clean import CLEANER_VERSION
from app.ingest.loader import Loader, StoredFile
from app.ingest.reader import SourceFile, UnreadableFile, content_hash, discover
from app.ingest.record import ArticleRecord, build_record

# Below this many changed files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
CHUNK_SIZE = 50


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
    on_progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Load every `.md` file under `paths`; `on_progress(done, total)` is called as files complete."""
    started = time.perf_counter()
    report = IngestReport()
    loader = Loader(engine)
    stored = loader.stored_files()
    files = _unique_files(discover(paths), report)
    progress = _Progress(len(files), on_progress)
    tasks = _changed_files(files, stored, report, progress)
    writes = 0
    batch: list[ArticleRecord] = []
    for outcome in _build_all(tasks, zone, jobs):
        progress.advance()
        if isinstance(outcome, Problem):
            report.failures.append(outcome)
            continue
        report.warnings.extend(Problem(outcome.source_path, w) for w in outcome.warnings)
        if outcome.source_path in stored:
            report.updated += 1
        else:
            report.added += 1
        batch.append(outcome)
        if len(batch) >= batch_size:
            loader.write(batch)
            writes, batch = writes + len(batch), []
    loader.write(batch)
    writes += len(batch)
    if prune:
        report.pruned = loader.delete(_gone(paths, files, stored))
    if writes or report.pruned:
        loader.refresh_category_counts()
    report.seconds = time.perf_counter() - started
    return report


class _Progress:
    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)


def _unique_files(found: Iterable[SourceFile], report: IngestReport) -> list[SourceFile]:
    """Drop a file whose key another root already gave (the id would collide), reporting it."""
    by_key: dict[str, SourceFile] = {}
    for source in found:
        first = by_key.setdefault(source.key, source)
        if first is not source and first.path != source.path:
            report.failures.append(Problem(str(source.path), f"same relative path as {first.path}"))
    return list(dict.fromkeys(by_key.values()))


def _changed_files(
    files: Sequence[SourceFile], stored: dict[str, StoredFile], report: IngestReport, progress: _Progress
) -> list[_Task]:
    """Hash every file; those whose bytes (and cleaner version) match the database are skipped unparsed."""
    tasks: list[_Task] = []
    for source in files:
        known = stored.get(source.key)
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            report.failures.append(Problem(str(source.path), _os_reason(exc)))
            progress.advance()
            continue
        if (
            known
            and known.content_hash == content_hash(data, CLEANER_VERSION)
            and known.file_path == str(source.path)
        ):
            report.unchanged += 1
            progress.advance()
        else:
            tasks.append(_Task(source.key, str(source.path)))
    return tasks


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished during the ingest"
    return f"cannot read file: {exc.strerror or exc}"


def _gone(paths: Sequence[Path], files: Sequence[SourceFile], stored: dict[str, StoredFile]) -> list[str]:
    """Ids of stored articles that lived under one of the given folders and were not found there now."""
    folders = [str(p.absolute()) + os.sep for p in paths if p.is_dir()]
    present = {source.key for source in files}
    return [
        entry.id
        for key, entry in stored.items()
        if key not in present and any(entry.file_path.startswith(folder) for folder in folders)
    ]


def build_chunk(tasks: Sequence[_Task], zone_name: str) -> list[Outcome]:
    """Build records for a chunk of files; every failure becomes a Problem, never an exception."""
    zone = ZoneInfo(zone_name)
    return [_build_one(task, zone) for task in tasks]


def _build_one(task: _Task, zone: ZoneInfo) -> Outcome:
    try:
        data = Path(task.path).read_bytes()
        digest = content_hash(data, CLEANER_VERSION)
        return build_record(data, key=task.key, file_path=task.path, digest=digest, zone=zone)
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
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(tasks):
            pending.append(pool.submit(build_chunk, chunk, zone.key))
            if len(pending) >= jobs * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
