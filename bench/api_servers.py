"""The servers of bench/api.py: ours three times, Datasette, the minimal endpoint and the bare ASGI app, each
on its own loopback port, each restartable on that port (a server that dies or hangs under one workload
should not void the measurements of the next ones), all stopped when the run ends.
"""

import json
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common import ARTICLES_CLI, BENCH, fetch, free_port, launch, stop, wait_until_up
from sqlalchemy.engine import make_url

READY_TIMEOUT = 120.0


@dataclass(frozen=True)
class Launch:
    """How a server was started, to start it again on the same port."""

    command: list[str]
    ready_url: str
    log: Path
    env: dict[str, str]


class Servers:
    """Servers by host:port, with their processes."""

    def __init__(self) -> None:
        self.launches: dict[str, Launch] = {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, command: list[str], ready_path: str, log: Path, **env: str) -> str:
        """Start `command` with a free port appended (`--port N`); its base URL once `ready_path` answers."""
        base = f"http://127.0.0.1:{free_port()}"
        host = urllib.parse.urlsplit(base).netloc
        command = [*command, "--port", base.rsplit(":", 1)[1]]
        self.launches[host] = Launch(command, base + ready_path, log, env)
        self._launch(host, append=False)
        return base

    def restart(self, url: str) -> None:
        """Stop the server of `url` and start it again on its port, its log going on."""
        host = urllib.parse.urlsplit(url).netloc
        stop(self.processes[host])
        self._launch(host, append=True)

    def exit_note(self, url: str) -> str:
        """How the process of `url`'s server ended, or nothing while it runs."""
        process = self.processes[urllib.parse.urlsplit(url).netloc]
        try:
            process.wait(2)  # a server that just failed may take a moment to be reaped
        except subprocess.TimeoutExpired:
            return ""
        code = process.returncode
        return f"; its process exited with {f'signal {signal.Signals(-code).name}' if code < 0 else code}"

    def pid(self, url: str) -> int:
        return self.processes[urllib.parse.urlsplit(url).netloc].pid

    def _launch(self, host: str, *, append: bool) -> None:
        how = self.launches[host]
        process = launch(how.command, log=how.log, env=how.env, append=append)
        self.processes[host] = process
        wait_until_up(how.ready_url, process, READY_TIMEOUT, how.log)


@contextmanager
def running() -> Iterator[Servers]:
    """Servers that are all stopped when the block ends, however it ends."""
    servers = Servers()
    try:
        yield servers
    finally:
        for process in servers.processes.values():
            stop(process)


@dataclass
class Served:
    """The base URL of each server."""

    ours: str
    cache_off: str
    cache_off_health: str  # the cache-off server's health port (`--health-port`)
    two_workers: str
    minimal: str
    ceiling: str
    ceiling_bytes: int
    datasette: str | None
    datasette_file: Path | None


def start_all(
    servers: Servers, database_url: str, datasette: Path | None, logs: Path, detail_path: str
) -> Served:
    """Start ours three times (default; cache off; two workers), Datasette (unless None), the minimal
    endpoint and the bare ASGI app."""
    ours_command, env = [str(ARTICLES_CLI), "serve"], {"DATABASE_URL": database_url}
    ours = servers.start(ours_command, "/readyz", logs / "ours.log", **env)
    health = f"http://127.0.0.1:{free_port()}"
    cache_off = servers.start(
        ours_command,
        "/readyz",
        logs / "ours-cache-off.log",
        **env,
        RESPONSE_CACHE_SIZE="0",
        HEALTH_PORT=health.rsplit(":", 1)[1],
    )
    two = servers.start([*ours_command, "--workers", "2"], "/readyz", logs / "ours-2-workers.log", **env)
    theirs, db_path = None, None
    if datasette is not None:
        db_path = Path(make_url(database_url).database or "")
        command = [str(datasette), "serve", "--immutable", str(db_path), "--host", "127.0.0.1"]
        # Its default gives up on a query after 1 s (a 400): a slow answer is measured, not refused.
        command += ["--setting", "sql_time_limit_ms", "30000"]
        theirs = servers.start(command, "/-/versions.json", logs / "datasette.log")
    uvicorn = [sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH), "--workers", "1", "--no-access-log"]
    uvicorn += ["--log-level", "warning", "--host", "127.0.0.1"]
    fields = ",".join(json.loads(fetch(ours + detail_path)))  # the detail's fields, in the API's order
    summary = ",".join(json.loads(fetch(f"{ours}/articles?limit=1"))["items"][0])  # an item's, likewise
    minimal = servers.start(
        [*uvicorn, "minimal:app"],
        detail_path,
        logs / "minimal.log",
        MINIMAL_DATABASE_URL=database_url,
        MINIMAL_FIELDS=fields,
        MINIMAL_SUMMARY_FIELDS=summary,
    )
    size = len(fetch(f"{ours}/articles?count=false"))
    ceiling_command = [*uvicorn, "--lifespan", "off", "ceiling:app"]
    ceiling = servers.start(ceiling_command, "/", logs / "ceiling.log", CEILING_BYTES=str(size))
    return Served(ours, cache_off, health, two, minimal, ceiling, size, theirs, db_path)
