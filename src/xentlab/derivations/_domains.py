"""Random valid points shared by the derivation kinds.

Targets come in three shapes, and a step that does not assume a shape must
hold for all of them: one-hot labels, soft labels (a distribution), and counts
(the dice rolls of seed 000, which need not sum to 1).
"""

from functools import lru_cache

import numpy as np

TARGET_SHAPES = ("one_hot", "soft", "counts")


def simplex(rng: np.random.Generator, size: int) -> np.ndarray:
    """A probability vector with no entry near 0 or 1 (logs stay moderate)."""
    w = rng.uniform(0.2, 1.0, size)
    return w / w.sum()


def target(rng: np.random.Generator, size: int, shape: str) -> tuple[np.ndarray, int]:
    """A target vector of the given shape and the (1-based) class it favours."""
    c = int(rng.integers(1, size + 1))
    if shape == "one_hot":
        t = np.zeros(size)
        t[c - 1] = 1.0
    elif shape == "soft":
        t = simplex(rng, size)
    else:
        t = rng.integers(0, 4, size).astype(float)
    return t, c


def shape_for(rng: np.random.Generator, assume: str | None) -> str:
    if assume == "one_hot":
        return "one_hot"
    if assume == "sum_to_one":
        return str(rng.choice(["one_hot", "soft"]))
    return str(rng.choice(TARGET_SHAPES))


def indexed(base, values, *prefix) -> dict:
    """{base[prefix..., 1]: values[0], …}: SymPy indices are 1-based."""
    return {_element(base, (*prefix, q + 1) if prefix else q + 1): float(val) for q, val in enumerate(values)}


@lru_cache(maxsize=65536)
def _element(base, index):
    # building an Indexed deduces its assumptions, which costs more than the whole proof
    # evaluation at that point; points reuse the same few elements over and over
    return base[index]
