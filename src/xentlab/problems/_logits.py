"""Logit draws shared by softmax-ce and softmax-gradient: distinct, small, 'nice' numbers."""

from __future__ import annotations

import numpy as np

from xentlab.problems import _common

# difficulty → (choices of K, lowest and highest logit in tenths, step in tenths)
LOGITS = {1: ((3,), -20, 30, 10), 2: ((3, 4), -30, 30, 1), 3: ((4, 5), -40, 40, 1)}


def sample_logits(rng: np.random.Generator, difficulty: int) -> list[float]:
    choices, low, high, step = LOGITS[difficulty]
    classes = int(rng.choice(choices))
    tenths = _common.distinct_values(rng, classes, low // step, high // step)
    return [v * step / 10 for v in tenths]
