"""Each fixture's body_text, body_html and metadata equal the reviewed expectations exactly."""

import pytest

from tests.clean.golden import UPDATE, Case, cases, metadata, write_expectations

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_body_text_matches_golden(case: Case) -> None:
    cleaned = case.clean()
    if UPDATE:
        write_expectations(case, cleaned)
    assert cleaned.body_text + "\n" == case.text_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_body_html_matches_golden(case: Case) -> None:
    assert case.clean().body_html + "\n" == case.html_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_metadata_matches_golden(case: Case) -> None:
    assert metadata(case.clean()) == case.meta()["expected"]


def test_every_structure_has_a_fixture() -> None:
    names = {c.name for c in CASES}
    assert {"sina_finance", "zhihu_daily", "zhihu_hot", "cnbeta", "ithome", "kr36_flash", "mastodon"} <= names
    assert {"bangumi", "dribbble", "axis_video", "kaiyan_video", "google_sites", "essay_en"} <= names
