"""Credit lines: which short lines become fields, which stay as content, and where they are looked for."""

import pytest

from app.clean.cleaner import clean_body
from app.clean.credit_lines import GENERIC, SITE, Fields, fold_title
from app.clean.credits import lead_credit, parse_credit
from app.clean.htmlcut import drop_text_prefix, html_lines

SINA = ["金融", "新浪财经", "新浪财经－国內"]
PROSE = "<p>县里今年新修了三条乡村公路，沿线的果园第一次用上了冷链车，果农们说运费比往年省了一半。</p>"


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("原标题：县城咖啡馆的秋天", [("original_title", "县城咖啡馆的秋天")]),
        ("原标题 “县城咖啡馆的秋天”", [("original_title", "县城咖啡馆的秋天")]),
        ("【原标题】县城咖啡馆的秋天", [("original_title", "县城咖啡馆的秋天")]),
        ("原标题：“老街”的秋天丨周末", [("original_title", "“老街”的秋天丨周末")]),
        ("来源：南湖晚报", [("origin", "南湖晚报")]),
        ("来源： 南湖健康12345", [("origin", "南湖健康12345")]),
        ("来源|南湖观察网", [("origin", "南湖观察网")]),
        (
            "本文来自微信公众号“南湖夜读”（ID：nanhu_reads），作者：林一",
            [("origin", "南湖夜读"), ("byline", "林一")],
        ),
        ("►文 南湖观察网 林小舟", [("origin", "南湖观察网"), ("byline", "林小舟")]),
        ("文|林小舟", [("byline", "林小舟")]),
        ("作者：IceBear", [("byline", "IceBear")]),
        ("记者 林晓舟", [("byline", "林晓舟")]),
        ("本报记者 林晓舟 见习记者 白 鸣", [("byline", "林晓舟"), ("byline", "白鸣")]),
        ("南湖日报记者方一", [("origin", "南湖日报"), ("byline", "方一")]),
        (
            "南湖晚报（www.example-nanhu.cn）记者 王悦 徐青 南湖报道",
            [("origin", "南湖晚报"), ("byline", "王悦 徐青")],
        ),
        ("周小满　吴青禾 编辑 郑知远", [("byline", "周小满 吴青禾"), ("editor", "郑知远")]),
        ("责任编辑：陈安然 SF001", [("editor", "陈安然")]),
        ("校对 / 卡锅", [("editor", "卡锅")]),
        ("（翻译：南湖天文馆）", [("byline", "南湖天文馆")]),
        ("来源：南湖晚报 作者：林一 图片：南湖晚报资料", [("origin", "南湖晚报"), ("byline", "林一")]),
        ("题图来源：南湖摄影协会", []),
        ("每日观察 2022-05-13 07:30:00", [("origin", "每日观察")]),
    ],
)
def test_credit_lines_say_which_field_gets_what(line: str, values: list[tuple[str, str]]) -> None:
    credit = parse_credit(line)
    assert credit is not None, line
    assert list(credit.values) == values


@pytest.mark.parametrize(
    "line",
    [
        "文章提到原标题：并非标题",  # a sentence that mentions the keyword
        "记者招待会",  # a role word with a word glued on, no outlet before it
        "编辑推荐",
        "记者方丽",
        "图 1 三季度门店数量",  # a figure's label, not a picture credit
        "来源：新华社记者站",  # stays one source, never a byline
        "各市场参与人：",
        "导演：某某某",
        "评分：9.5",
        "南湖县记者节活动今天举行。",
        "编辑 说明了这次改版的原因。",  # sentence punctuation: content
        "张三 李四",  # names alone could be anything
        "来源：" + "很长" * 50,
    ],
)
def test_lines_that_could_be_content_stay(line: str) -> None:
    assert parse_credit(line) is None


def test_a_lead_byline_is_cut_off_the_first_paragraph() -> None:
    found = lead_credit("【南湖日报记者 赵青 钱文】第五届茶叶节昨日开幕。")
    assert found is not None
    assert found[0] == len("【南湖日报记者 赵青 钱文】")
    assert found[1].values == (("origin", "南湖日报"), ("byline", "赵青 钱文"))
    found = lead_credit("南湖全媒体见习记者周闻 南湖报道 5月24日，县里开展了遴选工作。")
    assert found is not None and found[1].values == (("origin", "南湖全媒体"), ("byline", "周闻"))
    assert lead_credit("（南湖观察网 讯）1月25日下午，县里召开发布会。") is None
    assert lead_credit("【#茶叶节开幕#】记者21日了解到，茶叶节开幕。") is None
    assert lead_credit("【南湖日报记者 赵青】") is None  # nothing after it: the whole line is the credit


def test_head_lines_become_fields_and_leave_the_text() -> None:
    html = "<p>原标题：老街的秋天</p><p>来源：南湖晚报</p><p>本报记者 林晓舟</p>" + PROSE
    cleaned = clean_body(html, categories=SINA)
    assert (cleaned.original_title, cleaned.origin, cleaned.byline) == ("老街的秋天", "南湖晚报", "林晓舟")
    assert cleaned.paragraphs[0].startswith("县里今年新修了三条乡村公路")
    assert cleaned.body_html.startswith("<p>县里")


def test_credit_lines_in_the_middle_of_the_text_are_content() -> None:
    html = PROSE + "<p>记者 林晓舟</p>" + PROSE.replace("县里", "镇上") + "<p>结语写在这里，不是署名。</p>"
    cleaned = clean_body(html)
    assert "记者 林晓舟" in cleaned.paragraphs
    assert cleaned.byline is None


def test_the_head_ends_once_the_article_has_begun() -> None:
    html = "<p>短标题</p>" + PROSE + "<p>记者 林晓舟</p>" + PROSE
    assert "记者 林晓舟" in clean_body(html).paragraphs


def test_foot_lines_go_only_while_nothing_else_follows() -> None:
    cleaned = clean_body(PROSE + "<p>来源：南湖晚报</p><p>（翻译：南湖天文馆）</p>")
    assert (cleaned.origin, cleaned.byline, len(cleaned.paragraphs)) == ("南湖晚报", "南湖天文馆", 1)
    kept = clean_body(
        PROSE + "<p>来源：南湖晚报</p>" + '<figure><img src="https://img.example.com/a.jpg"></figure>'
    )
    assert kept.origin is None and "来源：南湖晚报" in kept.paragraphs


def test_a_credit_line_after_a_line_break_is_cut_from_its_paragraph() -> None:
    cleaned = clean_body("<p>本报记者 林晓舟<br><strong>县里今年</strong>新修了三条乡村公路。</p>" + PROSE)
    assert cleaned.byline == "林晓舟"
    assert cleaned.paragraphs[0] == "县里今年新修了三条乡村公路。"
    assert cleaned.body_html.startswith("<p><strong>县里今年</strong>新修了三条乡村公路。</p>")


def test_the_title_repeated_as_the_lead_goes_but_not_when_it_is_the_whole_body() -> None:
    echoed = clean_body("<p>“南湖”茶叶节开幕？</p>" + PROSE, title="_南湖_茶叶节开幕？")
    assert echoed.paragraphs[0].startswith("县里今年")
    assert [d.rule for d in echoed.dropped] == ["generic.title_echo"]
    flash = clean_body(
        "南湖茶叶节今日开幕，六个县的茶农参加。", title="南湖茶叶节今日开幕，六个县的茶农参加。"
    )
    assert flash.paragraphs == ("南湖茶叶节今日开幕，六个县的茶农参加。",)
    assert flash.dropped == ()


def test_the_title_is_only_an_echo_at_the_lead() -> None:
    cleaned = clean_body(PROSE + "<p>南湖茶叶节开幕</p>", title="南湖茶叶节开幕")
    assert cleaned.paragraphs[-1] == "南湖茶叶节开幕"


def test_a_site_rule_outranks_a_credit_line_and_credit_lines_add_up() -> None:
    fields = Fields()
    fields.offer("editor", "郑知远", GENERIC)
    fields.offer("editor", "陈安然", SITE)
    fields.offer("editor", "周闻", GENERIC)
    fields.offer("byline", "林一鸣", GENERIC)
    fields.offer("byline", "王二 林一", GENERIC)
    fields.offer("byline", "林一鸣", GENERIC)
    fields.offer("origin", "南湖晚报", GENERIC)
    fields.offer("origin", "南湖日报", GENERIC)
    assert [fields.get(name) for name in ("editor", "byline", "origin")] == [
        "陈安然",
        "林一鸣 王二 林一",
        "南湖晚报",
    ]


def test_titles_fold_width_case_punctuation_and_spaces() -> None:
    assert fold_title("ＵＳＢ Type-C 为什么？") == fold_title("usb typec为什么_") == "usbtypec为什么"


def test_html_is_cut_where_the_text_is() -> None:
    html = '<strong>林晓舟</strong> <a href="https://e.example/">南湖<br>报道</a>正文&amp;更多'
    assert html_lines(html) == [
        '<strong>林晓舟</strong> <a href="https://e.example/">南湖</a>',
        '<a href="https://e.example/">报道</a>正文&amp;更多',
    ]
    assert drop_text_prefix("<strong>记者 林晓舟</strong> 正文&amp;更多", 7) == "正文&amp;更多"
