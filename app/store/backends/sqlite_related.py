"""SQLite's related articles, answered by FTS5 alone. Document frequencies are counted among the SAMPLE
newest indexed articles (a rowid range: doc_ids follow the publication time). The OR query's WINDOW newest
matches are then ranked by the summed idf of the chosen terms each contains: FTS5 hands matches out newest
first and stops there, and each term's matches in that rowid range are one short read, where bm25 would
first count every term's postings over the whole table (a term in a tenth of 100,000 articles: 10,000)."""

import json
import math
from collections.abc import Mapping
from functools import cache

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from app.store.backends.related import SAMPLE, WINDOW, article_terms, distinctive_terms

# The doc_id from which the SAMPLE newest indexed articles start, and how many there are.
_SAMPLE = text(
    "SELECT min(doc_id), count(*) FROM (SELECT doc_id FROM article_search ORDER BY doc_id DESC LIMIT :sample)"
)
_WINDOW_START = text(
    "SELECT min(rowid) FROM (SELECT rowid FROM article_fts WHERE article_fts MATCH :expression "
    "ORDER BY rowid DESC LIMIT :window)"
)
_ARTICLE_IDS = text(
    "SELECT doc_id, article_id FROM article_search WHERE doc_id IN (SELECT value FROM json_each(:ids))"
)


@cache
def _documents_statement(terms: int) -> TextClause:
    """Each term's document count among the articles from doc_id :floor on, in one statement."""
    counts = (
        f"SELECT {i}, (SELECT count(*) FROM article_fts WHERE article_fts MATCH :t{i} AND rowid >= :floor)"
        for i in range(terms)
    )
    return text(" UNION ALL ".join(counts))


@cache
def _ranked_statement(terms: int) -> TextClause:
    """The doc_ids from :floor on that contain any of the terms, by the summed weights of those they hold."""
    matches = " UNION ALL ".join(
        f"SELECT rowid, :w{i} AS weight FROM article_fts WHERE article_fts MATCH :t{i} AND rowid >= :floor"
        for i in range(terms)
    )
    return text(
        f"SELECT rowid FROM ({matches}) GROUP BY rowid ORDER BY sum(weight) DESC, rowid DESC LIMIT :limit"
    )


def _quoted(term: str) -> str:
    return '"' + term + '"'  # index terms are runs of word characters: nothing to escape


def _ranked(session: Session, terms: list[str], idf: Mapping[str, float], limit: int) -> list[int]:
    expression = " OR ".join(map(_quoted, terms))
    floor = session.execute(_WINDOW_START, {"expression": expression, "window": WINDOW}).scalar()
    if floor is None:
        return []
    params: dict[str, object] = {"floor": floor, "limit": limit}
    for i, term in enumerate(terms):
        params |= {f"t{i}": _quoted(term), f"w{i}": idf[term]}
    return list(session.execute(_ranked_statement(len(terms)), params).scalars().all())


def sqlite_related(session: Session, article_id: str, limit: int) -> list[str]:
    """Ids of the articles most related to this one, best first (none when it has no term to ask for)."""
    frequencies = article_terms(session, article_id)
    if not frequencies:
        return []
    floor, sample = session.execute(_SAMPLE, {"sample": SAMPLE}).one()
    terms = list(frequencies)
    params = {f"t{i}": _quoted(term) for i, term in enumerate(terms)} | {"floor": floor or 0}
    documents = {terms[i]: count for i, count in session.execute(_documents_statement(len(terms)), params)}
    chosen = distinctive_terms(frequencies, documents, sample)
    if not chosen:
        return []
    idf = {term: math.log((sample + 1) / (documents.get(term, 0) + 0.5)) for term in chosen}
    doc_ids = _ranked(session, chosen, idf, limit + 1)  # one more: the article itself may be among them
    found = dict(session.execute(_ARTICLE_IDS, {"ids": json.dumps(doc_ids)}).tuples().all())
    ids = [found[doc_id] for doc_id in doc_ids if doc_id in found and found[doc_id] != article_id]
    return ids[:limit]
