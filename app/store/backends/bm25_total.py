"""The total of a one-phrase search on SQLite, read off the count that bm25 has already made.

Before it scores a row, FTS5's bm25 counts the rows each phrase of the MATCH occurs in, n, for its IDF:
log((N - n + 0.5) / (n + 0.5)), a pass over every match. When the search is a single CJK phrase with no
filter, no date and no orphaned postings, n is the search's total, and counting it again would be a second
such pass (for a long phrase, each pass checks positions in every matching article). A scored row gives n
away: bm25 = -idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)), where f is the row's phrase frequency
(occurrences in the title weighted by TITLE_WEIGHT, plus those in the body), D its length in tokens, and
avgdl the table's average, all of which can be read here. The n solved for is taken only if the formula,
recomputed with it, gives FTS5's scores of two rows to the last bit: any doubt (another SQLite's bm25, a row
indexed by another tokenizer, a write in between, an IDF at its floor) returns None and the caller counts.
"""

import math
from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from app.store.backends.base import TITLE_WEIGHT
from app.text import unfolded

K1, B = 1.2, 0.75  # FTS5's bm25 constants
IDF_FLOOR = 1e-6  # FTS5's IDF for a phrase in half the rows or more: n can no longer be told from it
SAMPLES = 2  # scored rows that must agree

_ROWS = text(
    "SELECT s.doc_id, a.title, a.body_text, d.sz FROM article_search s JOIN article a ON a.id = s.article_id "
    "JOIN article_fts_docsize d ON d.id = s.doc_id WHERE s.doc_id IN :doc_ids"
).bindparams(bindparam("doc_ids", expanding=True))
_AVERAGES = text("SELECT block FROM article_fts_data WHERE id = 1")  # FTS5's row count and column sizes


def _varints(blob: bytes) -> list[int]:
    """The SQLite varints in `blob` (big-endian 7-bit groups, a ninth byte of 8 bits)."""
    values, position = [], 0
    while position < len(blob):
        value = 0
        for index in range(9):
            byte = blob[position]
            position += 1
            if index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values


def _idf(rows: int, hits: int) -> float:
    idf = math.log((rows - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0.0 else IDF_FLOOR


def _hits(idf: float, rows: int) -> float:
    """The n whose IDF this is (the inverse of `_idf` above its floor)."""
    ratio = math.exp(idf)
    return (rows + 0.5 - 0.5 * ratio) / (ratio + 1.0)


def bm25_total(session: Session, phrase: str, scored: Sequence[tuple[int, float]]) -> int | None:
    """How many rows the CJK phrase (folded) occurs in, from the bm25 scores of these rows (doc_id, score)
    of a MATCH of that phrase alone; None when it cannot be told exactly."""
    sample = dict(scored[:SAMPLES])
    if len(sample) < SAMPLES or not unfolded.is_cjk_run(phrase):
        return None
    averages = _varints(session.execute(_AVERAGES).scalar_one())
    rows, average_length = averages[0], sum(averages[1:]) / averages[0]
    terms: dict[int, float] = {}  # per row, the score divided by the IDF
    for doc_id, title, body, sizes in session.execute(_ROWS, {"doc_ids": list(sample)}):
        frequency = TITLE_WEIGHT * unfolded.occurrences(title, phrase) + unfolded.occurrences(body, phrase)
        length = sum(_varints(sizes))
        terms[doc_id] = (frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * length / average_length))
    if len(terms) < SAMPLES or not all(terms.values()):
        return None
    doc_id, score = next(iter(sample.items()))
    estimate = round(_hits(-score / terms[doc_id], rows))
    for hits in (estimate, estimate - 1, estimate + 1):
        idf = _idf(rows, hits) if 0 < hits < rows else IDF_FLOOR
        if idf != IDF_FLOOR and all(-(idf * terms[row]) == sample[row] for row in sample):
            return hits
    return None
