"""Site selection and the rules that are easiest to state as examples."""

from app.clean.cleaner import clean_body
from app.clean.rules import GENERIC, SINA, ZHIHU_DAILY, ZHIHU_HOT, norm_category, select_sites


def test_sites_are_chosen_by_any_category_level() -> None:
    assert select_sites("<p>x</p>", ["金融", "新浪财经", "新浪财经－国內"]) == (GENERIC, SINA)
    assert select_sites("<p>x</p>", ["社交媒体", "知乎", "知乎日报"]) == (GENERIC, ZHIHU_DAILY)
    assert select_sites("<p>x</p>", ["社交媒体", "知乎", "知乎热榜"]) == (GENERIC, ZHIHU_HOT)


def test_sites_are_chosen_by_markup_when_categories_are_odd() -> None:
    html = '<div class="clearfix appendQr_wrap">海量资讯、精准解读，尽在新浪财经APP</div>'
    assert SINA in select_sites(html, [" -  - news"])
    assert select_sites("<p>plain</p>", ["其他"]) == (GENERIC,)


def test_category_names_are_compared_loosely() -> None:
    assert norm_category("IT 之家") == norm_category("IT之家")
    assert norm_category("ＩＴ之家") == norm_category("it之家")


def test_editor_code_is_not_part_of_the_name() -> None:
    cleaned = clean_body(
        '<p class="article-editor">责任编辑：刘一 SF014</p>', categories=["金融", "新浪财经"]
    )
    assert cleaned.editor == "刘一"
    assert cleaned.body_text == ""


def test_original_title_is_only_taken_from_a_whole_line() -> None:
    cleaned = clean_body("<p>文章提到原标题：并非标题</p>", categories=["金融", "新浪财经"])
    assert cleaned.original_title is None
    assert cleaned.body_text == "文章提到原标题：并非标题"


def test_hot_list_byline_is_only_the_first_line() -> None:
    html = "甲的回答<br><br><p>正文第一段。</p><p>乙的回答</p>"
    cleaned = clean_body(html, categories=["社交媒体", "知乎", "知乎热榜"])
    assert cleaned.byline == "甲"
    assert cleaned.paragraphs == ("正文第一段。", "乙的回答")


def test_generic_share_blocks_go_but_similar_names_stay() -> None:
    html = (
        '<p>story</p><div class="social-share">Share on X</div>'
        '<div class="shared-state">kept because shared-state is not a share widget</div>'
    )
    cleaned = clean_body(html)
    assert cleaned.paragraphs == ("story", "kept because shared-state is not a share widget")
    assert [d.rule for d in cleaned.dropped] == ["generic.share"]


def test_layout_tables_become_paragraphs_and_data_tables_rows() -> None:
    layout = clean_body("<table><tr><td><p>one</p><p>two</p></td></tr><tr><td>three</td></tr></table>")
    assert layout.paragraphs == ("one", "two", "three")
    assert "<table>" not in layout.body_html
    data = clean_body(
        "<table><thead><tr><th>k</th><th>v</th></tr></thead><tr><td>a</td><td>1</td></tr></table>"
    )
    assert data.paragraphs == ("k | v\na | 1",)
    assert data.body_html == (
        "<table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr></tbody></table>"
    )


def test_lists_nest_with_indentation_and_numbers() -> None:
    cleaned = clean_body('<ol start="3"><li>three<ul><li>sub</li></ul></li><li>four</li></ol>')
    assert cleaned.body_text == "3. three\n  - sub\n4. four"
