"""The ingest report: counts for people, one JSON object for scripts (`--json`), a line per watched batch."""

import json
import time
from typing import Any

from rich.console import Console

from app.ingest.runner import IngestReport

MAX_LISTED = 200
COUNTS = ("added", "updated", "unchanged", "failed", "pruned")
SUMMARY = (*COUNTS, "seconds", "files/s")


def print_report(report: IngestReport, console: Console, *, quiet: bool = False) -> None:
    """Failures (path and reason), warnings, then the counts and the rate."""
    if not quiet:
        _list("failed", report.failures, console, style="red")
        _list("warning", report.warnings, console, style="yellow")
    values = (
        str(report.added),
        str(report.updated),
        str(report.unchanged),
        str(report.failed),
        str(report.pruned),
        f"{report.seconds:.2f}",
        f"{report.files_per_second:,.0f}",
    )
    # Two aligned lines, never fitted to the terminal: a narrow one must not cut a name or a figure.
    widths = [max(len(name), len(value)) for name, value in zip(SUMMARY, values, strict=True)]
    header = "  ".join(name.rjust(width) for name, width in zip(SUMMARY, widths, strict=True))
    console.print(f"[bold]{header}[/bold]", soft_wrap=True)
    console.print(
        "  ".join(value.rjust(width) for value, width in zip(values, widths, strict=True)), soft_wrap=True
    )


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
