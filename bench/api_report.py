"""The tables of bench/api.py: figures per workload and server, and the targets, as Markdown lines."""

import argparse
import math
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from api_workloads import (
    CACHE_OFF,
    CEILING,
    COLD,
    DATASETTE_NAME,
    DETAIL,
    HOT,
    LISTINGS,
    MINIMAL,
    OURS,
    SCALING,
    TWO_WORKERS,
    Key,
)
from common import BENCH, Measure

Load = tuple[float, float, float]


def figures_table(results: dict[Key, Measure], sizes: dict[Key, str]) -> list[str]:
    """One row per workload and server, as Markdown lines."""
    lines = [
        "| workload | server | distinct URLs | req/s | p50 ms | p99 ms | requests (all runs) | errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for (_, workload, name), m in results.items():
        cells = [sizes[(_, workload, name)], f"{m.rps:.0f}", _ms(m.p50_ms), _ms(m.p99_ms)]
        cells += [f"{m.completed}", f"{m.errors}"]
        lines.append(f"| {workload} | {name} | " + " | ".join(cells) + " |")
    if any(math.isinf(m.p99_ms) for m in results.values()):
        lines += ["", "—: in most runs no request completed within the measurement."]
    return lines


def hot_targets_table(results: dict[Key, Measure]) -> list[str]:
    """Ours against Datasette and the ceiling on each hot workload, as Markdown lines."""
    ceiling = next(m for (_, _, name), m in results.items() if name == CEILING)
    lines = [
        "| endpoint | vs Datasette (≥ 5x) | vs ceiling (≥ 0.33) | p99 (< 50 ms) |",
        "|---|--:|--:|--:|",
    ]
    for (table, endpoint, name), ours in results.items():
        if name != OURS:
            continue
        theirs = results.get((table, endpoint, DATASETTE_NAME))
        share = ours.rps / ceiling.rps
        p99 = f"{_ms(ours.p99_ms)} ms {_mark(ours.p99_ms < 50)}"
        lines.append(
            f"| {endpoint} | {_versus(ours, theirs, 5)} | {share:.2f} {_mark(share >= 1 / 3)} | {p99} |"
        )
    first, deep = results[(HOT, "first page", OURS)], results[(HOT, "deep page", OURS)]
    ratio = deep.rps / first.rps if first.rps else 0.0
    lines.append("")
    lines.append(
        f"Deep page vs first page (at least 0.8 of its req/s): {ratio:.2f} {_mark(ratio >= 0.8)}; "
        f"p50 {_ms(deep.p50_ms)} vs {_ms(first.p50_ms)} ms."
    )
    return lines


def cold_targets_lines(results: dict[Key, Measure], sqlite: bool) -> list[str]:
    """The cold path's targets, as Markdown list items: details against Datasette and the minimal endpoint,
    category listings against a rate and a p99 (and beside the minimal endpoint's pages)."""
    share = 0.6 if sqlite else 0.5  # psycopg's round trip leaves less to gain over the minimal endpoint
    minimal = results[(COLD, DETAIL, MINIMAL)]
    theirs = results.get((COLD, DETAIL, DATASETTE_NAME))
    lines = []
    for name in (OURS, CACHE_OFF):
        ours = results[(COLD, DETAIL, name)]
        versus = f"{_versus(ours, theirs, 5)} Datasette's random rows (≥ 5x), " if theirs else ""
        ratio = ours.rps / minimal.rps if minimal.rps else math.inf
        lines.append(
            f"- Cold detail, {_server(name)}: {versus}{ratio:.2f} of the minimal endpoint (≥ {share:g}) "
            f"{_mark(ratio >= share)}, p99 {_ms(ours.p99_ms)} ms (< 20 ms) {_mark(ours.p99_ms < 20)}"
        )
    ceiling = results[(COLD, LISTINGS, MINIMAL)]
    for name in (OURS, CACHE_OFF):
        ours = results[(COLD, LISTINGS, name)]
        ratio = ours.rps / ceiling.rps if ceiling.rps else math.inf
        lines.append(
            f"- Cold category listings, {_server(name)}: {ours.rps:,.0f} req/s (≥ 3,000) "
            f"{_mark(ours.rps >= 3000)}, p99 {_ms(ours.p99_ms)} ms (< 30 ms) {_mark(ours.p99_ms < 30)}; "
            f"{ratio:.2f} of the minimal endpoint's same pages ({ceiling.rps:,.0f} req/s)"
        )
    one, two = results[(COLD, DETAIL, OURS)], results[(SCALING, DETAIL, TWO_WORKERS)]
    lines.append(
        f"- Scaling, cold detail: {two.rps / one.rps if one.rps else math.inf:.2f}x with `--workers 2` "
        f"({one.rps:,.0f} → {two.rps:,.0f} req/s; p99 {_ms(one.p99_ms)} → {_ms(two.p99_ms)} ms), "
        "on the 2 cores that wrk shares"
    )
    return lines


def _server(name: str) -> str:
    return "cache off" if name == CACHE_OFF else "cache on"


def _versus(ours: Measure, theirs: Measure | None, wanted: float) -> str:
    if theirs is None:
        return "n/a"
    if not theirs.rps:
        return "Datasette at 0 req/s ✓"
    times = ours.rps / theirs.rps
    return f"{times:.1f}x {_mark(times >= wanted)}"


def _mark(met: bool) -> str:
    return "✓" if met else "✗"


def _ms(value: float) -> str:
    return "—" if math.isinf(value) else f"{value:.1f}"


def cpu_model() -> str:
    """The processor's name as Linux reports it, else the architecture."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.machine()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "?")


def commit() -> str:
    def git(*arguments: str) -> str:
        result = subprocess.run(["git", *arguments], cwd=BENCH, capture_output=True, text=True)
        return result.stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def write_results(path: Path, section: list[str]) -> None:
    """Put `section` first among the runs recorded in `path` (created with its header if missing)."""
    header = ["# bench/api.py results", "", "Newest first; bench/README.md says what is measured.", ""]
    old = path.read_text().splitlines() if path.exists() else header
    start = next((i for i, line in enumerate(old) if line.startswith("## ")), len(old))
    path.write_text("\n".join([*old[:start], *section, "", *old[start:]]).rstrip() + "\n")


def describe(
    args: argparse.Namespace, command: str, backend: str, loads: list[Load], notes: dict[str, str]
) -> list[str]:
    """The heading and the conditions of a run, as Markdown lines."""
    before, after = loads
    now = datetime.now(UTC)
    lines = [
        f"## {now:%Y-%m-%d %H:%M} UTC · commit {commit()} · {backend}, {args.articles:,} articles",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu_model()}), shared with other work; load average "
        f"{before[0]:.2f} / {before[1]:.2f} (1 / 5 min) before the run, {after[0]:.2f} after.",
        f"- Command: `python bench/api.py {command}`",
        f"- Each workload of each server in turn, every run: a {args.warmup:g} s warm-up, then "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s`; median of {args.runs} run(s); "
        "one server process each unless said, all on 127.0.0.1. Hot: one URL again and again. Cold: each "
        "request a path drawn at random from a set (bench/wrk_paths.lua); cache off: "
        "`RESPONSE_CACHE_SIZE=0`.",
    ]
    lines += [f"- Cold {workload}: {note}." for workload, note in notes.items()]
    return lines
