"""ce-batch: the cross-entropy of a batch of N samples, as a mean (or a sum: seed 000's next step).

Difficulty 1: N = 2, K = 2, mean; 2: N = 3, K = 3, mean; 3: N = 4, K = 3, mean or sum.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import ParamError, _common

KIND = "ce-batch"
WORK_SPACE = 6  # lines of answer space in the LaTeX worksheet
SHAPE = {1: (2, 2), 2: (3, 3), 3: (4, 3)}  # (N, K)


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    samples, classes = SHAPE[difficulty]
    rows: list[list[float]] = []
    while len(rows) < samples:
        row = _common.probabilities(rng, classes, 5)
        if row not in rows:
            rows.append(row)
    labels = [int(v) for v in rng.integers(1, classes + 1, size=samples)]
    reduction = str(rng.choice(["mean", "sum"])) if difficulty == 3 else "mean"
    return {"y": rows, "labels": labels, "reduction": reduction}


def check_params(params: dict) -> None:
    _common.fields(params, "y", "labels", "reduction")
    rows = params["y"]
    if not isinstance(rows, list) or not 1 <= len(rows) <= _common.MAX_SAMPLES:
        raise ParamError(f'"y" must be a list of 1 to {_common.MAX_SAMPLES} rows of probabilities, got {_common.show(rows)}')
    classes = len(_common.distribution(rows[0], "y", (2, _common.MAX_CLASSES), where=" row 1"))
    for number, row in enumerate(rows[1:], start=2):
        _common.distribution(row, "y", classes, like="row 1", where=f" row {number}")
    _common.values(params["labels"], "labels", _common.Range(1, classes, integer=True), "integer class indices",
                   len(rows), like='the rows of "y"')
    _common.one_of(params["reduction"], "reduction", ("mean", "sum"))


def inputs(params: dict):
    from xentlab.solve import Inputs

    return Inputs(y=np.array(params["y"], dtype=float), labels=np.array(params["labels"], dtype=np.intp) - 1,
                  reduction=params["reduction"])


def answer(params: dict):
    from xentlab import kernels

    value = kernels.cross_entropy(np.array(params["y"]), np.array(params["labels"]) - 1, reduction=params["reduction"])
    return _common.number(value, _common.NATS)


def mistakes(params: dict):
    from xentlab.mistakes import catalogue

    return catalogue("cross-entropy", inputs(params))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    s = solve("cross-entropy", inputs(params))
    return {"s": s, "value": s.value, "derivations": [derive("multiclass-batch")]}
