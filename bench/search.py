"""Benchmark search: latency of /articles?q=... over N generated articles, and the index's size on disk.

Usage: ``python bench/search.py [--articles 100000] [--runs 3] [--database-url URL] [--seed S]
[--compare-with URL]``.

The corpus comes from bench/generate.py (cached like bench/ingest.py's); the database is built once with
`articles ingest` and reused while it holds N articles (default: a SQLite file beside the corpus; its build
time is printed). Queries are words of the generator's lists, so they really occur, from frequent to rare,
and the 50 two-character words found in most articles of this corpus ("top-50 2-char"). Each request goes
through the served app (`articles serve`, one worker, response cache off) over HTTP on 127.0.0.1 with a
keep-alive client, as a user meets it (validation, SQL, highlights, JSON, HTTP), limit 20, after one warm-up
pass; a run times every query of every kind once. Printed: per kind, the median over runs of each run's
median, p95 and p99, in milliseconds.

`--compare-with URL` names a second database holding the same corpus (e.g. PostgreSQL beside the SQLite
file): every query's first RANKED_DEPTH ids, in order, are read from both and any difference is printed.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ARTICLES_CLI, CACHE_ROOT, corpus, free_port, server  # noqa: E402
from generate import COMMON, ENGLISH, IDIOMS, TOPICS  # noqa: E402

from app.text.tokens import is_cjk  # noqa: E402

if TYPE_CHECKING:
    import httpx

PER_KIND = 12
TARGET_MS = 20.0
TOP_KIND = "top-50 2-char"
RANKED_DEPTH = 100  # the largest page: past it, matches follow newest first on every database


def _cjk_words(size: int) -> list[str]:
    words = {*COMMON, *IDIOMS, *(word for words in TOPICS.values() for word in words)}
    return sorted(word for word in words if len(word) == size and all(is_cjk(char) for char in word))


def _english_words() -> list[str]:
    topical = {word for words in TOPICS.values() for word in words if word.isascii() and word.isalpha()}
    return sorted(topical | {word for word in ENGLISH if len(word) > 3})


def query_sets(seed: int, frequent: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Parameters of each kind of query (without limit), drawn from the generator's words, and the
    corpus's most `frequent` two-character words."""
    rng = random.Random(seed)
    two, four, english = _cjk_words(2), _cjk_words(4), _english_words()
    topics = [[word for word in words if len(word) > 1] for words in TOPICS.values()]
    pairs = []
    for _ in range(PER_KIND):
        first, second = rng.sample(rng.choice(topics), 2)
        pairs.append(f"{first} {second}")
    return {
        TOP_KIND: [{"q": word} for word in frequent],
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
    from app.store.search_index import stale_count

    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM article")).scalar_one()
        stale = stale_count(connection)
    engine.dispose()
    if count == articles and stale:  # a migration emptied the search index: fill it again, as users would
        started = time.perf_counter()
        subprocess.run(
            [str(ARTICLES_CLI), "reindex"], env={**os.environ, "DATABASE_URL": database_url}, check=True
        )
        print(f"database: {count} articles reused, reindexed in {time.perf_counter() - started:.0f}s")
        return
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


def frequent_words(database_url: str, count: int = 50) -> list[str]:
    """The `count` two-character CJK words found in most articles (their index tokens' article counts)."""
    from app.store.engine import make_engine

    engine = make_engine(database_url)
    query = text("SELECT token FROM search_term WHERE length(token) = 2 ORDER BY articles DESC, token")
    with engine.connect() as connection:
        tokens = connection.execute(query).scalars().all()
    engine.dispose()
    return [token for token in tokens if all(is_cjk(char) for char in token)][:count]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95 is p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@contextmanager
def serving(database_url: str) -> Iterator["httpx.Client"]:
    """A client of `articles serve` over this database (one worker, response cache off)."""
    import httpx

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
        yield client


def time_queries(
    client: "httpx.Client", queries: dict[str, list[dict[str, Any]]], runs: int
) -> tuple[dict[str, list[tuple[float, float, float]]], dict[str, list[int]]]:
    """Per kind, each run's (median, p95, p99) in ms; and each query's total (from the warm-up pass)."""
    results: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in queries}
    totals = {  # warm-up: fold table, caches, pages
        kind: [client.get("/articles", params={**p, "limit": 20}).json()["total"] for p in params]
        for kind, params in queries.items()
    }
    for run in range(1, runs + 1):
        for kind, params in queries.items():
            timings = []
            for p in params:
                started = time.perf_counter()
                response = client.get("/articles", params={**p, "limit": 20})
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
            results[kind].append(
                (statistics.median(timings), percentile(timings, 0.95), percentile(timings, 0.99))
            )
        print(f"run {run}: " + ", ".join(f"{k} {v[-1][0]:.1f}" for k, v in results.items()) + " (median ms)")
    return results, totals


def report(
    queries: dict[str, list[dict[str, Any]]],
    results: dict[str, list[tuple[float, float, float]]],
    totals: dict[str, list[int]],
    articles: int,
) -> None:
    print(f"\n{'kind':<15} {'median ms':>9} {'p95 ms':>7} {'p99 ms':>7} {'matches (median)':>17}  example")
    for kind, values in results.items():
        median, high, highest = (statistics.median(value[i] for value in values) for i in range(3))
        flag = "" if median < TARGET_MS else f"  over the {TARGET_MS:.0f} ms target"
        example = " ".join(f"{key}={value}" for key, value in queries[kind][0].items())
        matches = statistics.median(totals[kind])
        print(f"{kind:<15} {median:>9.1f} {high:>7.1f} {highest:>7.1f} {matches:>17.0f}  {example}{flag}")
    top = results[TOP_KIND]
    median, highest = statistics.median(v[0] for v in top), statistics.median(v[2] for v in top)
    goal = (10.0, 40.0) if articles <= 100_000 else (50.0, None)
    verdict = f"{TOP_KIND}: p50 {median:.1f} ms (< {goal[0]:.0f}) {'✓' if median < goal[0] else '✗'}"
    if goal[1] is not None:
        verdict += f", p99 {highest:.1f} ms (< {goal[1]:.0f}) {'✓' if highest < goal[1] else '✗'}"
    print(f"\n{verdict}")


def ranked_ids(client: "httpx.Client", queries: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Every query's first RANKED_DEPTH ids, in the order served, keyed by its query string."""
    found = {}
    for params in queries.values():
        for p in params:
            page = client.get("/articles", params={**p, "limit": RANKED_DEPTH}).json()
            found[urlencode(p)] = [item["id"] for item in page["items"]]
    return found


def compare(
    database_url: str, other_url: str, queries: dict[str, list[dict[str, Any]]], mine: dict[str, list[str]]
) -> None:
    """Print whether the other database serves every query's first ids in the same order."""
    with serving(other_url) as client:
        theirs = ranked_ids(client, queries)
    differing = [query for query in mine if mine[query] != theirs[query]]
    other = make_url(other_url).get_backend_name()
    print(
        f"\nrelevance order vs {other}: {len(mine) - len(differing)} of {len(mine)} queries identical "
        f"(first {RANKED_DEPTH} ids each)"
    )
    for query in differing:
        print(f"  differs: {query}: first position {_first_difference(mine[query], theirs[query]) + 1}")


def _first_difference(mine: list[str], theirs: list[str]) -> int:
    same = 0
    while same < min(len(mine), len(theirs)) and mine[same] == theirs[same]:
        same += 1
    return same


def bench(database_url: str, runs: int, seed: int, articles: int, other_url: str | None) -> None:
    from app.store.engine import make_engine

    queries = query_sets(seed, frequent_words(database_url))
    with serving(database_url) as client:
        results, totals = time_queries(client, queries, runs)
        order = ranked_ids(client, queries) if other_url else {}
    index, rest = index_size(make_engine(database_url))  # no statement timeout: dbstat reads every page
    report(queries, results, totals, articles)
    print(
        f"index: {index / 1e6:.0f} MB; database without it: {rest / 1e6:.0f} MB "
        f"(index = {index / rest:.0%} of it)"
    )
    if other_url:
        compare(database_url, other_url, queries, order)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time search queries and measure the search index.")
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="timed passes over all queries (default 3)")
    parser.add_argument("--database-url", help="database to use (default: a SQLite file beside the corpus)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and query seed (default 0)")
    parser.add_argument(
        "--compare-with", metavar="URL", help="a second database of the same corpus: compare the order"
    )
    args = parser.parse_args(argv)
    if not ARTICLES_CLI.exists():
        sys.exit(f"{ARTICLES_CLI} not found: install the project into this environment first")
    folder = corpus(args.articles, args.seed)
    database_url = args.database_url or f"sqlite:///{CACHE_ROOT / (folder.name + '.db')}"
    print(f"database: {make_url(database_url).render_as_string(hide_password=True)}")
    prepare(folder, args.articles, database_url)
    if args.compare_with:
        prepare(folder, args.articles, args.compare_with)
    bench(database_url, args.runs, args.seed, args.articles, args.compare_with)


if __name__ == "__main__":
    main()
