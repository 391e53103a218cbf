"""Check that Chinese search is exact: for every Han query of 1-4 characters taken from the clean texts, the
articles the index returns are exactly those whose folded title or body_text contains the query.

Usage: ``python bench/search_exactness.py DIR... [--max-queries N] [--max-totals N] [--database-url URL]
[--seed S]``.
The folders are ingested into a temporary SQLite database (or the given one, which should be empty). Every
distinct query is checked unless there are more than --max-queries (default 50000), then a random sample.
The listing's `total` (which SQLite may read off bm25's own count) is checked against the same scan for
--max-totals of the queries (default 5000). Also checked: 养老 finds a seed article that contains it, 國內
and 国内 give the same set, and pairs of characters that face each other across punctuation (which must not
match where only the pair is split).
"""

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.ingest.runner import ingest  # noqa: E402
from app.query.filters import ArticleFilters  # noqa: E402
from app.query.listings import list_articles  # noqa: E402
from app.store.backends import backend_of  # noqa: E402
from app.store.engine import make_engine  # noqa: E402
from app.store.migrations import upgrade  # noqa: E402
from app.text.folding import fold  # noqa: E402
from app.text.query_syntax import parse_query  # noqa: E402
from app.text.tokens import is_cjk  # noqa: E402


def queries_from(texts: Sequence[str]) -> set[str]:
    """Every substring of 1-4 CJK characters, plus the two characters around each punctuation gap."""
    found: set[str] = set()
    for body in texts:
        for start, char in enumerate(body):
            if not is_cjk(char):
                if 0 < start < len(body) - 1 and is_cjk(body[start - 1]) and is_cjk(body[start + 1]):
                    found.add(body[start - 1] + body[start + 1])
                continue
            for size in range(1, 5):
                piece = body[start : start + size]
                if len(piece) < size or not is_cjk(piece[-1]):
                    break
                found.add(piece)
    return found


def search(engine: Engine, query: str) -> set[str]:
    statement = backend_of(engine).matching(parse_query(query))
    assert statement is not None
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(statement)}


def listed_total(engine: Engine, query: str) -> int | None:
    """The `total` of the first page of `GET /articles?q=query` (ranked by relevance)."""
    with Session(engine) as session:
        page = list_articles(session=session, filters=ArticleFilters(), limit=20, search=parse_query(query))
    return page.total


def check_totals(engine: Engine, folded: dict[str, str], queries: Sequence[str]) -> int:
    """Compare the listing's total with the substring scan for each query; the number that differ."""
    started, wrong = time.perf_counter(), []
    for query in queries:
        expected = sum(query in body for body in folded.values())
        total = listed_total(engine, query)
        if total != expected:
            wrong.append((query, expected, total))
    print(f"checked the listing's total for {len(queries)} queries in {time.perf_counter() - started:.1f}s")
    for query, expected, total in wrong[:20]:
        print(f"  WRONG TOTAL {query!r}: {expected} articles contain it, total says {total}")
    print(f"wrong totals: {len(wrong)}")
    return len(wrong)


def check(engine: Engine, max_queries: int, max_totals: int, seed: int) -> int:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, title, body_text FROM article")).all()
    folded = {row.id: fold(row.title) + "\n" + fold(row.body_text) for row in rows}
    queries = sorted(queries_from(list(folded.values())))
    print(f"{len(rows)} articles, {len(queries)} distinct Han queries of 1-4 characters")
    if len(queries) > max_queries:
        queries = sorted(random.Random(seed).sample(queries, max_queries))
        print(f"checking a random sample of {max_queries}")
    started, mismatches, by_size = time.perf_counter(), [], [0] * 5
    for query in queries:
        expected = {article_id for article_id, body in folded.items() if query in body}
        got = search(engine, query)
        by_size[len(query)] += 1
        if got != expected:
            mismatches.append((query, len(expected), len(got)))
    sizes = ", ".join(f"{size} chars: {by_size[size]}" for size in range(1, 5))
    print(f"checked {len(queries)} queries ({sizes}) in {time.perf_counter() - started:.1f}s")
    for query, expected_count, got_count in mismatches[:20]:
        print(f"  MISMATCH {query!r}: {expected_count} articles contain it, search returned {got_count}")
    print(f"mismatches: {len(mismatches)}")
    pension = search(engine, "养老")
    seed_ids = {article_id for article_id, body in folded.items() if "浙江" in body and "养老" in body}
    found_seed = bool(seed_ids) and seed_ids <= pension
    print(f"养老: {len(pension)} articles; the seed article with it is found: {found_seed}")
    simplified, traditional = search(engine, "国内"), search(engine, "國內")
    print(
        f"国内: {len(simplified)} articles, 國內: {len(traditional)}, same set: {simplified == traditional}"
    )
    sample = random.Random(seed).sample(queries, min(max_totals, len(queries)))
    wrong_totals = check_totals(engine, folded, sample)
    return len(mismatches) + wrong_totals + (simplified != traditional) + (not found_seed)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Check Chinese search against a substring scan.")
    parser.add_argument("paths", nargs="+", type=Path, help="folders or files to ingest")
    parser.add_argument("--max-queries", type=int, default=50_000, help="sample above this many")
    parser.add_argument("--max-totals", type=int, default=5_000, help="queries whose total is checked")
    parser.add_argument("--database-url", help="an empty database to use (default: temporary SQLite)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="articles-exactness-") as scratch:
        engine = make_engine(args.database_url or f"sqlite:///{Path(scratch) / 'exact.db'}")
        upgrade(engine)
        report = ingest(args.paths, engine=engine, zone=ZoneInfo("UTC"), jobs=1)
        print(f"ingested {report.added + report.updated + report.unchanged} files, {report.failed} failed")
        failures = check(engine, args.max_queries, args.max_totals, args.seed)
        engine.dispose()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
