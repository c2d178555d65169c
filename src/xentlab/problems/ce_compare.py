"""ce-compare: two predictions A and B for the same one-hot label (seed 001). Which is better,
and by how much? The answer is the signed difference E_A − E_B in nats.

Difficulty 1: K = 3; 2: K = 4; 3: K = 5. The true class's probabilities differ by ≥ 0.05.
"""

from __future__ import annotations

import math

import numpy as np

from xentlab.problems import _common

KIND = "ce-compare"
WORK_SPACE = 6  # lines of answer space in the LaTeX worksheet
CLASSES = {1: 3, 2: 4, 3: 5}
MIN_GAP = 5  # percent between the two predictions' true-class probabilities


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    classes = CLASSES[difficulty]
    true_class = int(rng.integers(1, classes + 1))
    while True:
        a = _common.percents(rng, classes, 3)
        b = _common.percents(rng, classes, 3)
        if abs(a[true_class - 1] - b[true_class - 1]) >= MIN_GAP:
            break
    return {"y_a": [v / 100 for v in a], "y_b": [v / 100 for v in b], "true_class": true_class}


def check_params(params: dict) -> None:
    _common.fields(params, "y_a", "y_b", "true_class")
    y_a = _common.distribution(params["y_a"], "y_a", (2, _common.MAX_CLASSES))
    _common.distribution(params["y_b"], "y_b", len(y_a), like='"y_a"')
    _common.class_index(params["true_class"], "true_class", len(y_a))


def _inputs(y: list[float], true_class: int):
    from xentlab.solve import Inputs

    return Inputs(y=np.array(y, dtype=float), t=np.array(_common.one_hot(len(y), true_class), dtype=float))


def losses(params: dict) -> tuple[float, float]:
    from xentlab import kernels

    label = params["true_class"] - 1
    return (float(kernels.cross_entropy(np.array(params["y_a"]), label)),
            float(kernels.cross_entropy(np.array(params["y_b"]), label)))


def answer(params: dict):
    e_a, e_b = losses(params)
    return _common.number(e_a - e_b, _common.NATS)


def mistakes(params: dict):
    """The same slip made on both predictions: log10 or log2, the minus sign, probabilities
    compared in place of losses, percent scale, the wrong class (one other class for both, or
    each prediction's own most likely class); one of the two losses in another base; and their
    combinations."""
    e_a, e_b = losses(params)
    truth = e_a - e_b
    c = params["true_class"] - 1
    y_a, y_b = np.array(params["y_a"], dtype=float), np.array(params["y_b"], dtype=float)
    log_bases = [_common.IDENTITY, (("log_base_10",), lambda v: v / math.log(10)), (("log_base_2",), lambda v: v / math.log(2))]
    sign = [_common.IDENTITY, (("sign_dropped",), lambda v: -v)]
    percent = [_common.IDENTITY, (("percent_scale",), lambda v: v * 100)]
    starts = [
        ((), truth, [log_bases, sign, percent]),
        (("probability_not_loss",), params["y_a"][c] - params["y_b"][c], [sign, percent]),
    ]
    others = [k for k in range(len(y_a)) if k != c]
    starts += [(("wrong_class",), math.log(y_b[k]) - math.log(y_a[k]), [log_bases, sign, percent]) for k in others]
    own = (int(y_a.argmax()), int(y_b.argmax()))  # where both are the true class, combine drops it (it is the truth)
    starts.append((("wrong_class",), math.log(y_b[own[1]]) - math.log(y_a[own[0]]), [log_bases, sign, percent]))
    for code, ln_base in (("log_base_10", math.log(10)), ("log_base_2", math.log(2))):  # one of the two losses in that base
        starts.append(((code, "mixed_base"), e_a / ln_base - e_b, [sign, percent]))
        starts.append(((code, "mixed_base"), e_a - e_b / ln_base, [sign, percent]))
    return _common.combine(starts, truth)


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    import sympy as sp

    from xentlab import proved
    from xentlab.worked import sig

    a = solve("cross-entropy", _inputs(params["y_a"], params["true_class"]))
    b = solve("cross-entropy", _inputs(params["y_b"], params["true_class"]))
    e_a, e_b = sp.Symbol("E_A"), sp.Symbol("E_B")
    value = a.value - b.value
    return {
        "a": a,
        "b": b,
        "lhs_a": e_a,
        "lhs_b": e_b,
        "value": value,
        "better": "A" if a.value < b.value else "B",
        "difference": [proved.value(e_a - e_b, sp.Add(sig(a.value), sp.Mul(-1, sig(b.value), evaluate=False), evaluate=False), value),
                       proved.value(e_a - e_b, sig(value), value)],
        "derivations": [derive("multiclass", classes=len(params["y_a"]))],
    }
