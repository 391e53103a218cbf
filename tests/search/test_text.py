"""The pure parts: folding, tokens, the q syntax, highlights (no database)."""

import random
from pathlib import Path

import pytest

from app.query.highlight import highlight_body, highlight_title, match_spans
from app.store.backends.fts5 import fts5_expression
from app.text import folding, unfolded
from app.text.folding import fold, fold_table, fold_with_offsets
from app.text.query_syntax import QueryError, parse_query
from app.text.tokens import index_tokens, phrase_tokens, tokenizer_version


def test_fold_is_per_character_and_idempotent() -> None:
    assert fold("國內ＡＩ新聞 iPhone１３") == "国内ai新闻 iphone13"
    assert all(fold(folded) == folded for folded in fold_table().values())
    text = "ﬁ國內"  # ﬁ folds to two characters
    folded, origins = fold_with_offsets(text)
    assert folded == "fi国内" and origins == [0, 0, 1, 2, 3]


def test_common_simplified_characters_are_left_alone() -> None:
    assert fold("什么 干 里 后 发") == "什么 干 里 后 发"
    assert fold("乾隆 幹部 裡面 後來 頭髮") == "干隆 干部 里面 后来 头发"  # character table, no phrases


def test_index_tokens_make_bigrams_that_end_each_run() -> None:
    assert index_tokens("养老保险") == "养老 老保 保险 险"
    assert index_tokens("中国，美国") == "中国 国 美国 国"
    assert index_tokens("A股与iPhone13、5G") == "a 股与 与 iphone13 5g"
    assert index_tokens("x" * 50) == "x" * 40


@pytest.mark.parametrize(
    ("query", "tokens", "prefix"),
    [
        ("养老", ("养老",), False),
        ("养", ("养",), True),
        ("养老保险", ("养老", "老保", "保险"), False),
        ("a股", ("a", "股"), True),
        ("中国a", ("中国", "国", "a"), False),
        ("covid-19", ("covid", "19"), False),
    ],
)
def test_phrase_tokens(query: str, tokens: tuple[str, ...], prefix: bool) -> None:
    found = phrase_tokens(query)
    assert found is not None and (found.tokens, found.prefix) == (tokens, prefix)


def test_query_syntax() -> None:
    query = parse_query('养老 "人工 智能" -广告 基金 OR 股票 OR')
    assert [[phrase.text for phrase in group] for group in query.groups] == [
        ["养老"],
        ["人工 智能"],
        ["基金", "股票"],
    ]
    assert [phrase.text for phrase in query.excluded] == ["广告"]
    assert fts5_expression(query) == '("养老") AND ("人工 工 智能") AND ("基金" OR "股票") NOT ("广告")'
    assert fts5_expression(parse_query("A股")) == '("a 股" *)'
    assert [p.text for p in parse_query("“國內 新聞” ＯＲ or").phrases] == ["国内 新闻", "or"]


def test_query_without_anything_to_search_is_an_error() -> None:
    with pytest.raises(QueryError):
        parse_query('，。 "" -')


def test_highlights_escape_and_mark() -> None:
    phrases = parse_query("alert 國內").phrases
    assert (
        highlight_title("<b>alert</b> 国内", phrases)
        == "&lt;b&gt;<mark>alert</mark>&lt;/b&gt; <mark>国内</mark>"
    )
    assert highlight_title("nothing", phrases) is None
    body = "开头" + "无关" * 50 + "国内新闻" + "无关" * 50
    (fragment,) = highlight_body(body, phrases)
    assert fragment.startswith("…") and fragment.endswith("…") and "<mark>国内</mark>新闻" in fragment
    assert len(fragment) < 120


def test_match_spans_follow_the_index_semantics() -> None:
    phrases = parse_query("ai 股").phrases
    assert match_spans("said AI A股", phrases) == [(5, 7), (9, 10)]  # "ai" in "said" is no word


def _spans_in_folded_text(text: str, phrase_text: str) -> list[tuple[int, int]]:
    """Reference: every occurrence of the phrase in the folded text, mapped back to `text`."""
    folded, origins = fold_with_offsets(text)
    spans, start = [], folded.find(phrase_text)
    while start >= 0:
        span = (origins[start], origins[start + len(phrase_text) - 1] + 1)
        if spans and span[0] <= spans[-1][1]:
            span = (spans[-1][0], max(span[1], spans.pop()[1]))
        spans.append(span)
        start = folded.find(phrase_text, start + len(phrase_text))
    return spans


def test_cjk_matches_and_occurrences_found_without_folding_are_those_of_the_folded_text() -> None:
    # Traditional and Simplified, compatibility ideographs (數 U+F969), characters that fold to several
    # (㍻ is 平成, ㈱ is (株)), full-width forms, punctuation.
    alphabet = "国國内內數数据據平成㍻株㈱（）()，, 中心㆗A"
    rng = random.Random(3)
    for _ in range(3_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        query = rng.choice(["国内", "数据", "平成", "成", "株", "中心", "内数据", "数数"])
        assert match_spans(text, parse_query(query).phrases) == _spans_in_folded_text(text, fold(query)), text
        folded, phrase = fold(text), fold(query)
        overlapping = sum(folded.startswith(phrase, start) for start in range(len(folded)))
        assert unfolded.occurrences(text, phrase) == overlapping, text


def test_tokenizer_version_names_the_fold_table() -> None:
    scheme, fingerprint = tokenizer_version().split(".")
    assert scheme.isdigit() and fingerprint == folding.table_fingerprint()


def test_the_fold_fingerprint_is_kept_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    computed = folding.fold_fingerprint.__wrapped__()
    [kept] = (tmp_path / "articles-api").iterdir()
    assert kept.read_text() == computed == folding.table_fingerprint()
    monkeypatch.setattr(folding, "table_fingerprint", lambda: pytest.fail("the table was built again"))
    assert folding.fold_fingerprint.__wrapped__() == computed
    kept.write_text("half a digest")  # a damaged cache is built again
    monkeypatch.setattr(folding, "table_fingerprint", lambda: "0123456789ab")
    assert folding.fold_fingerprint.__wrapped__() == "0123456789ab" == kept.read_text()
    monkeypatch.setenv("XDG_CACHE_HOME", str(kept))  # a file: no folder can be made there
    assert folding.fold_fingerprint.__wrapped__() == "0123456789ab"


@pytest.mark.parametrize("first", [10, 990, 3_000, 7_000])
def test_body_fragments_are_the_first_matches_however_deep(first: int) -> None:
    phrases = parse_query("国内").phrases
    filler = "无关" * 200  # 400 characters between matches
    body = "开" * first + "".join(f"国内{i}号{filler}" for i in range(6))
    fragments = highlight_body(body, phrases)
    assert [fragment.count("<mark>") for fragment in fragments] == [1, 1, 1]
    assert [f"国内</mark>{i}号" in fragment for i, fragment in enumerate(fragments)] == [True] * 3
