"""softmax-cross-entropy (old id: softmax-ce): logits → softmax probabilities → the cross-entropy for the true class.

Difficulty 1: K = 3 whole-number logits; 2: K = 3 or 4, one decimal; 3: K = 4 or 5, one
decimal in [−4, 4]. Logits are distinct.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems._logits import sample_logits
from xentlab.problems import _common

KIND = "softmax-cross-entropy"
WORK_SPACE = 6  # lines of answer space in the LaTeX worksheet


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    logits = sample_logits(rng, difficulty)
    return {"logits": logits, "true_class": int(rng.integers(1, len(logits) + 1))}


def check_params(params: dict) -> None:
    _common.fields(params, "logits", "true_class")
    logits = _common.values(params["logits"], "logits", _common.LOGIT, "numbers", (2, _common.MAX_CLASSES))
    _common.class_index(params["true_class"], "true_class", len(logits))


def inputs(params: dict):
    from xentlab.solve import Inputs

    return Inputs(logits=np.array(params["logits"], dtype=float), labels=np.array([params["true_class"] - 1]))


def answer(params: dict):
    from xentlab import kernels

    return _common.number(kernels.softmax_cross_entropy(np.array(params["logits"]), params["true_class"] - 1), _common.NATS)


def mistakes(params: dict):
    from xentlab.mistakes import catalogue

    return catalogue("softmax-cross-entropy", inputs(params))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    s = solve("softmax-cross-entropy", inputs(params))
    return {"s": s, "value": s.value, "derivations": [derive("softmax-gradient"), derive("multiclass")]}
