"""Several `articles serve` processes on one database: each sees every ingest at once, caches included."""

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTICLES_CLI, ingest_command, post_text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: dict[str, object] = json.load(response)
        return body


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two API processes (one with two workers) on different ports, sharing `database_url`."""
    environment = os.environ | {"DATABASE_URL": database_url}
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [str(ARTICLES_CLI), "serve", "--port", str(port), "--workers", str(workers)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port, workers in zip(ports, (1, 2), strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    _get(f"{base}/healthz")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "a server did not start"
                    time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            os.killpg(process.pid, 15)
            process.wait(30)


def test_instances_share_one_database_and_see_each_ingest(
    two_servers: list[str], tmp_path: Path, database_url: str
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text(post_text(title="第一篇"), encoding="utf-8")
    environment = os.environ | {"DATABASE_URL": database_url}
    subprocess.run(ingest_command(folder, batch_size=10), env=environment, check=True)
    for base in two_servers:  # each process fills its own cache
        for _ in range(3):
            assert _get(f"{base}/articles")["total"] == 1
    (folder / "b.md").write_text(post_text(title="第二篇", date="Tue, 14 Sep 2021 06:39:04 GMT"))
    subprocess.run(ingest_command(folder, batch_size=10), env=environment, check=True)
    for base in two_servers:
        for _ in range(3):  # whichever worker answers, no cached page outlives the ingest
            listing = _get(f"{base}/articles")
            assert listing["total"] == 2
            assert [item["title"] for item in listing["items"]] == ["第二篇", "第一篇"]  # type: ignore[attr-defined]
