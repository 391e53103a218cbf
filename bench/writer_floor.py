"""The single writer's floor: what storing N generated articles costs once they are parsed.

Usage: ``python bench/writer_floor.py [--articles 20000] [--runs 3]``.
SQLite has one writer at a time, so the writer's CPU per article bounds the first-load rate, however fast and
however many the parsers are. The records are built first (in parser processes, not timed), then written in
batches of 500 into a fresh migrated SQLite file, three ways:

- **the writer**: `Loader.write`, as `articles ingest` runs it (categories, upserts, links, search index);
- **SQLite alone**: the same article rows and search index rows through the sqlite3 module's `executemany`,
  with no conflict handling, links or filter terms: SQLite's own cost, the least any writer could spend;
- **its search index**: the FTS5 part of that, and the same rows in one transaction (no segments to merge).

Each figure is CPU per article in this process (SQLite runs in it), median of `--runs`; 1000 divided by it is
the highest rate in articles per second that writing alone allows on one core.
"""

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus, reset  # noqa: E402

from app.ingest.parsers import Task, build_all  # noqa: E402
from app.parse.record import ArticleRecord  # noqa: E402
from app.store.backends.fts5 import doc_id_floor  # noqa: E402
from app.store.engine import make_engine  # noqa: E402
from app.store.writer import Loader  # noqa: E402

BATCH = 500


def build(folder: Path) -> list[ArticleRecord]:
    """Every article of `folder`, parsed in worker processes as ingest does."""
    tasks = [Task(str(path.relative_to(folder)), str(path)) for path in sorted(folder.rglob("*.md"))]
    outcomes = build_all(tasks, ZoneInfo("UTC"), jobs=None)
    records = [outcome for outcome in outcomes if isinstance(outcome, ArticleRecord)]
    if len(records) != len(tasks):
        sys.exit(f"{len(tasks) - len(records)} generated files failed to parse")
    return records


def batches(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


def cpu_ms(work: Callable[[], None], articles: int) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) / articles * 1000


@contextmanager
def fresh_database() -> Iterator[Path]:
    """An empty, migrated SQLite file, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="articles-writer-floor-") as folder:
        path = Path(folder) / "floor.db"
        reset(f"sqlite:///{path}")
        yield path


def time_loader(records: list[ArticleRecord]) -> float:
    with fresh_database() as path:
        engine = make_engine(f"sqlite:///{path}")
        loader = Loader(engine)

        def write() -> None:
            for batch in batches(records):
                loader.write(batch)

        try:
            return cpu_ms(write, len(records))
        finally:
            engine.dispose()


def _value(value: Any) -> Any:
    """A record's value as SQLAlchemy hands it to SQLite: JSON as text, times as naive UTC text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value


def raw_rows(records: list[ArticleRecord]) -> tuple[list[str], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Article rows and search index rows, ready for executemany (built before any clock starts)."""
    now = datetime.now().isoformat(sep=" ")
    columns = [*records[0].row(), "created_at", "updated_at"]
    articles = [tuple(_value(value) for value in record.row().values()) + (now, now) for record in records]
    index = sorted(
        (doc_id_floor(record.published_at) | sequence, record.title_tokens, record.body_tokens, "")
        for sequence, record in enumerate(records)
    )
    return columns, articles, index


def time_sqlite(records: list[ArticleRecord]) -> tuple[float, float, float]:
    """CPU ms per article of the article rows and of the search index rows, in batches; and of the search
    index rows in one transaction."""
    columns, articles, index = raw_rows(records)
    insert_article = f"INSERT INTO article ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    insert_index = "INSERT INTO article_fts (rowid, title, body, filters) VALUES (?, ?, ?, ?)"
    with fresh_database() as path:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")

        def in_batches(statement: str, rows: list[tuple[Any, ...]]) -> Callable[[], None]:
            def write() -> None:
                for batch in batches(rows):
                    connection.execute("BEGIN IMMEDIATE")
                    connection.executemany(statement, batch)
                    connection.execute("COMMIT")  # where FTS5 writes out what it gathered: timed too

            return write

        rows_ms = cpu_ms(in_batches(insert_article, articles), len(records))
        index_ms = cpu_ms(in_batches(insert_index, index), len(records))
        connection.execute("INSERT INTO article_fts (article_fts) VALUES ('delete-all')")

        def one_transaction() -> None:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(insert_index, index)
            connection.execute("COMMIT")

        bulk_ms = cpu_ms(one_transaction, len(records))
        connection.close()
    return rows_ms, index_ms, bulk_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = corpus(args.articles, args.seed)
    started = time.perf_counter()
    records = build(folder)
    print(f"built {len(records)} records in {time.perf_counter() - started:.1f}s (not timed below)")
    figures: dict[str, list[float]] = {}
    for run in range(1, args.runs + 1):
        loader_ms = time_loader(records)
        rows_ms, index_ms, bulk_ms = time_sqlite(records)
        run_figures = {
            "the writer (Loader.write)": loader_ms,
            "SQLite alone: article rows + search index": rows_ms + index_ms,
            "  article rows": rows_ms,
            "  search index (FTS5), batches of 500": index_ms,
            "  search index (FTS5), one transaction": bulk_ms,
        }
        for name, value in run_figures.items():
            figures.setdefault(name, []).append(value)
        print(
            f"run {run}: " + ", ".join(f"{name.strip()} {value:.3f}" for name, value in run_figures.items())
        )
    print(f"\nmedian of {args.runs}, CPU per article (load average {os.getloadavg()[0]:.2f} at the end):")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"  {name:45s} {median:6.3f} ms   at most {1000 / median:7,.0f} articles/s on one core")


if __name__ == "__main__":
    main()
