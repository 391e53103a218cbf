"""Properties every cleaned body has, checked over all fixtures and some awkward inputs."""

import unicodedata

import pytest

from app.clean.cleaner import CleanBody, clean_body
from tests.clean.golden import cases
from tests.clean.test_hostile import assert_allowlisted

AWKWARD = {
    "br_runs": "<p>one<br><br><br><br>two<br>  <br>three<br>four<br></p>",
    "nbsp_indent": "<p>\u00a0\u00a0\u3000\u3000indented\u00a0 text \u3000</p><p>&nbsp;</p>",
    "blank_lines_in_code": "<pre><code>a = 1\n\n\n    b = 2\n</code></pre>",
    "decomposed_unicode": "<p>Cafe\u0301 and re\u0301sume\u0301</p>",
    "entities": "<p>&amp;&lt;&gt;&quot;&#39;&copy;&hellip;&#x4E2D;&#25991;</p>",
    "loose_text_and_blocks": "lead text<div>block</div>tail text<br>after break",
    "empty": "",
    "only_chrome": "<script>x()</script><style>p{}</style><!-- c -->",
}
BODIES = {**{c.name: c.clean() for c in cases()}, **{k: clean_body(v) for k, v in AWKWARD.items()}}


@pytest.fixture(params=sorted(BODIES))
def cleaned(request: pytest.FixtureRequest) -> CleanBody:
    return BODIES[request.param]


def test_paragraphs_split_body_text(cleaned: CleanBody) -> None:
    expected = tuple(cleaned.body_text.split("\n\n")) if cleaned.body_text else ()
    assert cleaned.paragraphs == expected


def test_paragraphs_are_trimmed_and_non_empty(cleaned: CleanBody) -> None:
    for paragraph in cleaned.paragraphs:
        assert paragraph.strip()
        for line in paragraph.split("\n"):
            assert line, paragraph
            assert line == line.rstrip(), repr(line)
            assert not line.startswith(("\u3000", "\u00a0")), repr(line)


def test_no_runs_of_blank_lines(cleaned: CleanBody) -> None:
    assert "\n\n\n" not in cleaned.body_text


def test_text_and_html_are_nfc(cleaned: CleanBody) -> None:
    assert unicodedata.is_normalized("NFC", cleaned.body_text)
    assert unicodedata.is_normalized("NFC", cleaned.body_html)


def test_html_is_allowlisted(cleaned: CleanBody) -> None:
    assert_allowlisted(cleaned.body_html)


def test_dropped_previews_are_short(cleaned: CleanBody) -> None:
    for dropped in cleaned.dropped:
        assert len(dropped.text) <= 80
        assert dropped.rule.count(".") == 1


def test_awkward_inputs_render_as_expected() -> None:
    assert BODIES["br_runs"].body_text == "one\n\ntwo\n\nthree\nfour"
    assert BODIES["br_runs"].body_html == "<p>one</p><p>two</p><p>three<br>four</p>"
    assert BODIES["nbsp_indent"].body_text == "indented text"
    assert BODIES["blank_lines_in_code"].body_text == "a = 1\n    b = 2"
    assert BODIES["blank_lines_in_code"].body_html == "<pre><code>a = 1\n\n\n    b = 2</code></pre>"
    assert BODIES["decomposed_unicode"].body_text == "Café and résumé"
    assert BODIES["entities"].body_text == "&<>\"'©…中文"
    assert BODIES["loose_text_and_blocks"].paragraphs == ("lead text", "block", "tail text\nafter break")
    assert BODIES["empty"].body_text == BODIES["empty"].body_html == ""
    assert BODIES["only_chrome"].body_text == ""
    assert {d.rule for d in BODIES["only_chrome"].dropped} == {
        "generic.script",
        "generic.style",
        "generic.comment",
    }
