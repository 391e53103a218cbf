"""Credit lines at the head and the foot of a body become fields; the title repeated as the lead goes.

Only the edges are searched: the head ends once two paragraphs are kept or a kept one reads like prose (a
heading may come before the credits), the foot is the last few paragraphs with nothing after them. A credit
in the middle of the text is content.
"""

import re
import unicodedata

from app.clean.credits import Credit, lead_credit, parse_credit
from app.clean.htmlcut import drop_text_prefix, html_lines
from app.clean.output import Output

HEAD_PARAGRAPHS = 2  # the head ends once this many paragraphs are kept, or a kept one reads like prose:
HEAD_PROSE = 80  # longer than this many characters, or ending a sentence (a heading does not)
FOOT_PARAGRAPHS = 3  # trailing paragraphs searched, last first
SITE, GENERIC = 2, 1  # a site's own rule outranks a generic credit line
_SENTENCE_END = ("。", ".")
_ACCUMULATING = frozenset({"byline", "editor"})  # generic lines add names up; other fields keep the first
_TITLE_ECHO = Credit("generic.title_echo", ())
_NOT_ALNUM = re.compile(r"[\W_]+")


class Fields:
    """Field values pulled out of the body, each with the strength of the rule that found it."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, int]] = {}

    def offer(self, name: str, value: str, strength: int) -> None:
        """Keep the value unless a stronger rule (or, for most fields, an earlier one) already gave one."""
        current = self._values.get(name)
        if current is None or strength > current[1]:
            self._values[name] = (value, strength)
        elif strength == current[1] == GENERIC and name in _ACCUMULATING:
            known = current[0].split(" ")
            added = [part for part in value.split(" ") if part not in known]
            self._values[name] = (" ".join(known + added), strength)

    def get(self, name: str) -> str | None:
        """The value found for a field, if any."""
        found = self._values.get(name)
        return found[0] if found else None


def fold_title(text: str) -> str:
    """Letters and digits only, width and case folded: the form a title and its echo are compared in."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


class Credits(Output):
    """The head and foot trimming of the Renderer (its `drop` records each removal)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.fields = Fields()
        self.title = title
        # Flow paragraphs by paragraph index: (index in out, element, inner HTML), so the foot can be cut.
        self.flow: dict[int, tuple[int, str, str]] = {}
        self._echo: tuple[int, str, str, str] | None = None  # (index in out, element, text, HTML) of the echo

    def drop(self, rule: str, text: str, into: tuple[tuple[str, str], ...] = ()) -> None:
        """Record a removal (Renderer)."""
        raise NotImplementedError

    def in_head(self) -> bool:
        """Whether a paragraph emitted now is still in the head of the body."""
        return len(self.paras) < HEAD_PARAGRAPHS and not any(
            len(p) > HEAD_PROSE or p.endswith(_SENTENCE_END) for p in self.paras
        )

    def trim_head(self, kind: str, text: str, html: str) -> tuple[str, str]:
        """The paragraph without its leading credit lines (and title echoes, before anything is kept)."""
        lead = not self.paras
        lines = text.split("\n")
        credits = []
        for line in lines:
            credit = _TITLE_ECHO if lead and self._is_title(line) else parse_credit(line)
            if credit is None:
                break
            credits.append((line, credit))
        if credits:
            parts = html_lines(html)
            if len(parts) != len(lines):  # never seen; the text and HTML must say the same
                return text, html
            for index, (line, credit) in enumerate(credits):
                if credit is _TITLE_ECHO and self._echo is None:
                    self._echo = (len(self.out), kind, line, parts[index])
            self._take([found for found in credits if found[1] is not _TITLE_ECHO])
            text, html = "\n".join(lines[len(credits) :]), "<br>".join(parts[len(credits) :])
        found = lead_credit(text) if lead and text else None
        if found is not None:
            count, credit = found
            self._take([(text[:count].rstrip(), credit)])
            text, html = text[count:], drop_text_prefix(html, count)
        return text, html

    def finish(self) -> None:
        """Trim the foot; then drop the title's echo, unless the title is all the body says (a flash item)."""
        self.trim_foot()
        if self._echo is None:
            return
        out_index, kind, line, html = self._echo
        if self.paras:
            self.drop(_TITLE_ECHO.rule, line)
        else:
            self.out.insert(out_index, f"<{kind}>{html}</{kind}>")
            self.paras.append(line)

    def trim_foot(self) -> None:
        """Trailing credit lines go, last first, while nothing else follows them."""
        for _ in range(FOOT_PARAGRAPHS):
            index = len(self.paras) - 1
            block = self.flow.get(index)
            if block is None or any(self.out[block[0] + 1 :]):
                return
            out_index, kind, html = block
            lines = self.paras[index].split("\n")
            credits = []
            for line in reversed(lines):
                credit = parse_credit(line)
                if credit is None:
                    break
                credits.append((line, credit))
            if not credits:
                return
            kept = len(lines) - len(credits)
            if kept:
                parts = html_lines(html)
                if len(parts) != len(lines):  # never seen; the text and HTML must say the same
                    return
                self.paras[index] = "\n".join(lines[:kept])
                self.out[out_index] = f"<{kind}>{'<br>'.join(parts[:kept])}</{kind}>"
            else:
                del self.paras[index], self.flow[index]
                self.out[out_index] = ""
            self._take(credits[::-1])
            if kept:
                return

    def _is_title(self, line: str) -> bool:
        # Folding only drops characters: a line much longer than the title is no echo of it.
        if not self.title or len(line) > 2 * len(self.title) + 8:
            return False
        key = fold_title(self.title)
        return bool(key) and fold_title(line) == key

    def _take(self, credits: list[tuple[str, Credit]]) -> None:
        for line, credit in credits:
            for name, value in credit.values:
                self.fields.offer(name, value, GENERIC)
            self.drop(credit.rule, line, credit.values)
