"""The `q` syntax -> a SearchQuery: terms that must all match, OR groups, quoted phrases, exclusions.

    养老 保险          both terms (anywhere in the title or the body)
    "人工 智能"        the phrase as written
    基金 OR 股票       either term
    -广告              excludes articles that match the term

Each term is a phrase of index tokens: `iPhone13`, `A股`, `COVID-19` match as written (punctuation between
letters and digits only separates, as in any word search).
"""

import unicodedata
from dataclasses import dataclass

from app.text.folding import fold
from app.text.tokens import PhraseTokens, phrase_tokens

MAX_QUERY_LENGTH = 200
QUOTES = {'"': '"', "\u201c": "\u201d", "\u300c": "\u300d"}  # "...", “...”, 「...」
OR = "OR"


@dataclass(frozen=True, slots=True)
class Phrase:
    """One term or quoted phrase: its folded text and the tokens it must match in a row."""

    text: str
    tokens: PhraseTokens


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Every group must match (a group matches when any of its phrases does); no excluded phrase may."""

    groups: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...]

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """The phrases that select articles, for ranking and highlights."""
        return tuple(phrase for group in self.groups for phrase in group)


class QueryError(ValueError):
    """`q` has nothing that can be searched for."""


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    negated: bool
    keyword: bool  # a bare OR


def _terms(query: str) -> list[_Term]:
    """Split on white space, keeping quoted phrases whole; an unclosed quote runs to the end."""
    terms: list[_Term] = []
    position, length = 0, len(query)
    while position < length:
        if query[position].isspace():
            position += 1
            continue
        negated = query[position] == "-" and position + 1 < length and not query[position + 1].isspace()
        start = position + 1 if negated else position
        closing = QUOTES.get(query[start])
        if closing is not None:
            end = query.find(closing, start + 1)
            end = length if end < 0 else end
            terms.append(_Term(query[start + 1 : end], negated, keyword=False))
            position = end + 1
            continue
        end = start
        while end < length and not query[end].isspace():
            end += 1
        text = query[start:end]
        terms.append(_Term(text, negated, keyword=text == OR and not negated))
        position = end
    return terms


def parse_query(query: str) -> SearchQuery:
    """Parse `q`; raises QueryError when no term has a letter, digit or CJK character."""
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for term in _terms(unicodedata.normalize("NFKC", query)):
        if term.keyword:
            join_next = bool(groups)
            continue
        text = fold(term.text)
        tokens = phrase_tokens(text)
        if tokens is None:
            continue
        phrase = Phrase(text, tokens)
        if term.negated:
            excluded.append(phrase)
        elif join_next:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    if not groups and not excluded:
        raise QueryError("needs at least one letter, digit or Chinese character to search for")
    return SearchQuery(tuple(tuple(group) for group in groups), tuple(excluded))
