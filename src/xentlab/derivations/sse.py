"""Sum of squared errors (seed 001) and its gradient, with or without the ½."""

import sympy as sp

from xentlab.derivations._domains import indexed
from xentlab.model import Derivation, Step
from xentlab.notation import E, K, j, k, t, y
from xentlab.verify import Domain

HALF = sp.Rational(1, 2)


def build(classes: int | None = None, half: bool = False) -> Derivation:
    if classes is None:
        total = sp.Sum(_squared_error(k), (k, 1, K))
    else:
        total = sp.Add(*(_squared_error(q) for q in range(1, classes + 1)), evaluate=False)
    wrt, residual = y[j], _residual(j)
    definition = Step("sse_definition", E, sp.Mul(HALF, total, evaluate=False) if half else total, params={"half": half})
    slope = sp.Mul(2, residual, evaluate=False)
    gradient = Step(
        "differentiate",
        sp.Derivative(E, wrt),
        sp.Mul(HALF, slope, evaluate=False) if half else slope,
        claim=sp.Derivative(definition.expr, wrt),
        params={"j": j, "half": half},
    )
    steps = [definition, gradient]
    if half:
        steps.append(Step("half_cancels", sp.Derivative(E, wrt), residual, claim=gradient.expr, params={"j": j}))
    return Derivation(
        kind="sse",
        steps=tuple(steps),
        result=definition.expr,
        domain=Domain(sizes={K: (2, 3, 5)}, sample=_sampler(classes)),
        params={"classes": classes, "half": half},
    )


def _residual(q):
    return sp.Add(y[q], -t[q], evaluate=False)  # y − t, not SymPy's −t + y


def _squared_error(q):
    return sp.Pow(_residual(q), 2, evaluate=False)


def _sampler(classes):
    def sample(rng, sizes, assume):
        size = sizes.get(K) or classes or 3
        return {**indexed(y, rng.uniform(0, 1, size)), **indexed(t, rng.uniform(0, 1, size)), j: int(rng.integers(1, size + 1))}

    return sample
