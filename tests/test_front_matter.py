"""Front-matter quirks of the corpus, on pure functions (no database)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.parse import front_matter, metadata
from app.parse.decode import UnreadableFile, decode

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 13 Sep 2021 06:39:04 GMT", datetime(2021, 9, 13, 6, 39, 4, tzinfo=UTC)),
        ("2022-03-01T08:30:00+08:00", datetime(2022, 3, 1, 0, 30, tzinfo=UTC)),
        ("2022-03-01T08:30:00Z", datetime(2022, 3, 1, 8, 30, tzinfo=UTC)),
        (datetime(2021, 4, 11, 0, 30, 33), datetime(2021, 4, 11, 0, 30, 33, tzinfo=UTC)),
        ("Sun, 06 Mar 2022 14:04:00 +0800", datetime(2022, 3, 6, 6, 4, tzinfo=UTC)),
    ],
)
def test_dates_in_every_form_become_aware_utc(value: object, expected: datetime) -> None:
    assert metadata.parse_date(value, ZoneInfo("UTC")) == (expected, None)


def test_naive_dates_are_read_in_the_configured_zone() -> None:
    parsed, _ = metadata.parse_date(datetime(2021, 4, 11, 8, 0), SHANGHAI)
    assert parsed == datetime(2021, 4, 11, 0, 0, tzinfo=UTC)


def test_invalid_date_is_null_with_a_warning() -> None:
    parsed, warning = metadata.parse_date("Invalid Date", SHANGHAI)
    assert parsed is None
    assert warning is not None and "Invalid Date" in warning


def test_date_out_of_range_is_null_with_a_warning() -> None:
    parsed, warning = metadata.parse_date(datetime(1, 1, 1, 0, 0), SHANGHAI)
    assert parsed is None and warning is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["金融", "新浪财经", "新浪财经－国內"], ["金融", "新浪财经", "新浪财经－国內"]),
        ("游戏", ["游戏"]),
        ([["news"]], ["news"]),
        (["设计", ["Dribbble", "关键词"]], ["设计", "Dribbble", "关键词"]),
        (2021, ["2021"]),
        (None, []),
        (["&#123;x&#125;", " "], ["{x}"]),
    ],
)
def test_categories_flatten_to_a_hierarchy(value: object, expected: list[str]) -> None:
    assert metadata.clean_categories(value) == expected


def test_title_entities_and_braces_are_decoded_and_lines_joined() -> None:
    assert (
        metadata.clean_title("f-string 输出 &#123;&#125;\n  本身 &amp; 更多", "x")
        == "f-string 输出 {} 本身 & 更多"
    )


def test_missing_title_falls_back_to_the_file_name() -> None:
    assert metadata.clean_title(None, "文件名标题") == "文件名标题"


def test_unknown_keys_are_kept_json_safe() -> None:
    extra = metadata.extra_fields(
        {"title": "t", "tags": ["a", "&#123;b&#125;"], "updated": datetime(2021, 1, 1), "description": "d"}
    )
    assert extra == {"tags": ["a", "{b}"], "updated": "2021-01-01T00:00:00", "description": "d"}


def test_title_with_both_quote_kinds_is_read_verbatim() -> None:
    text = "\n---\ntitle: 'It's a \"test\"'\nauthor: x\n---\nbody\n"
    meta, body, warnings = front_matter.split(text)
    assert meta["title"] == 'It\'s a "test"'
    assert body == "body"
    assert warnings and "mixed quotes" in warnings[0]


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = "\n---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\nbody\n"
    with pytest.raises(UnreadableFile, match="aliases"):
        front_matter.split(bomb)


def test_broken_yaml_without_title_is_a_failure() -> None:
    with pytest.raises(UnreadableFile, match="invalid YAML"):
        front_matter.split("\n---\ncategories: [unclosed\n---\nbody\n")


def test_decode_accepts_bom_crlf_and_gbk() -> None:
    assert decode("\ufeff---\r\ntitle: 标题\r\n".encode()) == "---\ntitle: 标题\n"
    assert decode("---\ntitle: 社会保障\n".encode("gbk")) == "---\ntitle: 社会保障\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"\xff\xfe\x01\x02\x03", "not"),
    ],
)
def test_undecodable_bytes_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        decode(data)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("<script>alert(1)</script>标题", "标题"),
        ("&lt;b&gt;粗体&lt;/b&gt; 标题", "粗体 标题"),
        ("A_B 测试 1 < 2", "A_B 测试 1 < 2"),
    ],
)
def test_markup_in_titles_is_reduced_to_text(raw: str, title: str) -> None:
    assert metadata.clean_title(raw, "x") == title
