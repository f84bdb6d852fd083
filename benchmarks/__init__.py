"""Benchmarks: ``make bench`` prints p50/p99 and the ratio to a raw baseline of the same run.

They measure; they never assert a time. Each benchmark pairs our code path with the
rawest way to do the same work on the same machine in the same run.
"""
