"""Are two formulas equal? Numerically at random valid points that nobody can know in advance,
again at high precision where float64 loses the answer, and symbolically where SymPy manages it in
time (in the worker process of `xentlab.limits`).

The points are drawn from a hash of (the answer text, the expected text, the item): the same answer
always gets the same verdict, but a student cannot compute the points before writing the answer,
so no formula can be built to agree at them and differ elsewhere.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache

import numpy as np

from xentlab.limits import CheckTimeout, WorkerError, checkpoint, run_in_worker

POINTS = 10  # agreeing points needed
EXTRA_POINTS = 20  # more, where some point agreed only after a high-precision re-evaluation
TIGHT = 1e-12  # float64 agreement that needs no second look (relative to max(1, |a|, |b|))
CLEAR_SIZE, CLEAR_DIFFERENCE = 1e6, 1e-6  # intermediates below 1e6 leave float64 an error far under 1e-6
PRECISIONS = (40, 400)  # decimal digits for the re-evaluation; the second only after a disagreement
SYMBOLIC_SECONDS = 1.0  # the symbolic confirmation's share of a check's time
MAX_SYMBOLIC_OPS = 60  # larger differences are not sent to simplify at all


def point_seed(answer_text: str, expected_text: str, item: int) -> int:
    digest = hashlib.sha256("\x00".join((str(item), expected_text, answer_text)).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:16], "little")


def point_rng(answer_text: str, expected_text: str, item: int, purpose: int = 1) -> np.random.Generator:
    from xentlab.verify import rng_for

    return rng_for(point_seed(answer_text, expected_text, item), purpose)


def sample_point(symbols, rng: np.random.Generator) -> dict:
    """Random valid values: probabilities in (0, 1), targets in [0, 1], logits real, sizes small ints."""
    point = {}
    for s in symbols:
        letter = s.name[0]
        if letter in "ypqL":
            point[s] = float(rng.uniform(0.05, 0.95))
        elif letter == "t":
            point[s] = float(rng.uniform(0.0, 1.0))
        elif letter in "NKT":
            point[s] = float(rng.integers(1, 7))
        else:
            point[s] = float(rng.normal(0.0, 2.0))
    return point


# --- evaluation: float64, then mpmath --------------------------------------------------------


class _Undefined(Exception):
    """Not a finite real number at this point (log of a negative, 0 in a denominator, …)."""


def float_value(expr, point: dict, sizes: list | None = None) -> float:
    """expr at the point in float64; nan when undefined or not finite. `sizes`, when given,
    receives the largest magnitude met on the way (what float64's rounding error scales with)."""
    track = [0.0] if sizes is None else sizes
    try:
        value = _float(expr, point, track)
    except (_Undefined, ValueError, OverflowError, ZeroDivisionError, TypeError, KeyError):
        return math.nan
    return value if math.isfinite(value) else math.nan


def _float(e, point, track) -> float:
    value = _float_node(e, point, track)
    if abs(value) > track[0]:
        track[0] = abs(value)
    return value


def _float_node(e, point, track) -> float:
    if e.is_Symbol:
        return point[e]
    if e.is_Rational:
        return e.p / e.q
    if e.is_Add:
        return math.fsum(_float(a, point, track) for a in e.args)
    if e.is_Mul:
        result = 1.0
        for a in e.args:
            result *= _float(a, point, track)
        return result
    if e.is_Pow:
        base = _float(e.base, point, track)
        if e.exp.is_Integer:
            exponent = int(e.exp)
            if base == 0 and exponent < 0:
                raise _Undefined
            return base ** exponent if abs(exponent) < 64 else math.pow(base, exponent)
        return math.pow(base, _float(e.exp, point, track))
    return _function(e, point, lambda a, p: _float(a, p, track), math)


def _function(e, point, value, lib):
    import sympy as sp

    if isinstance(e, sp.log):
        x = value(e.args[0], point)
        if not x > 0:
            raise _Undefined
        return lib.log(x)
    if isinstance(e, sp.exp):
        return lib.exp(value(e.args[0], point))
    if isinstance(e, sp.Abs):
        return abs(value(e.args[0], point))
    if e.is_Float:
        return float(e) if lib is math else lib.mpf(float(e))
    if e is sp.S.Pi:
        return lib.pi
    if e is sp.S.Exp1:
        return lib.e
    raise _Undefined  # zoo, nan, oo, I, or anything the parser never builds


def mp_value(expr, point: dict, digits: int):
    """expr at the point with `digits` decimal digits (mpmath: no underflow, no overflow), or None."""
    import mpmath

    context = mpmath.MPContext()
    context.dps = digits
    try:
        value = _mp(expr, {s: context.mpf(v) for s, v in point.items()}, context)
    except (_Undefined, ValueError, ZeroDivisionError, TypeError, KeyError, OverflowError):
        return None
    return value if context.isfinite(value) and context.im(value) == 0 else None


def _mp(e, point, ctx):
    if e.is_Symbol:
        return point[e]
    if e.is_Rational:
        return ctx.mpf(e.p) / e.q
    if e.is_Add:
        return ctx.fsum(_mp(a, point, ctx) for a in e.args)
    if e.is_Mul:
        return ctx.fprod(_mp(a, point, ctx) for a in e.args)
    if e.is_Pow:
        base = _mp(e.base, point, ctx)
        if e.exp.is_Integer:
            if base == 0 and e.exp < 0:
                raise _Undefined
            return base ** int(e.exp)
        if base < 0 or (base == 0 and not _mp(e.exp, point, ctx) > 0):
            raise _Undefined
        return base ** _mp(e.exp, point, ctx)
    return _function(e, point, lambda a, p: _mp(a, p, ctx), ctx)


def _scale(a, b) -> float:
    return max(1.0, abs(a), abs(b))


def agree_at(a, b, point: dict) -> tuple[bool | None, bool]:
    """(equal at this point? None when both sides are undefined there, needed a second look?)"""
    sizes = [0.0]
    va, vb = float_value(a, point, sizes), float_value(b, point, sizes)
    if not (math.isnan(va) or math.isnan(vb)):
        if abs(va - vb) <= TIGHT * _scale(va, vb):
            return True, False
        if sizes[0] < CLEAR_SIZE and abs(va - vb) > CLEAR_DIFFERENCE * _scale(va, vb):
            return False, False  # float64's error is far below this difference: no second look needed
    for digits in PRECISIONS:  # float64 may have lost it: cancellation, underflow, overflow
        checkpoint()
        ma, mb = mp_value(a, point, digits), mp_value(b, point, digits)
        if ma is None and mb is None:
            return None, True
        if ma is None or mb is None:
            return False, True
        if abs(ma - mb) <= 10.0 ** (10 - digits) * max(1, abs(ma), abs(mb)):
            return True, True
    return False, True


def agree(a, b, rng: np.random.Generator, points: int = POINTS) -> bool | None:
    """True if a == b at `points` random valid points (and at EXTRA_POINTS more when any of them
    needed the high-precision second look); False at the first disagreement; None if too few points
    were defined for both (e.g. logs of non-positive values everywhere)."""
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreed, needed, second_look = 0, points, False
    for _ in range((points + EXTRA_POINTS) * 4):
        checkpoint()
        same, looked = agree_at(a, b, sample_point(symbols, rng))
        if same is None:
            continue
        if not same:
            return False
        agreed += 1
        if looked and not second_look:
            second_look, needed = True, points + EXTRA_POINTS
        if agreed >= needed:
            return True
    return None


def finite_at_valid_points(expr, rng: np.random.Generator, points: int = POINTS) -> bool:
    """Is expr a finite real number at every one of `points` random valid points?"""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    for _ in range(points):
        checkpoint()
        point = sample_point(symbols, rng)
        if math.isnan(float_value(expr, point)) and mp_value(expr, point, PRECISIONS[0]) is None:
            return False
    return True


# --- symbolic confirmation -------------------------------------------------------------------


def symbolically_equal(a_text: str, b_text: str) -> bool:
    """Runs in the worker process: both texts through the whitelist parser, then SymPy must reduce
    the difference to exactly 0. equals() returning None is never read as 'equal'."""
    import sympy as sp

    from xentlab.parse import parse_expression

    diff = parse_expression(a_text) - parse_expression(b_text)
    if sp.count_ops(diff) > MAX_SYMBOLIC_OPS:
        return False
    return sp.simplify(sp.expand_log(diff, force=True)) == 0


def confirm(a_text: str, b_text: str) -> str:
    """'symbolic' when SymPy proved a == b within its share of the time, else 'numeric'."""
    try:
        proved = run_in_worker("xentlab.equivalence", "symbolically_equal", a_text, b_text, timeout=SYMBOLIC_SECONDS)
    except (CheckTimeout, WorkerError):
        return "numeric"
    return "symbolic" if proved else "numeric"


# --- the ways a derivation typically goes wrong ------------------------------------------------


@lru_cache(maxsize=256)
def parsed(text: str):
    """A key's expression, parsed once (the key is checked against many answers)."""
    from xentlab.parse import parse_expression

    return parse_expression(text)


@lru_cache(maxsize=256)
def symbolic_variants(expected):
    """(codes, expression) for the ways a derivation typically goes wrong: computed, not hand-written."""
    import sympy as sp

    def rebase(expr, base):
        return expr.replace(sp.log, lambda *args: sp.log(args[0]) / sp.log(base))

    variants = [(("sign_dropped",), -expected), (("log_base_10",), rebase(expected, 10)), (("log_base_2",), rebase(expected, 2)),
                (("log_base_10", "sign_dropped"), -rebase(expected, 10)), (("log_base_2", "sign_dropped"), -rebase(expected, 2))]
    names = {s.name: s for s in expected.free_symbols}
    swap = {}
    for name, s in names.items():
        twin = {"y": "t", "t": "y"}.get(name[0])
        if twin and twin + name[1:] in names:
            swap[s] = names[twin + name[1:]]
    if swap:
        variants.append((("swapped_t_y",), expected.xreplace(swap)))
    inner, sign = (-expected, -1) if expected.could_extract_minus_sign() else (expected, 1)
    terms = sp.Add.make_args(inner)
    if len(terms) > 1:
        for term in terms:
            complement = any(1 - s in term.atoms(sp.Add) for s in names.values())  # a (1 − t) or (1 − y) factor
            variants.append((("missing_complement" if complement else "dropped_term",), sign * (inner - term)))
    for size in ("N", "T", "K"):
        if size in names:
            variants += [(("sum_not_mean",), expected * names[size]), (("mean_not_sum",), expected / names[size])]
    return tuple(variants)
