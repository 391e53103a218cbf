"""Benchmark the API under wrk beside Datasette, a minimal endpoint and a bare ASGI app, on one database.

Usage: ``python bench/api.py [--articles 100000] [--duration 10] [--runs 3] [--database-url URL]``.
Builds a SQLite database of generated articles (bench/generate.py + `articles ingest`; cached in the temp
folder by size, seed, generator and migrations) and serves that one file with `articles serve` three times
(one worker; one worker with the response cache off; two workers), Datasette (one process, `--immutable`,
from its own venv, bench/.venv-datasette, made on first use), the minimal endpoint (bench/minimal.py: the
detail row read and serialized directly, the ceiling of the cold path) and a constant body of the size of our
list page with bare uvicorn (the ceiling of the machine). Two kinds of workload:

- hot: one URL asked again and again (what the response cache replays);
- cold: each request a path drawn at random from a set of distinct paths (bench/api_workloads.py), as many
  readers asking for many articles, pages and searches.

wrk drives each workload of each server in turn (a warm-up, then a fixed time) in every run; the figures are
medians over the runs. Then one overload run (bench/api_overload.py): wrk with 1,024 connections on cold
searches, cache off, while a light client times /healthz and the server's memory is polled. With
--database-url we serve that database (PostgreSQL, migrated and loaded with the corpus), the minimal endpoint
reads it with psycopg, and Datasette, which serves SQLite files only, is skipped. Results go to
bench/RESULTS.md, newest first.
"""

import argparse
import math
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_overload  # noqa: E402  (sibling scripts)
import api_servers  # noqa: E402
import api_workloads as workloads  # noqa: E402
from api_report import (  # noqa: E402
    Load,
    cold_targets_lines,
    describe,
    figures_table,
    hot_targets_table,
    write_results,
)
from api_servers import Served, Servers, start_all  # noqa: E402
from api_workloads import (  # noqa: E402
    CACHE_OFF,
    CEILING,
    COLD,
    DATASETTE_NAME,
    DETAIL,
    FIRST_PAGES,
    HOT,
    LISTINGS,
    MINIMAL,
    OURS,
    SCALING,
    SEARCH,
    SUMMARY_COLUMNS,
    TWO_WORKERS,
    Key,
)
from common import (  # noqa: E402
    BENCH,
    CACHE_ROOT,
    Measure,
    corpus,
    fetch,
    require_cli,
    reset,
    run_articles,
    source_version,
    wrk,
)

DATASETTE_VENV = BENCH / ".venv-datasette"
DATASETTE = "datasette>=0.65,<0.66"
LOGS = CACHE_ROOT / "api-run"  # server logs and path sets, kept after the run to look into
CHECKED_PATHS = 20  # of each set, fetched from each server before any load


@dataclass(frozen=True)
class Target:
    """What wrk asks for: one URL, or a path of `paths` drawn at random on the server at `url`."""

    url: str
    paths: workloads.PathSet | None = None

    def sample(self, count: int) -> list[str]:
        """URLs to check before any load: the URL, or some of the paths."""
        if self.paths is None:
            return [self.url]
        chosen = random.Random(0).sample(self.paths.paths, min(count, self.paths.size))
        return [self.url + path for path in chosen]


def fetch_checked(url: str) -> bytes:
    """The body of `url`, or exit naming the URL and what it answered."""
    try:
        return fetch(url)
    except OSError as error:  # urllib's HTTPError and URLError included
        sys.exit(f"{url} did not answer 200 before the load ({error}): see the server logs in {LOGS}")


def ensure_datasette() -> Path:
    """The datasette command of bench/.venv-datasette, installed from PyPI first if missing."""
    command = DATASETTE_VENV / "bin" / "datasette"
    if not command.exists():
        print(f"installing {DATASETTE} into {DATASETTE_VENV}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(DATASETTE_VENV)], check=True)
        pip = [str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", DATASETTE]
        subprocess.run(pip, check=True)
    return command


def database(articles: int, seed: int, given_url: str | None) -> str:
    """A database holding the corpus: the cached SQLite file, or `given_url` migrated and loaded."""
    folder = corpus(articles, seed)
    if given_url:
        run_articles("migrate", database_url=given_url)
        seconds = run_articles("ingest", str(folder), "--quiet", database_url=given_url)
        print(f"database: {make_url(given_url).render_as_string(hide_password=True)} (ingest {seconds:.0f}s)")
        return given_url
    version = source_version(BENCH / "generate.py", BENCH.parent / "migrations")
    path = CACHE_ROOT / f"api-{articles}-{seed}-{version}.db"
    url = f"sqlite:///{path}"
    done = path.with_name(path.name + ".done")
    if not done.exists():
        reset(url)
        print(f"database: ingesting {articles} articles into {path} (a few minutes)")
        seconds = run_articles("ingest", str(folder), "--quiet", database_url=url)
        print(f"database: ingested in {seconds:.0f}s")
        done.touch()
    else:
        print(f"database: {path} (cached)")
    with sqlite3.connect(path) as connection:  # fold the WAL in: Datasette opens the file immutable
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return url


def hot_targets(served: Served, articles: int) -> dict[Key, Target]:
    """One URL per workload: ours, Datasette's beside each, the bare ASGI app last."""
    our_urls, slug, article_id = workloads.our_endpoints(served.ours, articles)
    theirs: dict[str, str] = {}
    if served.datasette and served.datasette_file:
        theirs = workloads.datasette_endpoints(
            served.datasette, served.datasette_file, slug, article_id, articles
        )
    targets: dict[Key, Target] = {}
    for endpoint, url in our_urls.items():
        targets[(HOT, endpoint, OURS)] = Target(url)
        if endpoint in theirs:
            targets[(HOT, endpoint, DATASETTE_NAME)] = Target(theirs[endpoint])
    targets[(HOT, f"constant {served.ceiling_bytes} B", CEILING)] = Target(served.ceiling)
    return targets


def cold_targets(
    served: Served, corpus_sample: workloads.Corpus, folder: Path, seed: int
) -> dict[Key, Target]:
    """The cold sets, written to `folder`, on each server that answers them; then the scaling figure."""
    ids = corpus_sample.ids
    details = workloads.write_set(folder, "details", workloads.detail_paths(ids), f"{len(ids):,} random ids")
    categories = corpus_sample.categories
    walked = workloads.category_pages(served.cache_off, categories)
    listings = workloads.write_set(
        folder,
        "listings",
        walked,
        f"{len(walked):,} pages of {len(categories)} categories: first pages and "
        "pages reached by following next_cursor",
    )
    first = workloads.category_first_pages(categories)
    first_pages = workloads.write_set(folder, "first-pages", first, f"{len(first)} categories")
    searches = workloads.search_params(corpus_sample, seed)
    search = workloads.write_set(
        folder, "searches", workloads.search_paths(searches), workloads.search_note(searches)
    )
    targets = {
        (COLD, DETAIL, OURS): Target(served.ours, details),
        (COLD, DETAIL, CACHE_OFF): Target(served.cache_off, details),
    }
    if served.datasette and served.datasette_file:
        database = served.datasette_file.stem
        rows = workloads.write_set(folder, "datasette-rows", workloads.datasette_row_paths(database, ids))
        targets[(COLD, DETAIL, DATASETTE_NAME)] = Target(served.datasette, rows)
    targets[(COLD, DETAIL, MINIMAL)] = Target(served.minimal, details)
    targets[(COLD, LISTINGS, OURS)] = Target(served.ours, listings)
    targets[(COLD, LISTINGS, CACHE_OFF)] = Target(served.cache_off, listings)
    targets[(COLD, LISTINGS, MINIMAL)] = Target(served.minimal, listings)
    targets[(COLD, FIRST_PAGES, OURS)] = Target(served.ours, first_pages)
    targets[(COLD, FIRST_PAGES, CACHE_OFF)] = Target(served.cache_off, first_pages)
    if served.datasette and served.datasette_file:
        pages = workloads.datasette_first_pages(served.datasette_file.stem, categories, SUMMARY_COLUMNS)
        theirs = workloads.write_set(folder, "datasette-first-pages", pages)
        targets[(COLD, FIRST_PAGES, DATASETTE_NAME)] = Target(served.datasette, theirs)
    targets[(COLD, SEARCH, OURS)] = Target(served.ours, search)
    targets[(COLD, SEARCH, CACHE_OFF)] = Target(served.cache_off, search)
    targets[(SCALING, DETAIL, TWO_WORKERS)] = Target(served.two_workers, details)
    return targets


def check_minimal(served: Served, *sets: workloads.PathSet) -> None:
    """Exit unless the minimal endpoint answers the same bytes as our details and category pages (on a
    sample of each set)."""
    for path in (path for paths in sets for path in paths.paths[:50]):
        ours, minimal = fetch_checked(served.cache_off + path), fetch_checked(served.minimal + path)
        if ours != minimal:
            at = next((i for i, pair in enumerate(zip(ours, minimal, strict=False)) if len(set(pair)) > 1), 0)
            sys.exit(
                f"bench/minimal.py answers other bytes than the API for {path}, from byte {at}:\n"
                f"{minimal[at - 60 : at + 60]!r}\nvs {ours[at - 60 : at + 60]!r}\n"
                "make its fields and their serialization those of ArticleDetail and ArticlePage"
            )


def measure_all(
    targets: dict[Key, Target], args: argparse.Namespace, servers: Servers, problems: list[str]
) -> dict[Key, list[Measure]]:
    """Every workload of every server in turn, once per run, so drifting load spreads over all of them. A
    server that does not recover after a measurement, or that wrk cannot reach, goes into `problems` and is
    restarted."""
    results: dict[Key, list[Measure]] = {key: [] for key in targets}
    for run in range(1, args.runs + 1):
        for key, target in targets.items():
            measure, problem = measure_one(target, args)
            results[key].append(measure)
            errors = f"  {measure.errors} errors" if measure.errors else ""
            print(
                f"run {run}: {key[0]:7} {key[1]:24} {key[2]:24} {measure.rps:7.0f} req/s"
                f"  p50 {measure.p50_ms:6.1f} ms  p99 {measure.p99_ms:6.1f} ms{errors}"
            )
            problem = problem or settle(target.sample(1)[0])
            if problem:
                problem += servers.exit_note(target.url)
                problems.append(f"after run {run}'s {key[0]} {key[1]} on {key[2]}, {problem}")
                print(f"problem: {problems[-1]}; restarting it")
                servers.restart(target.url)
    return results


def measure_one(target: Target, args: argparse.Namespace) -> tuple[Measure, str | None]:
    """A warm-up then a measurement of `target`; a measurement of nothing and the reason if wrk failed."""
    paths = target.paths.file if target.paths else None
    try:
        if args.warmup:
            wrk(target.url, args.warmup, args.connections, args.threads, paths=paths)
        return wrk(target.url, args.duration, args.connections, args.threads, paths=paths), None
    except subprocess.CalledProcessError as error:
        return Measure(0.0, math.inf, math.inf, 0, 0), f"wrk failed: {_last_line(error)}"


def settle(url: str, timeout: float = 30) -> str | None:
    """Wait until `url` answers 200, or say what it answered: a server still working off the requests wrk
    left behind would slow down the next measurement, and one more request returns once the queue ahead of
    it is done (or is refused with a 503 while the queue is full, and asked again)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fetch(url, timeout=timeout)
            return None
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > deadline:
                return f"{urllib.parse.urlsplit(url).path} still answered {error.code} ({timeout:.0f} s)"
        except OSError as error:
            return f"{urllib.parse.urlsplit(url).path} did not answer ({error})"
        time.sleep(1)


def medians(runs: list[Measure]) -> Measure:
    return Measure(
        rps=statistics.median(m.rps for m in runs),
        p50_ms=statistics.median(m.p50_ms for m in runs),
        p99_ms=statistics.median(m.p99_ms for m in runs),
        completed=sum(m.completed for m in runs),
        errors=sum(m.errors for m in runs),
    )


def run_overload(
    served: Served, servers: Servers, search: workloads.PathSet, args: argparse.Namespace
) -> list[str]:
    """The overload run on our cache-off server, as Markdown lines (none when skipped)."""
    if not args.overload_seconds:
        return []
    print(f"overload: wrk -c{args.overload_connections} -d{args.overload_seconds:g}s on cold searches")
    url, lines = served.cache_off, ["", "### Overload", ""]
    try:
        run = api_overload.overload(
            url,
            served.cache_off_health,
            search.file,
            servers.pid(url),
            args.overload_connections,
            args.overload_seconds,
        )
    except subprocess.CalledProcessError as error:
        return [*lines, f"Not measured: wrk failed ({_last_line(error)}){servers.exit_note(url)}."]
    lines += api_overload.report(run)
    ended = servers.exit_note(url)
    return lines + (["", f"The server did not survive the run{ended}."] if ended else [])


def _last_line(error: subprocess.CalledProcessError) -> str:
    """The last line wrk wrote to stderr, or its exit status."""
    lines = (error.stderr or error.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"exit status {error.returncode}"


@dataclass
class Run:
    """What one invocation measured."""

    targets: dict[Key, Target]
    results: dict[Key, Measure]  # medians over the runs
    problems: list[str]
    overload: list[str]  # the overload run's table, as Markdown lines


def benchmark(args: argparse.Namespace, database_url: str, datasette: Path | None) -> Run:
    """Serve the database, build the workloads, check every server answers them, measure, then overload."""
    sample = workloads.read_corpus(database_url, args.seed)
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    print(f"server logs and path sets: {LOGS}")
    with api_servers.running() as servers:
        served = start_all(servers, database_url, datasette, LOGS, workloads.detail_paths(sample.ids)[0])
        try:
            targets = hot_targets(served, args.articles) | cold_targets(served, sample, LOGS, args.seed)
        except OSError as error:  # urllib's errors included
            sys.exit(f"building the workloads failed ({error}): see the server logs in {LOGS}")
        for target in targets.values():
            for url in target.sample(CHECKED_PATHS):
                fetch_checked(url)  # every workload answers 200 before any load
        details, search = targets[(COLD, DETAIL, OURS)].paths, targets[(COLD, SEARCH, CACHE_OFF)].paths
        listings = targets[(COLD, LISTINGS, OURS)].paths
        assert details is not None and search is not None and listings is not None
        check_minimal(served, details, listings)
        problems: list[str] = []
        measured = measure_all(targets, args, servers, problems)
        overload = run_overload(served, servers, search, args)
    return Run(targets, {key: medians(runs) for key, runs in measured.items()}, problems, overload)


def record(args: argparse.Namespace, command: str, backend: str, loads: list[Load], run: Run) -> list[str]:
    """The run's section of RESULTS.md, as Markdown lines."""
    targets, results = run.targets, run.results
    notes = {
        key[1]: target.paths.note for key, target in targets.items() if target.paths and target.paths.note
    }
    section = describe(args, command, backend, loads, notes)
    if backend != "sqlite":
        section.append("- Datasette skipped: it serves SQLite files only.")
    section += [f"- Problem: {problem}; it was restarted." for problem in run.problems]
    sizes = {key: str(target.paths.size) if target.paths else "1" for key, target in targets.items()}
    hot = {key: m for key, m in results.items() if key[0] == HOT}
    cold = {key: m for key, m in results.items() if key[0] != HOT}
    section += ["", "### Hot: one URL again and again", "", *figures_table(hot, sizes)]
    section += ["", *hot_targets_table(hot), "", "### Cold: a path drawn at random from a set, per request"]
    section += ["", *figures_table(cold, sizes), "", *cold_targets_lines(results, backend == "sqlite")]
    return section + run.overload


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_arguments(argv)
    if args.install_only:
        print(f"datasette: {ensure_datasette()}")
        return
    require_cli()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    sqlite = args.database_url is None or make_url(args.database_url).get_backend_name() == "sqlite"
    datasette = ensure_datasette() if sqlite else None
    load_before = os.getloadavg()
    database_url = database(args.articles, args.seed, args.database_url)
    run = benchmark(args, database_url, datasette)
    command = " ".join(argv if argv is not None else sys.argv[1:])
    if args.database_url:  # the command goes into a committed file: no password
        command = command.replace(args.database_url, make_url(args.database_url).render_as_string())
    backend = make_url(database_url).get_backend_name()
    section = record(args, command, backend, [load_before, os.getloadavg()], run)
    print("\n" + "\n".join(section))
    if not args.no_results:
        write_results(args.results, section)
        print(f"\nrecorded in {args.results}")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and sets seed (default 0)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="measurements of each workload (medians)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--overload-connections", type=int, default=1024, help="wrk connections of the overload run"
    )
    parser.add_argument(
        "--overload-seconds", type=float, default=15, help="length of the overload run (0: skip it)"
    )
    parser.add_argument("--database-url", help="serve this database (PostgreSQL) instead; skips Datasette")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="print only, leave RESULTS.md alone")
    parser.add_argument("--install-only", action="store_true", help="install Datasette's venv and stop")
    args = parser.parse_args(argv)
    if args.articles < 1000:
        parser.error("--articles must be at least 1000, for a deep page to walk to")
    return args


if __name__ == "__main__":
    main()
