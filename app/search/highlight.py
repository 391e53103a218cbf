"""Highlights: the title and short body fragments around the matches, matches in <mark>, the rest escaped.

Matches are found the way the index finds them (folded text, the same tokens in a row), then mapped back to
the original characters, so what is marked is what matched.
"""

from collections.abc import Iterator, Sequence
from html import escape

from app.search.folding import fold, fold_with_offsets
from app.search.query import Phrase
from app.search.tokens import MAX_WORD, runs

CONTEXT = 40  # characters kept on each side of a match in a body fragment
MAX_FRAGMENTS = 3
MAX_FRAGMENT = 4 * CONTEXT  # a fragment stops growing at about this many characters
MAX_TITLE = 200
ELLIPSIS = "…"

Span = tuple[int, int]


def _token_spans(folded: str) -> tuple[list[str], list[Span]]:
    """The index tokens of folded text with the span each covers (a bigram covers two characters)."""
    tokens: list[str] = []
    spans: list[Span] = []
    for run in runs(folded):
        if not run.cjk:
            tokens.append(run.text[:MAX_WORD])
            spans.append((run.start, run.start + len(run.text)))
            continue
        last = len(run.text) - 1
        for offset in range(last + 1):
            start = run.start + offset
            tokens.append(run.text[offset : offset + 2])
            spans.append((start, start + (1 if offset == last else 2)))
    return tokens, spans


def _is_cjk_run(text: str) -> bool:
    found = list(runs(text))
    return len(found) == 1 and found[0].cjk and found[0].text == text


def _phrase_spans(
    folded: str, phrase: Phrase, tokenized: list[tuple[list[str], list[Span]]]
) -> Iterator[Span]:
    if _is_cjk_run(phrase.text):  # bigrams in a row match exactly where the text occurs
        start = folded.find(phrase.text)
        while start >= 0:
            yield start, start + len(phrase.text)
            start = folded.find(phrase.text, start + len(phrase.text))
        return
    if not tokenized:
        tokenized.append(_token_spans(folded))
    tokens, spans = tokenized[0]
    wanted, prefix = phrase.tokens.tokens, phrase.tokens.prefix
    last = len(wanted) - 1
    for index in range(len(tokens) - last):
        if tokens[index] != wanted[0] and not (last == 0 and prefix and tokens[index].startswith(wanted[0])):
            continue
        following = tokens[index + 1 : index + last + 1]
        if all(
            (token.startswith(want) if i == last - 1 and prefix else token == want)
            for i, (token, want) in enumerate(zip(following, wanted[1:], strict=True))
        ):
            end = spans[index + last][0] + len(wanted[-1]) if prefix else spans[index + last][1]
            yield spans[index][0], end


def match_spans(text: str, phrases: Sequence[Phrase]) -> list[Span]:
    """Sorted, merged spans of `text` (original positions) that the phrases match."""
    folded = fold(text)
    origins: list[int] | None = None
    if len(folded) != len(text):  # some character folded to several: map positions back
        folded, origins = fold_with_offsets(text)
    tokenized: list[tuple[list[str], list[Span]]] = []
    found = sorted(span for phrase in phrases for span in _phrase_spans(folded, phrase, tokenized))
    merged: list[Span] = []
    for start, end in found:
        if origins is not None:
            start, end = origins[start], origins[end - 1] + 1
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
