"""One sample, K classes: L = Π y_k^t_k  →  E = −Σ t_k log y_k (seed 000)."""

import sympy as sp

from xentlab import rules
from xentlab.derivations._domains import indexed, shape_for, simplex, target
from xentlab.model import Derivation, Step
from xentlab.notation import E, K, L, c, k, t, y
from xentlab.verify import Domain


def likelihood(classes: int | None):
    if classes is None:
        return sp.Product(y[k] ** t[k], (k, 1, K))
    return sp.Mul(*(y[q] ** t[q] for q in range(1, classes + 1)), evaluate=False)


def build(classes: int | None = None) -> Derivation:
    lik = Step("likelihood", L, likelihood(classes))
    logged = Step("take_log", sp.log(L), rules.take_log(lik.expr), claim=sp.log(lik.expr))
    split = Step("log_product_to_sum", sp.log(L), rules.log_product_to_sum(logged.expr), claim=logged.expr)
    powered = Step("log_power", sp.log(L), rules.log_power(split.expr), claim=split.expr)
    loss = Step("negate", E, rules.negate(powered.expr), claim=-powered.expr)
    one_hot = Step("one_hot", E, -sp.log(y[c]), claim=loss.expr, assume="one_hot", params={"c": c})
    return Derivation(
        kind="multiclass",
        steps=(lik, logged, split, powered, loss, one_hot),
        result=loss.expr,
        domain=domain(classes),
        params={"classes": classes},
    )


def domain(classes: int | None) -> Domain:
    def sample(rng, sizes, assume):
        size = sizes.get(K) or classes or 3
        t_values, favoured = target(rng, size, shape_for(rng, assume))
        return {**indexed(y, simplex(rng, size)), **indexed(t, t_values), c: favoured}

    return Domain(sizes={K: (2, 3, 5)}, sample=sample)
