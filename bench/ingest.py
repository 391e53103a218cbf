"""Benchmark `articles ingest`: a first load into an empty database, then a re-load of unchanged files.

Usage: ``python bench/ingest.py [--articles 20000] [--runs 3] [--database-url URL]... [--postgres]``.
The synthetic corpus (bench/generate.py) is written once and cached in the temp folder, keyed by size, seed
and the generator's source. Each run starts from an empty database: a temporary SQLite file by default; a
--database-url SQLite file is deleted, a PostgreSQL database has its public schema dropped and is migrated.
Several --database-url, or --postgres (a throwaway cluster), compare databases in one run.
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # for tests.postgres
from generate import generate  # noqa: E402  (a sibling script, not a package)

ARTICLES_CLI = Path(sys.executable).parent / "articles"
CACHE_ROOT = Path(tempfile.gettempdir()) / "articles-bench"


def corpus(articles: int, seed: int) -> Path:
    """The cached corpus folder, generated first if missing or written by another version of generate.py."""
    version = hashlib.sha256(Path(__file__).with_name("generate.py").read_bytes()).hexdigest()[:10]
    folder = CACHE_ROOT / f"corpus-{articles}-{seed}-{version}"
    done = folder.with_name(folder.name + ".done")
    if done.exists():
        print(f"corpus: {articles} articles in {folder} (cached)")
        return folder
    started = time.perf_counter()
    generate(articles, folder, seed)
    done.touch()
    print(f"corpus: {articles} articles written to {folder} in {time.perf_counter() - started:.1f}s")
    return folder


def sqlite_file(database_url: str) -> Path | None:
    """The database file behind a SQLite URL, None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        sys.exit("an in-memory SQLite database would vanish with the ingest process: give a file URL")
    return Path(url.database)


def reset(database_url: str) -> None:
    """Start from an empty, migrated database: delete a SQLite file (and its WAL), or drop every table of a
    PostgreSQL database's public schema."""
    path = sqlite_file(database_url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    # The schema is made before the clock starts, on both databases alike.
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([str(ARTICLES_CLI), "migrate"], env=env, check=True, capture_output=True)


def timed_ingest(folder: Path, database_url: str, jobs: int | None) -> float:
    """Seconds that one `articles ingest FOLDER` takes; exits with its output if it fails."""
    command = [str(ARTICLES_CLI), "ingest", str(folder)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return elapsed


def bench(folder: Path, articles: int, runs: int, database_url: str, jobs: int | None) -> tuple[float, float]:
    """Median first-load and re-load rates (articles per second) over `runs` fresh databases."""
    first_rates, reload_rates = [], []
    for run in range(1, runs + 1):
        reset(database_url)
        first = timed_ingest(folder, database_url, jobs)
        reload = timed_ingest(folder, database_url, jobs)
        first_rates.append(articles / first)
        reload_rates.append(articles / reload)
        print(
            f"run {run}: first load {first:.2f}s ({first_rates[-1]:.0f} articles/s), "
            f"re-load {reload:.2f}s ({reload_rates[-1]:.0f} articles/s)"
        )
    medians = statistics.median(first_rates), statistics.median(reload_rates)
    print(f"median of {runs}: first load {medians[0]:.0f} articles/s, re-load {medians[1]:.0f} articles/s")
    return medians


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time `articles ingest`: first load and unchanged re-load.")
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each on a fresh database (default 3)")
    parser.add_argument(
        "--database-url",
        action="append",
        help="database to use, emptied before each run; repeat to compare (default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="also run on a throwaway PostgreSQL cluster (initdb/pg_ctl)"
    )
    parser.add_argument("--jobs", type=int, help="passed on to `articles ingest --jobs`")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = parser.parse_args(argv)
    if not ARTICLES_CLI.exists():
        sys.exit(f"{ARTICLES_CLI} not found: install the project into this environment first")
    for url in args.database_url or []:
        sqlite_file(url)  # a bad URL fails before the corpus is generated
    folder = corpus(args.articles, args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="articles-bench-db-") as scratch,
        postgres(args.postgres) as cluster,
    ):
        urls = args.database_url or [f"sqlite:///{Path(scratch) / 'bench.db'}"]
        results = {}
        for database_url in [*urls, *([cluster] if cluster else [])]:
            name = make_url(database_url).render_as_string(hide_password=True)
            print(f"database: {name}")
            results[name] = bench(folder, args.articles, args.runs, database_url, args.jobs)
    if len(results) > 1:
        print("\nmedians (articles/s):")
        for name, (first, reload) in results.items():
            print(
                f"  {make_url(name).get_backend_name():<10} first load {first:7.0f}   re-load {reload:7.0f}"
            )


@contextmanager
def postgres(wanted: bool) -> Iterator[str | None]:
    """The URL of a throwaway PostgreSQL cluster (the test suite's), stopped afterwards, or None."""
    if not wanted:
        yield None
        return
    from tests.postgres import start_cluster

    cluster = start_cluster()
    if cluster is None:
        sys.exit("--postgres needs PostgreSQL's server binaries (initdb, pg_ctl)")
    try:
        yield cluster.url
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
