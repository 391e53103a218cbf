"""Hostile files: each becomes a correct article or a reported failure; no run crashes, hangs or bloats."""

import os
import random
import resource
import secrets
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.ingest import parsers, runner
from app.parse import build
from app.parse.record import ArticleRecord
from app.store.backends import postgresql
from app.store.engine import make_engine
from tests.conftest import UTC_ZONE, IngestFn, WritePost, empty_database, post_text


def _outcomes(report: runner.IngestReport) -> dict[str, str]:
    """File name -> failure reason, for the failed files."""
    return {Path(problem.path).name: problem.reason for problem in report.failures}


def test_every_kind_of_hostile_file_is_handled(write_post: WritePost, run_ingest: IngestFn) -> None:
    write_post("mixed-quotes.md", raw="\n---\ntitle: 'It's \"quoted\"'\nauthor: x\n---\n<p>正文</p>\n")
    write_post("no-front-matter.md", raw="<p>只有正文，没有头信息。</p>\n")
    write_post("empty.md", raw="")
    write_post("binary.md", raw=bytes(range(256)) * 4)
    write_post("gbk.md", raw=post_text(title="国内新闻").encode("gbk"))
    write_post("bom-crlf.md", raw=b"\xef\xbb\xbf" + post_text(title="换行").replace("\n", "\r\n").encode())
    write_post(
        "bomb.md", raw="\n---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b]\n---\n"
    )
    write_post("long-title.md", title="长" * 10_000)
    write_post("categories-string.md", categories="单个分类")
    write_post("categories-nested.md", categories="\n - 设计\n - - Dribbble\n   - 关键词")
    write_post("categories-number.md", categories="2021")
    write_post("ancient.md", date="0001-01-01 00:00:00")
    write_post("future.md", date="9999-12-31 23:59:59")
    write_post("not-markdown.txt", raw="ignored")
    write_post("image.png", raw=b"\x89PNG\r\n\x1a\n")
    report = run_ingest(write_post("normal.md").parent)
    assert _outcomes(report).keys() == {"empty.md", "binary.md", "bomb.md"}
    assert report.added == 11


def test_hostile_articles_are_stored_correctly(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine
) -> None:
    from tests.test_ingest import _article

    write_post("mixed-quotes.md", raw="\n---\ntitle: 'It's \"quoted\"'\nauthor: x\n---\n<p>正文</p>\n")
    write_post("no-front-matter.md", raw="<p>只有正文，没有头信息。</p>\n")
    write_post("long-title.md", title="长" * 10_000)
    write_post("categories-nested.md", categories="\n - 设计\n - - Dribbble\n   - 关键词")
    write_post("future.md", date="9999-12-31 23:59:59")
    nul = '\n---\ntitle: "a\\0b"\nauthor: "x\\0y"\ncategories: ["c\\0d"]\nnote: "e\\0"\n---\n<p>正文</p>\n'
    write_post("nul-escapes.md", raw=nul)  # YAML's "\0" is a NUL, which PostgreSQL cannot store in text
    write_post(
        "non-finite.md",
        raw="\n---\ntitle: 无穷\nscore: .inf\nmore: [-.inf, .nan, 1.0e+999, 1.5]\n---\n<p>正文</p>\n",
    )
    run_ingest(write_post("ancient.md", date="0001-01-01 00:00:00").parent)
    assert _article(engine, "mixed-quotes.md")["title"] == 'It\'s "quoted"'
    assert _article(engine, "no-front-matter.md")["title"] == "no-front-matter"
    assert _article(engine, "no-front-matter.md")["body_text"] == "只有正文，没有头信息。"
    assert _article(engine, "long-title.md")["title"] == "长" * 10_000
    assert len(str(_article(engine, "long-title.md")["slug"])) <= 80
    assert _article(engine, "categories-nested.md")["categories"] == ["设计", "Dribbble", "关键词"]
    assert str(_article(engine, "future.md")["published_at"]).startswith("9999-12-31 23:59:59")
    assert str(_article(engine, "ancient.md")["published_at"]).startswith("0001-01-01 00:00:00")
    stored = _article(engine, "nul-escapes.md")
    assert (stored["title"], stored["author"], stored["categories"]) == ("ab", "xy", ["cd"])
    assert stored["extra"] == {"note": "e"}
    # JSON has no infinity or NaN, and PostgreSQL refuses them: they are kept as text.
    assert _article(engine, "non-finite.md")["extra"] == {"score": "inf", "more": ["-inf", "nan", "inf", 1.5]}


def test_a_record_the_database_refuses_fails_alone_and_keeps_its_last_version(
    write_post: WritePost, run_ingest: IngestFn, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_ingest import _article

    for name in ("a.md", "refused.md", "b.md"):
        folder = write_post(name, title=f"旧{name}").parent
    run_ingest(folder)
    real = build.build_record

    def refused_title(data: bytes, **fields: Any) -> ArticleRecord:
        record = real(data, **fields)
        if fields["file_path"].endswith("refused.md"):
            record.title = None  # type: ignore[assignment]  # NOT NULL: any database refuses it
        return record

    monkeypatch.setattr(build, "build_record", refused_title)
    write_post("a.md", title="新a.md")
    write_post("refused.md", title="新refused.md", categories="\n - 新分类")  # a new post path: a new id
    report = run_ingest(folder)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert list(_outcomes(report)) == ["refused.md"]
    assert _outcomes(report)["refused.md"].startswith("the database refused it: ")
    assert "title" in _outcomes(report)["refused.md"]
    assert _article(engine, "a.md")["title"] == "新a.md"
    assert _article(engine, "refused.md")["title"] == "旧refused.md"  # not replaced by the refused one


def test_a_file_name_that_is_not_utf8_is_reported(write_post: WritePost, run_ingest: IngestFn) -> None:
    folder = write_post("fine.md").parent
    with open(os.path.join(os.fsencode(folder), b"latin1-caf\xe9.md"), "w", encoding="utf-8") as handle:
        handle.write(post_text(title="名字"))
    report = run_ingest(folder)
    assert report.added == 1
    assert _outcomes(report) == {"latin1-caf\udce9.md": "the file name is not valid UTF-8: rename the file"}


def test_a_file_that_vanishes_during_the_run_is_reported(
    write_post: WritePost, run_ingest: IngestFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = write_post("keep.md")
    doomed = write_post("doomed.md", title="将消失")
    original = runner._changed_files

    def vanish_then_scan(*args: object, **kwargs: object) -> list[object]:
        doomed.unlink()  # after discovery, before the file is read
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_changed_files", vanish_then_scan)
    report = run_ingest(keep.parent)
    assert _outcomes(report) == {"doomed.md": "file vanished during the ingest"}
    assert report.added == 1


def test_categories_or_an_author_too_long_to_index_fail_their_file_only(
    write_post: WritePost, run_ingest: IngestFn
) -> None:
    rng = random.Random(7)
    huge = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(700))  # 2,100 bytes
    write_post("long-category.md", categories=f"\n - 金融\n - {huge}")
    write_post("deep-categories.md", categories="".join(f"\n - {huge[:100]}{level}" for level in range(7)))
    write_post("long-author.md", author=huge)
    write_post("fine.md", categories=f"\n - 金融\n - {huge[:600]}", author=huge[:600])
    report = run_ingest(write_post("plain.md").parent)
    assert report.added == 2
    assert _outcomes(report) == {
        "long-category.md": "categories too long: 2,109 bytes as a hierarchy, 2,000 at most",
        "deep-categories.md": "categories too long: 2,125 bytes as a hierarchy, 2,000 at most",
        "long-author.md": "author too long: 2,100 bytes, 2,000 at most",
    }


def test_a_file_path_too_long_for_a_postgresql_index_key_still_loads(tmp_path: Path, engine: Engine) -> None:
    # About 3 KB of incompressible names: past the size of a PostgreSQL B-tree entry (2,704 bytes).
    deep = tmp_path / "posts"
    for level in range(12):
        deep /= f"{level}-{secrets.token_hex(120)}"
    deep.mkdir(parents=True)
    (deep / "deep.md").write_text(post_text(title="很深的文件"), encoding="utf-8")
    (tmp_path / "posts" / "shallow.md").write_text(post_text(title="浅的文件"), encoding="utf-8")
    report = runner.ingest([tmp_path / "posts"], engine=engine, zone=UTC_ZONE, jobs=1)
    assert (report.added, report.failures) == (2, [])
    again = runner.ingest([tmp_path / "posts"], engine=engine, zone=UTC_ZONE, jobs=1)
    assert (again.unchanged, again.failures) == (2, [])


def test_an_article_with_more_distinct_words_than_a_tsvector_holds_loads_and_is_searched(
    write_post: WritePost, run_ingest: IngestFn, client: TestClient
) -> None:
    # About 200,000 distinct bigrams: several times the 1 MiB a PostgreSQL tsvector holds.
    rng = random.Random(3)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(200_000))
    report = run_ingest(
        write_post("huge.md", raw=f"---\ntitle: 巨大\n---\n<p>开篇独有词语，{noise}</p>\n").parent
    )
    assert (report.added, report.failures) == (1, [])
    found = client.get("/articles", params={"q": "开篇独有词语"}).json()
    assert [item["title"] for item in found["items"]] == ["巨大"]


def test_a_20_mb_body_loads_in_bounded_memory(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    paragraph = "<p>　　" + "很长的正文段落。" * 50 + "</p>\n"
    body = "<div>\n" + paragraph * (20_000_000 // len(paragraph.encode())) + "</div>\n"
    (folder / "huge.md").write_text(post_text(title="巨大的文章", body=body), encoding="utf-8")
    code = (
        "import resource, sys\nfrom app.cli import main\n"
        "sys.argv = ['articles', 'ingest', '-q', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n"
        "    print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(exit.code)\n"
    )
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'big.db'}"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    maxrss_mb = int(done.stdout.split("maxrss_kb")[1].split()[0]) / 1024
    assert maxrss_mb < 600, f"ingest of a 20 MB file peaked at {maxrss_mb:.0f} MB"


def test_a_file_too_large_to_be_a_post_is_reported_unparsed(
    write_post: WritePost, run_ingest: IngestFn
) -> None:
    folder = write_post("fine.md").parent
    with open(folder / "huge.md", "wb") as handle:
        handle.truncate(parsers.MAX_FILE_BYTES + 1)  # sparse: no disk space used
    report = run_ingest(folder)
    assert report.added == 1
    assert _outcomes(report) == {"huge.md": "file too large: more than 32 MiB"}
    with open(folder / "fine.md", "r+b") as handle:  # a known file grows past the limit: never read whole
        handle.truncate(parsers.MAX_FILE_BYTES + 1)
    again = run_ingest(folder)
    assert (again.added, again.updated, sorted(_outcomes(again))) == (0, 0, ["fine.md", "huge.md"])


def test_ingest_never_hangs_on_a_symlink_loop(write_post: WritePost, run_ingest: IngestFn) -> None:
    post = write_post("a/b/post.md")
    os.symlink(post.parent.parent.parent, post.parent / "up")
    os.symlink(post.parent, post.parent / "self")
    result: list[runner.IngestReport] = []
    worker = threading.Thread(target=lambda: result.append(run_ingest(post.parent.parent.parent)))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and result[0].added == 1


def test_peak_memory_of_this_process_stays_reasonable() -> None:
    # The suite itself (which ingests every fixture above) must not balloon either.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < 2048


def test_an_index_row_postgresql_refuses_fails_its_record_alone(
    postgres_database: str | None, write_post: WritePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's index rows go in by COPY, outside SQLAlchemy's statements: its refusal must still read
    as a refused value, so that the record fails alone and the rest of its batch is written."""
    if postgres_database is None:
        pytest.skip("PostgreSQL is not available (see the note at the end of the run)")
    real = postgresql.tsvector_literal

    def too_long_when_refused(title: Sequence[str], body: Sequence[str]) -> str:
        # Past a tsvector's 1 MiB: "string is too long for tsvector", a program limit (SQLSTATE 54000).
        return " ".join(f"w{n}" for n in range(200_000)) if "拒收" in title else real(title, body)

    monkeypatch.setattr(postgresql, "tsvector_literal", too_long_when_refused)
    engine = make_engine(postgres_database)
    try:
        folder = write_post("a.md", title="第一篇").parent
        write_post("refused.md", title="拒收的文章")
        write_post("b.md", title="第二篇")
        report = runner.ingest([folder], engine=engine, zone=UTC_ZONE, jobs=1)
        assert report.added == 2
        assert list(_outcomes(report)) == ["refused.md"]
        assert _outcomes(report)["refused.md"].startswith("the database refused it: ")
    finally:
        empty_database(engine)
        engine.dispose()
