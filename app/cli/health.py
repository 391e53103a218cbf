"""The health port: /healthz and /readyz answered by a process of its own, in milliseconds under any load.

A probe sent to the API's own port waits for its turn of the worker's event loop, behind every connection
with a request pending (about a second at 1,024 busy connections); a thread of the worker would wait for the
interpreter's lock instead. This process shares neither. It judges each worker by its heartbeat
(`app.api.heartbeat`), a file the worker's event loop touches every second, and checks the database with a
connection of its own.

- /healthz: 200 while every worker's event loop has run within the last `stall` seconds; 503 when one has
  not, or before any has started.
- /readyz: the same, and the database answers and its schema is at the newest migration. One check runs at
  a time; a check unanswered after READY_TIMEOUT seconds is a 503, so a frozen database cannot hang probes.
"""

import asyncio
import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

HEAD_LIMIT = 8 * 1024  # bytes of request line and headers: a probe sends a few hundred
HEAD_TIMEOUT = 2.0  # seconds to send them
READY_TIMEOUT = 2.0  # seconds a database check may take before /readyz answers 503
START_TIMEOUT = 30.0  # seconds for the process to start listening
ORPHAN_CHECK = 1.0  # seconds between checks that `articles serve` still runs (else this process ends)


@dataclass(frozen=True, slots=True)
class HealthPort:
    """Where to listen, when a worker counts as stalled, and the database to check."""

    host: str
    port: int
    stall: float
    database_url: str


@dataclass(frozen=True, slots=True)
class Running:
    """A started health port: its process, and the folder where the workers are to leave heartbeats."""

    process: BaseProcess
    heartbeats: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.join()


def start(config: HealthPort) -> Running:
    """Start the health port's process and return once it listens; OSError says why it could not."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of ours to inherit
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_run, args=(config, os.getpid(), sender), name="articles-health", daemon=True
    )
    process.start()
    sender.close()
    if not receiver.poll(START_TIMEOUT):
        process.kill()
        raise OSError(f"the health port did not start within {START_TIMEOUT:g} s")
    error, folder = receiver.recv()
    if error is not None:
        process.join()
        raise OSError(error)
    return Running(process, Path(folder))


def _run(config: HealthPort, parent: int, ready: Connection) -> None:
    # The heartbeat folder is this process's: it removes it however `articles serve` ends, even killed.
    folder = Path(tempfile.mkdtemp(prefix="articles-heartbeats-"))
    try:
        asyncio.run(_serve(config, folder, parent, ready))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; `articles serve` says goodbye
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _serve(config: HealthPort, folder: Path, parent: int, ready: Connection) -> None:
    probes = Probes(folder, config.stall, config.database_url)
    try:
        server = await asyncio.start_server(probes.handle, config.host, config.port, limit=HEAD_LIMIT)
    except OSError as exc:
        ready.send((f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", None))
        return
    ready.send((None, str(folder)))
    ready.close()
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    async with server:
        # Until told to stop, or orphaned (the server was killed): then nothing is left to report on.
        while os.getppid() == parent and not stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopped.wait(), ORPHAN_CHECK)


class Probes:
    """Answers the probes of one health port."""

    def __init__(self, heartbeats: Path, stall: float, database_url: str) -> None:
        self.heartbeats, self.stall, self.database_url = heartbeats, stall, database_url
        self._engine: Engine | None = None
        self._check: asyncio.Future[str | None] | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read one request head, answer it, close the connection."""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
            status, body, method = await self.answer(head)
        except asyncio.LimitOverrunError:
            (status, body), method = _problem(431, "The request head is too large."), b"GET"
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            writer.close()
            return
        writer.write(_response(status, body, with_body=method != b"HEAD"))
        try:
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def answer(self, head: bytes) -> tuple[int, dict[str, Any], bytes]:
        """The status and JSON body for a request head, and its method."""
        method, _, rest = head.partition(b" ")
        path = rest.partition(b" ")[0].partition(b"?")[0]
        if path not in (b"/healthz", b"/readyz"):
            return *_problem(404, "The health port answers /healthz and /readyz only."), method
        if method not in (b"GET", b"HEAD"):
            return *_problem(405, "The probes answer GET and HEAD."), method
        reason = stalled(self.heartbeats, self.stall)
        if reason is None and path == b"/readyz":
            reason = await self.database_problem()
        if reason is not None:
            return *_problem(503, reason), method
        return 200, {"status": "ok"}, method

    async def database_problem(self) -> str | None:
        """Why the database cannot serve, or None. A check still running (a frozen database) is waited for
        again rather than joined by another one."""
        if self._check is None or self._check.done():
            self._check = asyncio.get_running_loop().run_in_executor(None, self._check_database)
        try:
            return await asyncio.wait_for(asyncio.shield(self._check), READY_TIMEOUT)
        except TimeoutError:
            return f"The database has not answered within {READY_TIMEOUT:g} s."

    def _check_database(self) -> str | None:
        from sqlalchemy.exc import SQLAlchemyError

        from app.store.engine import make_engine
        from app.store.schema import at_head

        try:
            if self._engine is None:
                self._engine = make_engine(self.database_url)
            current = at_head(self._engine)
        except SQLAlchemyError as exc:
            return f"The database does not answer ({type(exc).__name__})."
        return None if current else "The database schema is not at the newest migration."


def stalled(folder: Path, stall: float) -> str | None:
    """Why the workers leaving heartbeats in `folder` are not healthy, or None when every one has beaten
    within `stall` seconds. A heartbeat of a process that is gone (a worker replaced) is removed."""
    try:
        beats = [entry for entry in folder.iterdir() if entry.name.isdigit()]
    except OSError as exc:
        return f"The workers' heartbeats cannot be read from {folder}: {exc.strerror or exc}."
    now, alive = time.time(), 0
    for beat in beats:
        if not _running(int(beat.name)):
            beat.unlink(missing_ok=True)
            continue
        try:
            age = now - beat.stat().st_mtime
        except FileNotFoundError:  # the worker stopped meanwhile
            continue
        if age > stall:
            return f"Worker {beat.name}'s event loop has not run for {age:.0f} s."
        alive += 1
    return None if alive else "No worker is serving yet."


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _problem(status: int, detail: str) -> tuple[int, dict[str, Any]]:
    title = HTTPStatus(status).phrase
    return status, {"type": "about:blank", "title": title, "status": status, "detail": detail}


def _response(status: int, body: dict[str, Any], *, with_body: bool) -> bytes:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    media = "application/json" if status == 200 else "application/problem+json"
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: {media}\r\n"
        f"content-length: {len(payload)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + (payload if with_body else b"")
