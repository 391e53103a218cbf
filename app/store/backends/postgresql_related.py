"""PostgreSQL's related articles: the candidate terms' documents are counted among a sample of the indexed
articles, and ts_rank orders a window of the OR query's matches. Both read whole tsvectors (kilobytes each,
out of line), so both are smaller than SQLite's, whose counts and matches are postings."""

from functools import cache

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from app.store.backends.base import TITLE_WEIGHT
from app.store.backends.related import article_terms, distinctive_terms

SAMPLE = 250
WINDOW = 200

_WEIGHTS = f"'{{0, 0, {1 / TITLE_WEIGHT}, 1}}'::float4[]"
_SAMPLE = text("SELECT count(*) FROM (SELECT 1 FROM article_search LIMIT :sample) s")
_RANKED = text(
    "SELECT article_id FROM (SELECT article_id, document FROM article_search "
    "WHERE document @@ CAST(:query AS tsquery) AND article_id <> :id LIMIT :window) m "
    f"ORDER BY ts_rank({_WEIGHTS}, document, CAST(:query AS tsquery)) DESC, article_id LIMIT :limit"
)


@cache
def _documents_statement(terms: int) -> TextClause:
    """Each term's document count among the first :sample rows of the index, in one statement."""
    counts = ", ".join(f"count(*) FILTER (WHERE document @@ CAST(:t{i} AS tsquery))" for i in range(terms))
    return text(f"SELECT {counts} FROM (SELECT document FROM article_search LIMIT :sample) s")


def _lexeme(term: str) -> str:
    return f"'{term}'"  # index terms are runs of word characters: nothing to escape


def postgresql_related(session: Session, article_id: str, limit: int) -> list[str]:
    """Ids of the articles most related to this one, best first (none when it has no term to ask for)."""
    frequencies = article_terms(session, article_id)
    if not frequencies:
        return []
    sample = int(session.execute(_SAMPLE, {"sample": SAMPLE}).scalar_one())
    terms = list(frequencies)
    params = {f"t{i}": _lexeme(term) for i, term in enumerate(terms)} | {"sample": SAMPLE}
    counted = session.execute(_documents_statement(len(terms)), params).one()
    chosen = distinctive_terms(frequencies, dict(zip(terms, counted, strict=True)), sample)
    if not chosen:
        return []
    params = {"query": " | ".join(map(_lexeme, chosen)), "id": article_id, "window": WINDOW, "limit": limit}
    return list(session.execute(_RANKED, params).scalars().all())
