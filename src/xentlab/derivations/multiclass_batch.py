"""N samples, K classes: the product over samples, then the sum, then the mean."""

import sympy as sp

from xentlab import rules
from xentlab.derivations._domains import indexed, shape_for, simplex, target
from xentlab.model import Derivation, Step
from xentlab.notation import E, E_sum, K, L, N, k, n, t, y
from xentlab.verify import Domain


def build() -> Derivation:
    lik = Step("likelihood", L, sp.Product(y[n, k] ** t[n, k], (k, 1, K), (n, 1, N)))
    logged = Step("take_log", sp.log(L), rules.take_log(lik.expr), claim=sp.log(lik.expr))
    split = Step("log_product_to_sum", sp.log(L), rules.log_product_to_sum(logged.expr), claim=logged.expr)
    powered = Step("log_power", sp.log(L), rules.log_power(split.expr), claim=split.expr)
    total = Step("negate", E_sum, rules.negate(powered.expr), claim=-powered.expr)
    mean = Step("mean", E, sp.Mul(-1, 1 / N, powered.expr, evaluate=False), claim=total.expr / N)
    return Derivation(
        kind="multiclass-batch",
        steps=(lik, logged, split, powered, total, mean),
        result=mean.expr,
        domain=Domain(sizes={N: (2, 3, 4), K: (3, 2, 4)}, sample=_sample),
    )


def _sample(rng, sizes, assume):
    point = {}
    for row in range(1, sizes[N] + 1):
        t_row, _ = target(rng, sizes[K], shape_for(rng, assume))
        point |= indexed(y, simplex(rng, sizes[K]), row) | indexed(t, t_row, row)
    return point


