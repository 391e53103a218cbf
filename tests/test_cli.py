"""The `articles` command as a user runs it: exit codes, summary, failures listed."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from tests.conftest import FIXTURES, WritePost

runner = CliRunner()


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_ingest_prints_a_summary_and_exits_0(write_post: WritePost) -> None:
    post = write_post("a.md")
    result = runner.invoke(cli, ["ingest", str(post.parent)])
    assert result.exit_code == 0, result.output
    assert "added" in result.output and "files/s" in result.output
    again = runner.invoke(cli, ["ingest", str(post.parent)])
    assert again.exit_code == 0
    assert again.output.splitlines()[-1].split()[:5] == ["0", "0", "1", "0", "0"]


def test_ingest_rehash_reads_every_file_and_still_finds_them_unchanged(write_post: WritePost) -> None:
    post = write_post("a.md")
    assert runner.invoke(cli, ["ingest", str(post.parent)]).exit_code == 0
    again = runner.invoke(cli, ["ingest", "--rehash", str(post.parent)])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1].split()[:5] == ["0", "0", "1", "0", "0"]


def test_ingest_lists_failures_with_path_and_reason_and_exits_1(write_post: WritePost) -> None:
    write_post("good.md")
    bad = write_post("bad.md", raw="")
    result = runner.invoke(cli, ["ingest", str(bad.parent)])
    assert result.exit_code == 1
    assert f"failed {bad}: empty file" in result.output.replace("\n", "")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(cli, ["ingest", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(cli, ["ingest"]).exit_code == 2
    assert runner.invoke(cli, ["ingest", "--jobs", "0", str(tmp_path)]).exit_code == 2


def test_bad_setting_is_a_clear_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAIVE_TIMEZONE", "Mars/Olympus")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["ingest", str(tmp_path)])
    assert result.exit_code == 2
    assert "Mars/Olympus" in result.output


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli.db").exists()


def test_help_documents_every_command() -> None:
    result = runner.invoke(cli, ["--help"])
    for command in ("ingest", "serve", "migrate"):
        assert command in result.output
    assert "Exit status" in result.output


def test_ingest_help_states_its_exit_statuses() -> None:
    result = runner.invoke(cli, ["ingest", "--help"])
    assert result.exit_code == 0, result.output
    assert (
        "Exit status: 0 when every file loaded, 1 when some failed, 2 for a usage error, 3 when the database "
        "cannot be used, 130 when interrupted" in " ".join(result.output.split())
    )


def test_inspect_shows_fields_clean_text_and_dropped_blocks() -> None:
    result = runner.invoke(cli, ["inspect", "--json", str(FIXTURES / "seed.md")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["title"] == "浙江：加快健全社会保障体系"
    assert report["editor"] == "王珊珊"
    assert report["byline"] == "孙胜梅 傅思聪"
    assert report["image"] is None
    assert report["body_text"].startswith("《浙江高质量发展")
    assert report["excerpt"].startswith("《浙江高质量发展")
    rules = {block["rule"] for block in report["dropped"]}
    assert any(rule.startswith("sina.") for rule in rules), rules
    assert any("海量资讯" in block["text"] or "appendQr" in block["text"] for block in report["dropped"])


def test_inspect_says_which_field_kept_each_credit_line() -> None:
    result = runner.invoke(cli, ["inspect", "--json", str(FIXTURES / "seed.md")])
    credit = next(
        block for block in json.loads(result.output)["dropped"] if block["rule"] == "generic.byline"
    )
    assert credit["text"] == "孙胜梅 傅思聪 编辑 周宇晗"
    # The page editor yields to Sina's 责任编辑 line, and the report says so.
    assert credit["fields"] == [
        {"field": "byline", "value": "孙胜梅 傅思聪", "kept": True},
        {"field": "editor", "value": "周宇晗", "kept": False},
    ]
    assert "kept in" in runner.invoke(cli, ["inspect", str(FIXTURES / "seed.md")]).output


def test_inspect_reports_an_unreadable_file(write_post: WritePost) -> None:
    result = runner.invoke(cli, ["inspect", str(write_post("bad.md", raw=""))])
    assert result.exit_code == 1
    assert "empty file" in result.output


def test_inspect_gives_the_id_ingest_gives_a_file_without_categories(
    write_post: WritePost, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from app.ingest.runner import ingest
    from app.parse.record import article_id
    from app.store.engine import make_engine
    from app.store.migrations import upgrade
    from app.store.tables import ARTICLE
    from tests.conftest import UTC_ZONE

    path = write_post("sub/orphan.md", categories=None)
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    ingest([tmp_path / "posts"], engine=engine, zone=UTC_ZONE, jobs=1)
    with engine.connect() as connection:
        stored = connection.execute(select(ARTICLE.c.id)).scalar_one()
    given = ["inspect", "--json", "--root", str(tmp_path / "posts"), str(path)]
    assert json.loads(runner.invoke(cli, given).output)["id"] == stored
    alone = json.loads(runner.invoke(cli, ["inspect", "--json", str(path)]).output)
    assert alone["id"] == article_id("orphan.md")  # as if the file's own folder had been ingested
