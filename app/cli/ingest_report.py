"""The ingest report: a table for people, one JSON object for scripts (`--json`), a line per watched batch."""

import json
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from app.ingest.runner import IngestReport

MAX_LISTED = 200
COUNTS = ("added", "updated", "unchanged", "failed", "pruned")


def print_report(report: IngestReport, console: Console, *, quiet: bool = False) -> None:
    """Failures (path and reason), warnings, then the counts and the rate."""
    if not quiet:
        _list("failed", report.failures, console, style="red")
        _list("warning", report.warnings, console, style="yellow")
    table = Table(show_header=True, header_style="bold", box=None)
    for column in ("added", "updated", "unchanged", "failed", "pruned", "seconds", "files/s"):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.added),
        str(report.updated),
        str(report.unchanged),
        str(report.failed),
        str(report.pruned),
        f"{report.seconds:.2f}",
        f"{report.files_per_second:,.0f}",
    )
    console.print(table)


def _list(label: str, problems: list, console: Console, *, style: str) -> None:  # type: ignore[type-arg]
    for problem in problems[:MAX_LISTED]:
        console.print(
            f"[{style}]{label}[/{style}] {problem.path}: {problem.reason}", highlight=False, soft_wrap=True
        )
    if len(problems) > MAX_LISTED:
        console.print(f"[{style}]... and {len(problems) - MAX_LISTED} more {label}s[/{style}]")


def report_json(report: IngestReport) -> dict[str, Any]:
    """The report as `--json` prints it: the counts, the seconds, and every failure and warning."""
    return {name: getattr(report, name) for name in COUNTS} | {
        "seconds": round(report.seconds, 3),
        "interrupted": report.interrupted,
        "failures": [{"path": problem.path, "reason": problem.reason} for problem in report.failures],
        "warnings": [{"path": problem.path, "reason": problem.reason} for problem in report.warnings],
    }


def print_json(report: IngestReport, out: Console) -> None:
    """One JSON object on one line, plain (no markup, colour or wrapping), flushed at once."""
    out.file.write(json.dumps(report_json(report), ensure_ascii=False) + "\n")
    out.file.flush()


def counts(report: IngestReport) -> str:
    """The counts in words: `3 added, 1 updated, 0 unchanged, 0 failed, 1 pruned`."""
    return ", ".join(f"{getattr(report, name):,} {name}" for name in COUNTS)


def print_batch(report: IngestReport, console: Console, *, quiet: bool = False) -> None:
    """A batch of changes loaded while watching: its failures (unless `quiet`), then one line of counts."""
    if not quiet:
        _list("failed", report.failures, console, style="red")
        _list("warning", report.warnings, console, style="yellow")
    console.print(f"{time.strftime('%H:%M:%S')} {counts(report)} in {report.seconds:.2f}s", highlight=False)
