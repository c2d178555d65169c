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
TRUSTED_SIZE = 1e3  # float64 is trusted where no intermediate exceeds 1000 × the result's scale
CLEAR_DIFFERENCE = 1e-6  # a trusted float64 difference larger than this (relative) is a disagreement
SUBNORMAL = 1e-290  # an intermediate closer to 0 than this may have lost digits (subnormal numbers)
PRECISIONS = (40, 400)  # decimal digits for the re-evaluation; the second only after a disagreement
SYMBOLIC_SECONDS = 1.0  # the symbolic confirmation's share of a check's time
MAX_SYMBOLIC_OPS = 60  # larger differences are not sent to simplify at all


def point_seed(answer_text: str, expected_text: str, item: int) -> int:
    digest = hashlib.sha256("\x00".join((str(item), expected_text, answer_text)).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:16], "little")


def point_rng(answer_text: str, expected_text: str, item: int, purpose: int = 1) -> np.random.Generator:
    from xentlab.verify import rng_for

    return rng_for(point_seed(answer_text, expected_text, item), purpose)


def sample_points(symbols, rng: np.random.Generator, count: int) -> dict:
    """`count` random valid values per symbol: probabilities in (0, 1), targets in [0, 1], logits
    real, sizes small integers."""
    points = {}
    for s in symbols:
        letter = s.name[0]
        if letter in "ypqL":
            points[s] = rng.uniform(0.05, 0.95, count)
        elif letter == "t":
            points[s] = rng.uniform(0.0, 1.0, count)
        elif letter in "NKT":
            points[s] = rng.integers(1, 7, count).astype(float)
        else:
            points[s] = rng.normal(0.0, 2.0, count)
    return points


def sample_point(symbols, rng: np.random.Generator) -> dict:
    """One random valid point (see sample_points)."""
    return {s: float(v[0]) for s, v in sample_points(symbols, rng, 1).items()}


# --- evaluation: float64 on whole arrays of points, then mpmath one point at a time -----------


class _Undefined(Exception):
    """Not a finite real number at this point (log of a negative, 0 in a denominator, …)."""


@lru_cache(maxsize=4096)
def compiled(expr):
    """expr as nested closures over NumPy arrays (built once per expression, by walking the SymPy
    tree: nothing is generated or executed as code). f(points, track) → values; `track` receives
    the largest and the smallest non-zero magnitude met on the way at each point (float64's rounding
    error scales with the first; below ~1e-290 it loses digits to subnormal numbers)."""
    import sympy as sp

    def tracked(f):
        def node(env, track):
            value = f(env, track)
            size = np.abs(value)
            np.fmax(track[0], size, out=track[0])
            np.fmin(track[1], np.where(size > 0, size, np.inf), out=track[1])
            return value
        return node

    def build(e):
        if e.is_Symbol:
            return lambda env, track: env[e]
        if e.is_Rational:
            constant = e.p / e.q
            return lambda env, track: constant
        if e.is_Float or e is sp.S.Pi or e is sp.S.Exp1:
            constant = float(e)
            return lambda env, track: constant
        if e.is_Add or e.is_Mul:
            parts = [build(a) for a in e.args]
            combine = np.add if e.is_Add else np.multiply

            def fold(env, track):
                value = parts[0](env, track)
                for part in parts[1:]:
                    value = combine(value, part(env, track))
                return value
            return tracked(fold)
        if e.is_Pow:
            base, exponent = build(e.base), (int(e.exp) if e.exp.is_Integer else build(e.exp))
            if isinstance(exponent, int):
                return tracked(lambda env, track: np.power(np.asarray(base(env, track), dtype=float), exponent))
            return tracked(lambda env, track: np.power(base(env, track), exponent(env, track)))
        if isinstance(e, (sp.log, sp.exp, sp.Abs)):
            inner, function = build(e.args[0]), {sp.log: np.log, sp.exp: np.exp, sp.Abs: np.abs}[e.func]
            return tracked(lambda env, track: function(inner(env, track)))
        return lambda env, track: math.nan  # zoo, nan, oo, I, or anything the parser never builds

    return build(expr)


def new_track(count: int) -> np.ndarray:
    """Where float_values records the largest (row 0) and smallest non-zero (row 1) magnitudes."""
    return np.stack((np.zeros(count), np.full(count, np.inf)))


def float_values(expr, points: dict, count: int, track: np.ndarray | None = None) -> np.ndarray:
    """expr at every point in float64; nan where undefined or not finite."""
    track = new_track(count) if track is None else track
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(compiled(expr)(points, track), dtype=float), (count,)).copy()
    values[~np.isfinite(values)] = np.nan
    return values


def float_value(expr, point: dict) -> float:
    """expr at one point in float64; nan when undefined or not finite."""
    return float(float_values(expr, {s: np.array([v]) for s, v in point.items()}, 1)[0])


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
        return lib.mpf(float(e))
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


def _decide(a, b, va: float, vb: float, size: float, smallest: float, point) -> tuple[bool | None, bool]:
    """(equal at this point? None when both sides are undefined there, needed a second look?)"""
    scale = _scale(va, vb) if not (math.isnan(va) or math.isnan(vb)) else math.nan
    if size <= TRUSTED_SIZE * scale and smallest > SUBNORMAL:  # float64's error is far below TIGHT · scale
        if abs(va - vb) <= TIGHT * scale:
            return True, False
        if abs(va - vb) > CLEAR_DIFFERENCE * scale:
            return False, False  # no second look needed
    point = point()
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
    count = (points + EXTRA_POINTS) * 4
    env = sample_points(symbols, rng, count)
    track = new_track(count)
    va, vb = float_values(a, env, count, track), float_values(b, env, count, track)
    agreed, needed, second_look = 0, points, False
    for i in range(count):
        checkpoint()
        same, looked = _decide(a, b, float(va[i]), float(vb[i]), float(track[0, i]), float(track[1, i]),
                               lambda i=i: {s: float(values[i]) for s, values in env.items()})
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
    env = sample_points(symbols, rng, points)
    values = float_values(expr, env, points)
    for i in np.flatnonzero(np.isnan(values)):  # float64 may only have underflowed or overflowed
        checkpoint()
        if mp_value(expr, {s: float(v[i]) for s, v in env.items()}, PRECISIONS[0]) is None:
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


def confirm(a_text: str, b_text: str) -> tuple[str, bool]:
    """('symbolic', False) when SymPy proved a == b within its share of the time, else
    ('numeric', whether it ran out of time)."""
    try:
        proved = run_in_worker("xentlab.equivalence", "symbolically_equal", a_text, b_text, timeout=SYMBOLIC_SECONDS)
    except CheckTimeout:
        return "numeric", True
    except WorkerError:
        return "numeric", False
    return ("symbolic" if proved else "numeric"), False


# --- the ways a derivation typically goes wrong ------------------------------------------------


@lru_cache(maxsize=4096)
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

    variants = [(("log_base_10",), rebase(expected, 10)), (("log_base_2",), rebase(expected, 2))]
    if expected.could_extract_minus_sign():  # a sign can only be dropped where there is one (E, not log L)
        variants = [(("sign_dropped",), -expected), *variants,
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
