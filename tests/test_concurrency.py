"""Several writers and readers at once: nothing fails, nothing is duplicated or lost."""

import os
import subprocess
import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.ingest.runner import ingest
from app.store.tables import ARTICLE, LINK
from tests.conftest import UTC_ZONE, ingest_command, post_text


def _write_posts(folder: Path, count: int, first: int = 0) -> None:
    for number in range(first, first + count):
        feed = ["快讯", "新闻中心", "热榜"][number % 3]
        path = folder / feed / f"post-{number:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>　　第{number}篇的第{n}段，内容足够长以便测试并发读取。</p>" for n in range(8))
        categories = f"\n - 新媒体\n - 来源{number % 4}\n - {feed}"
        date = f"Mon, {1 + number % 28:02d} Nov 2021 06:{number % 60:02d}:04 GMT"
        path.write_text(post_text(title=f"并发 {number}", categories=categories, date=date, body=body))


def _counts(engine: Engine) -> tuple[int, int, int]:
    article, link = ARTICLE, LINK
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(article)).scalar_one()
        distinct = connection.execute(select(func.count(func.distinct(article.c.source_path)))).scalar_one()
        links = connection.execute(select(func.count()).select_from(link)).scalar_one()
    return int(total), int(distinct), int(links)


def test_two_ingests_at_once_neither_corrupt_nor_duplicate(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    _write_posts(tmp_path / "posts", 240)
    environment = os.environ | {"DATABASE_URL": database_url}
    command = ingest_command(tmp_path / "posts", batch_size=20)
    runs = [
        subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in "ab"
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert _counts(engine) == (240, 240, 720)


def test_reads_keep_working_while_an_ingest_writes(
    tmp_path: Path, engine: Engine, client: TestClient
) -> None:
    _write_posts(tmp_path / "first", 20)
    ingest([tmp_path / "first"], engine=engine, zone=UTC_ZONE, jobs=1)
    known = [item["id"] for item in client.get("/articles", params={"limit": 20}).json()["items"]]
    _write_posts(tmp_path / "second", 400, first=20)
    writer = threading.Thread(
        target=ingest,
        args=([tmp_path / "second"],),
        kwargs={"engine": engine, "zone": UTC_ZONE, "jobs": 1, "batch_size": 10},
    )
    writer.start()
    statuses: list[int] = []
    while writer.is_alive() or len(statuses) < 20:
        statuses.append(client.get("/articles", params={"category": "新媒体", "limit": 50}).status_code)
        statuses.append(client.get(f"/articles/{known[len(statuses) % len(known)]}").status_code)
        statuses.append(client.get("/categories").status_code)
    writer.join()
    assert set(statuses) == {200}, statuses
    assert client.get("/articles").json()["total"] == 420
