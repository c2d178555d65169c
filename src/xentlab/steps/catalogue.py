"""The catalogue of wrong rules: the rewrites students actually make, written like the proved
rules (each docstring is its formula), each with a stable code and a feedback macro per
language (templates/<lang>/lines.j2, `wrong_<code>`). A wrong rule turns a correct line into
the wrong line a student writes; a checked line that one of them reproduces, numerically at
random valid points, gets its code. Each function returns (result, term) pairs: the term is
where it went wrong, in the line it was applied to. Rules that can apply at several places
are tried everywhere at once and at each place alone."""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy as sp

from xentlab import notation as n

MAX_PLACES = 6  # places tried one at a time, per rule and line


def _places(expr, match: Callable) -> list:
    found = []
    for e in sp.preorder_traversal(expr):
        if match(e) and e not in found:
            found.append(e)
        if len(found) >= MAX_PLACES:
            break
    return found


def _everywhere_and_each(expr, match: Callable, wrong: Callable) -> list:
    places = _places(expr, match)
    if not places:
        return []
    out = [(expr.xreplace({p: wrong(p) for p in places}), places[0])]
    if len(places) > 1:
        out += [(expr.xreplace({p: wrong(p)}), p) for p in places]
    return out


def _is_log(e) -> bool:
    return type(e) is sp.log


def log_of_sum_split(expr, info):
    """log(a + b) -> log a + log b;  log(a - b) -> log a - log b;  log Σ f -> Σ log f"""
    def split(e):
        inner = e.args[0]
        if isinstance(inner, sp.Sum):
            return sp.Sum(sp.log(inner.function), *inner.limits)
        return sp.Add(*(-sp.log(-a) if a.could_extract_minus_sign() else sp.log(a) for a in inner.args))

    return _everywhere_and_each(expr, lambda e: _is_log(e) and isinstance(e.args[0], (sp.Add, sp.Sum)), split)


def log_product_as_product(expr, info):
    """log(a b) -> log a · log b"""
    def match(e):
        return _is_log(e) and isinstance(e.args[0], sp.Mul) and sum(not f.is_Number for f in e.args[0].args) >= 2

    return _everywhere_and_each(expr, match, lambda e: sp.Mul(*(sp.log(f) for f in e.args[0].args)))


def power_outside_log(expr, info):
    """log(a^b) -> (log a)^b"""
    return _everywhere_and_each(expr, lambda e: _is_log(e) and type(e.args[0]) is sp.Pow,
                                lambda e: sp.Pow(sp.log(e.args[0].base), e.args[0].exp))


def exponent_dropped(expr, info):
    """log(a^b) -> log a"""
    return _everywhere_and_each(expr, lambda e: _is_log(e) and type(e.args[0]) is sp.Pow,
                                lambda e: sp.log(e.args[0].base))


def sign_dropped(expr, info):
    """-x -> x  (E = log L: the minus of the loss lost; also inside, as in exp(-E) -> exp(E))"""
    if isinstance(info.get("lhs"), sp.Derivative):
        return []  # a gradient with its sign flipped is gradient_sign
    out = [(-expr, expr)]
    if isinstance(expr, sp.Add):
        negative = [a for a in expr.args if a.could_extract_minus_sign()]
        out += [(expr - 2 * a, a) for a in negative[:MAX_PLACES]]
    inner = [e for e in _places(expr, lambda e: isinstance(e, sp.Mul) and e.could_extract_minus_sign()) if e != expr]
    out += [(expr.xreplace({e: -e}), e) for e in inner]
    return out


def minus_not_distributed(expr, info):
    """-(a + b) -> -a + b"""
    out = []
    for e in _places(expr, lambda e: isinstance(e, sp.Mul) and len(e.args) == 2 and e.args[0] == -1
                     and isinstance(e.args[1], sp.Add)):
        first, *rest = e.args[1].args
        out.append((_replace_one(expr, e, sp.Add(-first, *rest)), e))
    if isinstance(expr, sp.Add):
        negative = [a for a in expr.args if a.could_extract_minus_sign()]
        if len(negative) >= 2:
            out.append((expr - 2 * sp.Add(*negative[1:]), negative[1]))
    return out


def _replace_one(expr, old, new):
    """old → new in a tree that may be unevaluated (as the student wrote it)."""
    if expr == old:
        return new
    if not expr.args or isinstance(expr, sp.Indexed):
        return expr
    return expr.func(*(_replace_one(a, old, new) for a in expr.args))


def _rebase(base: int):
    def wrong(expr, info):
        logs = _places(expr, _is_log)
        if not logs:
            return []
        whole = [(expr.xreplace({e: e / sp.log(base) for e in logs}), logs[0])]
        # one term in the wrong base (a slip of seed 002's kind): each log alone, when there are several
        single = [(_replace_one(expr, e, e / sp.log(base)), e) for e in logs] if len(logs) > 1 else []
        return whole + single

    wrong.__doc__ = f"log x -> log_{base} x (every log, or one of them)"
    return wrong


log_base_10 = _rebase(10)
log_base_2 = _rebase(2)


def swapped_t_y(expr, info):
    """t log y -> y log t"""
    swap = {n.y: n.t, n.t: n.y, n.y_scalar: n.t_scalar, n.t_scalar: n.y_scalar}
    atoms = {a: swap[a.base].__getitem__(a.indices) for a in expr.atoms(sp.Indexed) if a.base in swap}
    atoms |= {s: swap[s] for s in expr.free_symbols if s in (n.y_scalar, n.t_scalar)}
    if not atoms:
        return []
    return [(expr.xreplace(atoms), expr)]


def t_dropped(expr, info):
    """Σ t_k log y_k -> Σ log y_k"""
    def is_t(f):
        return f == n.t_scalar or (isinstance(f, sp.Indexed) and f.base == n.t)

    def match(e):
        return isinstance(e, sp.Mul) and any(is_t(f) for f in e.args) and e.has(sp.log)

    return _everywhere_and_each(expr, match, lambda e: sp.Mul(*(f for f in e.args if not is_t(f))))


def sum_product_confused(expr, info):
    """log Π f -> Π log f;  Π f -> Σ f;  Σ log f -> log Σ f"""
    out = []
    for e in _places(expr, lambda e: isinstance(e, (sp.Sum, sp.Product))):
        other = sp.Product if isinstance(e, sp.Sum) else sp.Sum
        out.append((expr.xreplace({e: other(e.function, *e.limits)}), e))
    for e in _places(expr, lambda e: _is_log(e) and isinstance(e.args[0], sp.Product)):
        inner = e.args[0]
        out.append((expr.xreplace({e: sp.Product(sp.log(inner.function), *inner.limits)}), e))
    for e in _places(expr, lambda e: isinstance(e, sp.Sum) and _is_log(e.function)):
        out.append((expr.xreplace({e: sp.log(sp.Sum(e.function.args[0], *e.limits))}), e))
    if isinstance(expr, sp.Mul) and expr.has(sp.Pow) and not expr.has(sp.log):  # L = y1^t1 + y2^t2
        out.append((sp.Add(*expr.args), expr))
    return out


def sum_not_mean(expr, info):
    """(1/N) Σ … -> Σ …"""
    sizes = (n.N, n.T)
    found = []
    for e in _places(expr, lambda e: isinstance(e, sp.Pow) and e.base in sizes and e.exp == -1):
        found.append((expr.xreplace({e: sp.Integer(1)}), e))
    return found


def gradient_sign(expr, info):
    """∂E/∂z_j = t_j - y_j  (the gradient's sign flipped)"""
    if not isinstance(info.get("lhs"), sp.Derivative):
        return []
    return [(-expr, expr)]


def softmax_diagonal_only(expr, info):
    """∂y_k/∂z_j -> y_j (1 - y_j) for every k"""
    lhs = info.get("lhs")
    if not isinstance(lhs, sp.Derivative) or lhs.variables[0].base != n.z:
        return []
    jj = lhs.variables[0].indices[0]
    k, K = n.k, n.K
    slope = n.y[jj] * (1 - n.y[jj])
    every_k = -sp.Sum(n.t[k] / n.y[k], (k, 1, K)) * slope
    only_j = -n.t[jj] / n.y[jj] * slope
    term = sp.Derivative(n.y[k], lhs.variables[0])
    return [(every_k, term), (only_j, term)]


def wrong_class(expr, info):
    """Σ_k t_k f_k -> f_q  with q not the class of the one-hot target"""
    out = []
    for e in _places(expr, lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1):
        index = e.limits[0][0]
        rest = [f for f in sp.Mul.make_args(e.function) if not (isinstance(f, sp.Indexed) and f.base == n.t)]
        body = sp.Mul(*rest)
        for other in info.get("other_classes", ()) or (index, n.j):
            out.append((expr.xreplace({e: body.xreplace({index: other})}), e))
    return out


CATALOGUE: tuple[tuple[str, Callable], ...] = (
    ("log_of_sum_split", log_of_sum_split),
    ("log_product_as_product", log_product_as_product),
    ("power_outside_log", power_outside_log),
    ("exponent_dropped", exponent_dropped),
    ("gradient_sign", gradient_sign),  # before swapped_t_y: t_j − y_j as a gradient is its sign
    ("softmax_diagonal_only", softmax_diagonal_only),
    ("log_base_10", log_base_10),
    ("log_base_2", log_base_2),
    ("minus_not_distributed", minus_not_distributed),  # before sign_dropped: −(a + b) → −a + b is this one
    ("sign_dropped", sign_dropped),
    ("swapped_t_y", swapped_t_y),
    ("t_dropped", t_dropped),
    ("sum_product_confused", sum_product_confused),
    ("sum_not_mean", sum_not_mean),
    ("wrong_class", wrong_class),
)
CODES = tuple(code for code, _ in CATALOGUE)
# Slips on a number only (the catalogue of final answers): value -> what the student wrote.
NUMERIC_SLIPS = (
    ("percent_scale", lambda v: v * 100),
    ("probability_not_loss", lambda v: math.exp(-v)),  # y_c itself, not −log y_c
)
