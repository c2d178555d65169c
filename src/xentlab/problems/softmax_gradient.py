"""softmax-gradient: ∂E/∂z_j = y_j − t_j for given logits and a one-hot target.

Difficulty as softmax-ce (K and the kind of logits); j is any class, so the answer is
negative for the true class and positive for the others.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import _common
from xentlab.problems._logits import sample_logits

KIND = "softmax-gradient"
WORK_SPACE = 5  # lines of answer space in the LaTeX worksheet


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    logits = sample_logits(rng, difficulty)
    classes = len(logits)
    return {"logits": logits, "true_class": int(rng.integers(1, classes + 1)), "j": int(rng.integers(1, classes + 1))}


def check_params(params: dict) -> None:
    _common.fields(params, "logits", "true_class", "j")
    logits = _common.values(params["logits"], "logits", _common.LOGIT, "numbers", (2, _common.MAX_CLASSES))
    _common.class_index(params["true_class"], "true_class", len(logits))
    _common.class_index(params["j"], "j", len(logits))


def gradient(params: dict) -> float:
    """y_j − t_j with y from the stable softmax kernel."""
    from xentlab import kernels

    y = kernels.softmax(np.array(params["logits"], dtype=float))
    return float(y[params["j"] - 1]) - (1.0 if params["j"] == params["true_class"] else 0.0)


def answer(params: dict):
    return _common.number(gradient(params))


def mistakes(params: dict):
    """t − y for y − t, percent, and the gradient of the wrong class: another class's y_k − t_k,
    y_j − 1 as if class j were the true one, or y_j as if another class were (and their combinations)."""
    from xentlab import kernels

    truth = gradient(params)
    sign = [_common.IDENTITY, (("gradient_sign",), lambda v: -v)]
    percent = [_common.IDENTITY, (("percent_scale",), lambda v: v * 100)]
    y = kernels.softmax(np.array(params["logits"], dtype=float))
    j, true_class = params["j"] - 1, params["true_class"] - 1
    starts = [((), truth, [sign, percent])]
    starts += [(("wrong_class",), float(y[k]) - (1.0 if k == true_class else 0.0), [sign, percent]) for k in range(len(y)) if k != j]
    if j != true_class:
        starts.append((("wrong_class",), float(y[j]) - 1.0, [sign, percent]))
    # another class taken as the true one, so t_j = 0: a mistake at j = the true class; elsewhere it
    # gives the right answer, and combine drops it (xentlab.discriminate sees it: such an item cannot show it)
    starts.append((("wrong_class",), float(y[j]), [sign, percent]))
    return _common.combine(starts, truth)


def solution(params: dict) -> dict:
    """The derived gradient and softmax, the softmax table, and y_j − t_j with the numbers."""
    import sympy as sp

    from xentlab import kernels, proved
    from xentlab.derivations import derive
    from xentlab.notation import E, z
    from xentlab.notation import j as index
    from xentlab.worked import fixed, sig

    d = derive("softmax-gradient")
    z_values = np.array(params["logits"], dtype=float)
    probs = kernels.softmax(z_values)
    j, classes = params["j"], len(params["logits"])
    t_j = 1 if j == params["true_class"] else 0
    value = gradient(params)
    rows = [{"k": q + 1, "z": float(z_values[q]), "exp": float(np.exp(z_values[q])), "y": float(probs[q]),
             "t": 1 if q + 1 == params["true_class"] else 0} for q in range(classes)]
    lhs = sp.Derivative(E, z[j])
    return {
        "derivation": d,
        "derivations": [d],
        "softmax": proved.step(d.steps[0]),
        "gradient": proved.step(d.result_step),
        "table": rows,
        "normaliser": float(np.exp(z_values).sum()),
        "lines": [
            proved.instance(d.result_step, {index: j}),  # the proved result, for this j
            proved.value(lhs, sp.Add(fixed(float(probs[j - 1])), sp.Mul(-1, sp.Integer(t_j), evaluate=False), evaluate=False), value),
            proved.value(lhs, sig(value), value),
        ],
        "t_j": t_j,
        "value": value,
    }
