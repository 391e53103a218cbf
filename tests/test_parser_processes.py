"""Parser processes run this project's code wherever `articles ingest` is started from, and their death
costs no file."""

import os
import signal
import subprocess
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.ingest import parsers
from app.ingest.parsers import PARALLEL_THRESHOLD
from app.ingest.runner import ingest
from app.parse.record import ArticleRecord
from tests.conftest import ARTICLES_CLI, UTC_ZONE, post_text


def test_an_app_package_in_the_working_directory_does_not_replace_the_parsers(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for number in range(PARALLEL_THRESHOLD + 10):  # enough for worker processes
        (posts / f"post-{number:04d}.md").write_text(post_text(title=f"编号{number}"), encoding="utf-8")
    decoy = tmp_path / "elsewhere"
    (decoy / "app").mkdir(parents=True)
    (decoy / "app" / "__init__.py").write_text("raise RuntimeError('not this project')\n")
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    command = [str(ARTICLES_CLI), "ingest", str(posts), "--jobs", "2", "-q"]
    result = subprocess.run(command, cwd=decoy, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].split()[:2] == [str(PARALLEL_THRESHOLD + 10), "0"]


def _fork_server_workers() -> list[int]:
    """Worker processes of this process's parser pool: the children of its fork server, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    servers = {
        pid
        for pid, parent in parents.items()
        if parent == os.getpid() and b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    }
    return [pid for pid, parent in parents.items() if parent in servers]


def test_a_parser_process_killed_mid_load_costs_no_file(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    total = 2000  # 40 chunks, most of them still in flight when the first results come back
    for number in range(total):
        (posts / f"post-{number:04d}.md").write_text(post_text(title=f"编号{number}"), encoding="utf-8")
    killed: list[int] = []
    rebuilt: list[int] = []
    one_at_a_time = parsers._build_one_at_a_time

    def counting(tasks: list[parsers.Task], zone: Any) -> Any:
        rebuilt.append(len(tasks))
        return one_at_a_time(tasks, zone)

    def kill_a_worker(done: int, _total: int) -> None:
        if done == 50 and not killed:
            killed.append(_fork_server_workers()[0])
            os.kill(killed[0], signal.SIGKILL)

    monkeypatch.setattr(parsers, "_build_one_at_a_time", counting)
    report = ingest([posts], engine=engine, zone=UTC_ZONE, jobs=2, on_progress=kill_a_worker)
    assert killed and max(rebuilt) > 0, "the kill must land while files are in flight"
    assert (report.added, report.failures) == (total, [])


class _DyingPool:
    """A stand-in for ProcessPoolExecutor whose worker dies on any chunk holding `killer.md` (as a parser
    killed by its input would), after which the pool is broken, like a real one."""

    def __init__(self, max_workers: int, mp_context: object, initializer: object) -> None:
        self.broken = False

    def __enter__(self) -> "_DyingPool":
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def shutdown(self, wait: bool, cancel_futures: bool) -> None:
        pass

    def submit(self, function: Any, chunk: list[parsers.Task], zone: str) -> Future[list[parsers.Outcome]]:
        if self.broken:
            raise BrokenProcessPool("a worker died")
        future: Future[list[parsers.Outcome]] = Future()
        if any(task.path.endswith("killer.md") for task in chunk):
            self.broken = True
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(function(chunk, zone))
        return future


def test_a_file_that_kills_its_parser_twice_is_reported_and_the_rest_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsers, "ProcessPoolExecutor", _DyingPool)
    monkeypatch.setattr(parsers, "_fork_server", lambda: None)
    tasks = []
    for number in range(PARALLEL_THRESHOLD + 300):
        name = "killer.md" if number == 120 else f"post-{number:04d}.md"
        (tmp_path / name).write_text(post_text(title=f"编号{number}"), encoding="utf-8")
        tasks.append(parsers.Task(name, str(tmp_path / name)))
    outcomes = list(parsers.build_all(tasks, UTC_ZONE, jobs=2))
    problems = [outcome for outcome in outcomes if isinstance(outcome, parsers.Problem)]
    assert problems == [
        parsers.Problem(
            str(tmp_path / "killer.md"), "its parser process died twice (out of memory, or killed)"
        )
    ]
    built = sorted(outcome.file_path for outcome in outcomes if isinstance(outcome, ArticleRecord))
    assert built == sorted(task.path for task in tasks if task.path != problems[0].path)  # each once
