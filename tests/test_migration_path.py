"""The migrations are frozen in time: none imports the application, each runs on its own from the first to
the newest, and a database made by the first one keeps its articles up to head, where they are searchable
once the stale ones are indexed (what `articles ingest` does when it ends)."""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.api.app import create_app
from app.config import Settings
from app.store import tables  # noqa: F401 - registers the tables
from app.store.engine import make_engine
from app.store.hand_built import include_name
from app.store.migrations import MIGRATIONS, alembic_config, upgrade
from app.store.schema import at_head
from app.store.search_index import refresh_stale, stale_count
from app.text.tokens import index_tokens, tokenizer_version
from tests.conftest import create_database

MIGRATION_FILES = sorted((MIGRATIONS / "versions").glob("*.py"))
DATABASE = "articles_migration_path"

# Categories and articles as the first schema holds them; times in UTC.
CATEGORIES = [
    {"id": 1, "name": "金融", "slug": "jin-rong", "path": "金融", "parent_id": None, "article_count": 2},
    {
        "id": 2,
        "name": "新浪财经",
        "slug": "xin-lang",
        "path": "金融 / 新浪财经",
        "parent_id": 1,
        "article_count": 2,
    },
    {"id": 3, "name": "游戏", "slug": "you-xi", "path": "游戏", "parent_id": None, "article_count": 1},
]
ARTICLES: list[dict[str, Any]] = [
    {
        "id": "a000000000000001",
        "title": "浙江：加快健全社会保障体系",
        "author": "新浪财经",
        "published_at": "2021-09-13 06:39:04",
        "categories": ["金融", "新浪财经"],
        "body_text": "第一段正文，养老保险覆盖更多人。",
        "query": "社会保障",
    },
    {
        "id": "a000000000000002",
        "title": "美股收盘 Nasdaq rally",
        "author": None,
        "published_at": "2021-09-14 20:00:00",
        "categories": ["金融", "新浪财经"],
        "body_text": "Stocks closed higher.",
        "query": "nasdaq",
    },
    {
        "id": "a000000000000003",
        "title": "新游戏发布",
        "author": "3DMGame",
        "published_at": None,
        "categories": ["游戏"],
        "body_text": "一款新游戏今天发布。",
        "query": "游戏",
    },
]


def _imported_modules(path: Path) -> set[str]:
    """Every absolute module an `import` or `from ... import` statement of the file names."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", MIGRATION_FILES, ids=lambda path: path.name)
def test_no_migration_imports_the_application(path: Path) -> None:
    # Application code writes today's shape of the tables, which an old database has not reached yet.
    imported = _imported_modules(path)
    assert not {module for module in imported if module == "app" or module.startswith("app.")}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty database: a SQLite file, or a database of the test PostgreSQL server."""
    server: str | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        if server is None:
            pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
        url = create_database(server, DATABASE)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    yield engine
    engine.dispose()
    if server is not None:
        _drop_database(server, DATABASE)


def _drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_each_migration_runs_alone_from_the_first_to_head(empty_engine: Engine) -> None:
    for revision in _revisions():
        upgrade(empty_engine, revision)
        assert _current_revision(empty_engine) == revision
    assert at_head(empty_engine)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _stored_time(engine: Engine, utc: str | None) -> str | None:
    """A UTC time as each database holds it: SQLite naive text (as SQLAlchemy writes it), PostgreSQL with
    its offset."""
    if utc is None:
        return None
    return f"{utc}.000000" if engine.dialect.name == "sqlite" else f"{utc}+00"


def _article_row(engine: Engine, article: dict[str, Any]) -> dict[str, Any]:
    moment = _stored_time(engine, "2021-09-15 00:00:00")
    return {
        "id": article["id"],
        "source_path": f"{article['id']}.md",
        "file_path": f"posts/{article['id']}.md",
        "content_hash": "0" * 32,
        "slug": article["id"],
        "title": article["title"],
        "author": article["author"],
        "published_at": _stored_time(engine, article["published_at"]),
        "categories": '["' + '", "'.join(article["categories"]) + '"]',
        "excerpt": article["body_text"],
        "body_text": article["body_text"],
        "body_html": f"<p>{article['body_text']}</p>",
        "char_count": len(article["body_text"]),
        "moment": moment,
    }


def _seed_first_schema(engine: Engine) -> None:
    """Migrate to the first revision and store the articles with the SQL of that time."""
    upgrade(engine, _revisions()[0])
    category_ids = {category["name"]: category["id"] for category in CATEGORIES}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO category (id, name, slug, path, parent_id, article_count) "
                "VALUES (:id, :name, :slug, :path, :parent_id, :article_count)"
            ),
            CATEGORIES,
        )
        connection.execute(
            text(
                "INSERT INTO article (id, source_path, file_path, content_hash, slug, title, author, "
                "published_at, categories, image, excerpt, body_text, body_html, images, media, char_count, "
                "reading_minutes, extra, created_at, updated_at) VALUES (:id, :source_path, "
                ":file_path, :content_hash, :slug, :title, :author, :published_at, :categories, NULL, "
                ":excerpt, :body_text, :body_html, '[]', '[]', :char_count, 1, '{}', :moment, :moment)"
            ),
            [_article_row(engine, article) for article in ARTICLES],
        )
        connection.execute(
            text(
                "INSERT INTO article_category (article_id, category_id, published_at) "
                "VALUES (:article_id, :category_id, :published_at)"
            ),
            [
                {
                    "article_id": article["id"],
                    "category_id": category_ids[name],
                    "published_at": _stored_time(engine, article["published_at"]),
                }
                for article in ARTICLES
                for name in article["categories"]
            ],
        )


def _schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        return list(compare_metadata(context, SQLModel.metadata))


def _refresh_search_index(engine: Engine) -> None:
    """What `articles ingest` does when it ends: index every stale article."""
    with engine.begin() as connection:
        assert stale_count(connection) == len(ARTICLES)  # what `articles serve` warns about
        assert refresh_stale(connection) == len(ARTICLES)
        assert stale_count(connection) == 0


def _assert_articles_served(client: TestClient) -> None:
    for article in ARTICLES:
        body = client.get(f"/articles/{article['id']}").json()
        published = article["published_at"]
        expected_time = published.replace(" ", "T") + "Z" if published else None
        assert (body["title"], body["author"], body["published_at"]) == (
            article["title"],
            article["author"],
            expected_time,
        )
        assert (body["categories"], body["body_text"]) == (article["categories"], article["body_text"])


def _assert_searchable(client: TestClient) -> None:
    for article in ARTICLES:
        found = client.get("/articles", params={"q": article["query"]}).json()
        assert [item["id"] for item in found["items"]] == [article["id"]], article["query"]
    in_finance = client.get("/articles", params={"q": "美股", "category": "金融"}).json()
    assert [item["id"] for item in in_finance["items"]] == ["a000000000000002"]
    listed = client.get("/categories/jin-rong/articles").json()
    assert [item["id"] for item in listed["items"]] == ["a000000000000002", "a000000000000001"]


def test_articles_of_the_first_schema_survive_to_head_and_are_searchable(empty_engine: Engine) -> None:
    _seed_first_schema(empty_engine)
    upgrade(empty_engine)
    assert at_head(empty_engine)
    assert _schema_differences(empty_engine) == []
    _refresh_search_index(empty_engine)
    with TestClient(create_app(Settings(database_url=_url(empty_engine)), engine=empty_engine)) as client:
        _assert_articles_served(client)
        _assert_searchable(client)


def _index_in_the_0002_shape(engine: Engine) -> None:
    """Index the articles as the code of revisions 0002 and 0003 did on SQLite (no filter terms)."""
    with engine.begin() as connection:
        for doc_id, article in enumerate(ARTICLES, start=1):
            values = {"doc_id": doc_id, "id": article["id"], "version": tokenizer_version()}
            connection.execute(
                text(
                    "INSERT INTO article_search (doc_id, article_id, tokenizer_version) "
                    "VALUES (:doc_id, :id, :version)"
                ),
                values,
            )
            tokens = {"title": index_tokens(article["title"]), "body": index_tokens(article["body_text"])}
            connection.execute(
                text("INSERT INTO article_fts (rowid, title, body) VALUES (:doc_id, :title, :body)"),
                {"doc_id": doc_id, **tokens},
            )


def test_an_index_built_before_filter_terms_is_emptied_then_refreshed(tmp_path: Path) -> None:
    # Its rows lack the filter terms a filtered search needs: kept, they would hide the articles from it.
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _seed_first_schema(engine)
    upgrade(engine, "0003")
    _index_in_the_0002_shape(engine)
    upgrade(engine)
    with engine.connect() as connection:
        orphans = connection.execute(text("SELECT count(*) FROM article_fts_orphan")).scalar_one()
    assert orphans == 0  # the new FTS5 table holds no postings to clear
    _refresh_search_index(engine)
    with TestClient(create_app(Settings(database_url=_url(engine)), engine=engine)) as client:
        _assert_searchable(client)
    engine.dispose()
