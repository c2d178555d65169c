"""ce-single: the cross-entropy of one prediction against a one-hot label (seed 000), K = 3..6.

Difficulty 1: K = 3 and the formula is given; 2: K = 3 or 4; 3: K = 5 or 6.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import _common

KIND = "ce-single"
CLASSES = {1: (3,), 2: (3, 4), 3: (5, 6)}
LOWEST_PERCENT = {1: 5, 2: 3, 3: 2}


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    classes = int(rng.choice(CLASSES[difficulty]))
    y = _common.probabilities(rng, classes, LOWEST_PERCENT[difficulty])
    return {"y": y, "true_class": int(rng.integers(1, classes + 1)), "formula_given": difficulty == 1}


def check_params(params: dict) -> None:
    _common.fields(params, "y", "true_class", "formula_given")
    y = _common.distribution(params["y"], "y", (2, _common.MAX_CLASSES))
    _common.class_index(params["true_class"], "true_class", len(y))
    _common.flag(params["formula_given"], "formula_given")


def inputs(params: dict):
    from xentlab.solve import Inputs

    t = np.array(_common.one_hot(len(params["y"]), params["true_class"]), dtype=float)
    return Inputs(y=np.array(params["y"], dtype=float), t=t)


def answer(params: dict):
    from xentlab import kernels

    return _common.number(kernels.cross_entropy(np.array(params["y"]), params["true_class"] - 1), _common.NATS)


def mistakes(params: dict):
    from xentlab.mistakes import catalogue

    return catalogue("cross-entropy", inputs(params))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve
    from xentlab.worked import WRITE_OUT_UP_TO

    classes = len(params["y"])
    s = solve("cross-entropy", inputs(params))
    return {"s": s, "value": s.value, "derivations": [derive("multiclass", classes=classes if classes <= WRITE_OUT_UP_TO else None)]}
