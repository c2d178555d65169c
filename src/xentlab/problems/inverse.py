"""inverse: from the loss back to the probability of the correct class, y_c = e^(−E) (seed 002's table read backwards).

The loss is −ln p for a 2-decimal p, given to 4 significant figures; the answer is
e^(−E) of the loss as given. Difficulty 1: p in [0.30, 0.95]; 2: [0.10, 0.95];
3: [0.02, 0.95] (large losses). p = 0.50 is never drawn.
"""

from __future__ import annotations

import math

import numpy as np

from xentlab.problems import _common

KIND = "inverse"
LOWEST_PERCENT = {1: 30, 2: 10, 3: 2}


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    (percent,) = _common.distinct_values(rng, 1, LOWEST_PERCENT[difficulty], 95, exclude=(50,))
    return {"loss": float(f"{-math.log(percent / 100):.4g}")}


def check_params(params: dict) -> None:
    _common.fields(params, "loss")
    _common.scalar(params["loss"], "loss", _common.Range(0, _common.MAX_LOSS), "a number")


def probability(params: dict) -> float:
    return float(np.exp(-params["loss"]))


def answer(params: dict):
    return _common.number(probability(params))


def mistakes(params: dict):
    """e^(+E) (sign dropped), 10^(−E) or 2^(−E) (the wrong log base), the percentage, and combinations."""
    loss, truth = params["loss"], probability(params)
    starts = [
        ((), truth, []),
        (("sign_dropped",), math.exp(loss), []),
        (("log_base_10",), 10.0 ** -loss, []),
        (("log_base_2",), 2.0 ** -loss, []),
        (("log_base_10", "sign_dropped"), 10.0 ** loss, []),
        (("log_base_2", "sign_dropped"), 2.0 ** loss, []),
    ]
    percent = [_common.IDENTITY, (("percent_scale",), lambda v: v * 100)]
    return _common.combine([(codes, value, [percent]) for codes, value, _ in starts], truth)


def solution(params: dict) -> dict:
    """E = −log y_c from the derivation's one-hot step, then solved for y_c: each rearrangement
    proved at random y_c (with E = −log y_c), each number proved against the answer."""
    import sympy as sp

    from xentlab import proved
    from xentlab.derivations import derive
    from xentlab.notation import E, c, y
    from xentlab.verify import Domain
    from xentlab.worked import exact, sig

    d = derive("multiclass")
    one_hot = next(step for step in d.steps if step.rule == "one_hot")
    value = probability(params)
    minus_e = sp.Mul(-1, E, evaluate=False)
    domain = Domain(sizes={}, sample=lambda rng, sizes, assume: {c: 1, y[1]: float(rng.uniform(0.01, 0.99))})
    given = {E: one_hot.expr}
    return {
        "derivations": [d],
        "formula": proved.step(one_hot),
        "lines": [
            proved.identity(sp.log(y[c], evaluate=False), minus_e, domain, given),
            proved.identity(y[c], sp.exp(minus_e, evaluate=False), domain, given),
            proved.value(y[c], sp.exp(sp.Mul(-1, exact(params["loss"]), evaluate=False), evaluate=False), value),
            proved.value(y[c], sig(value), value),
        ],
        "check": proved.agree(sp.Mul(-1, sp.log(sig(value), evaluate=False), evaluate=False), sig(params["loss"])),
        "value": value,
    }
