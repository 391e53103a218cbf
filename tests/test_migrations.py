"""Alembic owns the schema: it builds an empty database, matches the models and goes back down."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.store import tables  # noqa: F401 - registers the tables
from app.store.engine import make_engine
from app.store.hand_built import include_name
from app.store.migrations import alembic_config, downgrade, upgrade
from app.store.schema import HEAD, at_head


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert not at_head(engine)
    upgrade(engine)
    assert at_head(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_the_migrated_database_matches_the_models_on_each_dialect(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_base_removes_every_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


def test_schema_head_names_the_newest_migration(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    assert HEAD == head
    assert not at_head(engine)  # no schema at all
    upgrade(engine, "0004")
    assert not at_head(engine)
    upgrade(engine)
    assert at_head(engine)


def test_the_search_index_keeps_8_mib_of_new_postings_in_memory(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        size = connection.execute(text("SELECT v FROM article_fts_config WHERE k = 'hashsize'")).scalar_one()
    assert size == 8 * 1024 * 1024
