"""Benchmark `articles ingest`: a first load into an empty database, then a re-load of unchanged files.

Usage: ``python bench/ingest.py [--articles 20000] [--runs 3] [--database-url URL]... [--postgres]``.
The synthetic corpus (bench/generate.py) is written once and cached in the temp folder, keyed by size, seed
and the generator's source. Each run starts from an empty database: a temporary SQLite file by default; a
--database-url SQLite file is deleted, a PostgreSQL database has its public schema dropped and is migrated.
Several --database-url, or --postgres (a throwaway cluster), compare databases in one run.
"""

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus, postgres, require_cli, reset, run_articles, sqlite_file  # noqa: E402


def timed_ingest(folder: Path, database_url: str, jobs: int | None) -> float:
    """Seconds that one `articles ingest FOLDER` takes; exits with its output if it fails."""
    jobs_option = ["--jobs", str(jobs)] if jobs is not None else []
    return run_articles("ingest", str(folder), *jobs_option, database_url=database_url)


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
    require_cli()
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


if __name__ == "__main__":
    main()
