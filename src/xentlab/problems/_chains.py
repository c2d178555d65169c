"""Derivation chains for derive-step and log-rule, built by the rules of xentlab.rules (the moves
the line checker names) in several notations and sizes, every step proved before use:

* multiclass, K classes written out (y_1^{t_1} y_2^{t_2} …) or as Π_{k=1}^{K} with K a number;
* softmax with K logits, the normaliser written out (e^{z_1} + e^{z_2} + …) or as Σ_{m=1}^{K};
* the token average over T tokens, written out or as Σ_{i=1}^{T}, to perplexity.

The symbolic derivations (K, N, T as letters) are xentlab.derivations' own.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from xentlab import rules
from xentlab.model import Derivation, Step
from xentlab.notation import PPL, E, K, L, T, i, k, m, p, t, y, z

NOTATIONS = ("written", "sigma")
# The rule of every step, per chain (a table, so that sampling needs no SymPy; the tests check it).
CHAIN_RULES = {
    "multiclass": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate"),
    "softmax": ("softmax", "take_log", "log_quotient", "log_exp"),
    "tokens": ("mean", "perplexity", "log_sum_to_product", "exp_log_power"),
}


def _big(kind, body, index, size: int, notation: str):
    """Σ/Π over index = 1..size: written term by term, or with the number as its bound."""
    if notation == "sigma":
        return kind(body, (index, 1, size))
    terms = [body.xreplace({index: sp.Integer(q)}) for q in range(1, size + 1)]
    return sp.Add(*terms, evaluate=False) if kind is sp.Sum else sp.Mul(*terms, evaluate=False)


@lru_cache(maxsize=64)
def chain(name: str, size: int, notation: str) -> Derivation:
    """The proved chain `name` ("multiclass", "softmax", "tokens") at this size and notation."""
    from xentlab.verify import verify

    built = {"multiclass": _multiclass, "softmax": _softmax, "tokens": _tokens}[name](size, notation)
    return verify(built)


def _multiclass(classes: int, notation: str) -> Derivation:
    from xentlab.derivations.multiclass import domain

    lik = Step("likelihood", L, _big(sp.Product, y[k] ** t[k], k, classes, notation))
    logged = Step("take_log", sp.log(L), rules.take_log(lik.expr), claim=sp.log(lik.expr))
    split = Step("log_product_to_sum", sp.log(L), rules.log_product_to_sum(logged.expr), claim=logged.expr)
    powered = Step("log_power", sp.log(L), rules.log_power(split.expr), claim=split.expr)
    loss = Step("negate", E, rules.negate(powered.expr), claim=-powered.expr)
    return Derivation("multiclass", (lik, logged, split, powered, loss), loss.expr, domain(classes),
                      {"classes": classes, "notation": notation})


def _softmax(classes: int, notation: str) -> Derivation:
    from xentlab.derivations import softmax_gradient
    from xentlab.verify import Domain

    normaliser = _big(sp.Sum, sp.exp(z[m]), m, classes, notation)
    definition = Step("softmax", y[k], sp.Mul(sp.exp(z[k]), sp.Pow(normaliser, -1), evaluate=False))
    logged = Step("take_log", sp.log(y[k]), rules.take_log(definition.expr), claim=sp.log(definition.expr))
    split = Step("log_quotient", sp.log(y[k]), rules.log_quotient(logged.expr), claim=logged.expr)
    cancelled = Step("log_exp", sp.log(y[k]), rules.log_exp(split.expr), claim=split.expr)

    def sample(rng, sizes, assume):
        return softmax_gradient._sample(rng, {**sizes, K: classes}, assume)

    return Derivation("softmax-gradient", (definition, logged, split, cancelled), cancelled.expr,
                      Domain(sizes={}, sample=sample), {"classes": classes, "notation": notation})


def _tokens(tokens: int, notation: str) -> Derivation:
    from xentlab.derivations import token_average
    from xentlab.steps.moves import _logs_to_log
    from xentlab.verify import Domain

    total = _big(sp.Sum, sp.log(p[i]), i, tokens, notation)
    mean = Step("mean", E, sp.Mul(sp.Rational(-1, tokens), total, evaluate=False))
    perplexity = Step("perplexity", PPL, sp.exp(mean.expr, evaluate=False), claim=sp.exp(mean.expr))
    combined = _logs_to_log(perplexity.expr, None)[0] if notation == "written" else rules.log_sum_to_product(perplexity.expr)
    as_product = Step("log_sum_to_product", PPL, combined, claim=perplexity.expr)
    root = Step("exp_log_power", PPL, rules.exp_of_scaled_log(as_product.expr), claim=as_product.expr)

    def sample(rng, sizes, assume):
        return token_average._sample(rng, {**sizes, T: tokens}, "one_hot")

    return Derivation("token-average", (mean, perplexity, as_product, root), mean.expr,
                      Domain(sizes={}, sample=sample), {"classes": tokens, "notation": notation})
