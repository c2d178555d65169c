"""Timing shared by the bench modules (not itself a bench: run.py runs bench_*.py only)."""

from __future__ import annotations

import subprocess
import time


def best_subprocess_seconds(command: list[str], runs: int = 3) -> float:
    """Fastest of `runs` wall-clock runs of a fresh process (start-up included, as a user sees it)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best
