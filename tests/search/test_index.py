"""The index follows the articles: updates, prunes, migrations, tokenizer versions and `articles reindex`."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.store.migrations import downgrade, upgrade
from app.store.search_index import rebuild, refresh_stale, stale_count
from tests.conftest import IngestFn, WritePost
from tests.search.conftest import search_ids


def test_an_updated_article_is_found_by_its_new_text_only(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="旧标题", body="<p>原来的正文讲养老。</p>")
    run_ingest(tmp_path / "posts")
    (old,) = search_ids(client, q="养老")
    write_post("a.md", title="新标题", body="<p>新的正文讲教育。</p>")
    assert run_ingest(tmp_path / "posts").updated == 1
    assert search_ids(client, q="养老") == set() and search_ids(client, q="旧标题") == set()
    assert search_ids(client, q="教育") == {old} == search_ids(client, q="新标题")


def test_pruned_articles_leave_the_index(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="留下的文章")
    gone = write_post("b.md", title="删除的文章")
    run_ingest(tmp_path / "posts")
    assert len(search_ids(client, q="文章")) == 2
    gone.unlink()
    assert run_ingest(tmp_path / "posts", prune=True).pruned == 1
    assert len(search_ids(client, q="文章")) == 1 and search_ids(client, q="删除") == set()


def test_migrating_an_existing_database_leaves_the_index_to_the_next_ingest(
    engine: Engine, client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="养老保险改革")
    run_ingest(tmp_path / "posts")
    downgrade(engine, "0001")  # as if the articles had been loaded before search existed
    upgrade(engine)  # migrations never run the application's index code: the articles are stale
    with engine.connect() as connection:
        assert stale_count(connection) == 1
    with engine.begin() as connection:  # what `articles ingest` does once its files are loaded
        refresh_stale(connection)
    assert len(search_ids(client, q="养老")) == 1


def test_stale_rows_are_found_and_indexed_again(
    engine: Engine, client: TestClient, write_post: WritePost, run_ingest: IngestFn, tmp_path: Path
) -> None:
    write_post("a.md", title="养老保险改革")
    write_post("b.md", title="教育改革")
    run_ingest(tmp_path / "posts")
    with engine.begin() as connection:
        assert stale_count(connection) == 0
        connection.execute(
            text(
                "UPDATE article_search SET tokenizer_version = 'old' "
                "WHERE article_id = (SELECT min(article_id) FROM article_search)"
            )
        )
        assert stale_count(connection) == 1
        # Another tokenizer's row: the impact lists counted other tokens for it, so all is indexed again.
        assert refresh_stale(connection) == 2
        assert stale_count(connection) == 0
    assert len(search_ids(client, q="改革")) == 2
    with engine.begin() as connection:
        assert rebuild(connection) == 2
    assert len(search_ids(client, q="改革")) == 2 and len(search_ids(client, q="养老")) == 1


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_reindex_command_rebuilds_the_index(cli_database: str, write_post: WritePost) -> None:
    post = write_post("a.md", title="养老保险改革")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(post.parent)]).exit_code == 0
    result = runner.invoke(cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "1 articles" in result.output
