"""Derivation moves. Each is one small rewrite; its docstring is its formula.

A move rewrites every place its pattern matches, and nothing else, so a step
shows exactly one rule at work (never `expand_log`, which does them all).
"""

import itertools
import math
from collections.abc import Callable

import sympy as sp

_REBUILD_UNEVALUATED = (sp.Add, sp.Mul, sp.Pow)


def rewrite(expr, match: Callable, transform: Callable):
    """Apply `transform` at every subexpression where `match` holds, top-down."""
    if match(expr):
        return transform(expr)
    if not expr.args:
        return expr
    args = [rewrite(a, match, transform) for a in expr.args]
    if args == list(expr.args):
        return expr
    if isinstance(expr, _REBUILD_UNEVALUATED) or type(expr) in (sp.log, sp.exp):
        return expr.func(*args, evaluate=False)  # SymPy would fold exp(c log x) into x**c: a rule of its own
    return expr.func(*args)


def _is_log_of(kinds):
    return lambda e: isinstance(e, sp.log) and isinstance(e.args[0], kinds)


def take_log(expr):
    """L -> log L"""
    return sp.log(expr, evaluate=False)


def log_product_to_sum(expr):
    """log(a*b) -> log a + log b;  log(Π_k f_k) -> Σ_k log f_k"""

    def split(e):
        inner = e.args[0]
        if isinstance(inner, sp.Product):
            return sp.Sum(sp.log(inner.function, evaluate=False), *inner.limits)
        return sp.Add(*(sp.log(f, evaluate=False) for f in inner.args), evaluate=False)

    return rewrite(expr, _is_log_of((sp.Mul, sp.Product)), split)


def log_power(expr):
    """log(a**b) -> b*log a"""
    return rewrite(expr, _is_log_of(sp.Pow), lambda e: sp.Mul(e.args[0].exp, sp.log(e.args[0].base), evaluate=False))


def log_quotient(expr):
    """log(a/b) -> log a - log b"""

    def split(e):
        num, den = sp.fraction(e.args[0])
        return sp.Add(sp.log(num, evaluate=False), sp.Mul(-1, sp.log(den, evaluate=False), evaluate=False), evaluate=False)

    return rewrite(expr, lambda e: isinstance(e, sp.log) and sp.fraction(e.args[0])[1] != 1, split)


def log_exp(expr):
    """log(exp(a)) -> a"""
    return rewrite(expr, _is_log_of(sp.exp), lambda e: e.args[0].args[0])


def log_sum_to_product(expr):
    """Σ_i log f_i -> log(Π_i f_i)"""
    is_sum_of_logs = lambda e: isinstance(e, sp.Sum) and isinstance(e.function, sp.log)  # noqa: E731
    return rewrite(expr, is_sum_of_logs, lambda e: sp.log(sp.Product(e.function.args[0], *e.limits), evaluate=False))


def exp_of_scaled_log(expr):
    """exp(b*log a) -> a**b"""

    def is_match(e):
        return isinstance(e, sp.exp) and any(isinstance(f, sp.log) for f in sp.Mul.make_args(e.args[0]))

    def fold(e):
        factors = sp.Mul.make_args(e.args[0])
        log_factor = next(f for f in factors if isinstance(f, sp.log))
        rest = sp.Mul(*(f for f in factors if f is not log_factor))
        return sp.Pow(log_factor.args[0], rest, evaluate=False)

    return rewrite(expr, is_match, fold)


def negate(expr):
    """x -> -x"""
    return sp.Mul(-1, expr, evaluate=False)


# --- moves on sums and products (used to check a student's lines; see xentlab.steps) -----------


def _concrete_limits(e, sizes):
    """The limits of a Σ/Π with every bound a whole number once known sizes are put in, else None."""
    limits = []
    for var, lo, hi in e.limits:
        known = {s: sp.Integer(v) for s, v in sizes.items()}
        lo, hi = lo.xreplace(known), hi.xreplace(known)
        if not (lo.is_Integer and hi.is_Integer):
            return None
        limits.append((var, int(lo), int(hi)))
    return limits


def write_out(expr, sizes=None, limit: int = 12):
    """Σ_{k=1}^{3} f_k -> f_1 + f_2 + f_3;  Π_{k=1}^{3} f_k -> f_1 f_2 f_3  (a size like K counts when its value is known)"""
    sizes = dict(sizes or {})

    def is_match(e):
        if not isinstance(e, (sp.Sum, sp.Product)):
            return False
        limits = _concrete_limits(e, sizes)
        return limits is not None and 0 < math.prod(hi - lo + 1 for _, lo, hi in limits) <= limit

    def expand(e):
        limits = _concrete_limits(e, sizes)
        outer_first = list(reversed(limits))  # SymPy lists the innermost limit first
        terms = [e.function.xreplace(dict(zip([v for v, _, _ in outer_first], values)))
                 for values in itertools.product(*(range(lo, hi + 1) for _, lo, hi in outer_first))]
        if isinstance(e, sp.Sum):
            return sp.Add(*terms, evaluate=False)
        return sp.Mul(*terms, evaluate=False)

    return rewrite(expr, is_match, expand)


def fold(expr, index, upper=None):
    """f_1 + f_2 + f_3 -> Σ_{k=1}^{3} f_k;  f_1 f_2 f_3 -> Π_{k=1}^{3} f_k  (`upper` may name the 3, e.g. K)"""

    def pattern(e):
        if not isinstance(e, (sp.Add, sp.Mul)) or len(e.args) < 2:
            return None
        for first in e.args:  # the term with index 1, wherever SymPy's ordering put it
            template = _template(first, index)
            if template is None:
                continue
            rest = list(e.args)
            for q in range(1, len(e.args) + 1):
                match = next((a for a in rest if _same_term(template.xreplace({index: sp.Integer(q)}), a)), None)
                if match is None:
                    break
                rest.remove(match)
            if not rest:
                return template
        return None

    def make(e):
        template = pattern(e)
        big = sp.Sum if isinstance(e, sp.Add) else sp.Product
        return big(template, (index, 1, upper if upper is not None else len(e.args)))

    return rewrite(expr, lambda e: pattern(e) is not None, make)


def _template(term, index):
    """The first term of a written-out sum with its index 1 made `index`: t_1 log y_1 -> t_k log y_k."""
    atoms = [a for a in term.atoms(sp.Indexed) if a.indices[-1] == 1]
    if not atoms:
        return None
    return term.xreplace({a: a.base[(*a.indices[:-1], index)] for a in atoms})


def _same_term(a, b):
    return a == b or sp.expand(a - b) == 0


def distribute(expr):
    """a (b + c) -> a b + a c"""

    def is_match(e):
        return isinstance(e, sp.Mul) and any(isinstance(f, sp.Add) for f in e.args)

    def spread(e):
        sums = [f for f in e.args if isinstance(f, sp.Add)]
        rest = [f for f in e.args if f is not sums[0]]
        return sp.Add(*(sp.Mul(*rest, term) for term in sums[0].args))

    return rewrite(expr, is_match, spread)


def select_one_hot(expr, true_class):
    """Σ_k t_k f_k -> f_c  (t one-hot at the class c)"""

    def is_match(e):
        return isinstance(e, sp.Sum) and len(e.limits) == 1 and _t_factor(e.function, e.limits[0][0]) is not None

    def select(e):
        index = e.limits[0][0]
        rest = [f for f in sp.Mul.make_args(e.function) if f != _t_factor(e.function, index)]
        return sp.Mul(*rest).xreplace({index: true_class})

    return rewrite(expr, is_match, select)


def _t_factor(function, index):
    for f in sp.Mul.make_args(function):
        if isinstance(f, sp.Indexed) and str(f.base) == "t" and f.indices[-1] == index:
            return f
    return None


def sum_to_one(expr):
    """Σ_k t_k -> 1  (the targets are a distribution)"""

    def is_match(e):
        return (isinstance(e, sp.Sum) and len(e.limits) == 1 and isinstance(e.function, sp.Indexed)
                and str(e.function.base) == "t" and e.function.indices[-1] == e.limits[0][0])

    return rewrite(expr, is_match, lambda e: sp.Integer(1))


def formulas():
    """Each rule's formula in the letters a, b: what the prose quotes."""
    a, b = sp.symbols("a b", positive=True)
    f, x = sp.Function("f"), sp.Symbol("x")
    log = lambda e: sp.log(e, evaluate=False)  # noqa: E731
    return {
        "log_product_to_sum": sp.Eq(log(sp.Mul(a, b, evaluate=False)), sp.Add(log(a), log(b), evaluate=False), evaluate=False),
        "log_power": sp.Eq(log(sp.Pow(a, b, evaluate=False)), sp.Mul(b, log(a), evaluate=False), evaluate=False),
        "log_quotient": sp.Eq(log(a / b), sp.Add(log(a), -log(b), evaluate=False), evaluate=False),
        "log_exp": sp.Eq(log(sp.exp(x, evaluate=False)), x, evaluate=False),
        "exp_log_power": sp.Eq(sp.exp(sp.Mul(b, log(a), evaluate=False), evaluate=False), sp.Pow(a, b, evaluate=False), evaluate=False),
        "derivative_of_log": sp.Eq(sp.Derivative(log(f(x)), x), sp.Derivative(f(x), x) / f(x), evaluate=False),
    }
