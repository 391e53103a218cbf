"""A killed ingest leaves whole articles only, and a re-run completes the load; readers never see halves."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from app.ingest.runner import ingest
from app.store.tables import ARTICLE, LINK
from tests.conftest import UTC_ZONE, ingest_command, post_text


def _write(folder: Path, count: int, version: int = 1) -> None:
    for number in range(count):
        path = folder / f"feed{number % 5}" / f"post-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>　　版本{version}的第{n}段：编号{number}的内容。</p>" for n in range(30))
        categories = f"\n - 金融\n - 来源{number % 3}\n - feed{number % 5}"
        path.write_text(post_text(title=f"版本{version} 编号{number}", categories=categories, body=body))


def _state(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        articles = connection.execute(select(func.count()).select_from(ARTICLE)).scalar_one()
        links = connection.execute(select(func.count()).select_from(LINK)).scalar_one()
        empty = connection.execute(select(func.count()).where(ARTICLE.c.body_text == "")).scalar_one()
    return int(articles), int(links), int(empty)


def test_sigkill_mid_ingest_leaves_whole_articles_and_a_rerun_completes(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    _write(tmp_path / "posts", 1500)
    environment = os.environ | {"DATABASE_URL": database_url}
    command = ingest_command(tmp_path / "posts", batch_size=50)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _state(engine)[0] < 100 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    articles, links, empty = _state(engine)
    assert 0 < articles < 1500, "the kill must land part-way through the load"
    assert articles % 50 == 0, "only whole batches are committed"
    assert (links, empty) == (3 * articles, 0)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    rerun = subprocess.run(command, env=environment, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout
    assert _state(engine) == (1500, 4500, 0)


def test_readers_never_see_half_updated_articles(tmp_path: Path, engine: Engine, client: TestClient) -> None:
    folder = tmp_path / "posts"
    _write(folder, 150, version=1)
    ingest([folder], engine=engine, zone=UTC_ZONE, jobs=1)
    ids = [item["id"] for item in client.get("/articles", params={"limit": 100}).json()["items"]]

    def update() -> None:
        _write(folder, 150, version=2)
        ingest([folder], engine=engine, zone=UTC_ZONE, jobs=1, batch_size=10)

    writer = threading.Thread(target=update)
    writer.start()
    mixed: list[str] = []
    checked = 0
    while writer.is_alive() or checked < 30:
        detail = client.get(f"/articles/{ids[checked % len(ids)]}")
        assert detail.status_code == 200, detail.text
        body = detail.json()
        version = body["title"].split()[0]
        if not all(paragraph.startswith(version) for paragraph in body["paragraphs"]):
            mixed.append(body["id"])
        for item in client.get("/articles", params={"limit": 20}).json()["items"]:
            if not item["excerpt"].startswith(item["title"].split()[0]):
                mixed.append(item["id"])
        checked += 1
    writer.join()
    assert mixed == []
    assert client.get(f"/articles/{ids[0]}").json()["title"].startswith("版本2")
