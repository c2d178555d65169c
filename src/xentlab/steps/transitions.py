"""How a line's left-hand side follows from the one before: log L from L is `take_log`, E from
log L is `negate` (E = −log L), E from E_sum is `mean`, PPL from E is `perplexity`, ∂E/∂z_j
from E is `differentiate`. Each gives the claim the new right-hand side must match: the old
right-hand side put through the same operation."""

from __future__ import annotations

import sympy as sp

from xentlab import notation as n
from xentlab.steps.canon import replace

CLASS_INDICES = (n.k, n.m, n.j, n.c)


def claims_for(prev_lhs, prev_rhs, lhs, ctx) -> list[tuple[object, list[str]]]:
    """(claim, rules of the transition) for each way lhs can follow from prev_lhs = prev_rhs."""
    if prev_lhs == lhs:
        out = [(prev_rhs, [])]
        mean = _mean_over_samples(prev_rhs, ctx)
        if mean is not None:
            out.append((mean, ["mean"]))
        return out
    form = lhs
    for _ in range(3):
        if form.has(prev_lhs):
            return [(replace(form, {prev_lhs: prev_rhs}), _path_rules(form, prev_lhs))]
        quantity = next((q for q in ctx.kind.transitions if form.has(q)), None)
        if quantity is None:
            break
        form = replace(form, {quantity: ctx.kind.transitions[quantity][0]})
    mean = item_mean(prev_lhs, lhs)
    if mean is not None:  # E = (1/N) Σ_n E_n after E_n = …: the batch kind's E is defined by E_sum
        return [(replace(mean, {prev_lhs: prev_rhs}), ["mean"])]
    return []


def item_mean(prev_lhs, lhs):
    """E as the mean of the per-item losses the line before defines (E_n over N samples, E_i over
    T tokens): (1/N) Σ_n E_n; None when lhs is not E or the line before not such a loss."""
    from xentlab.steps.names import LOSS_BASE

    if lhs != n.E or not (isinstance(prev_lhs, sp.Indexed) and prev_lhs.base == LOSS_BASE):
        return None
    index = prev_lhs.indices[0]
    size = {n.n: n.N, n.i: n.T}.get(index)
    return None if size is None else sp.Mul(sp.Pow(size, -1), sp.Sum(prev_lhs, (index, 1, size)))


def _path_rules(form, inner) -> list[str]:
    """The operations between the root of `form` and `inner`, innermost first, as rule ids."""
    path = _path(form, inner) or []
    if any(isinstance(node, sp.Sum) and node.limits[0][0] in CLASS_INDICES for node in path):
        return ["substitute"]
    rules: list[str] = []
    for node in reversed(path):
        rule = None
        if type(node) is sp.log:
            rule = "take_log"
        elif type(node) is sp.exp:
            rule = "perplexity"
        elif isinstance(node, sp.Derivative):
            rule = "differentiate"
        elif isinstance(node, sp.Sum) or (isinstance(node, sp.Mul) and any(
                isinstance(f, sp.Pow) and f.exp == -1 and f.base in (n.N, n.T) for f in node.args)):
            rule = "mean"
        elif isinstance(node, sp.Mul) and any(f.is_Number and f.is_negative for f in node.args):
            rule = "negate"
        if rule is not None and rule not in rules:
            rules.append(rule)
    return rules


def _path(e, inner) -> list | None:
    if e == inner:
        return []
    for a in e.args:
        below = _path(a, inner)
        if below is not None:
            return [e, *below]
    return None


def _mean_over_samples(rhs, ctx):
    """One sample's loss → the mean over N samples: (1/N) Σ_n of it, each y, t taking the index n."""
    if n.N not in ctx.kind.sizes or rhs.has(n.N):
        return None
    if ctx.kind.name == "binary":
        per = replace(rhs, {n.y_scalar: n.y[n.n], n.t_scalar: n.t[n.n]})
    else:
        per = replace(rhs, {a: a.base[(n.n, *a.indices)] for a in rhs.atoms(sp.Indexed) if len(a.indices) == 1})
    if per == rhs:
        return None
    return sp.Mul(sp.Pow(n.N, -1), sp.Sum(per, (n.n, 1, n.N)))
