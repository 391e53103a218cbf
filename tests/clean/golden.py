"""Golden fixtures: an input body, its categories, and the exact expected outputs next to it.

For case NAME, tests/clean/fixtures/ holds NAME.html (the body, braces already unescaped), NAME.json
({"categories": [...], "title": "..." (optional), "expected": {metadata}}), NAME.expected.txt (body_text)
and NAME.expected.html (body_html). After a deliberate change of output, rewrite the expectations with
``CLEAN_GOLDEN_UPDATE=1 pytest tests/clean``, review the diff, and bump CLEANER_VERSION
(app/clean/version.py).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clean.cleaner import CleanBody, clean_body

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE = os.environ.get("CLEAN_GOLDEN_UPDATE") == "1"


@dataclass(frozen=True)
class Case:
    """One fixture and where its expectations live."""

    name: str

    @property
    def input_path(self) -> Path:
        return FIXTURES / f"{self.name}.html"

    @property
    def meta_path(self) -> Path:
        return FIXTURES / f"{self.name}.json"

    @property
    def text_path(self) -> Path:
        return FIXTURES / f"{self.name}.expected.txt"

    @property
    def html_path(self) -> Path:
        return FIXTURES / f"{self.name}.expected.html"

    def meta(self) -> dict[str, Any]:
        return json.loads(self.meta_path.read_text(encoding="utf-8"))

    def clean(self) -> CleanBody:
        meta = self.meta()
        html = self.input_path.read_text(encoding="utf-8")
        return clean_body(html, categories=meta["categories"], title=meta.get("title", ""))


def cases() -> list[Case]:
    """Every fixture, by name."""
    names = sorted(p.name.removesuffix(".html") for p in FIXTURES.glob("*.html"))
    return [Case(name) for name in names if not name.endswith(".expected")]


def metadata(cleaned: CleanBody) -> dict[str, Any]:
    """The fields compared besides text and HTML (dropped as rule names, in order)."""
    return {
        "original_title": cleaned.original_title,
        "editor": cleaned.editor,
        "byline": cleaned.byline,
        "origin": cleaned.origin,
        "source_url": cleaned.source_url,
        "images": list(cleaned.images),
        "media": list(cleaned.media),
        "dropped_rules": [d.rule for d in cleaned.dropped],
    }


def write_expectations(case: Case, cleaned: CleanBody) -> None:
    """Rewrite the case's expected files from the current output."""
    case.text_path.write_text(cleaned.body_text + "\n", encoding="utf-8")
    case.html_path.write_text(cleaned.body_html + "\n", encoding="utf-8")
    meta = case.meta()
    meta["expected"] = metadata(cleaned)
    case.meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
