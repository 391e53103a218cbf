"""Search index upkeep, inside the caller's transaction: (re)index articles, forget them, rebuild everything.

How the index is laid out is each database's business (`app.store.backends`); what is common is which
articles are stale (those with no index row made by the current tokenizer version) and the impact lists
that rank a search (`app.store.impacts`), kept beside every database's index.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.store import impacts
from app.store.backends import backend_of
from app.store.backends.base import Indexable
from app.text.tokens import tokenizer_version

BATCH = 500
Progress = Callable[[int], None]  # told the number of articles indexed so far, after each batch
STALE = (
    "NOT EXISTS (SELECT 1 FROM article_search s WHERE s.article_id = a.id AND s.tokenizer_version = :version)"
)


def forget(connection: Connection, ids: Sequence[str]) -> None:
    """Remove these articles from the index (call before their rows change or go)."""
    backend = backend_of(connection)
    lists = impacts.Lists(connection, backend)
    lists.forget(ids, tokenizer_version())  # first: it reads what the index says they hold
    backend.forget(connection, ids, tokenizer_version())
    lists.flush()


def index(connection: Connection, articles: Sequence[Indexable]) -> None:
    """Index these articles, which must not be in the index (new, or forgotten first)."""
    _index_all(impacts.Lists(connection, backend_of(connection)), [articles])


def _aware(value: datetime | str | None) -> datetime | None:
    """published_at as read with text(): SQLite gives a naive UTC string, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _articles(connection: Connection, where: str = "") -> Iterator[list[Indexable]]:
    """Articles (optionally filtered by a condition on `a`) in batches, by id."""
    last = ""
    while True:
        rows = connection.execute(
            text(
                "SELECT a.id, a.title, a.body_text, a.published_at FROM article a WHERE a.id > :last "
                f"{'AND ' + where if where else ''} ORDER BY a.id LIMIT {BATCH}"
            ),
            {"last": last, "version": tokenizer_version()},
        ).all()
        if not rows:
            return
        yield [Indexable.of(row.id, row.title, row.body_text, _aware(row.published_at)) for row in rows]
        last = rows[-1].id


def article_count(connection: Connection) -> int:
    """Every stored article: how many a rebuild indexes."""
    return int(connection.execute(text("SELECT count(*) FROM article")).scalar_one())


def any_stale(connection: Connection) -> bool:
    """Whether `stale_count` would count any article (it stops at the first)."""
    query = text(f"SELECT EXISTS (SELECT 1 FROM article a WHERE {STALE})")
    return bool(connection.execute(query, {"version": tokenizer_version()}).scalar())


def stale_count(connection: Connection) -> int:
    """Articles missing from the index or indexed by another tokenizer version."""
    query = text(f"SELECT count(*) FROM article a WHERE {STALE}")
    return int(connection.execute(query, {"version": tokenizer_version()}).scalar_one())


def missing_count(connection: Connection) -> int:
    """Articles with no row in the index at all (`stale_count` also counts rows of another tokenizer)."""
    missing = "NOT EXISTS (SELECT 1 FROM article_search s WHERE s.article_id = a.id)"
    return int(connection.execute(text(f"SELECT count(*) FROM article a WHERE {missing}")).scalar_one())


def refresh_stale(connection: Connection, progress: Progress | None = None) -> int:
    """Index the articles `stale_count` counts; returns how many. Rows of another tokenizer version mean
    counts made with other tokens: then everything is indexed again."""
    other = text("SELECT EXISTS (SELECT 1 FROM article_search WHERE tokenizer_version <> :version)")
    if connection.execute(other, {"version": tokenizer_version()}).scalar():
        return rebuild(connection, progress)
    lists = impacts.Lists(connection, backend_of(connection))
    return _index_all(lists, _articles(connection, STALE), progress, replace=True)


def rebuild(connection: Connection, progress: Progress | None = None) -> int:
    """Empty the index and index every article again; returns how many."""
    backend = backend_of(connection)
    backend.clear_index(connection)
    impacts.clear(connection)
    done = _index_all(impacts.Lists(connection, backend, emptied=True), _articles(connection), progress)
    backend.after_rebuild(connection)
    return done


def _index_all(
    lists: impacts.Lists,
    batches: Iterable[Sequence[Indexable]],
    progress: Progress | None = None,
    *,
    replace: bool = False,
) -> int:
    """Index the batches in the lists' transaction (taking each article out first when `replace`), telling
    `progress` the running total after each; returns how many."""
    connection, backend, version = lists.connection, lists.backend, tokenizer_version()
    done = 0
    for batch in batches:
        if replace:
            ids = [article.id for article in batch]
            lists.forget(ids, version)  # first: it reads what the index says they hold
            backend.forget(connection, ids, version)
        backend.index(connection, batch, version)
        lists.add(batch)
        done += len(batch)
        if progress is not None:
            progress(done)
    lists.flush()
    return done
