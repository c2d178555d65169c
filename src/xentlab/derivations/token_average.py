"""Language-model training: per-token loss −log p_i, its mean over T tokens, and perplexity."""

import sympy as sp

from xentlab import rules
from xentlab.derivations._domains import indexed, simplex, target
from xentlab.model import Derivation, Step
from xentlab.notation import PPL, E, E_i, T, V, i, p, t, v, y
from xentlab.verify import Domain



def build() -> Derivation:
    position = Step("token_cross_entropy", E_i(i), -sp.Sum(sp.Mul(t[i, v], sp.log(y[i, v]), evaluate=False), (v, 1, V)))
    surviving = Step("one_hot", E_i(i), -sp.log(p[i]), claim=position.expr, assume="one_hot")
    mean = Step(
        "mean",
        E,
        sp.Mul(-1, 1 / T, sp.Sum(sp.log(p[i]), (i, 1, T)), evaluate=False),
        claim=sp.Sum(surviving.expr, (i, 1, T)) / T,
    )
    perplexity = Step("perplexity", PPL, sp.exp(mean.expr, evaluate=False), claim=sp.exp(mean.expr))
    as_product = Step("log_sum_to_product", PPL, rules.log_sum_to_product(perplexity.expr), claim=perplexity.expr)
    root = Step("exp_log_power", PPL, rules.exp_of_scaled_log(as_product.expr), claim=as_product.expr)
    return Derivation(
        kind="token-average",
        steps=(position, surviving, mean, perplexity, as_product, root),
        result=mean.expr,
        domain=Domain(sizes={T: (2, 3, 6), V: (3, 4, 5)}, sample=_sample),
    )


def _sample(rng, sizes, assume):
    tokens, vocab = sizes.get(T, 3), sizes.get(V, 4)
    point = {i: int(rng.integers(1, tokens + 1))}
    for pos in range(1, tokens + 1):
        probs = simplex(rng, vocab)
        one_hot, target_token = target(rng, vocab, "one_hot" if assume == "one_hot" else "soft")
        point |= indexed(y, probs, pos) | indexed(t, one_hot, pos)
        point[p[pos]] = float(probs[target_token - 1])  # p_i: the probability the target token got
    return point
