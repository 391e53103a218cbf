"""Re-loads skip files by their stamp (size, mtime, ctime, cleaner version) without reading them, and fall
back to the content hash whenever the stamp differs or is missing."""

import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from app.ingest import runner, stamp
from app.store.engine import make_engine
from app.store.tables import ARTICLE
from app.store.writer import STORED_FILES
from tests.conftest import IngestFn, WritePost

HOUR = 3600


def _age(path: Path, seconds: float) -> None:
    """Set the file's mtime `seconds` into the past (files written by a test are too recent to stamp)."""
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _stamp(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(select(ARTICLE.c.file_stamp)).scalar_one()  # type: ignore[no-any-return]


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many known files the next ingests read and hash."""
    calls: list[int] = []
    real = runner.content_hash

    def counting(data: bytes, version: int) -> str:
        calls.append(1)
        return real(data, version)

    monkeypatch.setattr(runner, "content_hash", counting)
    return calls


def test_an_old_file_is_stamped_and_then_skipped_unread(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine, hashed: list[int]
) -> None:
    post = write_post("a.md")
    _age(post, HOUR)
    assert run_ingest(post.parent).added == 1
    size, mtime_ns, ctime_ns, _version = str(_stamp(engine)).split(":")
    found = post.stat()
    assert (int(size), int(mtime_ns), int(ctime_ns)) == (found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    hashed.clear()
    report = run_ingest(post.parent)
    assert (report.unchanged, report.updated) == (1, 0)
    assert hashed == []


def test_a_file_written_just_now_is_not_stamped_and_is_hashed_next_time(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine, hashed: list[int]
) -> None:
    post = write_post("a.md")
    run_ingest(post.parent)
    assert _stamp(engine) is None  # a second write in the same clock tick could keep this mtime
    hashed.clear()
    assert run_ingest(post.parent).unchanged == 1
    assert hashed == [1]


def test_a_touched_but_identical_file_is_unchanged_and_stamped_anew(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine, hashed: list[int]
) -> None:
    post = write_post("a.md")
    _age(post, 2 * HOUR)
    run_ingest(post.parent)
    before = _stamp(engine)
    _age(post, HOUR)  # touched: new mtime, same bytes
    hashed.clear()
    report = run_ingest(post.parent)
    assert (report.unchanged, report.updated) == (1, 0)
    assert hashed == [1]
    assert _stamp(engine) not in (None, before)
    hashed.clear()
    assert run_ingest(post.parent).unchanged == 1
    assert hashed == []  # read once after the touch, not at every ingest


def test_a_changed_file_is_updated_even_with_the_same_size(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md", title="旧标题")
    _age(post, 2 * HOUR)
    run_ingest(post.parent)
    write_post("a.md", title="新标题")  # same length: only the mtime tells
    _age(post, HOUR)
    report = run_ingest(post.parent)
    assert (report.unchanged, report.updated) == (0, 1)


def test_a_change_that_restores_size_and_mtime_is_caught_by_the_change_time(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md", title="旧标题")
    _age(post, HOUR)
    old = post.stat()
    run_ingest(post.parent)
    time.sleep(0.05)  # past the file system's clock tick, so that the change time moves
    write_post("a.md", title="新标题")
    os.utime(post, ns=(old.st_atime_ns, old.st_mtime_ns))  # like `touch -r`: size and mtime as they were
    report = run_ingest(post.parent)
    assert (report.unchanged, report.updated) == (0, 1)
    with engine.connect() as connection:
        assert connection.execute(select(ARTICLE.c.title)).scalar_one() == "新标题"


def test_rehash_reads_and_hashes_files_whose_stamp_matches(
    write_post: WritePost, run_ingest: IngestFn, hashed: list[int]
) -> None:
    post = write_post("a.md")
    _age(post, HOUR)
    run_ingest(post.parent)
    hashed.clear()
    report = run_ingest(post.parent, rehash=True)
    assert (report.unchanged, report.updated) == (1, 0)
    assert hashed == [1]


def test_a_new_cleaner_version_outdates_every_stamp(
    write_post: WritePost, run_ingest: IngestFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = write_post("a.md")
    _age(post, HOUR)
    run_ingest(post.parent)
    monkeypatch.setattr(stamp, "CLEANER_VERSION", stamp.CLEANER_VERSION + 1)
    monkeypatch.setattr(runner, "CLEANER_VERSION", runner.CLEANER_VERSION + 1)
    report = run_ingest(post.parent)
    assert (report.unchanged, report.updated) == (0, 1)


def test_a_reload_reads_the_file_index_not_the_article_bodies(
    tmp_path: Path, migrated_template: Path
) -> None:
    """The scan of every stored file that starts each ingest is covered by an index, so a re-load of
    unchanged files never pages through the stored bodies (SQLite's plans need no statistics)."""
    shutil.copy(migrated_template, tmp_path / "plan.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    compiled = STORED_FILES.compile(engine)
    with engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    engine.dispose()
    assert "COVERING INDEX ix_article_file" in plan, plan
