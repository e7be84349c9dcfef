"""Benchmarks: pocketcloud against moto's server, same workload, one run, reported as ratios."""
