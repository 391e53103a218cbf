"""Report how the body cleaner does on real posts: leftovers, losses and speed, per source.

Usage: ``python bench/clean_report.py DIR [DIR ...] [--verbose]`` (every *.md below each DIR).

Per source (the 2nd category) it prints: files, median paragraphs, boilerplate markers left in body_text,
empty bodies (the source has text, body_text has none), source paragraphs of >= 20 characters missing from
body_text, and the median milliseconds per article. A source paragraph that a rule removed on purpose
(its text is in a Dropped preview or a metadata field) is not "missing"; the rules that account for such
paragraphs are listed under the table, so each exclusion can be checked. Then what a reader must not see,
by the checks of bench/clean_checks.py over the record ingest would store: excerpts or first paragraphs
that open with a credit line (byline, source, original title), first paragraphs that repeat the title,
formulas whose TeX is missing from the text, and placeholder or proxied images; and the paragraph recall.

Source paragraphs come from the standard library's HTMLParser (independent of the cleaner): text between
block tags and <br>, outside script/style, compared with body_text after NFC, case folding and with all
whitespace removed.
"""

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
from selectolax.lexbor import LexborHTMLParser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from clean_checks import echoes_title, fake_images, missing_formulas, starts_with_credit, title_key  # noqa: E402

from app.clean.cleaner import CleanBody, clean_body  # noqa: E402  (run as a script from the repo)
from app.parse.build import build_record_with_cleaning  # noqa: E402
from app.parse.record import ArticleRecord  # noqa: E402

MIN_PARAGRAPH = 20
TIMING_RUNS = 3
MARKERS: dict[str, re.Pattern[str]] = {
    "责任编辑": re.compile("责任编辑"),
    "原标题": re.compile("原标题"),
    "海量资讯": re.compile("海量资讯"),
    "新浪财经APP": re.compile("新浪财经APP"),
    "查看知乎原文": re.compile("查看知乎原文"),
    "查看知乎讨论": re.compile("查看知乎讨论"),
    "appendQr": re.compile("appendQr"),
    "article_adlist": re.compile("article_adlist"),
    "css{}": re.compile(r"\{[^{}]*\b[a-z-]+\s*:\s*[^;{}]+;[^{}]*\}"),
    "<tag": re.compile(r"</?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>|<!--"),
    "&entity;": re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"),
}
_BLOCKS = frozenset(
    "address article aside blockquote body br caption center dd details div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul img video iframe".split()
)
_HIDDEN_TEXT = frozenset({"script", "style", "template", "noscript"})
# Tags that are not HTML elements are literal text a feed forgot to escape (`<ROOT>/path` in code).
_HTML_TAGS = _BLOCKS | frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q rp rt ruby s samp small span strong "
    "sub sup time u var wbr audio canvas embed map object picture source svg track button input label select "
    "textarea head meta link title base big strike tt nobr".split()
)
_SPACE = re.compile(r"[\s\u200b\ufeff]+")


class _Paragraphs(HTMLParser):
    """Text runs between block boundaries, the way a reader would see paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS and tag not in _HIDDEN_TEXT:
            raw = self.get_starttag_text() or ""
            self.handle_data("<" + raw[1:].split("<", 1)[0])  # `<Name</span>`: the literal ends at "<"
        elif tag in _HIDDEN_TEXT:
            self._hidden += 1
        elif tag in _BLOCKS:
            self._cut()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._cut()

    def handle_endtag(self, tag: str) -> None:
        if tag not in _HTML_TAGS and tag not in _HIDDEN_TEXT:
            self.handle_data(f"</{tag}>")
        elif tag in _HIDDEN_TEXT:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._cut()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._cut()

    def _cut(self) -> None:
        text = "".join(self._buffer).strip()
        self._buffer.clear()
        if text:
            self.paragraphs.append(text)


def squash(text: str) -> str:
    """NFC, case-folded, every whitespace character removed: the form paragraphs are compared in."""
    # Case folding because HTMLParser reports the end tag of a literal `</Name>` in code as `</name>`.
    return _SPACE.sub("", unicodedata.normalize("NFC", text)).casefold()


def source_paragraphs(html: str) -> list[str]:
    """The body's paragraphs as an independent parser sees them."""
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


@dataclass
class SourceStats:
    """Counts for one source."""

    files: int = 0
    paragraphs: list[int] = field(default_factory=list)
    millis: list[float] = field(default_factory=list)
    markers: Counter[str] = field(default_factory=Counter)
    empty: int = 0
    considered: int = 0  # source paragraphs long enough to be checked
    missing: int = 0
    excluded: Counter[str] = field(default_factory=Counter)
    credit_leads: int = 0
    echoes: int = 0
    lost_formulas: int = 0
    fake_images: int = 0
    title_only: int = 0  # bodies that are their title and nothing else (kept: they are the whole text)

    def add(self, other: "SourceStats") -> None:
        """Add another source's counts to these (the total)."""
        self.files += other.files
        self.paragraphs += other.paragraphs
        self.millis += other.millis
        self.markers.update(other.markers)
        self.excluded.update(other.excluded)
        for name in ("empty", "considered", "missing", "credit_leads", "echoes", "lost_formulas"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.fake_images += other.fake_images
        self.title_only += other.title_only

    def problems(self) -> int:
        """Everything that must be zero."""
        unseen = self.credit_leads + self.echoes + self.lost_formulas + self.fake_images
        return sum(self.markers.values()) + self.empty + self.missing + unseen


def prose(cleaned: CleanBody) -> str:
    """body_text without code (code may legitimately hold tags, braces and entities)."""
    body = LexborHTMLParser(cleaned.body_html).body
    blocks = body.css("pre") if body else []
    code_lines = {line.rstrip() for pre in blocks for line in pre.text().split("\n")}
    text = "\n".join(line for line in cleaned.body_text.split("\n") if line not in code_lines)
    for code in body.css("code") if body else []:
        text = text.replace(code.text(), "")
    return text


def find_missing(source: Sequence[str], cleaned: CleanBody) -> tuple[int, list[str], Counter[str]]:
    """How many source paragraphs were checked, those absent from body_text, and the rules that account for
    the deliberate absences."""
    body = squash(cleaned.body_text)
    removed = [(d.rule, squash(d.text.removesuffix("…"))) for d in cleaned.dropped]
    fields = [cleaned.original_title, cleaned.editor, cleaned.byline, cleaned.origin]
    removed += [("field", squash(value)) for value in fields if value]
    considered = 0
    missing: list[str] = []
    excluded: Counter[str] = Counter()
    for paragraph in source:
        text = squash(paragraph)
        if len(text) < MIN_PARAGRAPH:
            continue
        considered += 1
        if text in body:
            continue
        rules = set()
        for rule, piece in removed:
            if piece and piece in text:
                text = text.replace(piece, "")
                rules.add(rule)
        if rules and (len(text) < MIN_PARAGRAPH or text in body):
            excluded.update(rules)
        else:
            missing.append(paragraph)
    return considered, missing, excluded


def timed_clean(html: str, categories: Sequence[str], title: str) -> tuple[CleanBody, float]:
    """The cleaned body and the best of TIMING_RUNS timings, in milliseconds."""
    best = float("inf")
    cleaned = None
    for _ in range(TIMING_RUNS):
        start = time.perf_counter()
        cleaned = clean_body(html, categories=categories, title=title)
        best = min(best, (time.perf_counter() - start) * 1000)
    assert cleaned is not None
    return cleaned, best


def load(path: Path) -> tuple[str, list[str], ArticleRecord]:
    """(body, categories, the record ingest would store) of one post; braces unescaped, as ingest does."""
    raw = path.read_text(encoding="utf-8", errors="replace").replace("&#123;", "{").replace("&#125;", "}")
    post = frontmatter.loads(raw)
    found = post.get("categories") or []
    categories: list[object] = [found] if isinstance(found, str) else list(found)  # type: ignore[call-overload]
    record, _ = build_record_with_cleaning(
        path.read_bytes(), key=path.name, file_path=str(path), digest="", zone=ZoneInfo("UTC")
    )
    return post.content, [str(c).strip() for c in categories if c is not None], record


def check_reader_view(
    body: str, record: ArticleRecord, entry: "SourceStats", name: str, verbose: bool
) -> None:
    """Count what a reader must not see in the record (clean_checks.py), naming each case when verbose."""
    paragraphs = tuple(record.body_text.split("\n\n")) if record.body_text else ()
    findings = {
        "credit lead": [text for text in (record.excerpt, *paragraphs[:1]) if starts_with_credit(text)],
        "title echo": paragraphs[:1] if echoes_title(paragraphs, record.title) else [],
        "formula lost": missing_formulas(body, record.body_text),
        "fake image": fake_images(record.image, record.images, record.body_html),
    }
    entry.credit_leads += bool(findings["credit lead"])
    entry.echoes += bool(findings["title echo"])
    entry.lost_formulas += len(findings["formula lost"])
    entry.fake_images += len(findings["fake image"])
    entry.title_only += len(paragraphs) == 1 and title_key(paragraphs[0]) == title_key(record.title)
    if verbose:
        for kind, found in findings.items():
            for text in found:
                print(f"{kind} in {name}: {text[:100]!r}")


def report(paths: Iterable[Path], *, verbose: bool) -> int:
    """Clean every post, print the table; returns the number of problems (markers, empty bodies, losses and
    what a reader must not see)."""
    stats: dict[str, SourceStats] = defaultdict(SourceStats)
    for path in paths:
        body, categories, record = load(path)
        source = categories[1] if len(categories) > 1 and categories[1] else (categories or ["?"])[0]
        cleaned, millis = timed_clean(body, categories, record.title)
        entry = stats[source]
        entry.files += 1
        entry.millis.append(millis)
        entry.paragraphs.append(len(cleaned.paragraphs))
        text = prose(cleaned)
        for name, pattern in MARKERS.items():
            found = pattern.search(text)
            if found:
                entry.markers[name] += 1
                if verbose:
                    print(f"marker {name!r} in {path.name}: {found.group(0)!r}")
        source_text = source_paragraphs(body)
        if any(p.strip() for p in source_text) and not cleaned.body_text:
            entry.empty += 1
            if verbose:
                print(f"empty: {path.name}")
        considered, missing, excluded = find_missing(source_text, cleaned)
        entry.considered += considered
        entry.missing += len(missing)
        entry.excluded.update(excluded)
        if verbose:
            for paragraph in missing:
                print(f"missing in {path.name}: {paragraph[:100]!r}")
        check_reader_view(body, record, entry, path.name, verbose)
    return print_table(stats)


def print_table(stats: dict[str, SourceStats]) -> int:
    """One line per source, a total line, the recall, then the exclusions by rule; returns the problems."""
    header = (
        f"{'source':<22} {'files':>5} {'med¶':>5} {'markers':>7} {'empty':>5} {'missing':>7} "
        f"{'lead':>4} {'echo':>4} {'tex':>4} {'img':>4} {'med ms':>7}"
    )
    print(header)
    print("-" * len(header))
    total = SourceStats()
    for source in sorted(stats, key=lambda s: (-stats[s].files, s)):
        _row(source, stats[source])
        total.add(stats[source])
    print("-" * len(header))
    _row("TOTAL", total)
    print("lead: excerpts or first paragraphs opening with a credit line; echo: first paragraphs repeating")
    print("the title; tex: formulas whose TeX is missing from the text; img: placeholder or proxied images")
    recall = 1 - total.missing / total.considered if total.considered else 1.0
    print(f"paragraph recall: {recall:.2f} ({total.considered - total.missing} of {total.considered})")
    if total.title_only:
        print(f"bodies that are only their title, kept as the text: {total.title_only}")
    if total.markers:
        print("markers: " + ", ".join(f"{name} x{count}" for name, count in total.markers.most_common()))
    if total.excluded:
        print("excluded as deliberate removals (rule: source paragraphs):")
        for rule, count in sorted(total.excluded.items()):
            print(f"  {rule}: {count}")
    return total.problems()


def _row(name: str, entry: SourceStats) -> None:
    median_paragraphs = statistics.median(entry.paragraphs) if entry.paragraphs else 0
    median_millis = statistics.median(entry.millis) if entry.millis else 0.0
    markers = sum(entry.markers.values())
    print(
        f"{_pad(name, 22)} {entry.files:>5} {median_paragraphs:>5g} {markers:>7} {entry.empty:>5} "
        f"{entry.missing:>7} {entry.credit_leads:>4} {entry.echoes:>4} {entry.lost_formulas:>4} "
        f"{entry.fake_images:>4} {median_millis:>7.3f}"
    )


def _pad(text: str, width: int) -> str:
    """Left-align in `width` terminal columns (CJK characters take two)."""
    out, used = "", 0
    for ch in text:
        cells = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + cells > width:
            break
        out, used = out + ch, used + cells
    return out + " " * (width - used)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and print the report; exit status 1 when anything is left over or lost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dirs", nargs="+", type=Path, help="folders holding Hexo *.md posts")
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="name each problem and the post it is in"
    )
    args = parser.parse_args(argv)
    paths = sorted(p for folder in args.dirs for p in folder.rglob("*.md"))
    if not paths:
        parser.error("no *.md files found")
    return 1 if report(paths, verbose=args.verbose) else 0


if __name__ == "__main__":
    sys.exit(main())
