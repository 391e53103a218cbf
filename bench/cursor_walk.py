"""Check by hand that walking /articles by cursor visits every article of real posts exactly once.

Usage: ``python bench/cursor_walk.py DIR [DIR ...] [--limit 6]``: ingests the folders into a temporary SQLite
database, walks every page by `next_cursor` in-process, and prints how many articles were visited, how many
distinct, and the total the API reports. Exits 1 if the walk missed or repeated anything.
"""

import argparse
import sys
import tempfile
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the test client's note that it prefers another HTTP package
    from fastapi.testclient import TestClient

from app.api.app import create_app
from app.config import Settings
from app.ingest.runner import ingest
from app.store.engine import make_engine
from app.store.migrations import upgrade


def walk(client: TestClient, limit: int) -> list[str]:
    """Every id met by following next_cursor from the first page."""
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": limit}
    while True:
        page = client.get("/articles", params=params).json()
        ids.extend(item["id"] for item in page["items"])
        if not page["next_cursor"]:
            return ids
        params = {"limit": limit, "cursor": page["next_cursor"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/walk.db"
        engine = make_engine(url)
        upgrade(engine)
        report = ingest(args.folders, engine=engine, zone=ZoneInfo("UTC"), jobs=1)
        with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
            ids = walk(client, args.limit)
            total = client.get("/articles").json()["total"]
    print(f"loaded {report.added} articles ({report.failed} failed); walked {len(ids)} ids, "
          f"{len(set(ids))} distinct; API total {total}")  # fmt: skip
    return 0 if len(ids) == len(set(ids)) == total == report.added else 1


if __name__ == "__main__":
    sys.exit(main())
