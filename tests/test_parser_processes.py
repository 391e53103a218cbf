"""Parser processes run this project's code, wherever `articles ingest` is started from."""

import os
import subprocess
from pathlib import Path

from app.ingest.runner import PARALLEL_THRESHOLD
from tests.conftest import ARTICLES_CLI, post_text


def test_an_app_package_in_the_working_directory_does_not_replace_the_parsers(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for number in range(PARALLEL_THRESHOLD + 10):  # enough for worker processes
        (posts / f"post-{number:04d}.md").write_text(post_text(title=f"编号{number}"), encoding="utf-8")
    decoy = tmp_path / "elsewhere"
    (decoy / "app").mkdir(parents=True)
    (decoy / "app" / "__init__.py").write_text("raise RuntimeError('not this project')\n")
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    command = [str(ARTICLES_CLI), "ingest", str(posts), "--jobs", "2", "-q"]
    result = subprocess.run(command, cwd=decoy, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].split()[:2] == [str(PARALLEL_THRESHOLD + 10), "0"]
