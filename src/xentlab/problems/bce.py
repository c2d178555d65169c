"""binary-cross-entropy (old id: bce): binary cross-entropy (seed 001's calculator examples: y = 0.8, t = 1).

Difficulty 1: one sample with t = 1; 2: one sample, t = 0 or 1; 3: the mean over N = 3
samples with both labels present. y is a 2-decimal probability in [0.05, 0.95], never 0.5.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import _common

KIND = "binary-cross-entropy"


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    samples = 3 if difficulty == 3 else 1
    y = [v / 100 for v in _common.distinct_values(rng, samples, 5, 95, exclude=(50,))]
    if difficulty == 1:
        t = [1]
    elif difficulty == 2:
        t = [int(rng.integers(0, 2))]
    else:
        t = [0, 1] + [int(rng.integers(0, 2))]
        t = [int(v) for v in rng.permutation(t)]
    return {"y": y, "t": t}


def check_params(params: dict) -> None:
    _common.fields(params, "y", "t")
    y = _common.values(params["y"], "y", _common.STRICT_PROBABILITY, "probabilities", (1, _common.MAX_SAMPLES))
    _common.values(params["t"], "t", _common.BINARY, "integer labels", len(y), like='"y"')


def inputs(params: dict):
    from xentlab.solve import Inputs

    return Inputs(y=np.array(params["y"], dtype=float), t=np.array(params["t"], dtype=float))


def answer(params: dict):
    from xentlab import kernels

    value = kernels.binary_cross_entropy(np.array(params["y"], dtype=float), np.array(params["t"], dtype=float))
    return _common.number(value, _common.NATS)


def mistakes(params: dict):
    from xentlab.mistakes import catalogue

    return catalogue("binary-cross-entropy", inputs(params))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    s = solve("binary-cross-entropy", inputs(params))
    return {"s": s, "value": s.value, "derivations": [derive("binary")]}
