"""The parsers: files -> ArticleRecords, or Problems saying why not. A few files are built inline; more go
to worker processes, fed a bounded queue of chunks, which survive the death of a worker."""

import os
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from zoneinfo import ZoneInfo

from app.clean.version import CLEANER_VERSION
from app.ingest.lifeline import PARENT_VARIABLE, guard_parser
from app.ingest.stamp import now, stamp
from app.parse.decode import UnreadableFile, content_hash
from app.parse.record import ArticleRecord

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


@dataclass(frozen=True, slots=True)
class Task:
    """A file to build: its key (the path below the ingest root) and its absolute path."""

    key: str
    path: str


Outcome = ArticleRecord | Problem


def build_chunk(tasks: Sequence[Task], zone_name: str) -> list[Outcome]:
    """Build records for a chunk of files; every failure becomes a Problem, never an exception."""
    zone = ZoneInfo(zone_name)

    return [_build_one(task, zone) for task in tasks]


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished during the ingest"
    return f"cannot read file: {exc.strerror or exc}"


def _build_one(task: Task, zone: ZoneInfo) -> Outcome:
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
        from app.parse.build import build_record  # the parsers load only once a file has changed

        return build_record(
            data, key=task.key, file_path=task.path, digest=digest, zone=zone, file_stamp=file_stamp
        )
    except UnreadableFile as exc:
        return Problem(task.path, str(exc))
    except OSError as exc:
        return Problem(task.path, os_reason(exc))
    except (RecursionError, MemoryError) as exc:
        return Problem(task.path, f"too deeply nested or too large to parse ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        return Problem(task.path, f"unexpected error: {type(exc).__name__}: {exc}"[:300])


def _chunks(tasks: Sequence[Task]) -> Iterator[Sequence[Task]]:
    for start in range(0, len(tasks), CHUNK_SIZE):
        yield tasks[start : start + CHUNK_SIZE]


def build_all(tasks: Sequence[Task], zone: ZoneInfo, jobs: int | None) -> Generator[Outcome, None, None]:
    """Build every task's outcome, in no particular order: inline for small runs, else in worker processes.
    Closing the generator early stops the workers: chunks not yet handed to one are dropped."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < PARALLEL_THRESHOLD:
        for chunk in _chunks(tasks):
            yield from build_chunk(chunk, zone.key)
        return
    remaining = deque(_chunks(tasks))
    while remaining:
        lost = yield from _build_in_pool(remaining, zone, jobs)
        # A worker died (killed, out of memory): what was in flight is built again, one file at a time,
        # so that a file that kills its parser is found and reported instead of failing the ingest.
        yield from _build_one_at_a_time(lost, zone)


def _build_in_pool(
    remaining: deque[Sequence[Task]], zone: ZoneInfo, jobs: int
) -> Generator[Outcome, None, list[Task]]:
    """Build chunks taken from `remaining` in `jobs` workers, with a bounded number in flight. Returns the
    tasks that were in flight when a worker died (the pool is then broken), or none once all are built."""
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_server(), initializer=guard_parser)
    pending: deque[tuple[Sequence[Task], Future[list[Outcome]]]] = deque()
    try:
        while remaining or pending:
            while remaining and len(pending) < jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                pending.append((remaining[0], pool.submit(build_chunk, remaining[0], zone.key)))
                remaining.popleft()  # only once submitted: a broken pool refuses the submission
            outcomes = pending[0][1].result()
            pending.popleft()
            yield from outcomes
    except BrokenProcessPool:
        return [task for chunk, _future in pending for task in chunk]
    finally:
        # Stopped early (the caller closed us, or failed): the queued chunks are dropped, not parsed first.
        pool.shutdown(wait=True, cancel_futures=True)
    return []


def _build_one_at_a_time(tasks: Sequence[Task], zone: ZoneInfo) -> Iterator[Outcome]:
    """Build each task alone in a worker, so that a worker's death is that file's doing. A file gets a second
    worker (the first may have been killed from outside); when that one dies too, the file is reported."""
    waiting = deque(tasks)
    retried: set[str] = set()
    while waiting:
        with ProcessPoolExecutor(max_workers=1, mp_context=_fork_server(), initializer=guard_parser) as pool:
            while waiting:
                task = waiting[0]
                try:
                    outcomes = pool.submit(build_chunk, [task], zone.key).result()
                except BrokenProcessPool:
                    if task.path in retried:
                        waiting.popleft()
                        yield Problem(task.path, "its parser process died twice (out of memory, or killed)")
                    retried.add(task.path)
                    break  # a new worker
                waiting.popleft()
                yield from outcomes


def _fork_server() -> BaseContext:
    """A fork server that has loaded the parsers once forks each worker ready to go, without forking this
    process (whose progress-bar thread makes plain fork unsafe). It runs `python -c`, which puts the working
    directory first on its import path (Python 3.11's ignores ours): it is started without it, so that an
    `app` package in the folder ingest runs from (another checkout) cannot stand in for this one."""
    context = get_context("forkserver")
    # "__main__": the server imports the running script (`articles`) once, as each worker would otherwise do
    # on start, since multiprocessing restores the parent's main module in its children.
    context.set_forkserver_preload(["__main__", "app.ingest.preload"])
    # The server learns whom to die with (app.ingest.lifeline) from its environment, which it takes from ours.
    given = {"PYTHONSAFEPATH": "1", PARENT_VARIABLE: str(os.getpid())}
    previous = {name: os.environ.get(name) for name in given}
    os.environ.update(given)
    try:
        forkserver.ensure_running()  # once per process; later calls find it running
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    return context
