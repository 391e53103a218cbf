"""Benchmark the API side by side with Datasette and a bare ASGI app, under wrk, on one database of articles.

Usage: ``python bench/api.py [--articles 100000] [--duration 10] [--runs 3] [--database-url URL]``.
Builds a SQLite database of generated articles (bench/generate.py + `articles ingest`; cached in the temp
folder by size, seed, generator and migrations), then serves that one file with `articles serve` (one worker)
and Datasette (one process, `--immutable`, from its own venv, bench/.venv-datasette, made on first use), and
a constant body of the size of our list page with bare uvicorn (the ceiling). wrk drives each endpoint of
each server in turn (a warm-up, then a fixed time) in every run; the figures are medians over the runs.
With --database-url we serve that database (PostgreSQL, migrated and loaded with the corpus) and skip
Datasette, which serves SQLite files only. Results go to bench/RESULTS.md, newest first.
"""

import argparse
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402  (a sibling script)
    ARTICLES_CLI,
    BENCH,
    CACHE_ROOT,
    corpus,
    free_port,
    require_cli,
    reset,
    run_articles,
    server,
    source_version,
)

DATASETTE_VENV = BENCH / ".venv-datasette"
DATASETTE = "datasette>=0.65,<0.66"
SUMMARY_COLUMNS = ["id", "slug", "title", "categories", "author", "published_at", "image", "excerpt"]
# Datasette without counts, facets and suggestions does no more work than we do (its default does).
PAGE_OPTIONS = [("_size", "20"), ("_sort_desc", "published_at"), ("_nocount", "1"), ("_nofacet", "1")]
DATASETTE_LIST = [("_col", c) for c in SUMMARY_COLUMNS] + PAGE_OPTIONS + [("_nosuggest", "1")]
OURS, DATASETTE_NAME, CEILING = "articles-api", "Datasette", "bare ASGI"
Load = tuple[float, float, float]


@dataclass
class Measure:
    """One wrk run on one URL."""

    rps: float
    p50_ms: float  # infinite when no request completed
    p99_ms: float
    completed: int
    errors: int


def fetch(url: str, timeout: float = 30) -> bytes:
    """The body of a 200 response (anything else raises)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body


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


def walk_ours(base: str, depth: int) -> str:
    """A real `next_cursor` about `depth` articles into the listing (a jump by offset, then cursors)."""
    offset = min(depth, 10_000)
    page = json.loads(fetch(f"{base}/articles?count=false&limit=100&offset={offset}"))
    position = offset + 100
    while position < depth and page["next_cursor"]:
        query = urllib.parse.urlencode({"count": "false", "limit": 100, "cursor": page["next_cursor"]})
        page = json.loads(fetch(f"{base}/articles?{query}"))
        position += 100
    cursor: str = page["next_cursor"]
    return cursor


def walk_datasette(table_url: str, depth: int) -> str:
    """Datasette's `_next` token about `depth` rows into the same order."""
    params = [("_col", "id"), *PAGE_OPTIONS[1:], ("_nosuggest", "1"), ("_size", "1000")]
    token, position = None, 0
    while position < depth:
        page = json.loads(fetch(f"{table_url}?{urllib.parse.urlencode(params)}"))
        token, position = page["next"], position + len(page["rows"])
        params = [p for p in params if p[0] != "_next"] + [("_next", token)]
    assert token is not None
    return token


def our_endpoints(base: str, articles: int) -> tuple[dict[str, str], str, str]:
    """Our URLs by endpoint, the category's slug and the detail id."""
    tree = json.loads(fetch(f"{base}/categories"))
    category = max(tree, key=lambda node: node["article_count"])  # the largest top category
    cursor = walk_ours(base, articles // 2)
    deep = f"{base}/articles?count=false&cursor={urllib.parse.quote(cursor)}"
    article_id = json.loads(fetch(deep))["items"][0]["id"]
    print(f"category: {category['name']} ({category['article_count']} articles); detail: {article_id}")
    urls = {
        "first page": f"{base}/articles?count=false",
        "category": f"{base}/articles?count=false&category={urllib.parse.quote(category['slug'])}",
        "deep page": deep,
        "detail": f"{base}/articles/{article_id}",
        "first page, with total": f"{base}/articles",
    }
    return urls, category["slug"], article_id


def datasette_endpoints(
    base: str, db_path: Path, slug: str, article_id: str, articles: int
) -> dict[str, str]:
    """Datasette's URLs for the same requests."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        (category_id,) = connection.execute("SELECT id FROM category WHERE slug = ?", (slug,)).fetchone()
    table = f"{base}/{db_path.stem}/article.json"
    where = ("_where", f"id in (select article_id from article_category where category_id={category_id})")
    token = walk_datasette(table, articles // 2)
    return {
        "first page": f"{table}?{urllib.parse.urlencode(DATASETTE_LIST)}",
        "category": f"{table}?{urllib.parse.urlencode([*DATASETTE_LIST, where])}",
        "deep page": f"{table}?{urllib.parse.urlencode([*DATASETTE_LIST, ('_next', token)])}",
        "detail": f"{base}/{db_path.stem}/article/{urllib.parse.quote(article_id)}.json",
    }


def wrk(url: str, seconds: float, connections: int, threads: int) -> Measure:
    """Drive `url` for `seconds` with wrk; requests per second and latency percentiles."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    # A request slower than the whole measurement still counts (as a timeout error) rather than vanishing.
    command += ["--timeout", f"{max(seconds, 5):g}s", "-s", str(BENCH / "wrk_report.lua"), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    completed = int(report["requests"])
    return Measure(
        rps=completed / (report["duration_us"] / 1e6),
        p50_ms=report["p50_us"] / 1000 if completed else math.inf,
        p99_ms=report["p99_us"] / 1000 if completed else math.inf,
        completed=completed,
        errors=int(report["non_2xx_3xx"] + report["socket_errors"]),
    )


def measure_all(
    urls: dict[tuple[str, str], str], args: argparse.Namespace
) -> dict[tuple[str, str], list[Measure]]:
    """Every (endpoint, server) in turn, once per run, so drifting load spreads over all of them."""
    results: dict[tuple[str, str], list[Measure]] = {key: [] for key in urls}
    for run in range(1, args.runs + 1):
        for (endpoint, name), url in urls.items():
            if args.warmup:
                wrk(url, args.warmup, args.connections, args.threads)
            measure = wrk(url, args.duration, args.connections, args.threads)
            # A server still working off the requests wrk left behind would slow down the next measurement:
            # one more request returns once the queue ahead of it is done.
            fetch(url, timeout=300)
            results[(endpoint, name)].append(measure)
            errors = f"  {measure.errors} errors" if measure.errors else ""
            print(
                f"run {run}: {endpoint:24} {name:12} {measure.rps:7.0f} req/s"
                f"  p50 {measure.p50_ms:6.1f} ms  p99 {measure.p99_ms:6.1f} ms{errors}"
            )
    return results


def medians(runs: list[Measure]) -> Measure:
    return Measure(
        rps=statistics.median(m.rps for m in runs),
        p50_ms=statistics.median(m.p50_ms for m in runs),
        p99_ms=statistics.median(m.p99_ms for m in runs),
        completed=sum(m.completed for m in runs),
        errors=sum(m.errors for m in runs),
    )


def report(results: dict[tuple[str, str], Measure]) -> tuple[list[str], list[str]]:
    """The figures table and the targets table, as Markdown lines."""
    figures = [
        "| endpoint | server | req/s | p50 ms | p99 ms | requests (all runs) | errors |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for (endpoint, name), m in results.items():
        cells = [f"{m.rps:.0f}", _ms(m.p50_ms), _ms(m.p99_ms), f"{m.completed}", f"{m.errors}"]
        figures.append(f"| {endpoint} | {name} | " + " | ".join(cells) + " |")
    if any(math.isinf(m.p99_ms) for m in results.values()):
        figures += ["", "—: in most runs no request completed within the measurement."]
    ceiling = next(m for (_, name), m in results.items() if name == CEILING)
    targets = [
        "| endpoint | vs Datasette (≥ 5x) | vs ceiling (≥ 0.33) | p99 (< 50 ms) |",
        "|---|--:|--:|--:|",
    ]
    for (endpoint, name), ours in results.items():
        if name != OURS:
            continue
        theirs = results.get((endpoint, DATASETTE_NAME))
        versus = "n/a"
        if theirs:
            times = ours.rps / theirs.rps if theirs.rps else math.inf
            versus = f"{times:.1f}x {_mark(times >= 5)}" if theirs.rps else "Datasette at 0 req/s ✓"
        share = ours.rps / ceiling.rps
        p99 = f"{_ms(ours.p99_ms)} ms {_mark(ours.p99_ms < 50)}"
        targets.append(f"| {endpoint} | {versus} | {share:.2f} {_mark(share >= 1 / 3)} | {p99} |")
    first, deep = results[("first page", OURS)], results[("deep page", OURS)]
    ratio = deep.rps / first.rps if first.rps else 0.0
    targets.append("")
    targets.append(
        f"Deep page vs first page (at least 0.8 of its req/s): {ratio:.2f} {_mark(ratio >= 0.8)}; "
        f"p50 {_ms(deep.p50_ms)} vs {_ms(first.p50_ms)} ms."
    )
    return figures, targets


def _mark(met: bool) -> str:
    return "✓" if met else "✗"


def _ms(value: float) -> str:
    return "—" if math.isinf(value) else f"{value:.1f}"


def cpu_model() -> str:
    """The processor's name as Linux reports it, else the architecture."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.machine()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "?")


def commit() -> str:
    def git(*arguments: str) -> str:
        result = subprocess.run(["git", *arguments], cwd=BENCH, capture_output=True, text=True)
        return result.stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def write_results(path: Path, section: list[str]) -> None:
    """Put `section` first among the runs recorded in `path` (created with its header if missing)."""
    header = ["# bench/api.py results", "", "Newest first; bench/README.md says what is measured.", ""]
    old = path.read_text().splitlines() if path.exists() else header
    start = next((i for i, line in enumerate(old) if line.startswith("## ")), len(old))
    path.write_text("\n".join([*old[:start], *section, "", *old[start:]]).rstrip() + "\n")


def start_servers(
    servers: ExitStack, database_url: str, datasette: Path | None, logs: Path, articles: int
) -> dict[tuple[str, str], str]:
    """Start ours, Datasette (unless None) and the bare ASGI app; the URL of each (endpoint, server)."""
    ours = f"http://127.0.0.1:{free_port()}"
    command = [str(ARTICLES_CLI), "serve", "--port", ours.split(":")[-1]]
    env = {"DATABASE_URL": database_url}
    servers.enter_context(server(command, ready_url=f"{ours}/readyz", log=logs / "ours.log", env=env))
    our_urls, slug, article_id = our_endpoints(ours, articles)
    urls = {(endpoint, OURS): target for endpoint, target in our_urls.items()}
    if datasette is not None:
        db_path = Path(make_url(database_url).database or "")
        theirs = f"http://127.0.0.1:{free_port()}"
        command = [str(datasette), "serve", "--immutable", str(db_path)]
        command += ["--host", "127.0.0.1", "--port", theirs.split(":")[-1]]
        ready = f"{theirs}/-/versions.json"
        servers.enter_context(server(command, ready_url=ready, log=logs / "datasette.log"))
        found = datasette_endpoints(theirs, db_path, slug, article_id, articles)
        urls.update({(endpoint, DATASETTE_NAME): target for endpoint, target in found.items()})
    size = len(fetch(our_urls["first page"]))
    bare = f"http://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "uvicorn", "ceiling:app", "--app-dir", str(BENCH), "--lifespan", "off"]
    command += ["--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    command += ["--port", bare.split(":")[-1]]
    env = {"CEILING_BYTES": str(size)}
    servers.enter_context(server(command, ready_url=bare, log=logs / "ceiling.log", env=env))
    urls[(f"constant {size} B", CEILING)] = bare
    for target in urls.values():
        fetch(target)  # every URL answers 200 before any load
    rank = {endpoint: i for i, endpoint in enumerate(our_urls)}  # Datasette's beside ours; the ceiling last
    return dict(sorted(urls.items(), key=lambda item: rank.get(item[0][0], len(rank))))


def describe(args: argparse.Namespace, command: str, backend: str, loads: list[Load]) -> list[str]:
    """The heading and the conditions of a run, as Markdown lines."""
    before, after = loads
    now = datetime.now(UTC)
    return [
        f"## {now:%Y-%m-%d %H:%M} UTC · commit {commit()} · {backend}, {args.articles:,} articles",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), shared with other work; load average "
        f"{before[0]:.2f} / {before[1]:.2f} (1 / 5 min) before the run, {after[0]:.2f} after.",
        f"- Command: `python bench/api.py {command}`",
        f"- Each endpoint of each server in turn, every run: a {args.warmup:g} s warm-up, then "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s`; median of {args.runs} run(s); "
        "one server process each, all on 127.0.0.1.",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="measurements of each endpoint (medians)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--database-url", help="serve this database (PostgreSQL) instead; skips Datasette")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="print only, leave RESULTS.md alone")
    parser.add_argument("--install-only", action="store_true", help="install Datasette's venv and stop")
    args = parser.parse_args(argv)
    if args.articles < 1000:
        parser.error("--articles must be at least 1000, for a deep page to walk to")
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
    with tempfile.TemporaryDirectory(prefix="articles-bench-api-") as logs, ExitStack() as servers:
        urls = start_servers(servers, database_url, datasette, Path(logs), args.articles)
        results = {key: medians(runs) for key, runs in measure_all(urls, args).items()}
    command = " ".join(argv if argv is not None else sys.argv[1:])
    if args.database_url:  # the command goes into a committed file: no password
        command = command.replace(args.database_url, make_url(args.database_url).render_as_string())
    backend = make_url(database_url).get_backend_name()
    section = describe(args, command, backend, [load_before, os.getloadavg()])
    if datasette is None:
        section.append("- Datasette skipped: it serves SQLite files only.")
    figures, targets = report(results)
    section += ["", *figures, "", *targets]
    print("\n" + "\n".join(section))
    if not args.no_results:
        write_results(args.results, section)
        print(f"\nrecorded in {args.results}")


if __name__ == "__main__":
    main()
