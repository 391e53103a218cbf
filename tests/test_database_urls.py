"""DATABASE_URL as people have it: libpq's and hosting providers' PostgreSQL URLs, SQLite URLs, bare paths."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from tests.conftest import create_database, post_text

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@db.example/news", "postgresql+psycopg://u:p@db.example/news"),
        (
            "postgres://u:p@db.example:6543/news?sslmode=require",
            "postgresql+psycopg://u:p@db.example:6543/news?sslmode=require",
        ),
        ("postgresql+psycopg://u@db.example/news", "postgresql+psycopg://u@db.example/news"),
        ("sqlite:///relative.db", "sqlite:///relative.db"),
        ("sqlite:////srv/data/absolute.db", "sqlite:////srv/data/absolute.db"),
        ("data/articles.db", "sqlite:///data/articles.db"),
        ("/srv/data/articles.sqlite", "sqlite:////srv/data/articles.sqlite"),
    ],
)
def test_connection_urls_are_taken_as_people_have_them(given: str, used: str) -> None:
    assert Settings(database_url=given).database_url == used


@pytest.mark.parametrize(
    "given",
    [
        "mysql://u:secret@db/news",
        "postgresql+psycopg2://u:secret@db/news",
        "articles.txt",
        "postgres://u:secret@db:x/n",
    ],
)
def test_other_urls_are_refused_naming_the_accepted_forms_without_the_password(given: str) -> None:
    with pytest.raises(ValueError, match="postgresql://user:password@host/database") as refused:
        Settings(database_url=given)
    assert "secret" not in str(refused.value)


def _run(url: str, *arguments: str) -> int:
    get_settings.cache_clear()
    result = runner.invoke(cli, list(arguments), env={"DATABASE_URL": url})
    assert "Traceback" not in result.output, result.output
    return result.exit_code


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_migrate_ingest_and_check_work_with_a_libpq_url(
    scheme: str, tmp_path: Path, postgres_server: str | None
) -> None:
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
    url = make_url(create_database(postgres_server, f"urls_{scheme}")).set(drivername=scheme)
    given = url.render_as_string(hide_password=False)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text(), encoding="utf-8")
    assert given.startswith(f"{scheme}://")
    assert [_run(given, "migrate"), _run(given, "ingest", str(tmp_path / "posts")), _run(given, "check")] == [
        0,
        0,
        0,
    ]


def test_a_bare_file_path_is_a_sqlite_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _run("here/articles.db", "ingest", "posts") == 0
    assert _run(str(tmp_path / "there.sqlite"), "ingest", "posts") == 0
    assert (tmp_path / "here" / "articles.db").is_file() and (tmp_path / "there.sqlite").is_file()
    assert _run("here/articles.db", "check") == 0
