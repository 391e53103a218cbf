"""Shared fixtures: a migrated temporary database per test, an API client on it, and a post writer."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from app.api.app import create_app
from app.config import Settings
from app.ingest.runner import IngestReport, ingest
from app.store.engine import make_engine
from app.store.migrations import upgrade
from tests.postgres import start_cluster

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES_CLI = Path(sys.executable).parent / "articles"


def ingest_command(folder: Path, *, batch_size: int) -> list[str]:
    """`articles ingest` as a user runs it: one parser process, small batches, summary only."""
    return [str(ARTICLES_CLI), "ingest", str(folder), "--jobs", "1", "--batch-size", str(batch_size), "-q"]


UTC_ZONE = ZoneInfo("UTC")


POSTGRES_STATUS: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite (and the commands it runs) keep their cache files out of the user's cache folder."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly whether the PostgreSQL half of the suite ran."""
    for line in POSTGRES_STATUS:
        terminalreporter.write_line(line, yellow="NOT" in line, green="NOT" not in line, bold=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server URL: TEST_DATABASE_URL, else a throwaway cluster, else None (and a loud note)."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        POSTGRES_STATUS.append(f"PostgreSQL half ran against TEST_DATABASE_URL ({make_url(given).host})")
        yield given
        return
    try:
        cluster = start_cluster()
    except (subprocess.CalledProcessError, OSError, LookupError) as exc:
        cluster = None
        POSTGRES_STATUS.append(f"PostgreSQL could not start: {exc}")
    if cluster is None:
        POSTGRES_STATUS.append("PostgreSQL half NOT run: no initdb/pg_ctl and no TEST_DATABASE_URL")
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL: install its server binaries or set TEST_DATABASE_URL")
        yield None
        return
    POSTGRES_STATUS.append(f"PostgreSQL half ran on a throwaway cluster (port {cluster.port})")
    yield cluster.url
    cluster.stop()


def create_database(server_url: str, name: str) -> str:
    """Create (or recreate) database `name` on the server and return its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str | None) -> str | None:
    """A migrated PostgreSQL database shared by the suite; tests empty it after use."""
    if postgres_server is None:
        return None
    url = create_database(postgres_server, "articles_test")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path) -> str:
    """Every database test runs on both: a fresh SQLite copy, or the emptied PostgreSQL database."""
    if request.param == "postgresql":
        url: str | None = request.getfixturevalue("postgres_database")
        if url is None:
            pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
        return url
    path = tmp_path / "articles.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


def empty_database(engine: Engine) -> None:
    """Delete every article and category (the schema version and change counter stay), so the next test
    starts clean."""
    kept = {"data_version"}
    tables = ", ".join(t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in kept)
    tables += ", search_impact, search_term, article_search_orphan"  # no foreign key cascades into these
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("UPDATE data_version SET version = version + 1"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    if engine.dialect.name == "postgresql":
        empty_database(engine)
    engine.dispose()


@pytest.fixture
def client(engine: Engine, database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), engine=engine)
    with TestClient(app) as test_client:
        yield test_client


IngestFn = Callable[..., IngestReport]


@pytest.fixture
def run_ingest(engine: Engine) -> IngestFn:
    """Ingest paths into the test database (inline, no worker processes)."""

    def run(
        *paths: Path, prune: bool = False, zone: ZoneInfo = UTC_ZONE, rehash: bool = False
    ) -> IngestReport:
        return ingest(list(paths), engine=engine, zone=zone, prune=prune, jobs=1, rehash=rehash)

    return run


def post_text(
    *,
    title: str | None = "一篇测试文章",
    categories: str | None = "\n - 金融\n - 新浪财经\n - 新浪财经－国內",
    date: str | None = "Mon, 13 Sep 2021 06:39:04 GMT",
    author: str | None = "新浪财经",
    headimg: str | None = None,
    extra: str = "",
    body: str = "<div>\n<p>　　第一段正文，足够长的一段中文内容。</p>\n<p>　　第二段正文。</p>\n</div>\n",
) -> str:
    """A post in the crawler's format; None leaves a key out."""
    lines = ["", "---"]
    if title is not None:
        lines.append(f"title: '{title}'")
    if categories is not None:
        lines.append(f"categories: {categories}")
    if headimg is not None:
        lines.append(f"headimg: '{headimg}'")
    if author is not None:
        lines.append(f"author: {author}")
    lines.append("comments: false")
    if date is not None:
        lines.append(f"date: {date}")
    lines.extend(line for line in extra.splitlines() if line)
    lines.extend(["---", "", body])
    return "\n".join(lines)


WritePost = Callable[..., Path]


@pytest.fixture
def write_post(tmp_path: Path) -> WritePost:
    """Write a post below tmp_path/posts and return its path."""

    def write(name: str = "post.md", *, raw: str | bytes | None = None, **fields: str | None) -> Path:
        path = tmp_path / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = post_text(**fields) if raw is None else raw  # type: ignore[arg-type]
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
