"""Related articles, the part every database shares: which of an article's index terms to ask for.

An article's related articles are those a ranked OR query of its most distinctive terms finds first (on
SQLite by the summed idf of the terms each shares, on PostgreSQL by ts_rank). Distinctive means frequent in
the article (a title term counts TITLE_WEIGHT times) and rare in the corpus: the CANDIDATES most frequent
terms of the article are weighed by tf x idf, with each term's document frequency counted in a sample of
SAMPLE articles (each backend says which: a bounded count, whatever the corpus's size), and the TERMS best
form the query. So that ranking costs the same at any size, only a window of WINDOW matches is ranked.
"""

import math
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.backends.base import TITLE_WEIGHT
from app.store.tables import ARTICLE
from app.text.tokens import index_tokens

CANDIDATES = 12
TERMS = 8
BODY_PREFIX = 3_000  # characters of the body read for terms: an article's subject shows early
SAMPLE = 1_000  # articles in which document frequencies are counted
WINDOW = 500  # matches of the OR query that are ranked


def candidate_terms(title_tokens: str, body_tokens: str) -> dict[str, float]:
    """The article's most frequent terms with their weighted frequency (single characters and numbers,
    which relate nothing, left out)."""
    counts: dict[str, float] = {}
    for tokens, weight in ((title_tokens, TITLE_WEIGHT), (body_tokens, 1.0)):
        for token in tokens.split():
            if len(token) > 1 and not token.isdigit():
                counts[token] = counts.get(token, 0.0) + weight
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:CANDIDATES])


def distinctive_terms(
    frequencies: Mapping[str, float], documents: Mapping[str, int], sample: int
) -> list[str]:
    """The TERMS best by tf x idf, `documents` holding each term's document count in a sample of `sample`
    articles (a term found in none of them is rare: it scores highest)."""
    scored = [
        (frequency * math.log((sample + 1) / (documents.get(term, 0) + 0.5)), term)
        for term, frequency in frequencies.items()
    ]
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    return [term for _score, term in ranked[:TERMS]]


def article_terms(session: Session, article_id: str) -> dict[str, float] | None:
    """The candidate terms of a stored article (None when there is no such article)."""
    query = select(ARTICLE.c.title, func.substr(ARTICLE.c.body_text, 1, BODY_PREFIX)).where(
        ARTICLE.c.id == article_id
    )
    row = session.execute(query).first()
    if row is None:
        return None
    return candidate_terms(index_tokens(row[0]), index_tokens(row[1]))
