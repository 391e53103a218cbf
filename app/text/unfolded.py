"""CJK phrases found in text as it is, without folding it (folding costs about 60 ns a character).

Folding maps each character on its own, so a CJK phrase occurs in the folded text exactly where a run of
characters that each fold to one of its characters alone does: a regular expression of those characters
finds it in the original text, at the original positions. Only a character that folds to several (㍻ is
平成) could take part in a match otherwise; where one that would occurs, the folded text is searched.
"""

import re
from functools import cache

from app.text.folding import fold, fold_table
from app.text.tokens import runs

Span = tuple[int, int]


@cache  # a page asks about the same few phrases for every title and body
def is_cjk_run(text: str) -> bool:
    """True when `text` (folded) is one run of CJK characters: a phrase that matches where it occurs."""
    found = list(runs(text))
    return len(found) == 1 and found[0].cjk and found[0].text == text


@cache
def _unfolding() -> tuple[dict[str, str], dict[str, str]]:
    """Per folded character: the other characters that fold to it alone, and the characters that fold to
    several, it among them."""
    alone: dict[str, str] = {}
    among: dict[str, str] = {}
    for code_point, folded in fold_table().items():
        if len(folded) == 1:
            alone[folded] = alone.get(folded, "") + chr(code_point)
        else:
            for char in set(folded):
                among[char] = among.get(char, "") + chr(code_point)
    return alone, among


def _one_of(chars: str) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


@cache
def _patterns(phrase: str) -> tuple[str, re.Pattern[str] | None]:
    """The phrase as a pattern of unfolded text (each character: any that folds to it alone), and a pattern
    of the characters that fold to several including one of the phrase's (None if there are none)."""
    alone, among = _unfolding()
    table = fold_table()
    pattern = "".join(_one_of(alone.get(char, "") + ("" if ord(char) in table else char)) for char in phrase)
    risky = "".join(among.get(char, "") for char in set(phrase))
    return pattern, re.compile(_one_of(risky)) if risky else None


@cache
def _matches(phrase: str) -> re.Pattern[str]:
    return re.compile(_patterns(phrase)[0])


@cache
def _starts(phrase: str) -> re.Pattern[str]:
    return re.compile(f"(?={_patterns(phrase)[0]})")  # a lookahead: overlapping occurrences count too


def _searchable(text: str, phrase: str) -> bool:
    risky = _patterns(phrase)[1]
    return risky is None or risky.search(text) is None


def spans(text: str, phrase: str) -> list[Span] | None:
    """The spans of a CJK phrase (folded) in `text`, left to right without overlaps as str.find steps, or None
    when a character of the text that folds to several could take part: search the folded text then."""
    if not _searchable(text, phrase):
        return None
    return [match.span() for match in _matches(phrase).finditer(text)]


def occurrences(text: str, phrase: str) -> int:
    """How many times a CJK phrase (folded) occurs in the folded `text`, overlapping ones included."""
    if _searchable(text, phrase):
        return sum(1 for _ in _starts(phrase).finditer(text))
    folded = fold(text)
    count, start = 0, folded.find(phrase)
    while start >= 0:
        count, start = count + 1, folded.find(phrase, start + 1)
    return count
