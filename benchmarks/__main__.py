"""``python -m benchmarks``: run every benchmark and print its figures."""

from __future__ import annotations

import platform

from benchmarks import bench_totals


def main() -> None:
    print(
        f"Arcoiris POS benchmarks on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print("-" * 100)
    bench_totals.run()


if __name__ == "__main__":
    main()
