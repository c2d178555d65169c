"""The moves a step may be made of: the proved rules of xentlab.rules, the bookkeeping of sums
(write a Σ out, fold it back, name its bound K) and substitution of an earlier line. Each move
is (rule id, function of an expression → the expressions it gives); the id names it in the
output, through the templates."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from xentlab import notation as n
from xentlab import rules
from xentlab.steps.canon import canonical, replace


@dataclass
class Scope:
    """What moves may use besides the expression: sizes the derivation fixed, earlier lines."""

    fixed: dict = field(default_factory=dict)  # K → 3 when the lines write three classes out
    knowns: list = field(default_factory=list)  # (lhs, rhs) of earlier accepted lines, newest last
    kind: str = "multiclass"


def _once(function):
    def move(expr, scope):
        result = function(expr)
        return [result] if result != expr else []

    return move


def _log_power(expr, scope):
    """log(a^b) → b log a, and log(e^a) → a (log e = 1): either names log(e^z) = z."""
    out = rules.log_power(expr)
    out = rules.rewrite(out, lambda e: type(e) is sp.log and type(e.args[0]) is sp.exp, lambda e: e.args[0].args[0])
    return [out] if out != expr else []


def _log_exp(expr, scope):
    out = rules.rewrite(expr, lambda e: type(e) is sp.log and type(e.args[0]) is sp.exp, lambda e: e.args[0].args[0])
    return [out] if out != expr else []


def _logs_to_log(expr, scope):
    """log a + log b → log(a b), and Σ log f → log Π f."""
    out = rules.log_sum_to_product(expr)

    def split(term):
        """c·log x → (c, x); anything else → None."""
        factors = sp.Mul.make_args(term)
        logs = [f for f in factors if type(f) is sp.log]
        if len(logs) != 1:
            return None
        return sp.Mul(*(f for f in factors if f is not logs[0])), logs[0].args[0]

    def groups(e):
        found: dict = {}
        for term in e.args:
            parts = split(term)
            if parts is not None:
                found.setdefault(parts[0], []).append(parts[1])
        return {c: xs for c, xs in found.items() if len(xs) >= 2}

    def is_match(e):
        return isinstance(e, sp.Add) and bool(groups(e))

    def combine(e):
        merged = groups(e)
        rest = [a for a in e.args if split(a) is None or split(a)[0] not in merged]
        return sp.Add(*rest, *(c * sp.log(sp.Mul(*xs), evaluate=False) for c, xs in merged.items()))

    out = rules.rewrite(out, is_match, combine)
    return [out] if out != expr else []


def _write_out(expr, scope):
    out = rules.write_out(expr, scope.fixed)
    return [out] if out != expr else []


def _fold(expr, scope):
    if not expr.atoms(sp.Indexed):
        return []
    results = []
    for index in (n.k, n.n, n.i):
        out = rules.fold(expr, index)
        if out != expr:
            results.append(out)
            if n.K in scope.fixed:  # the written-out classes are the K of the derivation
                results.append(rules.fold(expr, index, n.K))
            break
    return results


def _generalise(expr, scope):
    """Σ_{k=1}^{3} → Σ_{k=1}^{K} where the derivation's K is 3."""
    if n.K not in scope.fixed:
        return []
    size = sp.Integer(scope.fixed[n.K])

    def is_match(e):
        return isinstance(e, (sp.Sum, sp.Product)) and any(hi == size for _, _, hi in e.limits)

    def general(e):
        return type(e)(e.function, *((v, lo, n.K if hi == size else hi) for v, lo, hi in e.limits))

    out = rules.rewrite(expr, is_match, general)
    return [out] if out != expr else []


def _one_hot(expr, scope):
    out = rules.select_one_hot(expr, n.c)
    return [out] if out != expr else []


def _substitute(expr, scope):
    """An earlier line's left-hand side replaced by its right-hand side (L → Π y^t; E_i → −log p_i
    and log y_k → z_k − log Σ exp z_m at whatever index the expression uses)."""
    results = []
    for lhs, rhs in reversed(scope.knowns[-6:]):
        if lhs.is_Number:
            continue
        logged = type(lhs) is sp.log and isinstance(lhs.args[0], sp.Indexed)
        pattern = lhs.args[0] if logged else lhs
        if isinstance(pattern, sp.Indexed) and any(i.is_Symbol for i in pattern.indices):
            mapping = {}
            for atom in expr.atoms(sp.Indexed):
                if atom.base == pattern.base and len(atom.indices) == len(pattern.indices):
                    inner = sp.log(atom, evaluate=False) if logged else atom
                    if inner in _subterms(expr):
                        mapping[inner] = replace(rhs, dict(zip(pattern.indices, atom.indices)))
            if mapping:
                results.append(replace(expr, mapping))
        elif expr.has(lhs):
            out = replace(expr, {lhs: rhs})
            if out != expr:
                results.append(out)
    return results


def _subterms(expr) -> set:
    return set(sp.preorder_traversal(expr))


def _recognise_softmax(expr, scope):
    """exp(z_j) / Σ_m exp(z_m) → y_j: the softmax definition read backwards."""
    if scope.kind != "softmax-gradient":
        return []
    normaliser = sp.Sum(sp.exp(n.z[n.m]), (n.m, 1, n.K))
    results = []
    for index in (n.j, n.k, n.c):
        fraction = canonical(sp.exp(n.z[index], evaluate=False) / normaliser)
        out = canonical(expr).subs(fraction, n.y[index])
        if out != canonical(expr):
            results.append(out)
    return results


# Order breaks ties between paths of one length: the specific rule first (log(a/b) is log_quotient
# before a product with a power −1; log(e^z) = z is log_exp before log_power with log e = 1).
MOVES = (
    ("log_quotient", _once(rules.log_quotient)),
    ("log_product_to_sum", _once(rules.log_product_to_sum)),
    ("log_exp", _log_exp),
    ("log_power", _log_power),
    ("expand_sum", _write_out),
    ("fold_sum", _fold),
    ("generalise", _generalise),
    ("log_sum_to_product", _logs_to_log),
    ("exp_log_power", _once(rules.exp_of_scaled_log)),
    ("distribute", _once(rules.distribute)),
    ("sum_to_one", _once(rules.sum_to_one)),  # before one_hot: Σ_k t_k alone needs only Σ t = 1
    ("one_hot", _one_hot),
    ("substitute", _substitute),
    ("substitute_softmax", _recognise_softmax),
)
BOOKKEEPING = frozenset({"expand_sum", "fold_sum", "generalise"})
CONDITION_OF = {"one_hot": "one_hot", "sum_to_one": "sum_to_one"}
