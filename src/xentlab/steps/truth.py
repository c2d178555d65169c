"""Truth: does a line hold, given the definitions and a named domain? Numerically, at random
valid points (several sizes where K, N, T are symbolic), in double precision, and in mpmath
where double precision is unsure. Every draw comes from verify.rng_for(seed, …)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from xentlab import notation as n
from xentlab.errors import VerificationError
from xentlab.steps.kinds import Kind, sample
from xentlab.verify import evaluate, evaluate_precise, rng_for

POINTS = 8  # ≥ 8 random valid points per check
# Draws allowed to reach POINTS defined ones: a line with log t_k is undefined wherever a target
# is 0 (every one-hot draw), and 3 draws per point left some lines undecided (then "not true").
# A line still undefined everywhere after HOPELESS draws is given up on (each costs mpmath).
ATTEMPTS = POINTS * 8
HOPELESS = POINTS * 3
RTOL = 1e-9
UNSURE = 1e-5  # relative differences between RTOL and this are settled in mpmath
SIZES = (n.K, n.N, n.T, n.V)
_FAILURES = (VerificationError, TypeError, ValueError, OverflowError, ZeroDivisionError, ArithmeticError, KeyError)


@dataclass
class Context:
    """What every check of one derivation shares."""

    kind: Kind
    seed: int
    fixed: dict = field(default_factory=dict)  # size → value pinned by written indices (y_1 … y_3: K = 3)
    highest: dict = field(default_factory=dict)
    bindings: dict = field(default_factory=dict)  # variable → value given (--y/--t) or substituted in a line
    alternative: int = 0  # which definition of a quantity with several (binary E) the derivation uses


@dataclass(frozen=True)
class Outcome:
    holds: bool | None  # None: undefined at too many points to decide
    counterexample: dict | None = None


def expand(ctx: Context, expr, alternative: int | None = None):
    """expr with every quantity (L, E, E_sum, E_i, PPL, ∂E/∂z_j) replaced by its definition."""
    alternative = ctx.alternative if alternative is None else alternative
    return _expand(ctx.kind, expr, alternative)


@lru_cache(maxsize=4096)
def _expand(kind: Kind, expr, alternative: int):
    ctx = Context(kind, 0)
    mapping = {}
    for quantity, definitions in ctx.kind.definitions.items():
        definition = definitions[min(alternative, len(definitions) - 1)]
        if isinstance(quantity, sp.Indexed):  # E_i: match E_q for any index q
            for atom in expr.atoms(sp.Indexed):
                if atom.base == quantity.base:
                    mapping[atom] = definition.xreplace({quantity.indices[0]: atom.indices[0]})
        elif isinstance(quantity, sp.Derivative):
            for d in expr.atoms(sp.Derivative):
                if d.expr == quantity.expr and d.variables[0].base == quantity.variables[0].base:
                    mapping[d] = definition.xreplace({quantity.variables[0].indices[0]: d.variables[0].indices[0]})
        else:
            mapping[quantity] = definition
    return expr.xreplace(mapping) if mapping else expr


def size_grid(ctx: Context, expr, condition: str) -> list[dict]:
    present = [s for s in SIZES if s in _free(expr) or s in ctx.fixed]
    grid = [{}]
    for size in present:
        if size is n.N and condition == "single_sample":
            values = (1,)
        elif size in ctx.fixed:
            values = (ctx.fixed[size],)
        else:
            values = ctx.kind.sizes.get(size, (2, 3, 4))
        grid = [{**g, size: v} for g in grid for v in values]
    return grid[:6]


def point_values(ctx: Context, sizes: dict, condition: str, rng, turn: int | None = None) -> tuple[dict, dict]:
    point = sample(ctx.kind, rng, sizes, condition, ctx.highest, turn)
    ints = {**sizes, **{s: val for s, val in point.items() if isinstance(val, int)}}
    floats = {s: val for s, val in point.items() if not isinstance(val, int)}
    floats.update(ctx.bindings)
    return ints, floats


@lru_cache(maxsize=8192)
def _free(expr) -> frozenset:
    """Free symbols, counting the index of what a derivative is taken by (∂/∂y_j: j), which
    SymPy's free_symbols of a Derivative leaves out."""
    free = set(expr.free_symbols)
    for d in expr.atoms(sp.Derivative):
        for variable in d.variables:
            free |= variable.free_symbols
    return frozenset(free)


def value(expr, ints: dict, floats: dict, precise: bool = False):
    """expr at a point: a float (or mpmath number when precise), None where undefined."""
    free = _free(expr)
    relevant = {s: v for s, v in ints.items() if s in free or s in SIZES}
    try:
        if precise:
            result = evaluate_precise(expr, relevant, floats)
            return None if abs(result.imag) > 1e-30 * max(1, abs(result)) else result.real
        result = evaluate(expr, relevant, floats)
    except _FAILURES:
        return None
    if not math.isfinite(result.real) or abs(result.imag) > RTOL * max(1.0, abs(result.real)):
        return None
    return result.real


def _finite(x) -> bool:
    import mpmath

    return bool(mpmath.isfinite(x))


def _close(a, b) -> bool:
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def compare(lhs, rhs, ints: dict, floats: dict) -> tuple[bool | None, float | None, float | None]:
    """(equal?, lhs value, rhs value) at one point; None where either side is undefined."""
    a, b = value(lhs, ints, floats), value(rhs, ints, floats)
    if a is None or b is None or not _close(a, b):
        if a is None or b is None or abs(a - b) <= UNSURE * max(1.0, abs(a), abs(b)):
            pa, pb = value(lhs, ints, floats, True), value(rhs, ints, floats, True)
            if pa is None or pb is None or not (_finite(pa) and _finite(pb)):
                return None, a, b
            return bool(abs(pa - pb) <= 1e-30 * max(1, abs(pa), abs(pb))), float(pa), float(pb)
        return False, a, b
    return True, a, b


def holds(ctx: Context, lhs, rhs, condition: str, *path: int, alternative: int | None = None) -> Outcome:
    """lhs = rhs at POINTS random valid points of the named domain (quantities by their definitions)."""
    left, right = expand(ctx, lhs, alternative), expand(ctx, rhs, alternative)
    both = sp.Tuple(left, right)
    grid = size_grid(ctx, both, condition)
    rng = rng_for(ctx.seed, *path)
    defined = 0
    for attempt in range(ATTEMPTS):
        sizes = grid[attempt % len(grid)]
        ints, floats = point_values(ctx, sizes, condition, rng, turn(attempt, len(grid)))
        same, a, b = compare(left, right, ints, floats)
        if same is None:
            if defined == 0 and attempt + 1 >= HOPELESS:
                break
            continue
        if not same:
            return Outcome(False, counterexample(both, ints, floats, a, b))
        defined += 1
        if defined >= POINTS:
            return Outcome(True)
    return Outcome(None)


def turn(attempt: int, grid_size: int) -> int:
    """The target shape of a draw, so that every size of the grid meets every shape (the sizes
    cycle with the draws; where their number is a multiple of 3 the shapes shift each round)."""
    return attempt + (attempt // grid_size if grid_size % 3 == 0 else 0)


def counterexample(expr, ints: dict, floats: dict, lhs_value, rhs_value) -> dict:
    """The point, restricted to what the line uses: {"values": {"K": 3, "y_1": 0.21, …}, "lhs", "rhs"}."""
    sizes = {s: v for s, v in ints.items() if s in SIZES and s in _free(expr)}
    concrete = _written_out(expr, tuple(sorted(sizes.items(), key=lambda kv: kv[0].name)))
    shown = {s.name: val for s, val in ints.items() if s in _free(expr)}
    used = concrete.atoms(sp.Indexed) | concrete.free_symbols
    for s, val in floats.items():
        if s in used:
            shown[_name(s)] = _number(val)
    return {"values": dict(sorted(shown.items())), "lhs": _round(lhs_value), "rhs": _round(rhs_value)}


@lru_cache(maxsize=256)
def _written_out(expr, sizes: tuple):
    try:
        return expr.xreplace({s: sp.Integer(v) for s, v in sizes}).doit()
    except Exception:  # noqa: BLE001 - only narrows what the counterexample lists
        return expr


def _name(s) -> str:
    if isinstance(s, sp.Indexed):
        return f"{s.base}_" + ",".join(str(i) for i in s.indices)
    return str(s)


def _round(x):
    return None if x is None else _number(x)


def _number(x):
    """6 significant figures; a whole number as an int (t_1 = 1, not 1.0)."""
    rounded = float(f"{x:.6g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded
