"""Benchmark `articles ingest`: a first load into an empty database, then a re-load of unchanged files.

Usage: ``python bench/ingest.py [--articles 20000] [--runs 3] [--database-url URL]... [--postgres]``.
The synthetic corpus (bench/generate.py) is written once and cached in the temp folder, keyed by size, seed
and the generator's source. Each run starts from an empty database: a temporary SQLite file by default; a
--database-url SQLite file is deleted, a PostgreSQL database has its public schema dropped and is migrated.
Several --database-url, or --postgres (a throwaway cluster), compare databases in one run.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import corpus, postgres, require_cli, reset, run_articles, sqlite_file  # noqa: E402


@dataclass(frozen=True)
class Timing:
    """One `articles ingest`: wall time, and where the CPU went."""

    seconds: float
    command_cpu: float  # the `articles` process: discovery, reading results, every database write
    machine_cpu: float  # every CPU of the machine: that, plus the parser processes (and anything else)

    def breakdown(self, articles: int) -> str:
        """CPU per article, the writer's part, and how many cores were busy on average."""
        if self.machine_cpu <= 0:  # no /proc/stat: the command's own CPU is all there is to say
            return f"writer CPU {self.command_cpu / articles * 1000:.2f} ms/article"
        return (
            f"CPU {self.machine_cpu / articles * 1000:.2f} ms/article, "
            f"{self.command_cpu / articles * 1000:.2f} of it in the writer; "
            f"{self.machine_cpu / self.seconds:.2f} cores busy"
        )


def _busy_cpu_seconds() -> float:
    """CPU seconds the machine has been busy since boot (Linux /proc/stat: user, nice, system, irq,
    softirq); 0.0 where there is no /proc."""
    try:
        ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, _steal = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed_ingest(folder: Path, database_url: str, jobs: int | None) -> Timing:
    """Time one `articles ingest FOLDER`; exits with its output if it fails. The parsers are the command's
    grandchildren, whose CPU nobody waits to collect: the machine's busy time counts them (with whatever
    else runs meanwhile, so run this on an otherwise idle machine)."""
    jobs_option = ["--jobs", str(jobs)] if jobs is not None else []
    children, machine = resource.getrusage(resource.RUSAGE_CHILDREN), _busy_cpu_seconds()
    seconds = run_articles("ingest", str(folder), *jobs_option, database_url=database_url)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return Timing(seconds, command, _busy_cpu_seconds() - machine if machine else 0.0)


def bench(folder: Path, articles: int, runs: int, database_url: str, jobs: int | None) -> tuple[float, float]:
    """Median first-load and re-load rates (articles per second) over `runs` fresh databases."""
    first_rates, reload_rates = [], []
    for run in range(1, runs + 1):
        reset(database_url)
        first = timed_ingest(folder, database_url, jobs)
        reload = timed_ingest(folder, database_url, jobs)
        first_rates.append(articles / first.seconds)
        reload_rates.append(articles / reload.seconds)
        print(
            f"run {run}: first load {first.seconds:.2f}s ({first_rates[-1]:.0f} articles/s; "
            f"{first.breakdown(articles)}), re-load {reload.seconds:.2f}s ({reload_rates[-1]:.0f} articles/s)"
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
