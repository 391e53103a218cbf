"""The health port (`articles serve --health-port`): probes answered by a process of their own, from the
workers' heartbeats, fast while a worker is stuck, and a stuck worker or database reported as such."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import health
from app.cli.health import Probes, stalled
from tests.conftest import ARTICLES_CLI


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _probe(url: str) -> tuple[int, dict[str, object], float]:
    """Status, JSON body and seconds taken of one GET."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def _until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("not within the time allowed")


def _ended_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(process.stdout)


def test_a_worker_is_healthy_while_its_heartbeat_is_fresh(tmp_path: Path) -> None:
    assert stalled(tmp_path, stall=5) == "No worker is serving yet."
    beat = tmp_path / str(os.getpid())
    beat.touch()
    assert stalled(tmp_path, stall=5) is None
    old = time.time() - 30
    os.utime(beat, (old, old))
    assert stalled(tmp_path, stall=5) == f"Worker {os.getpid()}'s event loop has not run for 30 s."


def test_the_heartbeat_of_a_process_that_is_gone_is_dropped(tmp_path: Path) -> None:
    gone = tmp_path / str(_ended_pid())
    gone.touch()
    (tmp_path / str(os.getpid())).touch()
    assert stalled(tmp_path, stall=5) is None
    assert not gone.exists()


def _answer(probes: Probes, request: bytes) -> tuple[int, dict[str, object]]:
    status, body, _method = asyncio.run(probes.answer(request))
    return status, body


def test_readyz_reports_a_database_without_the_schema(tmp_path: Path) -> None:
    (tmp_path / str(os.getpid())).touch()
    probes = Probes(tmp_path, 5, f"sqlite:///{tmp_path / 'empty.db'}")
    assert _answer(probes, b"GET /healthz HTTP/1.1\r\n\r\n") == (200, {"status": "ok"})
    status, body = _answer(probes, b"GET /readyz HTTP/1.1\r\n\r\n")
    assert status == 503
    assert body["detail"] == "The database schema is not at the newest migration."
    assert _answer(probes, b"GET /articles HTTP/1.1\r\n\r\n")[0] == 404
    assert _answer(probes, b"POST /healthz HTTP/1.1\r\n\r\n")[0] == 405


def test_a_database_that_does_not_answer_is_a_503_within_the_timeout_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / str(os.getpid())).touch()
    monkeypatch.setattr(health, "READY_TIMEOUT", 0.3)
    probes = Probes(tmp_path, 5, "sqlite://")
    checks = []

    def frozen() -> None:
        checks.append(1)
        time.sleep(1)  # as long as a frozen database would, for this test's purpose

    monkeypatch.setattr(probes, "_check_database", frozen)

    async def two_probes() -> list[tuple[int, dict[str, object], bytes]]:
        request = b"GET /readyz HTTP/1.1\r\n\r\n"
        started = time.monotonic()
        answers = [await probes.answer(request), await probes.answer(request)]
        assert time.monotonic() - started < 0.9  # each waited its timeout, not the check's second
        return answers

    answers = asyncio.run(two_probes())  # (on leaving, waits for the check's thread to end)
    assert [status for status, _body, _method in answers] == [503, 503]
    assert answers[0][1]["detail"] == "The database has not answered within 0.3 s."
    assert checks == [1]  # the second probe waited for the check in flight rather than starting another


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """`articles serve --health-port` on a fresh SQLite database, workers stalled after 1 s without a beat."""
    port, health_port = _free_port(), _free_port()
    environment = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}",
        "HEALTH_STALL_SECONDS": "1.5",
    }
    process = subprocess.Popen(
        [str(ARTICLES_CLI), "serve", "--port", str(port), "--health-port", str(health_port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{health_port}"
    try:
        _until(lambda: _probe(f"{base}/healthz")[0] == 200)
        heartbeats = next(Path(tempfile.gettempdir()).glob(f"articles-heartbeats-*/{process.pid}"))
        yield process, base, heartbeats.parent
    finally:
        os.killpg(process.pid, signal.SIGCONT)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def test_the_health_port_answers_at_once_while_the_worker_is_frozen_and_says_so(
    served: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, base, _heartbeats = served
    assert _probe(f"{base}/readyz")[:2] == (200, {"status": "ok"})
    process.send_signal(signal.SIGSTOP)  # the worker (one: the serve process itself) stops dead
    try:
        status, body, seconds = _probe(f"{base}/healthz")
        assert seconds < 0.5  # answered by the health port's own process, not behind the worker
        _until(lambda: _probe(f"{base}/healthz")[0] == 503, seconds=10)
        status, body, seconds = _probe(f"{base}/healthz")
        assert status == 503 and seconds < 0.5
        assert f"Worker {process.pid}'s event loop has not run for" in str(body["detail"])
    finally:
        process.send_signal(signal.SIGCONT)
    _until(lambda: _probe(f"{base}/healthz")[0] == 200, seconds=10)


def test_stopping_the_server_stops_the_health_port_and_removes_the_heartbeats(
    served: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, base, heartbeats = served
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    _until(lambda: not heartbeats.exists(), seconds=10)
    with pytest.raises(OSError):
        _probe(f"{base}/healthz")


def test_a_health_port_already_taken_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        command = [str(ARTICLES_CLI), "serve", "--port", str(_free_port())]
        command += ["--health-port", str(taken.getsockname()[1])]
        environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}"}
        result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "choose another --health-port" in result.stdout + result.stderr
