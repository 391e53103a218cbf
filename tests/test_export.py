"""`articles export` writes every article (or those the listing filters select) in the detail shape, as
JSON Lines or CSV, to stdout or to a file, on both databases."""

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from app.cli import cli
from app.config import get_settings
from app.query.export import EXPORTED_FIELDS
from tests.conftest import IngestFn, WritePost

runner = CliRunner()
POSTS = [  # name, title, categories, author, date
    ("a.md", "养老保险新规", "\n - 金融\n - 新浪财经\n - 国内", "新浪财经", "2021-03-01 08:00:00"),
    ("b.md", "芯片产能扩张", "\n - 科技\n - 36氪\n - 快讯", "36氪", "2021-06-15 12:00:00"),
    ("c.md", "基金经理谈养老", "\n - 金融\n - 新浪财经\n - 基金", "新浪财经", "2021-09-30 23:00:00"),
    ("d.md", "没有日期的文章", "\n - 科技\n - 36氪\n - 快讯", "36氪", "Invalid Date"),
]


@pytest.fixture
def corpus(write_post: WritePost, run_ingest: IngestFn, database_url: str) -> Iterator[str]:
    paths = [
        write_post(name, title=title, categories=categories, author=author, date=date)
        for name, title, categories, author, date in POSTS
    ]
    run_ingest(paths[0].parent)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def _export(url: str, *arguments: str) -> Result:
    get_settings.cache_clear()
    return runner.invoke(cli, ["export", *arguments], env={"DATABASE_URL": url})


def _lines(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_lines_hold_each_article_as_the_api_details_it_in_id_order(
    corpus: str, client: TestClient
) -> None:
    result = _export(corpus)
    exported = _lines(result)
    assert [article["id"] for article in exported] == sorted(article["id"] for article in exported)
    assert len(exported) == len(POSTS) and result.stderr == f"Exported {len(POSTS)} articles.\n"
    for article in exported:
        detail = client.get(f"/articles/{article['id']}").json()
        assert article == {name: value for name, value in detail.items() if name not in ("newer", "older")}


def test_csv_has_a_header_and_one_row_per_article_lists_as_json(corpus: str) -> None:
    result = _export(corpus, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == EXPORTED_FIELDS and len(rows) == len(POSTS)
    jsonl = {article["id"]: article for article in _lines(_export(corpus))}
    for row in rows:
        article = jsonl[row["id"]]
        assert json.loads(row["categories"]) == article["categories"]
        assert row["body_text"] == article["body_text"] and "\n\n" in row["body_text"]
        assert row["published_at"] == (article["published_at"] or "")
        assert int(row["char_count"]) == article["char_count"]


@pytest.mark.parametrize(
    "filters",
    [
        {"category": "金融"},
        {"category": "快讯", "author": "36氪"},
        {"since": "2021-06-01", "until": "2021-09-30T12:00:00Z"},
        {"since": "2021-10-01T07:00:00+08:00"},
        {"q": "养老"},
        {"q": "养老", "category": "基金"},
    ],
)
def test_filters_select_what_the_listing_selects(
    filters: dict[str, str], corpus: str, client: TestClient
) -> None:
    arguments = [part for name, value in filters.items() for part in (f"--{name}", value)]
    exported = {article["id"] for article in _lines(_export(corpus, *arguments))}
    listed = {item["id"] for item in client.get("/articles", params=filters | {"limit": 100}).json()["items"]}
    assert exported == listed and exported


def test_output_writes_the_file_whole(corpus: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "articles.jsonl"
    target.parent.mkdir()
    result = _export(corpus, "--output", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()] == [
        article["id"] for article in _lines(_export(corpus))
    ]
    assert sorted(path.name for path in target.parent.iterdir()) == ["articles.jsonl"]


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--since", "yesterday"], "'yesterday' is not an ISO date or datetime"),
        (["--q", '"" -'], "--q"),
        (["--format", "xml"], "--format"),
        (
            ["--output", "/nonexistent-folder/articles.jsonl"],
            "cannot write /nonexistent-folder/articles.jsonl",
        ),
    ],
)
def test_bad_options_are_usage_errors(arguments: list[str], says: str, corpus: str) -> None:
    result = _export(corpus, *arguments)
    assert result.exit_code == 2 and says in " ".join(result.output.replace("│", " ").split())


def test_output_to_a_device_writes_through_it(corpus: str) -> None:
    result = _export(corpus, "--output", os.devnull)
    assert result.exit_code == 0, result.output
    assert not Path(os.devnull).is_file()  # still the device: not replaced by a file
