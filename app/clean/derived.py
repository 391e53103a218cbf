"""Derived facts about clean text: excerpt, reading time, language."""

import re
import unicodedata

from app.clean.textutil import PAD_CHARS

# Characters are counted by runs (the sum of their lengths): findall of single characters makes a string of
# each one, and this runs over every body at ingest.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA = re.compile(r"[\u3040-\u30ff]+")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]+")
# Reading time counts both in one scan: a CJK run is captured, a word matches with an empty group.
_CJK_RUN_OR_WORD = re.compile(rf"([{_CJK}]+)|[^\W_{_CJK}]+")
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04ff]+")),
    ("ar", re.compile(r"[\u0600-\u06ff]+")),
    ("he", re.compile(r"[\u0590-\u05ff]+")),
    ("el", re.compile(r"[\u0370-\u03ff]+")),
    ("th", re.compile(r"[\u0e00-\u0e7f]+")),
    ("hi", re.compile(r"[\u0900-\u097f]+")),
)
# Any character of kana, Hangul or _SCRIPTS: most bodies have none, and one scan says so instead of eight.
_OTHER_SCRIPT = re.compile(
    "|".join(p.pattern.removesuffix("+") for p in (_KANA, _HANGUL, *(p for _, p in _SCRIPTS)))
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# A few very common words per Latin-script language; enough to tell them apart in a paragraph.
_STOPWORDS = {
    "en": frozenset("the and of to is in that it for was with as on are be this you not have".split()),
    "fr": frozenset("le la les et des est une du dans que pour pas sur qui au avec ce sont".split()),
    "de": frozenset("der die und das ist nicht ein eine zu den mit von sich auf für dem des".split()),
    "es": frozenset("el la los las y de que es en un una por con para no se del al".split()),
    "pt": frozenset("o a os as e de que não em um uma para com do da no se por".split()),
    "it": frozenset("il la di che è e un una per non con del della sono gli le".split()),
    "nl": frozenset("de het een en van is dat niet op te in zijn met voor er".split()),
}
_SAMPLE = 1500  # the script of a text shows in its first paragraphs; every pass over it costs
_SENTENCE_END = re.compile(r"[。！？!?…]+[”」』）)\"']*|\.(?=\s)[”\"')]*")
# Scripts written without spaces between words: a cut between any two characters is fine.
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_GLUE = frozenset("\u0300\u036f\u200d\ufe0e\ufe0f")  # characters that must not start a cut


def make_excerpt(text: str, limit: int = 120) -> str:
    """The first sentences within ~limit characters; a cut mid-sentence ends with "…", never inside a word."""
    flat = _flatten(text)
    if len(flat) <= limit:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit * 0.4:
        return flat[: ends[-1]].rstrip(PAD_CHARS)
    cut = _cut_point(flat, limit - 1)
    return flat[:cut].rstrip(PAD_CHARS + "，、,;；:：-—(（[【「『“\"'") + "…"


def _flatten(text: str) -> str:
    """One line: breaks become a space, except after CJK punctuation (which needs none)."""
    lines = [line.strip(PAD_CHARS) for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out:
            glued = ord(out[-1]) > 0x2E80 and not out[-1].isalnum()
            out += line if glued else " " + line
        else:
            out = line
    return out


def _cut_point(text: str, limit: int) -> int:
    """The largest index <= limit that is between words (or CJK characters) and between graphemes."""
    cut = limit
    while cut > 0 and not _can_cut(text, cut):
        cut -= 1
    if cut == 0:  # one word longer than the limit: keep it whole rather than split it
        cut = limit
        while cut < len(text) and not _can_cut(text, cut):
            cut += 1
    return cut


def _can_cut(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    if after in _GLUE or before == "\u200d" or unicodedata.combining(after):
        return False
    if "\ud800" <= before <= "\udbff" or "\U0001f3fb" <= after <= "\U0001f3ff":  # surrogate / skin tone
        return False
    if _is_regional(before) and _is_regional(after):  # flags are pairs of regional indicators
        run = 0
        while i - run - 1 >= 0 and _is_regional(text[i - run - 1]):
            run += 1
        return run % 2 == 0
    if after.isspace() or before.isspace():
        return True
    return not (_is_wordish(before) and _is_wordish(after))


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _is_wordish(ch: str) -> bool:
    """Characters that glue a word together: letters, digits, apostrophes, hyphens; not Han or kana."""
    return (ch.isalnum() or ch in "'’-_.@/") and _NO_SPACES.match(ch) is None


def reading_minutes(text: str) -> int:
    """Minutes to read: ~400 CJK characters or ~200 other words a minute; 1 at least, 0 for no text."""
    if not text.strip():
        return 0
    found = _CJK_RUN_OR_WORD.findall(text)
    words = found.count("")
    cjk = sum(map(len, found))
    return max(1, round(cjk / 400 + words / 200))


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code guessed from the script (and common words for Latin text); None without letters."""
    sample = text[:_SAMPLE]
    han = _count(_HAN, sample)
    latin = _LATIN_WORD.findall(sample)
    others = _OTHER_SCRIPT.search(sample) is not None
    kana, hangul = (_count(p, sample) if others else 0 for p in (_KANA, _HANGUL))
    counts = {code: _count(p, sample) if others else 0 for code, p in _SCRIPTS}
    cjk = han + kana + hangul
    best_other = max(counts, key=lambda code: counts[code])
    # A Han character says about as much as half an English word; code in an answer must not win.
    if cjk and cjk * 2 >= len(latin) and cjk >= counts[best_other]:
        if kana and (kana >= 0.1 * cjk or not han):
            return "ja"
        if hangul and hangul >= 0.1 * cjk:
            return "ko"
        return "zh" if han else ("ja" if kana else "ko")
    if counts[best_other] > len(latin):
        return best_other
    if latin:
        return _latin_language(latin)
    return None


def _count(runs: re.Pattern[str], text: str) -> int:
    """How many characters of `text` the run pattern covers."""
    return sum(map(len, runs.findall(text)))


def _latin_language(words: list[str]) -> str:
    lowered = [w.lower() for w in words[:600]]
    scores = {code: sum(w in stop for w in lowered) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] > scores["en"] else "en"
