"""Reads while an ingest writes: the API's throughput idle and during a large ingest, and whether any failed.

Usage: ``python bench/reads_during_ingest.py [--articles 20000] [--database-url URL]... [--postgres]``.
Per database: load a small base corpus, serve it (`articles serve`, one worker), measure the list (20 items)
and an article detail with wrk at 32 connections, then start `articles ingest` of N more generated articles
and keep measuring, in turns, until it finishes. Prints requests per second idle and during the ingest,
the requests that failed (non-2xx/3xx or socket errors: there must be none), and the ingest's own rate.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402  (a sibling script)
    ARTICLES_CLI,
    Measure,
    corpus,
    free_port,
    postgres,
    require_cli,
    reset,
    run_articles,
    server,
    wrk,
)

BASE_ARTICLES = 2000
CONNECTIONS = 32


def _total(measures: Sequence[Measure]) -> tuple[float, int, int]:
    """Requests per second over all runs, requests completed, requests failed."""
    completed = sum(m.completed for m in measures)
    seconds = sum(m.completed / m.rps for m in measures if m.rps)
    return (completed / seconds if seconds else 0.0), completed, sum(m.errors for m in measures)


def measure(
    database_url: str, folder: Path, articles: int, seconds: float, scratch: Path
) -> dict[str, object]:
    """Idle and during-ingest figures for one database."""
    reset(database_url)
    run_articles("ingest", str(corpus(BASE_ARTICLES, 1)), "--quiet", database_url=database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(ARTICLES_CLI), "serve", "--port", str(port)]
    env = {"DATABASE_URL": database_url}
    with server(command, ready_url=f"{base}/healthz", log=scratch / "serve.log", env=env):
        with urllib.request.urlopen(f"{base}/articles?limit=1&fields=id", timeout=30) as response:
            detail = f"{base}/articles/{json.load(response)['items'][0]['id']}"
        urls = {"list": f"{base}/articles?limit=20", "detail": detail}
        idle = {name: wrk(url, seconds, CONNECTIONS, 2) for name, url in urls.items()}
        started = time.perf_counter()
        ingest = subprocess.Popen(
            [str(ARTICLES_CLI), "ingest", str(folder), "--quiet"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        during: dict[str, list[Measure]] = {name: [] for name in urls}
        while ingest.poll() is None:
            for name, url in urls.items():
                during[name].append(wrk(url, seconds, CONNECTIONS, 2))
        ingest_seconds = time.perf_counter() - started
    if ingest.returncode != 0:
        sys.exit(f"the ingest failed with exit status {ingest.returncode}")
    return {"idle": idle, "during": during, "ingest_seconds": ingest_seconds}


def report(name: str, result: dict[str, object], articles: int) -> None:
    idle: dict[str, Measure] = result["idle"]  # type: ignore[assignment]
    during: dict[str, list[Measure]] = result["during"]  # type: ignore[assignment]
    seconds = float(result["ingest_seconds"])  # type: ignore[arg-type]
    print(
        f"\n{name}: ingest of {articles} articles took {seconds:.1f}s ({articles / seconds:.0f} articles/s)"
    )
    print(f"  {'endpoint':<8} {'idle req/s':>11} {'during req/s':>13} {'requests':>9} {'failed':>7}")
    for endpoint, runs in during.items():
        rps, completed, failed = _total(runs)
        print(f"  {endpoint:<8} {idle[endpoint].rps:>11.0f} {rps:>13.0f} {completed:>9} {failed:>7}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles ingested during the reads")
    parser.add_argument("--database-url", action="append", help="database to use (emptied); repeatable")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL cluster")
    parser.add_argument("--seconds", type=float, default=4, help="length of each wrk measurement")
    args = parser.parse_args(argv)
    require_cli()
    folder = corpus(args.articles, 0)
    with (
        tempfile.TemporaryDirectory(prefix="articles-concurrent-") as scratch,
        postgres(args.postgres) as cluster,
    ):
        urls = args.database_url or [f"sqlite:///{Path(scratch) / 'concurrent.db'}"]
        for url in [*urls, *([cluster] if cluster else [])]:
            result = measure(url, folder, args.articles, args.seconds, Path(scratch))
            report(make_url(url).render_as_string(hide_password=True), result, args.articles)


if __name__ == "__main__":
    main()
