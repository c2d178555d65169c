"""Derivation moves. Each is one small rewrite; its docstring is its formula.

A move rewrites every place its pattern matches, and nothing else, so a step
shows exactly one rule at work (never `expand_log`, which does them all).
"""

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
    if isinstance(expr, _REBUILD_UNEVALUATED):
        return expr.func(*args, evaluate=False)
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
