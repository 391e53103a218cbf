"""`articles ingest --watch` follows a live corpus: files added, rewritten, renamed into place, written
slowly and deleted while it runs reach the database (and the API) within seconds; Ctrl-C stops it."""

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.ingest.runner import Options, ingest_changes
from app.store.tables import ARTICLE
from tests.conftest import ARTICLES_CLI, UTC_ZONE, post_text

CATEGORIES = "\n - 科技\n - 来源\n - 快讯"


def _post(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(post_text(title=title, categories=CATEGORIES), encoding="utf-8")
    return path


def _titles(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(ARTICLE.c.title)).scalars())


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_watch_loads_what_changes_while_it_runs_and_the_api_serves_it(
    tmp_path: Path, engine: Engine, database_url: str, client: TestClient
) -> None:
    posts = tmp_path / "posts"
    for name in ("changed.md", "replaced.md", "deleted.md"):
        _post(posts, name, f"原来的{name}")
    command = [str(ARTICLES_CLI), "ingest", str(posts), "--watch", "--prune", "--json"]
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
        watcher = subprocess.Popen(
            command, env=os.environ | {"DATABASE_URL": database_url}, stdout=out, stderr=err
        )
    try:
        assert _wait_for(lambda: len(_titles(engine)) == 3), (tmp_path / "err").read_text()
        assert len(client.get("/articles").json()["items"]) == 3  # the response cache holds this page now

        _post(posts, "added.md", "新来的")
        _post(posts, "new-feed/first.md", "新文件夹里的")  # a folder made while watching
        _post(posts, "changed.md", "改过的")
        _post(tmp_path, "replaced.md.tmp", "替换进来的").replace(posts / "replaced.md")  # renamed into place
        (posts / "deleted.md").unlink()
        slow = (posts / "slow.md").open("w", encoding="utf-8")
        text = post_text(title="慢慢写完的", categories=CATEGORIES)
        half = text.index("author:")
        slow.write(text[:half])  # front matter unfinished: read now, it would fail
        slow.flush()
        time.sleep(0.6)
        slow.write(text[half:])
        slow.close()

        expected = {"新来的", "新文件夹里的", "改过的", "替换进来的", "慢慢写完的"}
        assert _wait_for(lambda: _titles(engine) == expected), (
            _titles(engine),
            (tmp_path / "err").read_text(),
        )
        served = {item["title"] for item in client.get("/articles").json()["items"]}
        assert served == expected
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=10)
    assert watcher.returncode == 130
    loads = [json.loads(line) for line in (tmp_path / "out").read_text().splitlines()]
    assert loads[0]["added"] == 3 and all(load["failures"] == [] for load in loads), loads
    # Each change loaded once: a file read while still being written would be loaded twice.
    totals = {name: sum(load[name] for load in loads[1:]) for name in ("added", "updated", "pruned")}
    assert totals == {"added": 3, "updated": 2, "pruned": 1}, loads
    assert (tmp_path / "err").read_text().splitlines()[-1].startswith("stopped watching after ")


def test_a_deleted_folder_is_pruned_but_a_root_that_went_is_not(tmp_path: Path, engine: Engine) -> None:
    posts = tmp_path / "posts"
    for name in ("keep/a.md", "gone/b.md", "gone/deeper/c.md"):
        _post(posts, name, name)
    options = Options(UTC_ZONE, prune=True, jobs=1)
    ingest_changes([posts], [str(posts)], engine=engine, options=options)  # the root's folders, walked
    assert _titles(engine) == {"keep/a.md", "gone/b.md", "gone/deeper/c.md"}
    shutil.rmtree(posts / "gone")
    assert ingest_changes([posts], [str(posts / "gone")], engine=engine, options=options).pruned == 2
    posts.rename(tmp_path / "unmounted")
    assert ingest_changes([posts], [str(posts)], engine=engine, options=options).pruned == 0
    assert _titles(engine) == {"keep/a.md"}
