"""Benchmark search: latency of /articles?q=... over N generated articles, and the index's size on disk.

Usage: ``python bench/search.py [--articles 100000] [--runs 3] [--database-url URL] [--seed S]``.
The corpus comes from bench/generate.py (cached like bench/ingest.py's); the database is built once with
`articles ingest` and reused while it holds N articles (default: a SQLite file beside the corpus). Queries are
words of the generator's lists, so they really occur, from frequent to rare. Each request goes through the
served app (`articles serve`, one worker, response cache off) over HTTP on 127.0.0.1 with a keep-alive
client, as a user meets it (validation, SQL, highlights, JSON, HTTP), limit 20, after one warm-up pass; a
run times every query of every kind once. Printed: per kind, the median over runs of each run's median and
p95, in milliseconds.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ARTICLES_CLI, CACHE_ROOT, corpus, free_port, server  # noqa: E402
from generate import COMMON, ENGLISH, IDIOMS, TOPICS  # noqa: E402

from app.text.tokens import is_cjk  # noqa: E402

PER_KIND = 12
TARGET_MS = 20.0


def _cjk_words(size: int) -> list[str]:
    words = {*COMMON, *IDIOMS, *(word for words in TOPICS.values() for word in words)}
    return sorted(word for word in words if len(word) == size and all(is_cjk(char) for char in word))


def _english_words() -> list[str]:
    topical = {word for words in TOPICS.values() for word in words if word.isascii() and word.isalpha()}
    return sorted(topical | {word for word in ENGLISH if len(word) > 3})


def query_sets(seed: int) -> dict[str, list[dict[str, Any]]]:
    """Parameters of each kind of query (without limit), drawn from the generator's words."""
    rng = random.Random(seed)
    two, four, english = _cjk_words(2), _cjk_words(4), _english_words()
    topics = [[word for word in words if len(word) > 1] for words in TOPICS.values()]
    pairs = []
    for _ in range(PER_KIND):
        first, second = rng.sample(rng.choice(topics), 2)
        pairs.append(f"{first} {second}")
    return {
        "2-char": [{"q": word} for word in rng.sample(two, PER_KIND)],
        "4-char": [{"q": word} for word in rng.sample(four, PER_KIND)],
        "English": [{"q": word} for word in rng.sample(english, PER_KIND)],
        "multi-term": [{"q": pair} for pair in pairs],
        "filtered": [
            {"q": word, "category": "金融", "since": "2022-01-01", "has_image": "true"}
            for word in rng.sample(two, PER_KIND)
        ],
        "1-char": [{"q": word[0]} for word in rng.sample(two, PER_KIND // 2)],
    }


def prepare(folder: Path, articles: int, database_url: str) -> None:
    """Ingest the corpus unless the database already holds that many articles."""
    from app.store.engine import make_engine
    from app.store.migrations import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM article")).scalar_one()
    engine.dispose()
    if count == articles:
        print(f"database: {count} articles (reused)")
        return
    started = time.perf_counter()
    command = [str(ARTICLES_CLI), "ingest", str(folder), "--quiet"]
    result = subprocess.run(command, env={**os.environ, "DATABASE_URL": database_url}, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {result.returncode}")
    print(f"database: {articles} articles ingested in {time.perf_counter() - started:.0f}s")


def index_size(engine: Engine) -> tuple[int, int]:
    """Bytes of the search index and of everything else in the database."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            index = connection.execute(text("SELECT pg_total_relation_size('article_search')")).scalar_one()
            total = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            rows = connection.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
            index = sum(size for name, size in rows if name.startswith(("article_fts", "article_search")))
            index += sum(size for name, size in rows if name == "sqlite_autoindex_article_search_1")
            total = sum(size for _name, size in rows)
    return int(index), int(total) - int(index)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench(database_url: str, runs: int, seed: int) -> None:
    import httpx

    from app.store.engine import make_engine

    queries = query_sets(seed)
    results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in queries}
    totals: dict[str, list[int]] = {kind: [] for kind in queries}
    port = free_port()
    command = [str(ARTICLES_CLI), "serve", "--port", str(port)]
    # No response cache: every timed request must run its query, not replay the warm-up answer.
    env = {"DATABASE_URL": database_url, "RESPONSE_CACHE_SIZE": "0"}
    base = f"http://127.0.0.1:{port}"
    log = CACHE_ROOT / "search-bench-server.log"
    with (
        server(command, ready_url=f"{base}/healthz", log=log, env=env),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for kind, params in queries.items():  # warm-up: fold table, caches, pages
            totals[kind] = [
                client.get("/articles", params={**p, "limit": 20}).json()["total"] for p in params
            ]
        for run in range(1, runs + 1):
            for kind, params in queries.items():
                timings = []
                for p in params:
                    started = time.perf_counter()
                    response = client.get("/articles", params={**p, "limit": 20})
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                results[kind].append((statistics.median(timings), p95(timings)))
            print(
                f"run {run}: " + ", ".join(f"{k} {v[-1][0]:.1f}" for k, v in results.items()) + " (median ms)"
            )
        index, rest = index_size(make_engine(database_url))  # no statement timeout: dbstat reads every page
    print(f"\n{'kind':<11} {'median ms':>9} {'p95 ms':>7} {'matches (median)':>17}  example")
    for kind, values in results.items():
        median = statistics.median(value[0] for value in values)
        high = statistics.median(value[1] for value in values)
        flag = "" if median < TARGET_MS else f"  over the {TARGET_MS:.0f} ms target"
        example = " ".join(f"{key}={value}" for key, value in queries[kind][0].items())
        matches = statistics.median(totals[kind])
        print(f"{kind:<11} {median:>9.1f} {high:>7.1f} {matches:>17.0f}  {example}{flag}")
    print(
        f"\nindex: {index / 1e6:.0f} MB; database without it: {rest / 1e6:.0f} MB "
        f"(index = {index / rest:.0%} of it)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time search queries and measure the search index.")
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="timed passes over all queries (default 3)")
    parser.add_argument("--database-url", help="database to use (default: a SQLite file beside the corpus)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and query seed (default 0)")
    args = parser.parse_args(argv)
    if not ARTICLES_CLI.exists():
        sys.exit(f"{ARTICLES_CLI} not found: install the project into this environment first")
    folder = corpus(args.articles, args.seed)
    database_url = args.database_url or f"sqlite:///{CACHE_ROOT / (folder.name + '.db')}"
    print(f"database: {make_url(database_url).render_as_string(hide_password=True)}")
    prepare(folder, args.articles, database_url)
    bench(database_url, args.runs, args.seed)


if __name__ == "__main__":
    main()
