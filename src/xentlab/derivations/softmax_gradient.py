"""Softmax + cross-entropy: ∂E/∂z_j = y_j − t_j, using Σ_k t_k = 1."""

import numpy as np
import sympy as sp

from xentlab import rules
from xentlab.derivations._domains import indexed, shape_for, target
from xentlab.model import Derivation, Step
from xentlab.notation import E, K, j, k, m, t, y, z
from xentlab.verify import Domain


def softmax(index):
    return sp.exp(z[index]) / sp.Sum(sp.exp(z[m]), (m, 1, K))


def _sum_t_z():
    return sp.Sum(sp.Mul(t[k], z[k], evaluate=False), (k, 1, K))


def build() -> Derivation:
    normaliser = sp.Sum(sp.exp(z[m]), (m, 1, K))
    definition = Step("softmax", y[k], sp.Mul(sp.exp(z[k]), 1 / normaliser, evaluate=False))
    logged = Step("take_log", sp.log(y[k]), rules.take_log(definition.expr), claim=sp.log(definition.expr))
    split = Step("log_quotient", sp.log(y[k]), rules.log_quotient(logged.expr), claim=logged.expr)
    log_y = rules.log_exp(split.expr)
    simplified = Step("log_exp", sp.log(y[k]), log_y, claim=split.expr)
    substituted = Step(
        "substitute",
        E,
        sp.Mul(-1, sp.Sum(sp.Mul(t[k], log_y, evaluate=False), (k, 1, K)), evaluate=False),
        claim=-sp.Sum(t[k] * sp.log(softmax(k)), (k, 1, K)),
    )
    distributed = Step(
        "distribute",
        E,
        sp.Add(-_sum_t_z(), sp.Mul(sp.Sum(t[k], (k, 1, K)), sp.log(normaliser), evaluate=False), evaluate=False),
        claim=substituted.expr,
    )
    normalised = Step(
        "sum_to_one",
        E,
        sp.Add(-_sum_t_z(), sp.log(normaliser), evaluate=False),
        claim=distributed.expr,
        assume="sum_to_one",
    )
    gradient = Step(
        "differentiate",
        sp.Derivative(E, z[j]),
        sp.Add(sp.Mul(sp.exp(z[j]), 1 / normaliser, evaluate=False), -t[j], evaluate=False),
        claim=sp.Derivative(normalised.expr, z[j]),
        params={"j": j},
    )
    result = Step("substitute_softmax", sp.Derivative(E, z[j]), sp.Add(y[j], -t[j], evaluate=False), claim=gradient.expr, params={"j": j})
    return Derivation(
        kind="softmax-gradient",
        steps=(definition, logged, split, simplified, substituted, distributed, normalised, gradient, result),
        result=result.expr,
        domain=Domain(sizes={K: (2, 3, 5)}, sample=_sample),
    )


def _sample(rng, sizes, assume):
    size = sizes[K]
    logits = rng.normal(0.0, 2.0, size)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    t_values, _ = target(rng, size, shape_for(rng, assume))
    index = int(rng.integers(1, size + 1))
    return {**indexed(z, logits), **indexed(y, probs), **indexed(t, t_values), j: index, k: int(rng.integers(1, size + 1))}
