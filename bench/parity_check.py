"""Check by hand that SQLite and PostgreSQL serve identical JSON for the same files, ids included.

Usage: ``python bench/parity_check.py DIR [DIR ...]``: starts a throwaway PostgreSQL cluster, ingests the
folders into it and into a temporary SQLite file, reads every page of /articles (by cursor), every
/articles/{id} and /categories through the app in process, and compares them (updated_at, the time of each
ingest, aside). Exits 1 and names the first difference if there is one.
"""

import argparse
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the test client's note that it prefers another HTTP package
    from fastapi.testclient import TestClient

from app.api.app import create_app
from app.config import Settings
from app.ingest.runner import ingest
from app.store.engine import make_engine
from app.store.migrations import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import postgres  # noqa: E402  (a sibling script)


def dump(url: str, folders: list[Path]) -> dict[str, Any]:
    """Ingest the folders into `url` and read everything back through the API."""
    engine = make_engine(url)
    upgrade(engine)
    report = ingest(folders, engine=engine, zone=ZoneInfo("UTC"), jobs=1)
    pages: list[Any] = []
    with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
        params: dict[str, Any] = {"limit": 7}
        while True:
            page = client.get("/articles", params=params).json()
            pages.append(page)
            if not page["next_cursor"]:
                break
            params = {"limit": 7, "cursor": page["next_cursor"]}
        ids = [item["id"] for page in pages for item in page["items"]]
        details = {article_id: client.get(f"/articles/{article_id}").json() for article_id in ids}
        categories = client.get("/categories").json()
    engine.dispose()
    for detail in details.values():
        detail.pop("updated_at")
    print(
        f"{url.split('://')[0]}: {report.added} articles loaded, {report.failed} failed, {len(pages)} pages"
    )
    return {"pages": pages, "details": details, "categories": categories}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, postgres(True) as cluster:
        assert cluster is not None
        on_sqlite = dump(f"sqlite:///{scratch}/parity.db", args.folders)
        on_postgres = dump(cluster, args.folders)
    for part in on_sqlite:
        if on_sqlite[part] != on_postgres[part]:
            print(f"DIFFERENT: {part}")
            return 1
    print(f"identical: {len(on_sqlite['details'])} articles, every page, every detail and the category tree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
