"""Benchmarks: runnable measurements with recorded results (see bench/README.md)."""
