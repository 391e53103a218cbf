"""Benchmark `articles export`: its peak memory stays flat from ten thousand articles to a million.

Usage: ``python bench/export.py [--articles 1000000] [--steps 3] [--base 2000] [--format jsonl]
[--database-url URL]``. A base corpus (bench/generate.py, --base articles) is ingested, then its rows are
copied under new ids, slugs and paths until the database holds --articles / 100, / 10 and --articles (with
--steps 3); at each size `articles export` writes every article to /dev/null, and its time and peak resident
memory (from wait4) are printed. Streaming means the peak does not grow with the count. The ingested base
is cached in the temp folder (articles-bench/export-base-*.db), keyed by its size, the generator and the
migrations; each run grows a copy of it, deleted at the end. A --database-url database is emptied and loaded
anew.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ARTICLES_CLI,
    BENCH,
    CACHE_ROOT,
    corpus,
    require_cli,
    reset,
    run_articles,
    source_version,
)

sys.path.insert(1, str(BENCH.parent))
from app.store.engine import make_engine  # noqa: E402
from app.store.tables import ARTICLE, LINK  # noqa: E402

COPY_BATCH = 2000


def loaded_database(database_url: str | None, base: int, seed: int) -> str:
    """The URL of a database holding the base corpus only: a copy of the cached SQLite file, or the given
    database emptied and loaded."""
    if database_url is not None:
        reset(database_url)
        run_articles("ingest", str(corpus(base, seed)), "--quiet", database_url=database_url)
        return database_url
    key = source_version(BENCH / "generate.py", BENCH.parent / "migrations")
    cached = CACHE_ROOT / f"export-base-{base}-{seed}-{key}.db"
    if not cached.exists():
        building = cached.with_suffix(".building.db")
        reset(f"sqlite:///{building}")
        run_articles("ingest", str(corpus(base, seed)), "--quiet", database_url=f"sqlite:///{building}")
        building.rename(cached)
    work = CACHE_ROOT / "export-work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copy(cached, work)
    return f"sqlite:///{work}"


Rows = list[dict[str, Any]]


def originals(engine: Engine) -> tuple[Rows, dict[str, Rows]]:
    """The base corpus's articles, and their category links by article id."""
    with engine.connect() as connection:
        articles = [
            dict(row) for row in connection.execute(select(ARTICLE).order_by(ARTICLE.c.id)).mappings()
        ]
        links: dict[str, Rows] = {}
        for link in connection.execute(select(LINK)).mappings():
            links.setdefault(link["article_id"], []).append(dict(link))
    return articles, links


def grow(engine: Engine, target: int, base: Rows, links: dict[str, Rows]) -> None:
    """Copy the base articles (and their category links) under new ids until there are `target`."""
    with engine.connect() as connection:
        have = int(connection.execute(select(func.count()).select_from(ARTICLE)).scalar_one())
    started = time.perf_counter()
    while have < target:
        # The k-th copy of every original (the originals are copy 0): ids, slugs and paths take k. A size
        # that is no multiple of the base ends a copy part-way, and the next size goes on from there.
        copy, first = divmod(have, len(base))
        chosen = base[first : first + target - have]
        rows = [_copy(original, copy) for original in chosen]
        copied_links = [
            link | {"article_id": row["id"]}
            for original, row in zip(chosen, rows, strict=True)
            for link in links.get(original["id"], [])
        ]
        with engine.begin() as connection:
            for start in range(0, len(rows), COPY_BATCH):
                connection.execute(insert(ARTICLE), rows[start : start + COPY_BATCH])
            for start in range(0, len(copied_links), COPY_BATCH):
                connection.execute(insert(LINK), copied_links[start : start + COPY_BATCH])
        have += len(rows)
        print(f"\r  grown to {have:,} articles in {time.perf_counter() - started:.0f}s", end="", flush=True)
    print()


def _copy(original: dict[str, Any], copy: int) -> dict[str, Any]:
    return original | {
        "id": f"z{copy:04d}{original['id'][5:]}",  # z is no hex digit: never an original's id
        "slug": f"{original['slug']}-{copy}",
        "source_path": f"{original['source_path']}#{copy}",
        "file_path": f"{original['file_path']}#{copy}",
    }


def measure(database_url: str, form: str, expected: int) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `articles export --format FORM > /dev/null`; exits unless it succeeds
    and says it exported `expected` articles."""
    environment = {**os.environ, "DATABASE_URL": database_url}
    command = [str(ARTICLES_CLI), "export", "--format", form]
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as said:
        process = subprocess.Popen(command, stdout=sink, stderr=said, env=environment)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        said.seek(0)
        line = said.read().decode()
    if process.returncode != 0 or line.strip() != f"Exported {expected:,} articles.":
        sys.exit(f"articles export exited with {process.returncode}: {line}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=3, help="sizes measured, each a tenth of the next")
    parser.add_argument("--base", type=int, default=2000, help="articles generated and ingested, then copied")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "csv"])
    parser.add_argument("--database-url", help="default: a SQLite file in the temp folder")
    args = parser.parse_args()
    require_cli()
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    database_url = loaded_database(args.database_url, args.base, args.seed)
    engine = make_engine(database_url)
    base, links = originals(engine)
    sizes = sorted({max(args.base, args.articles // 10**step) for step in range(args.steps)})
    print(f"articles export --format {args.format} > /dev/null")
    results = []
    for size in sizes:
        grow(engine, size, base, links)
        seconds, peak_mb = measure(database_url, args.format, size)
        results.append(f"{size:>10,} {seconds:>8.1f} {size / seconds:>11,.0f} {peak_mb:>12.0f}")
        print(results[-1])
    engine.dispose()
    if args.database_url is None:  # gigabytes, grown from the cached base again by the next run
        for suffix in ("", "-wal", "-shm"):
            Path(f"{CACHE_ROOT / 'export-work.db'}{suffix}").unlink(missing_ok=True)
    print(f"\n{'articles':>10} {'seconds':>8} {'articles/s':>11} {'peak RSS MB':>12}", *results, sep="\n")


if __name__ == "__main__":
    main()
