"""Graceful overload: requests beyond the bound and over their budget get a 503 with Retry-After at once,
work for clients that left is dropped, the probes answer whatever the load, and request heads are bounded."""

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.types import Receive, Scope, Send

from app.api import listing
from app.api.app import create_app
from app.api.request_log import RequestContextMiddleware
from app.cli.server import BoundedHttpToolsProtocol
from app.config import Settings
from tests.conftest import IngestFn, WritePost


class Gate:
    """Holds listing requests in their worker thread until opened, as a slow query would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Semaphore(0)
        self.opened = threading.Event()
        real = listing.list_articles

        def held(**kwargs: Any) -> Any:
            self.entered.release()
            self.opened.wait(10)
            return real(**kwargs)

        monkeypatch.setattr(listing, "list_articles", held)


def _app(database_url: str, **settings: Any) -> FastAPI:
    return create_app(Settings(database_url=database_url, response_cache_size=0, **settings))


async def _until_idle(app: FastAPI) -> None:
    """Wait until abandoned requests have given their connections back (before the database is emptied)."""
    deadline = time.monotonic() + 10
    while app.state.engine.pool.checkedout() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def _wait_until_entered(gate: Gate) -> None:
    while not gate.entered.acquire(blocking=False):
        await asyncio.sleep(0.01)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate(monkeypatch)
    yield gate
    gate.opened.set()


def test_beyond_the_bound_a_request_is_refused_at_once_and_the_probes_still_answer(
    database_url: str, gate: Gate
) -> None:
    app = _app(database_url, max_requests_in_flight=1, request_budget_seconds=5)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            held = asyncio.ensure_future(client.get("/articles"))
            await _wait_until_entered(gate)
            started = time.monotonic()
            refused = await client.get("/articles?limit=1")
            assert time.monotonic() - started < 1
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            assert refused.headers["content-type"] == "application/problem+json"
            assert "capacity" in refused.json()["detail"]
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
            gate.opened.set()
            assert (await held).status_code == 200
            await _until_idle(app)

    asyncio.run(scenario())


def test_a_request_over_its_budget_is_answered_503_and_frees_its_place(database_url: str, gate: Gate) -> None:
    app = _app(database_url, max_requests_in_flight=1, request_budget_seconds=0.5)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            started = time.monotonic()
            late = await client.get("/articles")
            assert 0.5 <= time.monotonic() - started < 3
            assert late.status_code == 503
            assert late.headers["retry-after"] == "5"
            assert "budget" in late.json()["detail"]
            gate.opened.set()
            assert (await client.get("/articles")).status_code == 200  # the place was given back
            await _until_idle(app)

    asyncio.run(scenario())


# PostgreSQL only: under WAL, a SQLite reader never waits for anyone. A listing reads in a thread, a
# category's page on a connection held for the event loop: both give up within the budget.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("path", ["/articles", "/categories/金融/articles"])
def test_a_locked_table_gives_503_within_the_budget_not_a_hang(
    database_url: str, engine: Engine, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path, path: str
) -> None:
    write_post("a.md", title="一篇文章")
    run_ingest(tmp_path / "posts")
    app = _app(database_url, request_budget_seconds=1, statement_timeout_ms=0)
    blocker = engine.connect()
    blocker.execute(text("LOCK TABLE article IN ACCESS EXCLUSIVE MODE"))  # every read of it now waits

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            started = time.monotonic()
            response = await client.get(path)
            assert time.monotonic() - started < 3
            assert response.status_code == 503
            assert "retry-after" in response.headers
            blocker.rollback()  # the abandoned query can finish now, before this event loop closes
            await _until_idle(app)

    try:
        asyncio.run(scenario())
    finally:
        blocker.rollback()
        blocker.close()
        app.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_work_for_a_client_that_left_is_dropped(
    database_url: str, gate: Gate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.access")
    app = _app(database_url, max_requests_in_flight=1, request_budget_seconds=30)
    with _served(app) as port:
        abandoned = socket.create_connection(("127.0.0.1", port))
        abandoned.sendall(b"GET /articles HTTP/1.1\r\nHost: t\r\n\r\n")
        assert gate.entered.acquire(timeout=5)
        abandoned.close()  # gone while its request is held in the thread pool
        deadline = time.monotonic() + 5
        while "GET /articles 499 " not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
        # Dropped and logged as dropped for its client (499), not as a server error: nothing was answered.
        assert "GET /articles 499 " in caplog.text
        gate.opened.set()
        deadline = time.monotonic() + 5
        status = 0
        while time.monotonic() < deadline and status != 200:
            status = httpx.get(f"http://127.0.0.1:{port}/articles?limit=1").status_code
            time.sleep(0.05)
        assert status == 200
    assert " 500 " not in caplog.text


def test_a_request_stopped_unanswered_is_logged_499_not_500(caplog: pytest.LogCaptureFixture) -> None:
    """A request the server cancels (shutting down, or its client gone) was not answered: not an error."""

    async def stopped(scope: Scope, receive: Receive, send: Send) -> None:
        raise asyncio.CancelledError

    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("a bug")

    caplog.set_level(logging.INFO, logger="app.access")
    for app, raised in ((stopped, asyncio.CancelledError), (failing, RuntimeError)):
        scope = {"type": "http", "method": "GET", "path": "/articles", "query_string": b"", "headers": []}
        with pytest.raises(raised):
            asyncio.run(RequestContextMiddleware(app)(scope, _nothing, _nothing))
    lines = [record.getMessage() for record in caplog.records if record.name == "app.access"]
    assert [line.split()[2] for line in lines] == ["499", "500"]


async def _nothing(*_: Any) -> Any:
    return None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_oversized_request_head_is_refused_with_431(database_url: str) -> None:
    with _served(_app(database_url)) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_half_sent_request_times_out_with_408(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BoundedHttpToolsProtocol, "head_timeout", 0.3)
    with _served(_app(database_url)) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")  # the blank line never comes
        started = time.monotonic()
        assert _read_all(sock).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", port)) as polite:
            polite.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            assert _read_all(polite).startswith(b"HTTP/1.1 200 ")


def _read_all(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot; the test stops it by flag
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _served:
    """The app behind a real uvicorn with the bounded protocol, on a free port, for the `with` block."""

    def __init__(self, app: FastAPI) -> None:
        self.port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, http=BoundedHttpToolsProtocol, log_level="warning"
        )
        self.server = _Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.port

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def test_reads_beyond_the_thread_bound_wait_their_turn(database_url: str, gate: Gate) -> None:
    app = _app(database_url, read_threads=1, request_budget_seconds=5)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            first = asyncio.ensure_future(client.get("/articles"))
            second = asyncio.ensure_future(client.get("/articles?limit=1"))
            await _wait_until_entered(gate)
            await asyncio.sleep(0.2)
            assert not gate.entered.acquire(blocking=False)  # the second read waits for the one thread
            assert (await client.get("/healthz")).status_code == 200
            gate.opened.set()
            assert [(await first).status_code, (await second).status_code] == [200, 200]
            await _until_idle(app)

    asyncio.run(scenario())
