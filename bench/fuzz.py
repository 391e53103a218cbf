"""Fuzz the served API against its own OpenAPI document with Schemathesis (`make fuzz`, run by CI).

Usage: ``python bench/fuzz.py [--max-examples 100] [--seed S] [DIR ...]``: ingests the posts (default: the
samples in data/) into a temporary SQLite database, serves it with `articles serve` on a free loopback port,
runs `st run` on /openapi.json with every check (`--checks all`) and stops the server. Fails (exit 1) on any
5xx, any response that does not match its schema, any undocumented status code, media type or header, any
valid request refused and any invalid one accepted. Prints the cases run per operation.
"""

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ARTICLES_CLI, free_port, require_cli, run_articles, server  # noqa: E402  (a sibling script)

ST_CLI = Path(sys.executable).parent / "st"
ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"  # the one exception to the checks, explained
CHECKS = ["all"]


def case_counts(events: Path) -> dict[str, collections.Counter[str]]:
    """Test cases run per operation ("GET /articles") and phase, from Schemathesis' NDJSON events."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in events.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder, phase = finished["recorder"], finished["phase"]
        for case in recorder.get("cases", {}).values():
            # A stateful scenario chains several operations; elsewhere the label names the operation
            # (the coverage phase's cases with other methods count for it too).
            value = case["value"]
            operation = f"{value['method']} {value['path']}" if phase == "stateful" else recorder["label"]
            counts[operation][phase] += 1
    return counts


def print_counts(counts: dict[str, collections.Counter[str]]) -> None:
    phases = ["examples", "coverage", "fuzzing", "stateful"]
    width = max(map(len, counts), default=10)
    print(f"{'cases run':{width}}", *(f"{phase:>9}" for phase in phases), f"{'total':>9}")
    totals: collections.Counter[str] = collections.Counter()
    for operation, by_phase in sorted(counts.items()):
        totals.update(by_phase)
        print(f"{operation:{width}}", *(f"{by_phase[p]:9d}" for p in phases), f"{by_phase.total():9d}")
    print(f"{'total':{width}}", *(f"{totals[p]:9d}" for p in phases), f"{totals.total():9d}")


def fuzz(base_url: str, scratch: Path, max_examples: int, seed: int | None) -> int:
    """Run Schemathesis; print its report and the case counts; return its exit status."""
    events = scratch / "events.ndjson"
    command = [
        str(ST_CLI), "--config-file", str(CONFIG), "run", f"{base_url}/openapi.json",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(max_examples),
        "--request-timeout", "10",
        "--generation-database", "none",
        "--report", "ndjson", "--report-ndjson-path", str(events),
        "--no-color",
    ]  # fmt: skip
    if seed is not None:
        command += ["--seed", str(seed)]
    # Run in the scratch folder: Schemathesis keeps a cache in the working directory.
    status = subprocess.run(command, cwd=scratch, timeout=900).returncode
    if events.exists():
        print_counts(case_counts(events))
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "data"], help="posts to serve")
    parser.add_argument("--max-examples", type=int, default=100, help="cases per operation and phase")
    parser.add_argument("--seed", type=int, help="Schemathesis seed, to replay a run")
    args = parser.parse_args()
    require_cli()
    with tempfile.TemporaryDirectory(prefix="articles-fuzz-") as folder:
        scratch = Path(folder)
        database_url = f"sqlite:///{scratch / 'fuzz.db'}"
        run_articles("ingest", *map(str, args.folders), "--quiet", database_url=database_url)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [str(ARTICLES_CLI), "serve", "--port", str(port)]
        log = scratch / "server.log"
        with server(command, ready_url=f"{base_url}/readyz", log=log, env={"DATABASE_URL": database_url}):
            status = fuzz(base_url, scratch, args.max_examples, args.seed)
        errors = [line for line in log.read_text().splitlines() if "Traceback" in line or " 500 " in line]
        if errors:
            print("the server logged errors:", *errors[:20], sep="\n  ")
            status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
