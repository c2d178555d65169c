"""sse: the sum of squared errors (seed 001), with or without the ½.

Difficulty 1: K = 3, one-hot target, no ½; 2: K = 4, one-hot, ½ or not; 3: K = 5 outputs
scored independently against a two-hot target, as in seed 001 (the predictions are then
2-decimal scores in (0, 1) that need not sum to 1), ½ or not.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import _common

KIND = "sse"


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    if difficulty == 3:
        y = [v / 100 for v in _common.distinct_values(rng, 5, 1, 99)]
        hot = rng.choice(5, size=2, replace=False)
        t = [1 if q in hot else 0 for q in range(5)]
    else:
        classes = 3 if difficulty == 1 else 4
        y = _common.probabilities(rng, classes, 3)
        t = _common.one_hot(classes, int(rng.integers(1, classes + 1)))
    half = bool(rng.integers(0, 2)) if difficulty > 1 else False
    return {"y": y, "t": t, "half": half}


def check_params(params: dict) -> None:
    _common.fields(params, "y", "t", "half")
    y = _common.values(params["y"], "y", _common.UNIT_INTERVAL, "predictions", (2, _common.MAX_CLASSES))
    _common.values(params["t"], "t", _common.BINARY, "integer targets", len(y), like='"y"')
    _common.flag(params["half"], "half")


def inputs(params: dict):
    from xentlab.solve import Inputs

    return Inputs(y=np.array(params["y"], dtype=float), t=np.array(params["t"], dtype=float), half=params["half"])


def answer(params: dict):
    from xentlab import kernels

    return _common.number(kernels.sse(np.array(params["y"]), np.array(params["t"], dtype=float), half=params["half"]))


def mistakes(params: dict):
    from xentlab.mistakes import catalogue

    return catalogue("sse", inputs(params))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    s = solve("sse", inputs(params))
    return {"s": s, "value": s.value, "derivations": [derive("sse", classes=len(params["y"]), half=params["half"])]}
