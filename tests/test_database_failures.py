"""A database that cannot be used is one line naming the cause and the fix, status 3, on every command and
on both databases; never a traceback (unless asked with --debug), never a password."""

import os
import socket
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from app.api.app import create_app
from app.cli import cli
from app.config import Settings, get_settings
from app.ingest.runner import ingest
from app.store.engine import make_engine
from app.store.failures import diagnose
from app.store.migrations import upgrade
from tests.conftest import UTC_ZONE, WritePost, create_database, empty_database, post_text

PASSWORD = "n0t-in-any-message"  # the throwaway cluster trusts every login: the password is only carried
runner = CliRunner()

# What each kind of failure says: words of its cause, words of its fix.
SAYS = {
    "unmigrated": ("database schema is not initialised", "run `articles migrate`"),
    "newer": ("newer than this version knows", "upgrade articles-api"),
    "unreachable/sqlite": ("cannot be opened (unable to open database file)", "check that its folder exists"),
    "unreachable/postgresql": ("(Connection refused)", "start the database server"),
    "corrupt": ("is corrupt", "restore it from a backup"),
    "read-only": ("is read-only", "make it writable"),
}
# The commands that must fail so; SQLite's ingest, serve and reindex migrate an empty file themselves.
COMMANDS = {
    ("sqlite", "unmigrated"): ["check"],
    ("sqlite", "newer"): ["ingest", "serve", "reindex", "check", "migrate"],
    ("sqlite", "unreachable"): ["ingest", "serve", "migrate", "check"],
    ("sqlite", "corrupt"): ["ingest", "reindex", "migrate", "check"],
    ("sqlite", "read-only"): ["ingest", "reindex"],
    ("postgresql", "unmigrated"): ["ingest", "serve", "reindex", "check"],
    ("postgresql", "newer"): ["ingest", "migrate", "check"],
    ("postgresql", "unreachable"): ["ingest", "serve", "migrate", "check"],
    ("postgresql", "corrupt"): ["ingest", "check"],
    ("postgresql", "read-only"): ["ingest", "reindex"],
}


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for number in range(3):
        (folder / f"post-{number}.md").write_text(post_text(title=f"文章{number}"), encoding="utf-8")
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load(url: str, posts: Path) -> str:
    """Migrate and load the database at `url`, then give the posts something new to write."""
    engine = make_engine(url)
    upgrade(engine)
    ingest([posts], engine=engine, zone=UTC_ZONE, jobs=1)
    engine.dispose()  # closes the SQLite file cleanly: no WAL left behind
    (posts / "new.md").write_text(post_text(title="新的一篇"), encoding="utf-8")
    return url


def _set_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


@pytest.fixture
def read_only_file() -> Iterator[Callable[[Path], None]]:
    """Make a file read-only for this process: root writes through permissions, but not through the
    immutable attribute."""
    made: list[Path] = []

    def protect(path: Path) -> None:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", str(path)], check=True)
            made.append(path)
        else:
            path.chmod(0o444)

    yield protect
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _sqlite_fault(kind: str, tmp_path: Path, posts: Path, protect: Callable[[Path], None]) -> str:
    if kind == "unmigrated":
        return f"sqlite:///{tmp_path / 'never-migrated.db'}"
    if kind == "unreachable":
        (tmp_path / "a-file").write_text("not a folder")
        return f"sqlite:///{tmp_path / 'a-file' / 'articles.db'}"
    url = _load(f"sqlite:///{tmp_path / 'articles.db'}", posts)
    if kind == "newer":
        _set_revision(url, "9999")
    elif kind == "corrupt":
        with open(tmp_path / "articles.db", "r+b") as handle:
            handle.write(b"this is no SQLite header")
    elif kind == "read-only":
        protect(tmp_path / "articles.db")
    return url


def _postgresql_fault(kind: str, server: str, posts: Path) -> str:
    if kind == "unreachable":
        return f"postgresql://articles:{PASSWORD}@127.0.0.1:{_free_port()}/articles"
    url = make_url(create_database(server, f"fault_{kind.replace('-', '_')}"))
    url = url.set(password=PASSWORD).render_as_string(hide_password=False)
    if kind == "unmigrated":
        return url
    if kind == "corrupt":
        return _corrupt_postgresql(server, posts)
    _load(url, posts)
    if kind == "newer":
        _set_revision(url, "9999")
    elif kind == "read-only":
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("ALTER DATABASE fault_read_only SET default_transaction_read_only = on"))
        admin.dispose()
    return url


def _corrupt_postgresql(server: str, posts: Path) -> str:
    """A copy of a loaded database whose article table's first page is garbage on disk. The copy is made
    file by file (FILE_COPY), so none of its pages are in the server's memory: the first read meets it."""
    source = _load(create_database(server, "fault_corrupt_source"), posts)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS fault_corrupt WITH (FORCE)"))
        connection.execute(
            text("CREATE DATABASE fault_corrupt TEMPLATE fault_corrupt_source STRATEGY FILE_COPY")
        )
        data = Path(connection.execute(text("SHOW data_directory")).scalar_one())
    admin.dispose()
    url = make_url(source).set(database="fault_corrupt")
    copy = create_engine(url)
    with copy.connect() as connection:
        heap = data / connection.execute(text("SELECT pg_relation_filepath('article')")).scalar_one()
    copy.dispose()
    if not os.access(heap, os.W_OK):
        pytest.skip("the PostgreSQL server's files are out of this test's reach (TEST_DATABASE_URL)")
    with open(heap, "r+b") as handle:
        handle.write(b"\xff" * 8192)
    return url.set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("kind", ["unmigrated", "newer", "unreachable", "corrupt", "read-only"])
def test_every_command_says_in_one_line_why_the_database_cannot_be_used_and_exits_3(
    kind: str,
    dialect: str,
    tmp_path: Path,
    posts: Path,
    read_only_file: Callable[[Path], None],
    request: pytest.FixtureRequest,
) -> None:
    if dialect == "sqlite":
        url = _sqlite_fault(kind, tmp_path, posts, read_only_file)
    else:
        server = request.getfixturevalue("postgres_server")
        if server is None:
            pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
        url = _postgresql_fault(kind, server, posts)
    cause, fix = SAYS.get(f"{kind}/{dialect}", SAYS.get(kind, ("", "")))
    for command in COMMANDS[(dialect, kind)]:
        get_settings.cache_clear()
        arguments = [command, str(posts)] if command == "ingest" else [command]
        result = runner.invoke(cli, arguments, env={"DATABASE_URL": url})
        assert result.exit_code == 3, (command, result.output)
        assert result.stdout == "", (command, result.stdout)
        line = result.stderr
        assert line.count("\n") == 1 and line.startswith("error: "), (command, line)
        assert cause in line and fix in line, (command, line)
        assert PASSWORD not in result.output and "Traceback" not in result.output


def test_debug_shows_the_traceback_before_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql://articles:{PASSWORD}@127.0.0.1:{_free_port()}/articles"
    monkeypatch.setenv("DATABASE_URL", url)
    for arguments, environment in ((["--debug", "check"], {}), (["check"], {"ARTICLES_DEBUG": "1"})):
        get_settings.cache_clear()
        result = runner.invoke(cli, arguments, env=environment)
        assert result.exit_code == 3
        assert result.stderr.startswith("Traceback (most recent call last):")
        assert result.stderr.splitlines()[-1].startswith("error: cannot connect to PostgreSQL database")


def test_a_bad_database_url_is_a_usage_error_that_never_shows_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for url in (f"mysql://articles:{PASSWORD}@db/articles", f"postgresql://articles:{PASSWORD}@db:port/x"):
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        result = runner.invoke(cli, ["check"])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("invalid setting DATABASE_URL: ")
        assert "postgresql://user:password@host/database" in result.stderr
        assert PASSWORD not in result.output


def test_check_passes_a_sound_database_and_names_what_is_wrong_with_another(
    tmp_path: Path, posts: Path
) -> None:
    url = _load(f"sqlite:///{tmp_path / 'articles.db'}", posts)
    result = runner.invoke(cli, ["check"], env={"DATABASE_URL": url})
    assert (result.exit_code, result.stderr) == (0, "ok: the database passed every check.\n")
    engine = make_engine(url)
    with engine.begin() as connection:  # an article the index lost (a tool writing behind ingest's back)
        connection.execute(
            text("DELETE FROM article_search WHERE doc_id = (SELECT max(doc_id) FROM article_search)")
        )
    engine.dispose()
    get_settings.cache_clear()
    result = runner.invoke(cli, ["check"], env={"DATABASE_URL": url})
    assert result.exit_code == 3
    where = f"the SQLite database {tmp_path / 'articles.db'}"
    assert (
        result.stderr
        == f"problem: 1 articles of {where} are missing from the search index: run `articles reindex`\n"
    )
    get_settings.cache_clear()
    assert runner.invoke(cli, ["reindex"], env={"DATABASE_URL": url}).exit_code == 0
    get_settings.cache_clear()
    assert runner.invoke(cli, ["check"], env={"DATABASE_URL": url}).exit_code == 0


def _corrupt_sqlite_articles(path: Path) -> None:
    """Garbage over the article table's pages only: the schema, the revision and the data version stay."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        pages = connection.execute(text("SELECT pageno FROM dbstat WHERE name = 'article'")).scalars().all()
        size = connection.execute(text("PRAGMA page_size")).scalar_one()
    engine.dispose()
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\xff" * size)


def test_readyz_answers_503_once_a_request_met_a_corrupt_database(
    dialect: str, tmp_path: Path, posts: Path, request: pytest.FixtureRequest
) -> None:
    if dialect == "sqlite":
        url = _load(f"sqlite:///{tmp_path / 'articles.db'}", posts)
        _corrupt_sqlite_articles(tmp_path / "articles.db")
    else:
        server = request.getfixturevalue("postgres_server")
        if server is None:
            pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
        url = _corrupt_postgresql(server, posts)
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/readyz").status_code == 200  # its schema and revision read fine
        listing = client.get("/articles")
        assert listing.status_code == 500, listing.text
        assert listing.json()["type"] == "urn:articles-api:problem:database-corrupt"
        assert "retry-after" not in listing.headers and PASSWORD not in listing.text
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["type"] == listing.json()["type"]


def test_a_full_disk_and_a_lock_held_too_long_are_named_with_their_fix(tmp_path: Path, posts: Path) -> None:
    url = _load(f"sqlite:///{tmp_path / 'articles.db'}", posts)
    engine = make_engine(url)
    with pytest.raises(DBAPIError) as full, engine.begin() as connection:
        connection.execute(text("PRAGMA max_page_count = 1"))  # as a disk with no room left would refuse
        connection.execute(text("CREATE TABLE filler (x)"))
    assert str(diagnose(full.value, url)).startswith(f"the disk holding the SQLite database {tmp_path}")
    holder = sqlite3.connect(tmp_path / "articles.db")
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    with pytest.raises(DBAPIError) as locked, engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")  # the 30 s wait, made short
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    holder.close()
    engine.dispose()
    where = f"the SQLite database {tmp_path / 'articles.db'}"
    assert str(diagnose(locked.value, url)) == (
        f"{where} stayed locked by another process (database is locked): "
        "wait for the other writer (another ingest?) to finish, then run the command again"
    )


def test_a_detail_and_a_category_page_are_answered_after_postgresql_ended_every_connection(
    postgres_database: str | None, write_post: WritePost
) -> None:
    """A restarted PostgreSQL (or one whose administrator ended the sessions) drops every open connection:
    the connections held for lookups are replaced and the lookup run again, instead of failing once each."""
    if postgres_database is None:
        pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
    engine = make_engine(postgres_database)
    try:
        ingest([write_post()], engine=engine, zone=UTC_ZONE, jobs=1)
        settings = Settings(database_url=postgres_database, response_cache_size=0)
        with TestClient(create_app(settings, engine=engine)) as client:
            article = client.get("/articles").json()["items"][0]["id"]
            assert client.get(f"/articles/{article}").status_code == 200
            with engine.connect() as admin:
                ended = admin.execute(text(END_OTHER_SESSIONS)).scalar_one()
            assert ended >= 1
            for _ in range(3):
                again = client.get(f"/articles/{article}")
                assert again.status_code == 200, again.text
                page = client.get("/categories/金融/articles")  # a category's page: on held connections too
                assert page.status_code == 200 and page.json()["items"], page.text
    finally:
        empty_database(engine)
        engine.dispose()


END_OTHER_SESSIONS = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
