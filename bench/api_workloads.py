"""The workloads of bench/api.py: hot URLs, each asked again and again, and cold sets of distinct paths, from
which wrk_paths.lua draws one per request.

Real traffic is many readers asking for many different articles, pages and searches, which a response cache
cannot replay from memory: the cold sets stand for it. Each is chosen with a fixed seed from the database and
the served API before any measurement, written to a file (one percent-encoded path a line) and given to wrk.
"""

import json
import random
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from common import fetch
from generate import COMMON, ENGLISH, IDIOMS, TOPICS
from sqlalchemy import create_engine, text

SET_SIZE = 5000
OURS, DATASETTE_NAME, CEILING = "articles-api", "Datasette", "bare ASGI"
CACHE_OFF, TWO_WORKERS, MINIMAL = "articles-api, cache off", "articles-api, 2 workers", "minimal endpoint"
HOT, COLD, SCALING = "hot", "cold", "scaling"
DETAIL, LISTINGS, FIRST_PAGES, SEARCH = "detail", "category listings", "category first pages", "search"
Key = tuple[str, str, str]  # table, workload, server
SUMMARY_COLUMNS = ["id", "slug", "title", "categories", "author", "published_at", "image", "excerpt"]
# Datasette without counts, facets and suggestions does no more work than we do (its default does).
PAGE_OPTIONS = [("_size", "20"), ("_sort_desc", "published_at"), ("_nocount", "1"), ("_nofacet", "1")]
DATASETTE_LIST = [("_col", c) for c in SUMMARY_COLUMNS] + PAGE_OPTIONS + [("_nosuggest", "1")]
# Kinds of search, in the order they are reported; the first four list every query of their kind in the
# vocabulary (up to an equal share), the last three fill the set.
SEARCH_KINDS = ("1-char", "2-char", "4-char", "English", "multi-term", "category filter", "author filter")


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
    return str(token)


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


@dataclass(frozen=True)
class PathSet:
    """The paths of one workload, and the file wrk reads them from."""

    paths: list[str]
    file: Path
    note: str = ""  # what the set holds, for the report

    @property
    def size(self) -> int:
        return len(self.paths)


def write_set(folder: Path, name: str, paths: Iterable[str], note: str = "") -> PathSet:
    """Write `paths` (distinct, in order) to `folder/name.txt`."""
    distinct = list(dict.fromkeys(paths))
    file = folder / f"{name}.txt"
    file.write_text("".join(f"{path}\n" for path in distinct))
    return PathSet(distinct, file, note)


@dataclass(frozen=True)
class Corpus:
    """What the sets are drawn from, read from the database once."""

    ids: list[str]  # a random sample of article ids
    categories: list[tuple[int, str]]  # (id, slug) of every category
    authors: list[str]


def read_corpus(database_url: str, seed: int) -> Corpus:
    """A random sample of SET_SIZE article ids (all in a smaller corpus), the categories, the authors."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        ids = list(connection.execute(text("SELECT id FROM article ORDER BY id")).scalars())
        categories = [
            (int(row.id), str(row.slug))
            for row in connection.execute(text("SELECT id, slug FROM category ORDER BY slug"))
        ]
        authors = list(
            connection.execute(
                text("SELECT DISTINCT author FROM article WHERE author IS NOT NULL ORDER BY author")
            ).scalars()
        )
    engine.dispose()
    sample = random.Random(seed).sample(ids, min(SET_SIZE, len(ids)))
    return Corpus(sample, categories, authors)


def detail_paths(ids: list[str]) -> list[str]:
    """`/articles/{id}` of each id: the same paths on the API and on the minimal endpoint."""
    return [f"/articles/{urllib.parse.quote(article_id)}" for article_id in ids]


def datasette_row_paths(database: str, ids: list[str]) -> list[str]:
    """Datasette's row URL of each id."""
    return [f"/{database}/article/{urllib.parse.quote(article_id)}.json" for article_id in ids]


def category_first_pages(categories: list[tuple[int, str]]) -> list[str]:
    """The first page of every category's listing, `total` included as clients get it by default."""
    return [f"/categories/{urllib.parse.quote(slug)}/articles" for _, slug in categories]


def category_pages(base: str, categories: list[tuple[int, str]]) -> list[str]:
    """SET_SIZE listing pages: every category's first page, then pages reached by following `next_cursor`,
    a page of each category in turn (so deep pages of large categories and all of small ones), walked on
    `base` with count=false; the paths themselves keep `total`, as clients get it by default."""
    pages: list[str] = []
    cursors: dict[str, str | None] = {slug: None for _, slug in categories}
    while cursors and len(pages) < SET_SIZE:
        for slug, cursor in list(cursors.items()):
            path = f"/categories/{urllib.parse.quote(slug)}/articles"
            query = "" if cursor is None else "?" + urllib.parse.urlencode({"cursor": cursor})
            pages.append(path + query)
            walked = "count=false" + ("&" + query[1:] if query else "")
            following = json.loads(fetch(f"{base}{path}?{walked}"))["next_cursor"]
            if following is None:
                del cursors[slug]
            else:
                cursors[slug] = following
            if len(pages) == SET_SIZE:
                break
    return pages


def datasette_first_pages(database: str, categories: list[tuple[int, str]], columns: list[str]) -> list[str]:
    """Datasette's table page for the first page of each category: the summary columns, newest first,
    20 rows, with its count (like our `total`) but no facets or suggestions."""
    pages = []
    for category_id, _ in categories:
        where = f"id in (select article_id from article_category where category_id={category_id})"
        params = [("_col", column) for column in columns]
        params += [("_size", "20"), ("_sort_desc", "published_at"), ("_nofacet", "1"), ("_nosuggest", "1")]
        pages.append(f"/{database}/article.json?{urllib.parse.urlencode([*params, ('_where', where)])}")
    return pages


def _is_han(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in word)


def vocabulary() -> dict[str, list[str]]:
    """The generator's words by kind: Chinese by length, their characters, English (words that occur)."""
    han = sorted({*COMMON, *IDIOMS, *(word for words in TOPICS.values() for word in words if _is_han(word))})
    topical = {word for words in TOPICS.values() for word in words if word.isascii() and word.isalpha()}
    return {
        "1-char": sorted({char for word in han for char in word}),
        "2-char": [word for word in han if len(word) == 2],
        "4-char": [word for word in han if len(word) == 4],
        "English": sorted(topical | {word for word in ENGLISH if len(word) > 3}),
    }


def search_params(corpus: Corpus, seed: int) -> dict[str, list[dict[str, str]]]:
    """SET_SIZE distinct searches by kind: every query of the single-word kinds (up to an equal share), then
    two or three words of one topic, and a word filtered by a category or an author, until the set is full."""
    rng = random.Random(seed)
    words = vocabulary()
    share = SET_SIZE // len(SEARCH_KINDS)
    found: dict[str, list[dict[str, str]]] = {
        kind: [{"q": word} for word in rng.sample(words[kind], min(share, len(words[kind])))]
        for kind in SEARCH_KINDS[:4]
    }
    topics = [[word for word in topic if len(word) > 1] for topic in TOPICS.values()]
    single = words["2-char"] + words["English"]
    draw: dict[str, Callable[[], dict[str, str]]] = {
        "multi-term": lambda: {"q": " ".join(rng.sample(rng.choice(topics), rng.choice((2, 3))))},
        "category filter": lambda: {"q": rng.choice(single), "category": rng.choice(corpus.categories)[1]},
        "author filter": lambda: {"q": rng.choice(single), "author": rng.choice(corpus.authors)},
    }
    left = SET_SIZE - sum(len(params) for params in found.values())
    for index, (kind, make) in enumerate(draw.items()):
        wanted = left // (len(draw) - index)
        unique: dict[str, dict[str, str]] = {}
        while len(unique) < wanted:
            params = make()
            unique[urllib.parse.urlencode(params)] = params
        found[kind] = list(unique.values())
        left -= wanted
    return found


def search_paths(searches: dict[str, list[dict[str, str]]]) -> list[str]:
    """`/articles?q=...` of every search, `total` included as clients get it by default."""
    return [f"/articles?{urllib.parse.urlencode(params)}" for params in _flatten(searches)]


def search_note(searches: dict[str, list[dict[str, str]]]) -> str:
    """How many searches of each kind, and how many distinct `q`."""
    queries = {params["q"] for params in _flatten(searches)}
    kinds = ", ".join(f"{kind} {len(params)}" for kind, params in searches.items())
    return f"{len(queries):,} distinct queries; {kinds}"


def _flatten(searches: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    return [params for kind in searches.values() for params in kind]
