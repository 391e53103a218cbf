"""Highlights: the title and short body fragments around the matches, matches in <mark>, the rest escaped.

Matches are found the way the index finds them (folded text, the same tokens in a row), then mapped back to
the original characters, so what is marked is what matched; CJK phrases are found in the text as it is
(`app.text.unfolded`), which gives the same spans without folding it.
"""

import re
from collections.abc import Iterator, Sequence
from html import escape

from app.text import unfolded
from app.text.folding import fold, fold_with_offsets
from app.text.query_syntax import Phrase
from app.text.tokens import CJK_CLASS, MAX_WORD, is_cjk, runs

CONTEXT = 40  # characters kept on each side of a match in a body fragment
MAX_FRAGMENTS = 3
# Growing prefixes of a long body searched before the whole of it: folding costs per character, and a
# frequent word has its first matches near the start.
SCAN_FIRST = (1_000, 5_000)
MAX_FRAGMENT = 4 * CONTEXT  # a fragment stops growing at about this many characters
MAX_TITLE = 200
ELLIPSIS = "…"

Span = tuple[int, int]
_WORD_CHAR = re.compile(f"[^\\W_{CJK_CLASS}]")


def _tokens_from(folded: str, position: int) -> Iterator[tuple[str, int, int]]:
    """The index tokens of folded text from `position` on, each with the span it covers."""
    for run in runs(folded, position):
        if not run.cjk:
            yield run.text[:MAX_WORD], run.start, run.start + len(run.text)
            continue
        last = len(run.text) - 1
        for offset in range(last + 1):
            start = run.start + offset
            yield run.text[offset : offset + 2], start, start + (1 if offset == last else 2)


def _match_at(folded: str, position: int, phrase: Phrase) -> Span | None:
    """The span of the phrase's tokens in a row from `position`, if they are there."""
    wanted, prefix = phrase.tokens.tokens, phrase.tokens.prefix
    last = len(wanted) - 1
    start = end = position
    for index, (token, token_start, token_end) in enumerate(_tokens_from(folded, position)):
        want = wanted[index]
        if index == 0:
            if token_start != position:
                return None
            start = token_start
        if index == last and prefix:
            return (start, token_start + len(want)) if token.startswith(want) else None
        if token != want:
            return None
        end = token_end
        if index == last:
            return start, end
    return None


def _phrase_spans(folded: str, phrase: Phrase) -> Iterator[Span]:
    if unfolded.is_cjk_run(phrase.text):  # bigrams in a row match exactly where the text occurs
        start = folded.find(phrase.text)
        while start >= 0:
            yield start, start + len(phrase.text)
            start = folded.find(phrase.text, start + len(phrase.text))
        return
    first = phrase.tokens.tokens[0]
    word = not is_cjk(first[0])
    start = folded.find(first)
    while start >= 0:
        # a word starts a run; a CJK token may start anywhere in one
        if not (word and start > 0 and _WORD_CHAR.match(folded, start - 1)):
            span = _match_at(folded, start, phrase)
            if span is not None:
                yield span
        start = folded.find(first, start + 1)


def _unfolded_spans(text: str, phrase: Phrase) -> list[Span] | None:
    """The phrase's spans found in `text` as it is (a CJK phrase), or None when the text must be folded."""
    return unfolded.spans(text, phrase.text) if unfolded.is_cjk_run(phrase.text) else None


def _folded_spans(text: str, phrases: Sequence[Phrase]) -> list[Span]:
    """The phrases' spans found in the folded text, mapped back to positions in `text`."""
    folded = fold(text)
    if len(folded) == len(text):
        return [span for phrase in phrases for span in _phrase_spans(folded, phrase)]
    folded, origins = fold_with_offsets(text)  # some character folded to several: map positions back
    spans = (span for phrase in phrases for span in _phrase_spans(folded, phrase))
    return [(origins[start], origins[end - 1] + 1) for start, end in spans]


def match_spans(text: str, phrases: Sequence[Phrase]) -> list[Span]:
    """Sorted, merged spans of `text` (original positions) that the phrases match."""
    found: list[Span] = []
    unsearched: list[Phrase] = []
    for phrase in phrases:  # folding costs far more than a search: only the phrases that need it fold
        spans = _unfolded_spans(text, phrase)
        if spans is None:
            unsearched.append(phrase)
        else:
            found += spans
    if unsearched:
        found += _folded_spans(text, unsearched)
    merged: list[Span] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[Span], start: int, end: int) -> str:
    pieces: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    return " ".join("".join(pieces).split())  # paragraph breaks and runs of spaces become one space


def highlight_title(title: str, phrases: Sequence[Phrase]) -> str | None:
    """The title with its matches marked, or None when nothing in it matches."""
    spans = match_spans(title, phrases)
    if not spans:
        return None
    end = min(len(title), max(MAX_TITLE, spans[0][1]))
    return _marked(title, spans, 0, end) + (ELLIPSIS if end < len(title) else "")


def highlight_body(body: str, phrases: Sequence[Phrase]) -> list[str]:
    """Up to MAX_FRAGMENTS fragments of the body around its first matches, in text order."""
    # Fragments come from the first matches: look at the start of a long body first.
    spans: list[Span] = []
    for size in SCAN_FIRST:
        if len(body) > size and len(spans) < MAX_FRAGMENTS:
            spans = match_spans(body[:size], phrases)
    if len(spans) < MAX_FRAGMENTS:
        spans = match_spans(body, phrases)
    windows: list[Span] = []
    for start, end in spans:
        window = (max(0, start - CONTEXT), min(len(body), end + CONTEXT))
        if windows and window[0] <= windows[-1][1]:
            if window[1] - windows[-1][0] <= MAX_FRAGMENT:  # a close match joins the fragment
                windows[-1] = (windows[-1][0], window[1])
        elif len(windows) == MAX_FRAGMENTS:
            break
        else:
            windows.append(window)
    return [
        (ELLIPSIS if start > 0 else "")
        + _marked(body, spans, start, end)
        + (ELLIPSIS if end < len(body) else "")
        for start, end in windows
    ]
