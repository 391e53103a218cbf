"""The same files give the same JSON, ids included, on SQLite and on PostgreSQL."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.app import create_app
from app.config import Settings
from app.ingest.runner import ingest
from app.store.engine import make_engine
from tests.conftest import FIXTURES, UTC_ZONE, empty_database

DATA = Path(__file__).resolve().parent.parent / "data"


def _dump(url: str, folder: Path) -> dict[str, Any]:
    """Ingest `folder` into `url`, then read everything back through the API."""
    engine = make_engine(url)
    try:
        report = ingest([folder], engine=engine, zone=UTC_ZONE, jobs=1)
        assert report.failed == 0, report.failures
        with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
            pages = [
                client.get("/articles", params={"limit": 3, "offset": n}).json() for n in range(0, 15, 3)
            ]
            ids = [item["id"] for page in pages for item in page["items"]]
            details = {article_id: client.get(f"/articles/{article_id}").json() for article_id in ids}
            categories = client.get("/categories").json()
        for detail in details.values():
            detail.pop("updated_at")  # the time of each ingest, not of the data
        return {"pages": pages, "details": details, "categories": categories}
    finally:
        if engine.dialect.name == "postgresql":
            empty_database(engine)
        engine.dispose()


def test_sqlite_and_postgresql_serve_identical_json(
    tmp_path: Path, migrated_template: Path, postgres_database: str | None
) -> None:
    if postgres_database is None:
        pytest.skip("PostgreSQL is not available")
    folder = tmp_path / "posts"
    shutil.copytree(DATA, folder)
    shutil.copy(FIXTURES / "seed.md", folder / "seed-again.md")
    sqlite_file = tmp_path / "parity.db"
    shutil.copy(migrated_template, sqlite_file)
    on_sqlite = _dump(f"sqlite:///{sqlite_file}", folder)
    on_postgres = _dump(postgres_database, folder)
    assert len(on_sqlite["details"]) == 14
    assert on_sqlite == on_postgres
