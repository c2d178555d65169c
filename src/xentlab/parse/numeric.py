"""Numeric evaluation of parser output with plain floats (no lambdify, no evalf)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy

# --- numeric evaluation ----------------------------------------------------

_NAN = float("nan")


def evaluate(expr: sympy.Expr, values: Mapping[sympy.Symbol, float]) -> float:
    """Evaluate expr at a point with plain floats (no lambdify, no evalf).

    Returns a finite float, or nan when the value is not a finite real number
    (domain error, complex, overflow, division by zero).  A symbol missing
    from ``values`` raises KeyError; a SymPy node this module never produces
    raises TypeError.
    """
    try:
        value = _eval(expr, values)
    except (ValueError, OverflowError, ZeroDivisionError):
        return _NAN
    return value if math.isfinite(value) else _NAN


def _eval(e: sympy.Basic, values: Mapping[sympy.Symbol, float]) -> float:
    if e.is_Symbol:
        return float(values[e])
    if e.is_Rational:
        return e.p / e.q
    if e.is_Add:
        return sum(_eval(a, values) for a in e.args)
    if e.is_Mul:
        result = 1.0
        for a in e.args:
            result *= _eval(a, values)
        return result
    if e.is_Pow:
        base = _eval(e.base, values)
        exp = e.exp
        if exp is sympy.S.Half:
            return math.sqrt(base)
        if exp is sympy.S.NegativeOne:
            return 1.0 / base
        return math.pow(base, _eval(exp, values))
    if isinstance(e, sympy.log):
        return math.log(_eval(e.args[0], values))
    if isinstance(e, sympy.exp):
        return math.exp(_eval(e.args[0], values))
    if e.is_Float:
        return float(e)
    if e is sympy.S.Pi:
        return math.pi
    if e is sympy.S.Exp1:
        return math.e
    if isinstance(e, sympy.Abs):
        return abs(_eval(e.args[0], values))
    if e.is_Number or e is sympy.S.ImaginaryUnit:  # zoo, nan, oo, I
        return _NAN
    raise TypeError(f"evaluate() does not support {type(e).__name__}")
