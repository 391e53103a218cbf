"""Migration 0009 gives stored duplicate slugs the writer's names: the first article stored keeps the slug,
each later one gets the slug, a dash and the first 6 characters of its id; then slugs are unique."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.store.engine import make_engine
from app.store.migrations import downgrade, upgrade
from tests.conftest import create_database

DATABASE = "articles_slug_migration"
ROWS = [  # (id, slug, stored at)
    ("b00000000000000b", "same", "2021-01-02 00:00:00"),
    ("a00000000000000a", "same", "2021-01-03 00:00:00"),
    ("c00000000000000c", "same", "2021-01-01 00:00:00"),
    ("d00000000000000d", "other", "2021-01-01 00:00:00"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    server: str | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        if server is None:
            pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
        url = create_database(server, DATABASE)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0008")
    yield engine
    engine.dispose()
    if server is not None:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        admin.dispose()


def _insert(engine: Engine, rows: list[tuple[str, str, str]]) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (id, source_path, file_path, content_hash, slug, title, categories, "
                "excerpt, body_text, body_html, images, media, char_count, reading_minutes, extra, "
                "created_at, updated_at) VALUES (:id, :path, :file, '', :slug, :title, '[]', '', '', '', "
                "'[]', '[]', 0, 0, '{}', :at, :at)"
            ),
            [{"id": i, "path": i, "file": i, "slug": slug, "title": slug, "at": at} for i, slug, at in rows],
        )


def test_duplicate_slugs_are_renamed_and_slugs_become_unique(engine_at_0008: Engine) -> None:
    _insert(engine_at_0008, ROWS)
    upgrade(engine_at_0008)
    with engine_at_0008.connect() as connection:
        slugs = dict(connection.execute(text("SELECT id, slug FROM article")).tuples().all())
    assert slugs == {
        "c00000000000000c": "same",  # stored first
        "b00000000000000b": "same-b00000",
        "a00000000000000a": "same-a00000",
        "d00000000000000d": "other",
    }
    with pytest.raises(IntegrityError):
        _insert(engine_at_0008, [("e00000000000000e", "other", "2021-01-04 00:00:00")])
    downgrade(engine_at_0008, "0008")
