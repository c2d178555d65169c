"""Cross-entropy = entropy + KL divergence: H(t, y) = H(t) + D_KL(t ‖ y)."""

import sympy as sp

from xentlab.derivations._domains import indexed, simplex
from xentlab.model import Derivation, Step
from xentlab.notation import E, K, k, t, y
from xentlab.verify import Domain


def _terms(classes, body):
    if classes is None:
        return sp.Sum(body(k), (k, 1, K))
    return sp.Add(*(body(q) for q in range(1, classes + 1)), evaluate=False)


def _t_log(q, arg):
    return sp.Mul(t[q], sp.log(arg, evaluate=False), evaluate=False)


def build(classes: int | None = None) -> Derivation:
    def neg(e):
        return sp.Mul(-1, e, evaluate=False)

    cross = Step("cross_entropy", E, neg(_terms(classes, lambda q: _t_log(q, y[q]))))
    entropy = neg(_terms(classes, lambda q: _t_log(q, t[q])))
    added = Step(
        "add_subtract",
        E,
        sp.Add(entropy, _terms(classes, lambda q: _t_log(q, t[q])), cross.expr, evaluate=False),
        claim=cross.expr,
    )
    kl = _terms(classes, lambda q: _t_log(q, sp.Mul(t[q], 1 / y[q], evaluate=False)))
    combined = Step("log_quotient_reverse", E, sp.Add(entropy, kl, evaluate=False), claim=added.expr)
    return Derivation(
        kind="entropy-kl",
        steps=(cross, added, combined),
        result=combined.expr,
        domain=Domain(sizes={K: (2, 3, 5)}, sample=_sampler(classes)),
        params={"classes": classes},
    )


def _sampler(classes):
    def sample(rng, sizes, assume):
        size = sizes.get(K) or classes or 3
        return {**indexed(y, simplex(rng, size)), **indexed(t, simplex(rng, size))}  # t > 0: log t is defined

    return sample
