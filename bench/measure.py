"""Timing helpers: rounds, medians, percentiles, peak memory, child processes."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROUNDS = 3


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def latencies(call: Callable[[], Any], times: int) -> list[float]:
    """Seconds taken by each of `times` calls."""
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        taken.append(time.perf_counter() - started)
    return taken


def summary(per_round: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the rounds, with the rounds themselves kept."""
    figures = {key: statistics.median(r[key] for r in per_round) for key in per_round[0]}
    return {**figures, "rounds": len(per_round)}


def timing(samples: Sequence[float], elapsed: float | None = None) -> dict[str, float]:
    """Rate, p50 and p99 (milliseconds) of one round of calls; `elapsed` is the wall time
    when the calls overlapped (by default they ran one after another)."""
    return {
        "per_second": len(samples) / (elapsed or sum(samples)),
        "p50_ms": percentile(samples, 0.50) * 1000,
        "p99_ms": percentile(samples, 0.99) * 1000,
    }


def rounds_of(call: Callable[[], Any], times: int) -> dict[str, float]:
    """`ROUNDS` rounds of `times` sequential calls: the medians of their timings."""
    return summary([timing(latencies(call, times)) for _ in range(ROUNDS)])


def peak_rss_mb() -> float:
    """This process's peak resident memory so far: `VmHWM`, which starts afresh at exec.
    (`getrusage`'s `ru_maxrss` does not: a child inherits its parent's peak.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def children_peak_rss_mb() -> float:
    """The largest peak resident memory among this process's finished children. An upper
    bound: a child's figure starts from its parent's size when it was forked."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB


def in_child(function: str, *args: Any) -> dict[str, Any]:
    """Run `bench.<module>:<function>(*args)` in a fresh Python process: its peak memory is
    its own. The child prints its result as JSON on its last line; progress goes to stderr."""
    code = (
        "import json, sys, importlib; from bench.measure import peak_rss_mb; "
        f"module, name = {function!r}.split(':'); "
        "result = getattr(importlib.import_module(module), name)(*json.loads(sys.argv[1])); "
        "print(json.dumps({**result, 'peak_rss_mb': peak_rss_mb()}))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, json.dumps(args)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
