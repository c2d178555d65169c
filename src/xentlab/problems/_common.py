"""Shared helpers for the problem-type modules: "nice" draws and the units the answers carry.

Every draw takes the caller's generator; nothing here touches global randomness.
Probabilities are drawn as whole percents that sum to exactly 100 and are then
divided by 100, so each is a 2-decimal number and the row sums to 1 as a decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from xentlab.problems import DEFAULT_TOLERANCE, Answer, Mistake

NATS = "nats"
MAX_TRIES = 10_000


def percents(rng: np.random.Generator, k: int, low: int = 3, distinct: bool = True) -> list[int]:
    """k whole percents, each ≥ low, summing to exactly 100 (distinct values unless told otherwise)."""
    if k * low > 100:
        raise ValueError(f"cannot split 100 into {k} parts of at least {low}")
    for _ in range(MAX_TRIES):
        cuts = np.sort(rng.choice(np.arange(1, 100), size=k - 1, replace=False))
        parts = np.diff(np.concatenate(([0], cuts, [100])))
        if parts.min() >= low and (not distinct or len(set(parts.tolist())) == k):
            return [int(v) for v in parts]
    raise RuntimeError("no percent split found")  # pragma: no cover - k ≤ 6 succeeds quickly


def probabilities(rng: np.random.Generator, k: int, low: int = 3) -> list[float]:
    """A distribution over k classes: 2-decimal values in (0, 1), distinct, summing to 1."""
    return [p / 100 for p in percents(rng, k, low)]


def distinct_values(rng: np.random.Generator, count: int, low: int, high: int, exclude: Sequence[int] = ()) -> list[int]:
    """count distinct integers in [low, high], none in exclude, in draw order."""
    pool = np.array([v for v in range(low, high + 1) if v not in set(exclude)])
    return [int(v) for v in rng.choice(pool, size=count, replace=False)]


def one_hot(classes: int, true_class: int) -> list[int]:
    """1-based true class → [0, …, 1, …, 0]."""
    return [1 if q == true_class else 0 for q in range(1, classes + 1)]


def number(value: float, unit: str = "") -> Answer:
    return Answer(kind="number", value=float(value), tolerance=dict(DEFAULT_TOLERANCE), unit=unit)


Transform = tuple[tuple[str, ...], Callable[[float], float]]
IDENTITY: Transform = ((), lambda v: v)


def combine(starts: list[tuple[tuple[str, ...], float, list[list[Transform]]]], truth: float, max_codes: int = 3) -> list[Mistake]:
    """mistakes.combine: each start value with one member of each family of transforms."""
    from xentlab.mistakes import combine as combine_mistakes

    return combine_mistakes(starts, truth, max_codes)
