"""Helpers shared by the bench scripts: the cached corpus, databases, ingest, servers on free ports, wrk."""

import hashlib
import itertools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402  (a sibling script, not a package)

BENCH = Path(__file__).resolve().parent
ARTICLES_CLI = Path(sys.executable).parent / "articles"
CACHE_ROOT = Path(tempfile.gettempdir()) / "articles-bench"
# Each wrk run draws its own sequence of paths: a warm-up replayed by the measurement would hit the response
# cache for every path it had just filled it with.
_WRK_SEEDS = itertools.count(1)


def source_version(*paths: Path) -> str:
    """A short hash of these files (folders: their files, recursively), to key caches by."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def corpus(articles: int, seed: int) -> Path:
    """The cached corpus folder, generated first if missing or written by another version of generate.py."""
    folder = CACHE_ROOT / f"corpus-{articles}-{seed}-{source_version(BENCH / 'generate.py')}"
    done = folder.with_name(folder.name + ".done")
    if done.exists():
        print(f"corpus: {articles} articles in {folder} (cached)")
        return folder
    started = time.perf_counter()
    generate(articles, folder, seed)
    done.touch()
    print(f"corpus: {articles} articles written to {folder} in {time.perf_counter() - started:.1f}s")
    return folder


def sqlite_file(database_url: str) -> Path | None:
    """The database file behind a SQLite URL, None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        sys.exit("an in-memory SQLite database would vanish with the ingest process: give a file URL")
    return Path(url.database)


def reset(database_url: str) -> None:
    """Start from an empty, migrated database: delete a SQLite file (and its WAL), or drop every table of a
    PostgreSQL database's public schema. The schema is made here, before any clock starts."""
    path = sqlite_file(database_url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    run_articles("migrate", database_url=database_url)


@contextmanager
def postgres(wanted: bool) -> Iterator[str | None]:
    """The URL of a throwaway PostgreSQL cluster (the test suite's), stopped afterwards, or None."""
    if not wanted:
        yield None
        return
    sys.path.insert(1, str(BENCH.parent))
    from tests.postgres import start_cluster

    cluster = start_cluster()
    if cluster is None:
        sys.exit("--postgres needs PostgreSQL's server binaries (initdb, pg_ctl)")
    try:
        yield cluster.url
    finally:
        cluster.stop()


def require_cli() -> None:
    """Exit with a hint when the project is not installed next to this Python."""
    if not ARTICLES_CLI.exists():
        sys.exit(f"{ARTICLES_CLI} not found: install the project into this environment first")


def run_articles(*arguments: str, database_url: str) -> float:
    """Seconds that `articles ARGUMENTS...` takes on this database; exits with its output if it fails."""
    command = [str(ARTICLES_CLI), *arguments]
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return elapsed


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    """Return once `url` answers 200; exit with the server's log if it dies or takes longer than `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode} before answering {url}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    sys.exit(f"no answer from {url} within {timeout:.0f}s:\n{log.read_text()}")


def launch(
    command: Sequence[str], *, log: Path, env: Mapping[str, str] | None = None, append: bool = False
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (so stop() ends its children too), its output going to
    `log`, which `append` keeps (a restarted server's log goes on)."""
    with log.open("ab" if append else "wb") as output:
        return subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


@contextmanager
def server(
    command: Sequence[str],
    *,
    ready_url: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server (its own process group, output to `log`) while the block runs; always stop it."""
    process = launch(command, log=log, env=env)
    try:
        wait_until_up(ready_url, process, timeout, log)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL what is left after `grace` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def fetch(url: str, timeout: float = 30) -> bytes:
    """The body of a 200 response (anything else raises)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body


@dataclass
class Measure:
    """One wrk run."""

    rps: float  # answers with a 2xx or 3xx status per second: a quick refusal is not throughput
    p50_ms: float  # of every answer; infinite when no request completed
    p99_ms: float
    completed: int
    errors: int  # responses other than 2xx/3xx, and socket errors (timeouts included)
    max_ms: float = math.inf
    socket_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # only when wrk was asked to count them
    missing_retry_after: int = 0  # 503s without a Retry-After header, when statuses were counted


def wrk(
    url: str,
    seconds: float,
    connections: int,
    threads: int,
    *,
    paths: Path | None = None,
    statuses: bool = False,
    timeout: float | None = None,
) -> Measure:
    """Drive `url` for `seconds` with wrk: that one URL, or with `paths` (a file, one path a line) a path
    drawn at random for each request, on `url`'s server; `statuses` counts responses by status (slower)."""
    script = BENCH / ("wrk_paths.lua" if paths else "wrk_report.lua")
    # A request slower than the whole measurement still counts (as a timeout error) rather than vanishing.
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    command += ["--timeout", f"{timeout or max(seconds, 5):g}s", "-s", str(script), url]
    if paths:
        command += ["--", str(paths), str(next(_WRK_SEEDS))]
    env = {**os.environ, "WRK_STATUSES": "1"} if statuses else None
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 90, check=True, env=env
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    completed = int(report["requests"])
    return Measure(
        rps=(completed - int(report["non_2xx_3xx"])) / (report["duration_us"] / 1e6),
        p50_ms=report["p50_us"] / 1000 if completed else math.inf,
        p99_ms=report["p99_us"] / 1000 if completed else math.inf,
        completed=completed,
        errors=int(report["non_2xx_3xx"] + report["socket_errors"]),
        max_ms=report["max_us"] / 1000 if completed else math.inf,
        socket_errors=int(report["socket_errors"]),
        statuses={status: int(count) for status, count in report.get("statuses", {}).items()},
        missing_retry_after=int(report.get("missing_retry_after", 0)),
    )
