"""``python -m benchmarks``: run every benchmark and print its figures."""

from __future__ import annotations

import platform
import sys

from benchmarks import bench_sync, bench_takings, bench_till, bench_totals

SUITES = {
    "totals": bench_totals.run,
    "till": bench_till.run,
    "takings": bench_takings.run,
    "sync": bench_sync.run,
}


def main() -> None:
    print(
        f"Arcoiris POS benchmarks on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print("-" * 100)
    chosen = sys.argv[1:] or list(SUITES)
    for name in chosen:
        SUITES[name]()


if __name__ == "__main__":
    main()
