"""The ingest report, printed for people."""

from rich.console import Console
from rich.table import Table

from app.ingest.runner import IngestReport

MAX_LISTED = 200


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
