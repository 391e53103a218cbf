"""Credit lines: the original-title, source, byline and editor lines that open or close a news body.

`parse_credit(line)` reads one short line into the fields it names, or returns None when the line could be
content. The vocabulary is data; the grammar is deliberately strict: every word of the line must be a role,
a name, an outlet or a source, else the line stays.
"""

import re
from dataclasses import dataclass, field

# Role words and the field their value goes to; None: a picture credit, dropped without a field.
ROLES: dict[str, str | None] = {
    **dict.fromkeys(
        ("来源", "来源于", "本文来源", "文章来源", "稿件来源", "内容来源", "本文来自", "本文转自", "转载自",
         "转自", "出处"),
        "origin",
    ),
    **dict.fromkeys(
        ("封面图片来源", "封面来源", "题图来源", "图片来源", "图片", "题图", "配图", "摄影", "摄像"), None
    ),
    **dict.fromkeys(
        ("作者", "撰文", "文字", "记者", "特约记者", "见习记者", "实习记者", "通讯员", "实习生", "编译",
         "翻译", "译者", "整理", "口述"),
        "byline",
    ),
    **dict.fromkeys(
        ("责任编辑", "值班编辑", "责编", "编辑", "主编", "美编", "校对", "审校", "审核", "编审"), "editor"
    ),
}  # fmt: skip
# One-character roles are ordinary words too: they count only as the first word of a line.
SHORT_ROLES: dict[str, str | None] = {"文": "byline", "图": None, "摄": None}
# Sources that may have their value glued on ("本文来自新华社"). A person's role takes a glued name only after
# an outlet ("中国基金报记者方丽"); other roles need a space or a colon ("记者招待会" is no byline).
GLUED_SOURCES = frozenset({"本文来自", "本文转自", "转载自", "转自", "来源于"})
SELF_OUTLETS = frozenset({"本报", "本刊", "本台", "本网", "本站", "本社"})  # "this paper" names no outlet
# A word among names that ends like this is an outlet ("►文 观察者网 陶梦").
OUTLET_SUFFIXES = ("网", "报", "社", "刊", "台", "新闻", "财经", "传媒", "媒体", "杂志", "周刊", "客户端")
ORIGIN_PREFIXES = ("微信公众号", "公众号", "微信号")
MAX_LINE = 80  # characters; a credit line is short
MAX_ORIGINAL_TITLE = 150
MAX_NICKNAME = 24  # a person's value that is no name ("作者：IceBear") is at most this long
_RULES = {
    "origin": "generic.source",
    "byline": "generic.byline",
    "editor": "generic.editor",
    None: "generic.picture_credit",
}

_PERSON_FIELDS = ("byline", "editor")
_KEYS = "|".join(sorted(map(re.escape, ROLES), key=len, reverse=True))
_PERSON_KEYS = "|".join(
    sorted((re.escape(k) for k, field in ROLES.items() if field in _PERSON_FIELDS), key=len, reverse=True)
)
# A word: the role at its start, or an outlet glued before a person's role, then whatever is glued after.
_ROLE = re.compile(rf"(?P<key>{_KEYS})")
_OUTLET_ROLE = re.compile(
    rf"(?P<outlet>[^\s(（]{{2,16}}?(?:[(（][^)）]{{1,40}}[)）])?)(?P<key>{_PERSON_KEYS})"
)
_WORD = re.compile(r"[^\s:：|｜/／，,；;]+")
_SEPARATORS = frozenset(":：|｜/／，,；;")
_DECORATION = "►▶▷●◆◇■□★☆•·-—~～ \t"
_BRACKETS = {"【": "】", "[": "]", "（": "）", "(": ")", "〔": "〕", "「": "」"}
_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』", "《": "》", "【": "】", "[": "]", "‘": "’"}
_SENTENCE_END = re.compile(r"[。！？!?]")
_HAN_NAME = re.compile(r"[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]{1,6}(?:[·•][\u3400-\u9fff]{1,8})+")
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
_DATELINE_WORD = re.compile(r"[\u3400-\u9fff]{2,6}(?:报道|讯)")  # "北京报道": where the reporter filed from
_STAFF_CODE = re.compile(r"[A-Z]{1,3}\d{2,}")  # Sina's editor codes ("SF014")
_PARENTHETICAL = re.compile(r"[(（][^)）]*[)）]")
_ORIGINAL_TITLE = re.compile(
    r"(?:[【\[（(〔]原标题[】\]）)〕]\s*[:：]?|原标题(?:\s*[:：]|\s|(?=[“\"「『《【\[‘])))\s*(?P<value>.+)"
)
# "ORG记者NAME 北京报道 " opening a paragraph: the byline of a report, glued to its lead.
_FILED_PREFIX = re.compile(r"(\S.{0,40}?报道)\s")
_STAMP = re.compile(
    r"(?P<origin>[^\s\d:：]{2,20})\s+\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)


@dataclass(frozen=True, slots=True)
class Credit:
    """What one credit line says: its rule and the (field, value) pairs it names, in line order."""

    rule: str
    values: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class _Segment:
    """A role and the words after it, up to the next role."""

    into: str | None  # the field its value goes to
    outlet: str = ""
    explicit: bool = False  # a colon, bar or slash follows the role: its value is free text
    words: list[tuple[str, int, int]] = field(default_factory=list)


def parse_credit(line: str) -> Credit | None:
    """The credit a short line makes, or None when the line might be content."""
    if len(line) > 2 * MAX_ORIGINAL_TITLE:  # padding aside, far too long for any credit
        return None
    line = _unwrap(line.strip().lstrip(_DECORATION).rstrip("。.;；").strip())
    if not line:
        return None
    title = _ORIGINAL_TITLE.fullmatch(line)
    if title is not None:
        value = _unquote(title.group("value").strip())
        ok = value and len(line) <= MAX_ORIGINAL_TITLE
        return Credit("generic.original_title", (("original_title", value),)) if ok else None
    if len(line) > MAX_LINE or _SENTENCE_END.search(line):
        return None
    stamp = _STAMP.fullmatch(line)
    if stamp is not None:
        return Credit("generic.dateline", (("origin", stamp.group("origin")),))
    return _parse_roles(line)


def lead_credit(text: str) -> tuple[int, Credit] | None:
    """A credit that opens a paragraph ("【本报记者 张三】…", "ORG记者NAME 北京报道 …"), with its length."""
    close = _BRACKETS.get(text[:1])
    if close is not None:
        end = text.find(close, 1, MAX_LINE)
        credit = _parse_roles(text[1:end]) if end > 1 else None
    else:
        match = _FILED_PREFIX.match(text)
        end = match.end(1) - 1 if match else -1
        credit = _parse_roles(text[: end + 1]) if match else None
    if credit is None or not any(name in _PERSON_FIELDS for name, _ in credit.values):
        return None
    consumed = end + 1
    while consumed < len(text) and text[consumed].isspace():
        consumed += 1
    return (consumed, credit) if consumed < len(text) else None


def _parse_roles(line: str) -> Credit | None:
    """Leading names, then segments that each open with a role word; None unless every word fits."""
    leading: list[str] = []
    segments: list[_Segment] = []
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(line)]
    for index, (word, start, end) in enumerate(words):
        opened = _open_segment(word, first=index == 0, current=segments[-1] if segments else None)
        if opened is not None:
            segment, rest = opened
            segment.explicit = not rest and line[end:].lstrip()[:1] in _SEPARATORS
            segments.append(segment)
            if rest:
                segment.words.append((rest, end - len(rest), end))
        elif segments:
            segments[-1].words.append((word, start, end))
        else:
            leading.append(word)
    if not segments:
        return None
    return _credit(line, leading, segments)


def _open_segment(word: str, *, first: bool, current: _Segment | None) -> tuple[_Segment, str] | None:
    """The segment a word opens (with the text glued after its role), or None for a plain word."""
    if first and word in SHORT_ROLES:
        return _Segment(SHORT_ROLES[word]), ""
    match = _ROLE.match(word) or _OUTLET_ROLE.match(word)
    if match is None:
        return None
    key, outlet, rest = match.group("key"), match.groupdict().get("outlet") or "", word[match.end() :]
    if rest and not (outlet or key in GLUED_SOURCES):
        return None
    # Inside a source's free text only a bare role word starts a new segment ("来源：新华社记者站" stays one).
    in_text = current is not None and current.into not in _PERSON_FIELDS and current.words
    if in_text and (outlet or rest):
        return None
    return _Segment(ROLES[key], outlet=outlet), rest


def _credit(line: str, leading: list[str], segments: list[_Segment]) -> Credit | None:
    """The credit of a line read as leading names and segments; None when a part does not fit."""
    values: list[tuple[str, str]] = []
    if leading:
        found = _names(leading)
        if found is None or not any(s.into in _PERSON_FIELDS for s in segments):
            return None
        values += [("origin", outlet) for outlet in found[1]]
        values.append(("byline", found[0]))
    for segment in segments:
        # A picture credit needs its colon: "图 1 ..." is a figure's label.
        if not segment.words or (segment.into is None and not segment.explicit):
            return None
        outlet = _PARENTHETICAL.sub("", segment.outlet)
        if outlet and outlet not in SELF_OUTLETS:
            values.append(("origin", outlet))
        value = _segment_value(line, segment, values)
        if value is None:
            return None
        if segment.into is not None and value:
            values.append((segment.into, value))
    return Credit(_RULES[segments[0].into if not leading else "byline"], tuple(values))


def _segment_value(line: str, segment: _Segment, values: list[tuple[str, str]]) -> str | None:
    """The segment's value: names for people (outlets among them go to `values`), free text for sources and
    pictures; None if it does not fit."""
    words = [word for word, _, _ in segment.words if not _STAFF_CODE.fullmatch(word)]
    if segment.into in _PERSON_FIELDS:
        found = _names(words)
        if found is not None:
            values += [("origin", outlet) for outlet in found[1]]
            return found[0]
        if not segment.explicit:
            return None
    text = line[segment.words[0][1] : segment.words[-1][2]].strip()
    if segment.into == "origin":
        return _origin(text)
    return text if segment.into is None or len(text) <= MAX_NICKNAME else None


def _names(words: list[str]) -> tuple[str, list[str]] | None:
    """Personal names joined by spaces ("杨 洁" is one name) and the outlets among them; None for others."""
    names: list[str] = []
    outlets: list[str] = []
    single = ""
    for word in words:
        word = word.removesuffix("等")
        if single:
            if len(word) != 1 or not _HAN_CHAR.fullmatch(word):
                return None
            names.append(single + word)
            single = ""
        elif len(word) == 1 and _HAN_CHAR.fullmatch(word):
            single = word
        elif len(word) >= 3 and word.endswith(OUTLET_SUFFIXES):
            outlets.append(word)
        elif _DATELINE_WORD.fullmatch(word):
            continue
        elif _HAN_NAME.fullmatch(word):
            names.append(word)
        else:
            return None
    return (" ".join(names), outlets) if names and not single else None


def _origin(text: str) -> str:
    """A source's name without its ID or address in brackets, the "微信公众号" prefix and quotes."""
    text = _PARENTHETICAL.sub("", text).strip()
    for prefix in ORIGIN_PREFIXES:
        text = text.removeprefix(prefix)
    return _unquote(text.strip())


def _unwrap(line: str) -> str:
    """The line without brackets that enclose all of it ("（翻译：张三）")."""
    close = _BRACKETS.get(line[:1])
    if close is not None and line.endswith(close) and line.find(close, 1) == len(line) - 1:
        return line[1:-1].strip()
    return line


def _unquote(text: str) -> str:
    """The text without quotes that enclose all of it."""
    close = _QUOTES.get(text[:1])
    if close is not None and len(text) > 2 and text.endswith(close) and text.find(close, 1) == len(text) - 1:
        return text[1:-1].strip()
    return text
