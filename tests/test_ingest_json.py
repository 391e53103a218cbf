"""`articles ingest --json`: the report as one JSON object on stdout, and nothing else there."""

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from tests.conftest import WritePost

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_report_is_one_json_object_with_every_failure(write_post: WritePost, database_url: str) -> None:
    write_post("good.md")
    write_post("undated.md", title="没有日期", date="Invalid Date")
    bad = write_post("bad.md", raw="")
    result = runner.invoke(cli, ["ingest", "--json", str(bad.parent)], env={"DATABASE_URL": database_url})
    assert result.exit_code == 1, result.output
    (line,) = result.stdout.splitlines()
    report = json.loads(line)
    assert {name: report[name] for name in ("added", "updated", "unchanged", "failed", "pruned")} == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
        "pruned": 0,
    }
    assert report["failures"] == [{"path": str(bad), "reason": "empty file"}]
    assert [warning["path"] for warning in report["warnings"]] == [str(bad.parent / "undated.md")]
    assert isinstance(report["seconds"], float) and report["interrupted"] is False
    get_settings.cache_clear()
    again = runner.invoke(
        cli, ["ingest", "--json", "--prune", str(bad.parent)], env={"DATABASE_URL": database_url}
    )
    assert json.loads(again.stdout)["unchanged"] == 2
