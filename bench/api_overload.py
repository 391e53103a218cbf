"""The overload run of bench/api.py: far more connections than a worker can serve, on cold searches with the
response cache off, while light clients time `/healthz` (as a container's health check would), on the API's
port and on the health port (`articles serve --health-port`), and the server's memory is polled.

The probe opens a new connection for each request, every 50 ms, like `curl` in a HEALTHCHECK: a probe that
kept its connection open would skip the queue of connections waiting to be accepted. Memory is the resident
set (VmRSS) of every process in the server's process group (its workers included), read from /proc.
"""

import os
import statistics
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from common import Measure, wrk

PROBE_INTERVAL = 0.05
PROBE_TIMEOUT = 30.0
RSS_INTERVAL = 0.1


@dataclass
class Probe:
    """`/healthz` latencies (ms) of the requests answered 200, and how many were not."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0


@dataclass
class Memory:
    """Resident memory of a process group, in MB: before the run, and the peaks during it. `private` is the
    processes' own memory (RssAnon), without the pages of the database file SQLite reads mapped, which are
    the kernel's page cache and count in RSS once touched."""

    before: float = 0.0
    peak_group: float = 0.0
    peak_process: float = 0.0
    private_before: float = 0.0
    private_peak: float = 0.0


@dataclass
class Overload:
    """What one overload run saw."""

    load: Measure
    probe: Probe  # `/healthz` on the API's port
    health_port: Probe  # `/healthz` on the health port
    memory: Memory
    connections: int
    seconds: float


def probe_health(url: str, stop: threading.Event, found: Probe) -> None:
    """GET `url` every PROBE_INTERVAL seconds (a new connection each) until `stop` is set."""
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as response:
                response.read()
                ok = response.status == 200
        except OSError:
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            found.latencies.append(elapsed * 1000)
        else:
            found.failures += 1
        stop.wait(max(0.0, PROBE_INTERVAL - elapsed))


def group_rss(group: int) -> tuple[float, float, float]:
    """MB resident in the processes of `group`: their sum, the largest one, and the sum of their own memory
    (RssAnon)."""
    sizes, private = [], 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != group:  # the field after the state: pgrp
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while being read
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
            private += int(fields.get("RssAnon", "0 kB").split()[0]) / 1024
    return sum(sizes), max(sizes, default=0.0), private


def poll_memory(group: int, stop: threading.Event, found: Memory) -> None:
    """Track the peaks of `group_rss` every RSS_INTERVAL seconds until `stop` is set."""
    while not stop.wait(RSS_INTERVAL):
        total, largest, private = group_rss(group)
        found.peak_group = max(found.peak_group, total)
        found.peak_process = max(found.peak_process, largest)
        found.private_peak = max(found.private_peak, private)


@contextmanager
def watching(probe_urls: list[str], group: int) -> Iterator[tuple[list[Probe], Memory]]:
    """Probe each URL and poll the group's memory while the block runs."""
    total, _, private = group_rss(group)
    probes, memory = [Probe() for _ in probe_urls], Memory(before=total, private_before=private)
    memory.peak_group, memory.private_peak = total, private
    stop = threading.Event()
    threads = [
        *(
            threading.Thread(target=probe_health, args=(url, stop, probe), daemon=True)
            for url, probe in zip(probe_urls, probes, strict=True)
        ),
        threading.Thread(target=poll_memory, args=(group, stop, memory), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield probes, memory
    finally:
        stop.set()
        for thread in threads:
            thread.join(PROBE_TIMEOUT + 1)


def overload(
    base: str, health: str, paths: Path, server_pid: int, connections: int, seconds: float
) -> Overload:
    """wrk with `connections` on random `paths` of `base` for `seconds`, watched as the module says
    (`health`: the server's health port)."""
    # wrk's timeout is long, so a slow answer counts with its latency rather than as a socket error.
    urls = [f"{base}/healthz", f"{health}/healthz"]
    with watching(urls, os.getpgid(server_pid)) as ((probe, health_port), memory):
        load = wrk(base, seconds, connections, 2, paths=paths, statuses=True, timeout=30)
    return Overload(load, probe, health_port, memory, connections, seconds)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (0 < share <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def report(run: Overload) -> list[str]:
    """The overload run as Markdown lines."""
    load, probe, memory = run.load, run.probe, run.memory
    statuses = dict(sorted(load.statuses.items()))
    ok, refused = statuses.pop("200", 0), statuses.pop("503", 0)
    others = ", ".join(f"{count} × {status}" for status, count in statuses.items()) or "none"
    retry = (
        "every one with Retry-After"
        if not load.missing_retry_after
        else (f"{load.missing_retry_after} without Retry-After")
    )
    lines = [
        f"| `wrk -t2 -c{run.connections} -d{run.seconds:g}s`, cold searches, cache off | value |",
        "|---|--:|",
        f"| responses | {load.completed} |",
        f"| 200 | {ok} ({ok / run.seconds:.0f}/s) |",
        f"| 503 | {refused} ({retry}) |" if refused else "| 503 | 0 |",
        f"| other statuses | {others} |",
        f"| socket errors (connect, read, write, timeout) | {load.socket_errors} |",
        f"| latency p50 / p99 / max, ms | {_ms(load.p50_ms)} / {_ms(load.p99_ms)} / {_ms(load.max_ms)} |",
    ]
    for name, found in (("`/healthz`, API port", probe), ("`/healthz`, health port", run.health_port)):
        lines += [
            f"| {name}: p50 / p99 / max, ms (target p99 < 50) | {_latencies(found)} |",
            f"| {name}: probes answered / not 200 or no answer | {len(found.latencies)} / {found.failures} |",
        ]
    lines += [
        f"| server RSS before → peak (process group; largest process), MB | {memory.before:.0f} → "
        f"{memory.peak_group:.0f} ({memory.peak_process:.0f}) |",
        f"| ... of which the processes' own (RssAnon, without mapped database pages), MB | "
        f"{memory.private_before:.0f} → {memory.private_peak:.0f} |",
    ]
    return lines


def _latencies(probe: Probe) -> str:
    if not probe.latencies:
        return "— (none answered) ✗"
    p50, p99 = statistics.median(probe.latencies), percentile(probe.latencies, 0.99)
    mark = "✓" if p99 < 50 and not probe.failures else "✗"
    return f"{p50:.1f} / {p99:.1f} / {max(probe.latencies):.1f} {mark}"


def _ms(value: float) -> str:
    return "—" if value == float("inf") else f"{value:.0f}"
