"""Every line a worked solution prints is proved first, as every derivation step is.

A worked solution (`solve`, the answer keys, Moodle's general feedback) shows three kinds of line:

  * formula lines, E = −Σ t_k log_2 y_k: equal to the derived expression (scaled to the base
    shown) at random valid points of the derivation's own domain, by verify.prove_step;
  * identities, log_b x = log x / log b or y_c = e^(−E): both sides agree at random points;
  * substitution lines, E = −(1·log 0.33 + 0·log 0.32) or E = 0.3567 + 0.2231: the printed
    numbers, read as the decimals they show (a rounded number as the interval it stands for),
    give an interval (mpmath interval arithmetic) that must contain the value computed by the
    kernels.

Each comes back as a Line, a (lhs, rhs) pair that knows how it was proved. A line that fails
raises VerificationError and is never built, so it can never be rendered; render and worksheet
refuse any pair that is not a Line.
"""

from __future__ import annotations

import math
from decimal import Decimal

import sympy as sp

from xentlab.errors import VerificationError
from xentlab.notation import log_base

RTOL = 1e-9  # the kernels' own rounding error, far below anything printed


class Rounded(sp.Symbol):
    """A number shown rounded to 4 significant figures (0.3567, 2000): it stands for the interval
    of half a unit in its 4th significant digit."""

    FIGURES = 4

    def half_unit(self) -> Decimal:
        return Decimal(1).scaleb(Decimal(self.name).adjusted() - self.FIGURES + 1) / 2


class Fixed(Rounded):
    """A number shown rounded to a fixed number of decimals (0.0065, as a table of probabilities
    shows it): half a unit in its last printed digit."""

    def half_unit(self) -> Decimal:
        return Decimal(1).scaleb(Decimal(self.name).as_tuple().exponent) / 2


class Line(tuple):
    """`lhs = rhs`, proved; `proof` says how ("derivation", "formula", "identity", "value")."""

    def __new__(cls, lhs, rhs, proof: str):
        line = super().__new__(cls, (lhs, rhs))
        line.proof = proof
        return line

    def __getnewargs__(self):
        return (self[0], self[1], self.proof)

    @property
    def lhs(self):
        return self[0]

    @property
    def rhs(self):
        return self[1]


def _failed(lhs, rhs, why: str) -> VerificationError:
    from xentlab.printing import to_str

    return VerificationError(key="unproved_line", line=f"{to_str(lhs)} = {to_str(rhs)}", why=why)


def step(derivation_step) -> Line:
    """A step of a proved derivation, shown as it is."""
    if not derivation_step.verified:
        raise _failed(derivation_step.lhs, derivation_step.expr, "derivation")
    return Line(derivation_step.lhs, derivation_step.expr, "derivation")


def derived(lhs, expr, derivation) -> Line:
    """`lhs = expr` where expr is the expression of one of the derivation's proved steps."""
    for candidate in derivation.steps:
        if candidate.expr == expr:
            step(candidate)
            return Line(lhs, expr, "derivation")
    raise _failed(lhs, expr, "derivation")


def instance(derivation_step, values: dict) -> Line:
    """A proved general step with its free index symbols given values (j = 3): it holds for
    every value, so for this one."""
    from xentlab.rules import rewrite

    step(derivation_step)

    def put(expr):  # rewrite keeps the order derived (y_j − t_j); xreplace would reorder it
        return rewrite(expr, lambda e: e in values, lambda e: values[e])

    return Line(put(derivation_step.lhs), put(derivation_step.expr), "derivation")


def as_logs(expr):
    """log_b(x) as log(x)/log(b): the form the evaluators know."""
    return expr.replace(lambda e: isinstance(e, log_base), lambda e: sp.log(e.args[0]) / sp.log(e.args[1]))


_FORMULAS: dict = {}  # (rhs, claim, id(domain)) -> (domain, proved?); the domain kept alive for its id


def formula(lhs, rhs, claim, domain) -> Line:
    """`lhs = rhs` where rhs must equal `claim` (built from a derived expression) at random valid
    points of `domain` (verify.Domain), for every size the domain tries."""
    key = (rhs, claim, id(domain))
    if key not in _FORMULAS:
        from xentlab.model import Step
        from xentlab.verify import prove_step, rng_for

        proof = prove_step(Step("formula", lhs, as_logs(rhs), claim=as_logs(claim)), domain, rng_for(0, 13))
        _FORMULAS[key] = (domain, proof is not None)
    if not _FORMULAS[key][1]:
        raise _failed(lhs, rhs, "formula")
    return Line(lhs, rhs, "formula")


def identity(lhs, rhs, domain, given: dict | None = None) -> Line:
    """`lhs = rhs` holds at random points of `domain`, once each symbol of `given` is replaced by
    its expression (y_c = e^(−E) given E = −log y_c)."""
    given = given or {}
    return formula(lhs, rhs, lhs, domain) if not given else _identity_given(lhs, rhs, domain, given)


def _identity_given(lhs, rhs, domain, given: dict) -> Line:
    left, right = lhs.xreplace(given), rhs.xreplace(given)
    formula(left, right, left, domain)
    return Line(lhs, rhs, "identity")


# --- substitution lines: interval arithmetic on the printed decimals ---------------------------


def value(lhs, rhs, expected: float) -> Line:
    """`lhs = rhs` with numbers only: rhs, read as printed, must contain `expected`."""
    if not _contains(rhs, float(expected)):
        raise _failed(lhs, rhs, "value")
    return Line(lhs, rhs, "value")


def agree(lhs, rhs) -> Line:
    """`lhs = rhs` with numbers on both sides (a check: −log 0.6703 = 0.4000): the two, read as
    printed, overlap."""
    try:
        low_l, high_l = _bounds(lhs)
        low_r, high_r = _bounds(rhs)
    except (TypeError, ValueError, ZeroDivisionError):
        raise _failed(lhs, rhs, "value") from None
    if not (low_l <= high_r and low_r <= high_l):
        raise _failed(lhs, rhs, "value")
    return Line(lhs, rhs, "value")


def _bounds(expr) -> tuple[float, float]:
    from mpmath import iv

    saved, iv.prec = iv.prec, 100  # the interval context has no workprec; set and restore
    try:
        interval = _interval(expr, iv)
        return float(interval.a), float(interval.b)
    finally:
        iv.prec = saved


def _contains(rhs, expected: float) -> bool:
    try:
        low, high = _bounds(rhs)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    if not math.isfinite(expected):
        return low == high == expected
    slack = RTOL * max(1.0, abs(expected))
    return low - slack <= expected <= high + slack


def _numeral_interval(symbol, iv):
    """A number as printed: exact when it is an input (or exact arithmetic on inputs), an interval
    of half a unit in its last digit when it is Rounded."""
    text = symbol.name
    Decimal(text)  # raises for a name that is not a number (a formula symbol has no place here)
    if not isinstance(symbol, Rounded):
        return iv.mpf(text)
    digits, half = Decimal(text), symbol.half_unit()
    return iv.mpf([str(digits - half), str(digits + half)])


def _interval(e, iv):
    if e is sp.oo or e is sp.S.Infinity:
        return iv.mpf([iv.inf, iv.inf])
    if e.is_Number:
        return iv.mpf(e.p) / e.q if e.is_Rational else iv.mpf(str(e))
    if isinstance(e, sp.Symbol):
        try:
            return _numeral_interval(e, iv)
        except ArithmeticError:
            raise ValueError(f"{e} is not a number") from None
    if e.is_Add:
        total = iv.mpf(0)
        for a in e.args:
            total += _interval(a, iv)
        return total
    if e.is_Mul:
        factors = [_interval(a, iv) for a in e.args]
        if any(f.a == f.b == 0 for f in factors):
            return iv.mpf(0)  # 0 · log 0 counts as 0, as the kernels count it
        product = iv.mpf(1)
        for f in factors:
            product *= f
        return product
    if e.is_Pow:
        return _interval(e.base, iv) ** _interval(e.exp, iv)
    if isinstance(e, sp.log):
        return iv.log(_interval(e.args[0], iv))
    if isinstance(e, log_base):
        return iv.log(_interval(e.args[0], iv)) / iv.log(_interval(e.args[1], iv))
    if isinstance(e, sp.exp):
        return iv.exp(_interval(e.args[0], iv))
    raise TypeError(f"cannot evaluate {type(e).__name__} in a substitution line")


def require(lines) -> None:
    """Refuse to render any shown pair that was not proved (a bug, never a user's error)."""
    for line in lines:
        if not isinstance(line, Line):
            raise VerificationError(key="unproved_line", line=str(line), why="unproved")
