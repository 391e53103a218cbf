"""`articles inspect`: show what ingest would store for one file, what the cleaner dropped and why, and which
field kept what a dropped credit line said."""

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from app.clean.cleaner import CLEANER_VERSION
from app.ingest.discover import locate
from app.parse.build import build_record_with_cleaning
from app.parse.decode import content_hash

SHOWN_FIELDS = (
    "id", "source_path", "title", "slug", "categories", "author", "published_at", "image", "images",
    "media", "original_title", "editor", "origin", "byline", "source_url", "language", "char_count",
    "reading_minutes", "excerpt", "extra",
)  # fmt: skip


def inspection_report(path: Path, zone: ZoneInfo, root: Path | None = None) -> dict[str, Any]:
    """Everything ingest would store for `path`, plus warnings and dropped blocks; raises UnreadableFile.
    `root` is the folder given to ingest: it names a file without categories, and so makes its id."""
    data = path.read_bytes()
    found = locate([root], [str(path.absolute())])[0] if root is not None else []
    record, cleaned = build_record_with_cleaning(
        data,
        key=found[0].key if found else path.name,
        file_path=str(path.absolute()),
        digest=content_hash(data, CLEANER_VERSION),
        zone=zone,
    )
    fields = {name: getattr(record, name) for name in SHOWN_FIELDS}
    fields["published_at"] = record.published_at.isoformat() if record.published_at else None
    return fields | {
        "warnings": record.warnings,
        "body_text": record.body_text,
        "body_html": record.body_html,
        "dropped": [
            {"rule": d.rule, "text": d.text, "fields": _destinations(d.into, fields)} for d in cleaned.dropped
        ],
    }


def _destinations(into: tuple[tuple[str, str], ...], fields: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field a dropped line named a value for, and whether the field kept it (a site's own rule, such
    as Sina's 责任编辑, outranks a credit line)."""
    return [{"field": name, "value": value, "kept": value in (fields[name] or "")} for name, value in into]


def print_inspection(report: dict[str, Any], console: Console, *, as_json: bool) -> None:
    """Fields, clean text, then a table of dropped blocks with the rule that dropped each."""
    if as_json:
        # Plain text, not Rich's: JSON that scripts parse gets no markup, colour or wrapping.
        console.file.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    fields = Table(show_header=False, box=None)
    for name in (*SHOWN_FIELDS, "warnings"):
        fields.add_row(f"[bold]{name}[/bold]", json.dumps(report[name], ensure_ascii=False))
    console.print(fields)
    console.print(Panel(report["body_text"] or "[dim](empty)[/dim]", title="body_text", highlight=False))
    dropped = Table("rule", "dropped text", "kept in", title="dropped by the cleaner")
    for block in report["dropped"]:
        dropped.add_row(block["rule"], block["text"], _kept_in(block["fields"]))
    console.print(dropped)


def _kept_in(destinations: list[dict[str, Any]]) -> str:
    """The fields a dropped line named values for ("byline, editor (not kept)"); "-" when it named none."""
    if not destinations:
        return "-"
    return ", ".join(d["field"] + ("" if d["kept"] else " (not kept)") for d in destinations)
