"""However `articles ingest` ends, no process it started outlives it by more than 2 seconds; SIGTERM and
SIGINT write the batch in hand, say what was committed and exit 130, and a re-run finishes the load."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.store.tables import ARTICLE
from tests.conftest import ARTICLES_CLI, post_text

FILES = 1200  # enough for parser processes (and for the signal to land before the end)


def _write_posts(folder: Path) -> None:
    for number in range(FILES):
        path = folder / f"feed{number % 4}" / f"post-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>　　第{n}段：编号{number}的内容。</p>" for n in range(20))
        path.write_text(post_text(title=f"编号{number}", body=body), encoding="utf-8")


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    return found


def _descendants(root: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; reaping it is its new parent's business


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(ARTICLE)).scalar_one())


def _start(folder: Path, database_url: str) -> tuple[subprocess.Popen[bytes], set[int]]:
    """`articles ingest --json` with two parser processes (its output in files beside `folder`: a process
    left behind would hold a pipe open), and its processes once its parsers run."""
    command = [str(ARTICLES_CLI), "ingest", str(folder), "--jobs", "2", "--batch-size", "50", "--json"]
    environment = os.environ | {"DATABASE_URL": database_url}
    with open(folder.parent / "out", "wb") as out, open(folder.parent / "err", "wb") as err:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=err)
    deadline = time.monotonic() + 60
    started: set[int] = set()
    while len(started) < 4 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)  # the resource tracker, the fork server and two parsers
        started = _descendants(process.pid)
    assert len(started) >= 4, "the parser processes never started"
    return process, started


def _outlived(started: set[int]) -> set[int]:
    deadline = time.monotonic() + 2
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {pid for pid in started if _alive(pid)}


def test_sigkill_leaves_no_process_behind(tmp_path: Path, engine: Engine, database_url: str) -> None:
    _write_posts(tmp_path / "posts")
    process, started = _start(tmp_path / "posts", database_url)
    process.kill()
    process.wait()
    assert _outlived(started) == set()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_commits_the_batch_in_hand_says_what_was_committed_and_exits_130(
    stop: signal.Signals, tmp_path: Path, engine: Engine, database_url: str
) -> None:
    _write_posts(tmp_path / "posts")
    process, started = _start(tmp_path / "posts", database_url)
    deadline = time.monotonic() + 60
    while _count(engine) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(stop)
    process.wait(timeout=30)
    assert _outlived(started) == set()
    err = (tmp_path / "err").read_text()
    assert process.returncode == 130, err
    report = json.loads((tmp_path / "out").read_text())
    stored = _count(engine)
    assert report["interrupted"] is True and 0 < report["added"] == stored < FILES, (report["added"], stored)
    assert err.splitlines()[-1] == (
        f"interrupted: committed {stored:,} added, 0 updated, 0 unchanged, 0 failed, 0 pruned; "
        "run the same command again to finish"
    )
    rerun = subprocess.run(
        [str(ARTICLES_CLI), "ingest", str(tmp_path / "posts"), "--json"],
        env=os.environ | {"DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["added"] == FILES - stored and _count(engine) == FILES
