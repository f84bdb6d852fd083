"""Timing helpers: run a callable many times, report percentiles and ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(name: str, fn: Callable[[], object], *, runs: int = 1000, warmup: int = 50) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return Timing(name, samples)


def report(ours: Timing, raw: Timing) -> None:
    ratio = ours.p50 / raw.p50 if raw.p50 else float("inf")
    print(
        f"{ours.name:<44} p50 {ours.p50:8.4f} ms  p99 {ours.p99:8.4f} ms   "
        f"raw p50 {raw.p50:8.4f} ms  x{ratio:6.1f}"
    )
