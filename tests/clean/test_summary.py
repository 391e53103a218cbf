"""Excerpt, reading time and language detection."""

import pytest

from app.clean.cleaner import detect_language, make_excerpt, reading_minutes

ENGLISH = (
    "The committee met on Tuesday to review the budget. Members agreed that the library needs a new roof "
    "before winter, and that the playground can wait until spring. A final vote is expected next week."
)
CHINESE = (
    "南湖县今年新开了十二家咖啡馆。店主们说，县城年轻人的消费习惯正在改变。"
    "不少人周末会带着电脑来店里工作，一坐就是一下午。业内人士认为，这一趋势还会持续几年。"
)


def test_short_text_is_returned_whole() -> None:
    assert make_excerpt("Short and sweet.") == "Short and sweet."
    assert make_excerpt("") == ""


def test_excerpt_ends_at_a_sentence_when_one_fits() -> None:
    excerpt = make_excerpt(ENGLISH, limit=120)
    assert excerpt == "The committee met on Tuesday to review the budget."


def test_excerpt_of_chinese_keeps_whole_sentences() -> None:
    assert (
        make_excerpt(CHINESE, limit=40)
        == "南湖县今年新开了十二家咖啡馆。店主们说，县城年轻人的消费习惯正在改变。"
    )


def test_excerpt_cut_mid_sentence_ends_with_ellipsis_between_words() -> None:
    text = "Supercalifragilistic words keep coming without any stop at all " * 5
    excerpt = make_excerpt(text, limit=50)
    assert excerpt.endswith("…")
    assert len(excerpt) <= 50
    assert text.startswith(excerpt[:-1])
    assert text[len(excerpt) - 1] == " "  # the cut fell between words


@pytest.mark.parametrize("limit", range(5, 60))
def test_excerpt_never_cuts_inside_a_word(limit: int) -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"
    excerpt = make_excerpt(text, limit=limit)
    words = excerpt.removesuffix("…").split()
    assert all(word in text.split() for word in words), excerpt


@pytest.mark.parametrize("limit", range(3, 40))
def test_excerpt_never_splits_an_emoji_sequence(limit: int) -> None:
    text = "看👍🏽好的👨‍👩‍👧家庭🇨🇳国旗⚽️足球" * 4
    excerpt = make_excerpt(text, limit=limit).removesuffix("…")
    assert text.startswith(excerpt)
    rest = text[len(excerpt) :]
    assert not rest or rest[0] not in "\u200d\ufe0f\U0001f3fd" and excerpt[-1:] != "\u200d"
    assert not (excerpt.endswith("\U0001f1e8") and rest.startswith("\U0001f1f3"))  # flag kept whole


def test_excerpt_never_splits_a_surrogate_pair() -> None:
    text = "a" * 9 + "\ud83d\ude00" + " tail words here and more"  # a lone pair, as JSON decoders can leave
    for limit in range(5, 20):
        excerpt = make_excerpt(text, limit=limit).removesuffix("…")
        assert not excerpt.endswith("\ud83d"), limit


def test_excerpt_joins_paragraphs_on_one_line() -> None:
    assert make_excerpt("第一段。\n\n第二段。") == "第一段。第二段。"
    assert make_excerpt("小标题\n\n正文。") == "小标题 正文。"
    assert make_excerpt("First.\n\nSecond.") == "First. Second."


def test_reading_minutes() -> None:
    assert reading_minutes("") == 0
    assert reading_minutes("  \n ") == 0
    assert reading_minutes("一") == 1
    assert reading_minutes("字" * 4000) == 10
    assert reading_minutes("word " * 1000) == 5
    assert reading_minutes("字" * 400 + " word" * 200) == 2


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (CHINESE, "zh"),
        ("USB Type-C 充电口为什么没有中文名字？因为标准组织要求统一使用英文名称。", "zh"),
        ("下面这段代码演示了如何在类里定义方法：\nclass Foo:\n    def bar(self, v):\n        return v", "zh"),
        (ENGLISH, "en"),
        ("今日は晴れです。明日は雨が降るでしょう。", "ja"),
        ("お", "ja"),
        ("오늘은 날씨가 좋습니다. 내일은 비가 올 것입니다.", "ko"),
        ("Сегодня хорошая погода, а завтра будет дождь.", "ru"),
        ("Le comité a voté pour la nouvelle bibliothèque et les travaux commencent dans le quartier.", "fr"),
        ("Der Ausschuss hat die neue Bibliothek genehmigt und die Arbeiten beginnen mit dem Dach.", "de"),
        ("El comité aprobó la nueva biblioteca y las obras empiezan en el barrio con los vecinos.", "es"),
        ("12345 !!! ---", None),
        ("", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language
