"""Bernoulli: L = y^t (1−y)^(1−t)  →  E = −[t log y + (1−t) log(1−y)], then the mean over N."""

import sympy as sp

from xentlab import rules
from xentlab.model import Derivation, Step
from xentlab.notation import E, L, N, n, t, t_scalar, y, y_scalar
from xentlab.verify import Domain


def likelihood(yy, tt):
    return sp.Mul(yy**tt, sp.Add(1, -yy, evaluate=False) ** sp.Add(1, -tt, evaluate=False), evaluate=False)


def log_likelihood(yy, tt):
    return rules.log_power(rules.log_product_to_sum(rules.take_log(likelihood(yy, tt))))


def build() -> Derivation:
    yy, tt = y_scalar, t_scalar
    lik = Step("likelihood", L, likelihood(yy, tt))
    logged = Step("take_log", sp.log(L), rules.take_log(lik.expr), claim=sp.log(lik.expr))
    split = Step("log_product_to_sum", sp.log(L), rules.log_product_to_sum(logged.expr), claim=logged.expr)
    powered = Step("log_power", sp.log(L), rules.log_power(split.expr), claim=split.expr)
    loss = Step("negate", E, rules.negate(powered.expr), claim=-powered.expr)
    per_sample = log_likelihood(y[n], t[n])
    mean = Step(
        "mean",
        E,
        sp.Mul(-1, 1 / N, sp.Sum(per_sample, (n, 1, N)), evaluate=False),
        claim=sp.Sum(loss.expr.xreplace({yy: y[n], tt: t[n]}), (n, 1, N)) / N,
    )
    return Derivation(
        kind="binary",
        steps=(lik, logged, split, powered, loss, mean),
        result=loss.expr,
        domain=Domain(sizes={N: (2, 3, 5)}, sample=_sample),
    )


def _sample(rng, sizes, assume):
    def pair():
        # hard labels {0, 1} and soft labels in (0, 1) both make L a valid likelihood
        label = float(rng.integers(0, 2)) if rng.random() < 0.5 else float(rng.uniform(0.05, 0.95))
        return float(rng.uniform(0.05, 0.95)), label

    point = dict(zip((y_scalar, t_scalar), pair()))
    for row in range(1, sizes.get(N, 0) + 1):
        point[y[row]], point[t[row]] = pair()
    return point
