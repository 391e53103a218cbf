"""Index upkeep, inside the caller's transaction: (re)index articles, forget them, rebuild everything.

SQLite: `article_search` maps each indexed article to `doc_id`, the rowid of its row in the contentless
FTS5 table `article_fts` (title and body tokens, and the filter terms of `app.store.backends.fts5_terms`, which
`article_search.filters` keeps as given). A contentless table keeps no copy of the tokens (about half the
size); removing a row needs the tokens it was given, recomputed here from the stored title and body when the
row was built by this tokenizer version. Rows of another version are dropped from `article_search` only:
their postings point at a doc_id that is never reused and that no query joins, until `rebuild` clears them.
A trigger records every doc_id leaving `article_search` in `article_fts_orphan`, and `forget` takes back
those whose postings it removed: while that table is empty, FTS5 alone counts matches exactly.
PostgreSQL: one `article_search` row per article with a weighted tsvector and the token stream; foreign keys
cascade and the row is simply replaced.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from app.store.backends.fts5_terms import stored_filter_terms
from app.text.tokens import index_tokens, tokenizer_version

BATCH = 500
MAX_POSITION = 16_383  # PostgreSQL's limits for tsvector positions
MAX_POSITIONS_PER_WORD = 256
# A tsvector holds at most 1 MiB; past this estimate of its size, further distinct tokens of a (huge) article
# go unindexed on PostgreSQL rather than fail the batch it is written in.
MAX_TSVECTOR_BYTES = 1_000_000


SEQUENCE_BITS = 22
DATED = 1 << SEQUENCE_BITS  # doc_ids below this belong to undated articles


@dataclass(frozen=True, slots=True)
class Indexable:
    """What the index is built from: the tokens of title and body (ingest computes them in its workers)."""

    id: str
    title_tokens: str
    body_tokens: str
    published_at: datetime | None

    @classmethod
    def of(cls, article_id: str, title: str, body_text: str, published_at: datetime | None) -> "Indexable":
        """Tokenize an article's title and body."""
        return cls(article_id, index_tokens(title), index_tokens(body_text), published_at)


def doc_id_floor(moment: datetime | None) -> int:
    """The smallest SQLite doc_id of an article published at `moment` (or undated, for None)."""
    if moment is None:
        return 0
    seconds = int(moment.replace(tzinfo=moment.tzinfo or UTC).timestamp())
    return (max(0, seconds) + 1) << SEQUENCE_BITS


def _doc_ids(connection: Connection, articles: Sequence[Indexable]) -> list[int]:
    """New doc_ids: publication second, then the next numbers of a sequence kept in the database."""
    start = connection.execute(text("SELECT next FROM article_search_sequence")).scalar_one()
    connection.execute(
        text("UPDATE article_search_sequence SET next = :next"), {"next": start + len(articles)}
    )
    mask = DATED - 1
    return [
        doc_id_floor(article.published_at) | ((start + offset) & mask)
        for offset, article in enumerate(articles)
    ]


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def forget(connection: Connection, ids: Sequence[str]) -> None:
    """Remove these articles from the index (call before their rows change or go)."""
    if not ids:
        return
    if _postgres(connection):
        statement = text("DELETE FROM article_search WHERE article_id IN :ids")
        connection.execute(statement.bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})
        return
    rows = connection.execute(
        text(
            # In doc_id order, like `index`: FTS5 flushes its pending deletes at every step back too.
            "SELECT s.doc_id, s.tokenizer_version, s.filters, a.title, a.body_text FROM article_search s "
            "JOIN article a ON a.id = s.article_id WHERE s.article_id IN :ids ORDER BY s.doc_id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(ids)},
    ).all()
    deletes = [
        {
            "doc_id": row.doc_id,
            "title": index_tokens(row.title),
            "body": index_tokens(row.body_text),
            "filters": row.filters,
        }
        for row in rows
        if row.tokenizer_version == tokenizer_version()
    ]
    if deletes:
        connection.execute(
            text(
                "INSERT INTO article_fts (article_fts, rowid, title, body, filters) "
                "VALUES ('delete', :doc_id, :title, :body, :filters)"
            ),
            deletes,
        )
    statement = text("DELETE FROM article_search WHERE article_id IN :ids")
    connection.execute(statement.bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})
    if deletes:  # the trigger recorded every row as an orphan; these left no postings behind
        cleared = text("DELETE FROM article_fts_orphan WHERE doc_id IN :doc_ids")
        doc_ids = [delete["doc_id"] for delete in deletes]
        connection.execute(cleared.bindparams(bindparam("doc_ids", expanding=True)), {"doc_ids": doc_ids})


def index(connection: Connection, articles: Sequence[Indexable]) -> None:
    """Index these articles, which must not be in the index (new, or forgotten first)."""
    if not articles:
        return
    version = tokenizer_version()
    if _postgres(connection):
        connection.execute(
            text(
                "INSERT INTO article_search (article_id, tokenizer_version, document, stream) "
                "VALUES (:id, :version, CAST(:document AS tsvector), :stream)"
            ),
            [_postgres_row(article, version) for article in articles],
        )
        return
    doc_ids = _doc_ids(connection, articles)
    filters = stored_filter_terms(connection, [article.id for article in articles])
    # FTS5 flushes its pending postings to a new segment whenever a rowid is lower than the last one
    # written: in doc_id order a batch makes one segment instead of hundreds to merge.
    ordered = sorted(zip(doc_ids, articles, strict=True), key=lambda pair: pair[0])
    rows = [
        {
            "doc_id": doc_id,
            "id": article.id,
            "version": version,
            "title": article.title_tokens,
            "body": article.body_tokens,
            "filters": filters.get(article.id, ""),
        }
        for doc_id, article in ordered
    ]
    connection.execute(
        text(
            "INSERT INTO article_search (doc_id, article_id, tokenizer_version, filters) "
            "VALUES (:doc_id, :id, :version, :filters)"
        ),
        rows,
    )
    connection.execute(
        text(
            "INSERT INTO article_fts (rowid, title, body, filters) VALUES (:doc_id, :title, :body, :filters)"
        ),
        rows,
    )


def _aware(value: datetime | str | None) -> datetime | None:
    """published_at as read with text(): SQLite gives a naive UTC string, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _postgres_row(article: Indexable, version: str) -> dict[str, str]:
    title, body = article.title_tokens, article.body_tokens
    return {
        "id": article.id,
        "version": version,
        "document": tsvector_literal(title.split(), body.split()),
        "stream": f" {title} | {body} ",
    }


def tsvector_literal(title: Sequence[str], body: Sequence[str]) -> str:
    """A tsvector in PostgreSQL's input syntax: each token with its positions, title A and body B."""
    positions: dict[str, list[str]] = {}
    position = size = 0
    for weight, tokens in (("A", title), ("B", body)):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entry = positions.get(token)
            if entry is None:
                # The token, its entry and position count (with alignment), then 2 bytes per position.
                cost = len(token.encode()) + 8
                if size + cost > MAX_TSVECTOR_BYTES:
                    continue
                size += cost
                entry = positions[token] = []
            label = f"{position}{weight}"
            if len(entry) < MAX_POSITIONS_PER_WORD and (not entry or entry[-1] != label):
                entry.append(label)
                size += 2
    return " ".join(f"'{token}':{','.join(labels)}" for token, labels in positions.items())


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


STALE = (
    "NOT EXISTS (SELECT 1 FROM article_search s WHERE s.article_id = a.id AND s.tokenizer_version = :version)"
)


def stale_count(connection: Connection) -> int:
    """Articles missing from the index or indexed by another tokenizer version."""
    query = text(f"SELECT count(*) FROM article a WHERE {STALE}")
    return int(connection.execute(query, {"version": tokenizer_version()}).scalar_one())


def refresh_stale(connection: Connection) -> int:
    """Index the articles `stale_count` counts; returns how many."""
    done = 0
    for batch in _articles(connection, STALE):
        ids = [article.id for article in batch]
        forget(connection, ids)
        index(connection, batch)
        done += len(batch)
    return done


def rebuild(connection: Connection) -> int:
    """Empty the index and index every article again; returns how many."""
    if _postgres(connection):
        connection.execute(text("DELETE FROM article_search"))
    else:
        connection.execute(text("INSERT INTO article_fts (article_fts) VALUES ('delete-all')"))
        connection.execute(text("DELETE FROM article_search"))
        connection.execute(text("DELETE FROM article_fts_orphan"))
    done = 0
    for batch in _articles(connection):
        index(connection, batch)
        done += len(batch)
    if not _postgres(connection):
        connection.execute(text("INSERT INTO article_fts (article_fts) VALUES ('optimize')"))
    return done
