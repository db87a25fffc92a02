"""Benchmarks on a synthetic fact base: `python -m bench.run` (or `make bench`).

`bench.generate` writes a large, deterministic fact base in the real format;
`bench.run` loads it, times every command and a naive rapidfuzz baseline on
the same queries, and prints the figures against the targets.
"""
