"""Ingest into a real (temporary) database: idempotence, updates, prune, bad files."""

import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.ingest.runner import ingest
from app.parse.record import article_id
from app.store.tables import ARTICLE, CATEGORY, LINK
from tests.conftest import FIXTURES, UTC_ZONE, IngestFn, WritePost


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _article(engine: Engine, file_name: str) -> dict[str, object]:
    """The stored article that came from the file of this name."""
    with engine.connect() as connection:
        rows = connection.execute(select(ARTICLE)).mappings().all()
    return dict(next(row for row in rows if Path(row["file_path"]).name == file_name))


def test_seed_is_loaded_with_its_clean_text_and_metadata(
    tmp_path: Path, run_ingest: IngestFn, engine: Engine
) -> None:
    shutil.copy(FIXTURES / "seed.md", tmp_path / "seed.md")
    report = run_ingest(tmp_path)
    assert (report.added, report.failed) == (1, 0)
    row = _article(engine, "seed.md")
    assert row["id"] == article_id("金融/新浪财经/新浪财经－国內/seed.md")
    assert row["title"] == "浙江：加快健全社会保障体系"
    assert row["categories"] == ["金融", "新浪财经", "新浪财经－国內"]
    assert row["original_title"] == "加快健全社会保障体系"
    assert row["editor"] == "王珊珊"
    assert row["byline"] == "孙胜梅 傅思聪"  # the authors' line at the head of the body
    assert row["image"] is None  # the header image is Sina's APP QR code, a placeholder
    body = str(row["body_text"])
    assert body.startswith("《浙江高质量发展建设共同富裕示范区实施方案")
    assert body.endswith("【作者单位分别为省人力资源和社会保障科学研究院、合肥工业大学】")
    assert body.count("\n\n") == 4
    for marker in ("原标题", "责任编辑", "海量资讯", "appendQr", "{", "<", "&#", "\u3000"):
        assert marker not in body


def test_reingest_skips_unchanged_files_and_changes_nothing(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md")
    write_post("b.md", title="另一篇")
    assert run_ingest(post.parent).added == 2
    before = _article(engine, "a.md")
    again = run_ingest(post.parent)
    assert (again.added, again.updated, again.unchanged, again.failed) == (0, 0, 2, 0)
    assert _article(engine, "a.md") == before


def test_progress_counts_every_file_once_up_to_the_total(write_post: WritePost, engine: Engine) -> None:
    for name in "abcd":
        write_post(f"{name}.md", title=f"文章{name}")
    folder = write_post("e.md", raw=b"\x00binary").parent
    calls: list[tuple[int, int]] = []

    def load() -> None:
        ingest([folder], engine=engine, zone=UTC_ZONE, jobs=1, on_progress=lambda *call: calls.append(call))

    load()
    changed = folder / "c.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n改了。", encoding="utf-8")
    calls.clear()
    load()  # three unchanged, one changed, one failing again
    done = [done for done, _total in calls]
    assert done == sorted(done) and done[-1] == 5
    assert {total for _done, total in calls} == {5}


def test_changed_file_updates_the_same_article(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md", title="旧标题")
    run_ingest(post.parent)
    write_post("a.md", title="新标题", categories="\n - 游戏\n - 3DMGame")
    report = run_ingest(post.parent)
    assert (report.added, report.updated) == (0, 1)
    row = _article(engine, "a.md")
    assert (row["title"], row["categories"]) == ("新标题", ["游戏", "3DMGame"])
    assert _count(engine, ARTICLE) == 1
    with engine.connect() as connection:  # the old categories are gone with their last article
        names = set(connection.execute(select(CATEGORY.c.name)).scalars())
    assert names == {"游戏", "3DMGame"}


def test_prune_deletes_articles_whose_files_are_gone(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    keep = write_post("keep.md")
    gone = write_post("gone.md", title="将被删除")
    run_ingest(keep.parent)
    gone.unlink()
    assert run_ingest(keep.parent).pruned == 0  # without --prune nothing is deleted
    assert _count(engine, ARTICLE) == 2
    report = run_ingest(keep.parent, prune=True)
    assert report.pruned == 1
    assert _count(engine, ARTICLE) == 1


def test_prune_leaves_other_folders_alone(
    tmp_path: Path, write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text((FIXTURES / "seed.md").read_text(encoding="utf-8"), encoding="utf-8")
    run_ingest(other)
    post = write_post("a.md")
    assert run_ingest(post.parent, prune=True).pruned == 0
    assert _count(engine, ARTICLE) == 2


def test_bad_files_are_reported_and_the_rest_still_loads(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    good = write_post("good.md")
    write_post("empty.md", raw="")
    write_post("binary.md", raw=b"\x00\x01\x02 PNG")
    write_post("badyaml.md", raw="\n---\ncategories: [unclosed\n---\n<p>x</p>\n")
    write_post("bomb.md", raw="\n---\na: &a [x, x]\nb: [*a, *a]\n---\n<p>x</p>\n")
    (good.parent / "notes.txt").write_text("not markdown", encoding="utf-8")
    report = run_ingest(good.parent)
    reasons = {Path(p.path).name: p.reason for p in report.failures}
    assert set(reasons) == {"empty.md", "binary.md", "badyaml.md", "bomb.md"}
    assert "empty" in reasons["empty.md"] and "binary" in reasons["binary.md"]
    assert "YAML" in reasons["badyaml.md"] and "aliases" in reasons["bomb.md"]
    assert report.added == 1
    assert _count(engine, ARTICLE) == 1


def test_encodings_bom_crlf_and_gbk_load_alike(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    from tests.conftest import post_text

    text = post_text(title="编码测试")
    write_post("bom.md", raw="\ufeff".encode() + text.replace("\n", "\r\n").encode())
    write_post("gbk.md", raw=text.encode("gbk"))
    report = run_ingest(write_post("plain.md", raw=text).parent)
    assert report.added == 3, report.failures
    titles = {_article(engine, name)["title"] for name in ("bom.md", "gbk.md", "plain.md")}
    assert titles == {"编码测试"}


def test_quirky_front_matter_is_normalized(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    write_post(
        "q.md",
        title="Python 输出 &#123;&#125; 本身",
        categories="知乎",
        date="Invalid Date",
        headimg="https://picsum.photos/400/300?random=3",
        extra="tags:\n - python\n - 教程",
        body="<p>正文里的 &#123;braces&#125; 被还原。</p>",
    )
    report = run_ingest(write_post("x.md", title=None, date="2021-04-11 00:30:33").parent)
    assert report.failed == 0
    row = _article(engine, "q.md")
    assert row["title"] == "Python 输出 {} 本身"
    assert row["categories"] == ["知乎"]
    assert row["published_at"] is None
    assert row["image"] is None  # picsum placeholders are never the article's image...
    assert row["images"] == []  # ...nor one of its images
    assert row["extra"] == {"tags": ["python", "教程"]}
    assert "{braces}" in str(row["body_text"])
    assert any("Invalid Date" in w.reason for w in report.warnings)
    untitled = _article(engine, "x.md")
    assert untitled["title"] == "x"
    assert str(untitled["published_at"]) == "2021-04-11 00:30:33+00:00"


def test_naive_dates_use_the_configured_zone(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    post = write_post("a.md", date="2021-04-11 08:00:00")
    run_ingest(post.parent, zone=ZoneInfo("Asia/Shanghai"))
    assert str(_article(engine, "a.md")["published_at"]) == "2021-04-11 00:00:00+00:00"


def test_categories_form_a_hierarchy_linked_at_every_level(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    write_post("a.md")
    run_ingest(write_post("b.md", categories="\n - 金融\n - 新浪财经\n - 新浪财经－美股", title="b").parent)
    with engine.connect() as connection:
        rows = connection.execute(select(CATEGORY)).mappings().all()
    by_path = {row["path"]: row for row in rows}
    assert by_path["金融"]["article_count"] == 2
    assert by_path["金融 / 新浪财经"]["parent_id"] == by_path["金融"]["id"]
    assert by_path["金融 / 新浪财经 / 新浪财经－国內"]["article_count"] == 1
    assert _count(engine, LINK) == 6


def test_symlink_loops_are_not_followed_forever(write_post: WritePost, run_ingest: IngestFn) -> None:
    post = write_post("sub/a.md")
    os.symlink(post.parent.parent, post.parent / "loop")
    report = run_ingest(post.parent.parent)
    assert report.added == 1


def test_ids_do_not_depend_on_where_the_folder_lives(
    tmp_path: Path, run_ingest: IngestFn, engine: Engine
) -> None:
    for root in ("one", "two"):
        (tmp_path / root / "金融").mkdir(parents=True)
        shutil.copy(FIXTURES / "seed.md", tmp_path / root / "金融" / "seed.md")
    assert article_id("金融/seed.md") == article_id("金融/seed.md")
    run_ingest(tmp_path / "one")
    report = run_ingest(tmp_path / "two")
    assert (report.added, report.updated) == (0, 1)  # same relative path: the same article, moved
    assert _count(engine, ARTICLE) == 1
