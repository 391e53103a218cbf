"""Folded text -> index tokens: CJK runs as overlapping bigrams, other letters and digits as words.

Each CJK character starts one token: the bigram it forms with the next character of its run, or, for the last
character of a run, the character alone. So a run of n characters gives n tokens in a row, a phrase of bigrams
can never reach across two runs (the run's last token is not a bigram), and every occurrence of a character is
the first character of some token (a one-character query is a prefix query). Words are runs of other letters
and digits, lower-cased by folding: `iphone13`, `5g`, `m1`; `A股` is the word `a` followed by the run `股`.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from operator import add

from app.text.folding import fold, fold_fingerprint

# Bump when the token scheme changes; the fold table's fingerprint is appended to it.
SCHEME_VERSION = 1
MAX_WORD = 40  # longer words (hashes, base64) are cut: both sides cut alike, so they still match

# Han ideographs (with 々 and 〇), kana and Hangul: scripts written without spaces between words.
CJK_CLASS = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U000323af"
)
_RUNS = re.compile(f"([{CJK_CLASS}]+)|[^\\W_{CJK_CLASS}]+")
_RUN_PAIRS = re.compile(f"([{CJK_CLASS}]+)|([^\\W_{CJK_CLASS}]+)")  # findall: (cjk run, word) pairs
_CJK = re.compile(f"[{CJK_CLASS}]")


@cache
def tokenizer_version() -> str:
    """Stored with every indexed article; an index built by another version must be rebuilt."""
    return f"{SCHEME_VERSION}.{fold_fingerprint()}"


def is_cjk(char: str) -> bool:
    """True for a character of the scripts tokenized as bigrams."""
    return _CJK.fullmatch(char) is not None


@dataclass(frozen=True, slots=True)
class Run:
    """A maximal run of CJK characters or of word characters in folded text."""

    text: str
    cjk: bool
    start: int


def runs(folded: str, start: int = 0) -> Iterator[Run]:
    """The runs of `folded` from `start`, in order; anything between runs (spaces, punctuation) separates."""
    for match in _RUNS.finditer(folded, start):
        yield Run(match.group(), match.group(1) is not None, match.start())


def index_tokens(text: str) -> str:
    """The space-joined tokens stored in the index for `text` (folded here)."""
    tokens: list[str] = []
    extend, append = tokens.extend, tokens.append
    # findall's tuples instead of Match objects: this runs over every body at ingest, 7x faster.
    for run, word in _RUN_PAIRS.findall(fold(text)):
        if run:
            extend(map(add, run, run[1:]))
            append(run[-1])
        else:
            append(word[:MAX_WORD])
    return " ".join(tokens)


@dataclass(frozen=True, slots=True)
class PhraseTokens:
    """A query phrase as index tokens in a row; with `prefix`, the last token only has to start with it."""

    tokens: tuple[str, ...]
    prefix: bool


def phrase_tokens(folded: str) -> PhraseTokens | None:
    """The tokens a phrase (already folded) must match in a row, or None when it has nothing to search."""
    found = list(runs(folded))
    tokens: list[str] = []
    prefix = False
    for position, run in enumerate(found):
        if not run.cjk:
            tokens.append(run.text[:MAX_WORD])
            continue
        last = position == len(found) - 1
        tokens.extend(map(add, run.text, run.text[1:]))
        if not last:
            tokens.append(run.text[-1])  # the run must end here in the text too
        elif len(run.text) == 1:
            tokens.append(run.text)  # a lone final character: any token that starts with it
            prefix = True
    return PhraseTokens(tuple(tokens), prefix) if tokens else None
