"""Prove each step before anything prints it.

A step's `claim` is built mechanically from the step before (its log, its
negation, its derivative…). The step's own `expr` is the textbook form we
wrote by hand. Both must agree at random valid points, for several concrete
sizes when the step is general in K, N or T; where the difference is cheap to
simplify, SymPy must also reduce it to exactly 0. `equals()` returning None is
never taken as proof.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from xentlab.errors import VerificationError
from xentlab.model import Derivation, Proof, Step

POINTS = 9  # ≥ 8 random valid points per step
RTOL = 1e-9  # double precision with fsum: rounding stays many orders of magnitude below this
SYMBOLIC_OPS_LIMIT = 120  # above this, simplify() is not "cheap"

Sampler = Callable[[np.random.Generator, Mapping[sp.Symbol, int], "str | None"], dict]

# Named domains: the conditions a step may assume (Step.assume), each narrower than "general".
# A checked line that holds only on one of these gets `ok_if` with its name (xentlab.steps).
GENERAL = "general"  # y in (0, 1) summing to 1; t one-hot, soft or counts; any N
NAMED_DOMAINS = ("sum_to_one", "one_hot", "single_sample")  # Σ_k t_k = 1; t one-hot; N = 1
NARROWER = {GENERAL: NAMED_DOMAINS, "sum_to_one": ("one_hot",), "one_hot": (), "single_sample": ()}
PRECISE_DIGITS = 50  # mpmath precision where double precision is unsure


@dataclass(frozen=True)
class Domain:
    """Where a derivation's expressions live.

    `sizes` lists concrete values to try for each size symbol (K, N, T).
    `sample(rng, sizes, assume)` returns a valid point: ints for index symbols
    (j, c…) and floats for every indexed or scalar variable.
    """

    sizes: Mapping[sp.Symbol, Sequence[int]]
    sample: Sampler

    def size_grid(self, expr) -> list[dict[sp.Symbol, int]]:
        free = [s for s in self.sizes if s in expr.free_symbols]
        if not free:
            return [{}]
        grids = [dict(zip(free, combo)) for combo in zip(*(self.sizes[s] for s in free))]
        return grids


def rng_for(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=path))


@lru_cache(maxsize=4096)
def _without_derivatives(expr, ints: tuple[tuple[sp.Symbol, int], ...]):
    """Derivatives carried out symbolically at concrete sizes and indices (cached: points share it).
    Sums and products stay: the evaluator below loops over them without rebuilding the tree."""
    if not expr.has(sp.Derivative):
        return expr
    # subs (not xreplace) so bound summation indices are left alone
    return expr.subs({s: sp.Integer(v) for s, v in ints}).doit()


@lru_cache(maxsize=4096)
def _derivative_indices(expr) -> frozenset | None:
    """The free symbols a derivative in `expr` depends on (None: no derivative to carry out)."""
    return frozenset(expr.free_symbols) if expr.has(sp.Derivative) else None


def evaluate(expr, ints: Mapping[sp.Symbol, int], floats: Mapping) -> complex:
    """Value of a trusted expression at one point (double precision; sums kept exact with fsum).
    A value outside the reals (log of a negative number) raises ValueError: not proved."""
    free = _derivative_indices(expr)
    if free is None:
        concrete = expr
    else:  # keyed by the sizes and indices the expression uses, so points that share them share the work
        key = tuple(sorted(((s, v) for s, v in ints.items() if s in free), key=lambda item: sp.default_sort_key(item[0])))
        concrete = _without_derivatives(expr, key)
    values = {}
    for variable, value in floats.items():
        name = (variable.base.label, tuple(int(i) for i in variable.indices)) if isinstance(variable, sp.Indexed) else variable
        values[name] = float(value)
    return complex(_mp(concrete, dict(ints), values))


def _mp(e, env: dict, values: dict):
    """Walk the tree in floats. `env` holds integer sizes, indices and summation variables."""
    if e.is_Number:
        return e.p / e.q if e.is_Rational else float(e)
    if isinstance(e, sp.Indexed):
        key = (e.base.label, tuple(int(_mp(i, env, values)) for i in e.indices))
        if key not in values:
            raise VerificationError(f"unbound symbol {e} at {key[1]}")
        return values[key]
    if e.is_Symbol:
        if e in env:
            return float(env[e])
        if e not in values:
            raise VerificationError(f"unbound symbol {e}")
        return values[e]
    if e is sp.E or e is sp.pi:
        return math.e if e is sp.E else math.pi
    if e.is_Add:
        return math.fsum([_mp(a, env, values) for a in e.args])
    if e.is_Mul:
        return math.prod([_mp(a, env, values) for a in e.args])
    if e.is_Pow:
        return math.pow(_mp(e.base, env, values), _mp(e.exp, env, values))
    if isinstance(e, sp.log):
        return math.log(_mp(e.args[0], env, values))
    if isinstance(e, sp.exp):
        return math.exp(_mp(e.args[0], env, values))
    if isinstance(e, (sp.Sum, sp.Product)):
        return _big_operator(e, env, values)
    if isinstance(e, sp.KroneckerDelta):
        return float(_mp(e.args[0], env, values) == _mp(e.args[1], env, values))
    raise VerificationError(f"cannot evaluate {type(e).__name__} in a proof")


def evaluate_precise(expr, ints: Mapping[sp.Symbol, int], floats: Mapping, digits: int = PRECISE_DIGITS):
    """evaluate() in mpmath at `digits` digits, for values float64 cannot settle (cancellation,
    overflow). Returns an mpmath number (mpf or mpc)."""
    import mpmath

    key = tuple(sorted(ints.items(), key=lambda item: sp.default_sort_key(item[0])))
    concrete = _without_derivatives(expr, key)
    values = {}
    for variable, value in floats.items():
        name = (variable.base.label, tuple(int(i) for i in variable.indices)) if isinstance(variable, sp.Indexed) else variable
        values[name] = mpmath.mpf(float(value))
    with mpmath.workdps(digits):
        return +_precise(concrete, dict(ints), values, mpmath)


def _precise(e, env: dict, values: dict, mp):
    if e.is_Number:
        return mp.mpf(e.p) / e.q if e.is_Rational else mp.mpf(float(e))
    if isinstance(e, sp.Indexed):
        key = (e.base.label, tuple(int(_precise(i, env, values, mp)) for i in e.indices))
        if key not in values:
            raise VerificationError(f"unbound symbol {e} at {key[1]}")
        return values[key]
    if e.is_Symbol:
        if e in env:
            return mp.mpf(env[e])
        if e not in values:
            raise VerificationError(f"unbound symbol {e}")
        return values[e]
    if e is sp.E:
        return mp.e
    if e is sp.pi:
        return mp.pi
    if e.is_Add:
        return mp.fsum(_precise(a, env, values, mp) for a in e.args)
    if e.is_Mul:
        return mp.fprod(_precise(a, env, values, mp) for a in e.args)
    if e.is_Pow:
        return mp.power(_precise(e.base, env, values, mp), _precise(e.exp, env, values, mp))
    if isinstance(e, sp.log):
        return mp.log(_precise(e.args[0], env, values, mp))
    if isinstance(e, sp.exp):
        return mp.exp(_precise(e.args[0], env, values, mp))
    if isinstance(e, (sp.Sum, sp.Product)):
        combine = mp.fsum if isinstance(e, sp.Sum) else mp.fprod

        def over(limits, scope):
            if not limits:
                return _precise(e.function, scope, values, mp)
            (index, lo, hi), rest = limits[-1], limits[:-1]
            first, last = int(_precise(lo, scope, values, mp)), int(_precise(hi, scope, values, mp))
            return combine([over(rest, {**scope, index: n}) for n in range(first, last + 1)])

        return over(e.limits, env)
    if isinstance(e, sp.KroneckerDelta):
        return mp.mpf(_precise(e.args[0], env, values, mp) == _precise(e.args[1], env, values, mp))
    raise VerificationError(f"cannot evaluate {type(e).__name__} in a proof")


def _big_operator(e, env: dict, values: dict):
    combine = math.fsum if isinstance(e, sp.Sum) else math.prod

    def over(limits, scope):
        if not limits:
            return _mp(e.function, scope, values)
        (index, lo, hi), rest = limits[-1], limits[:-1]  # the last limit is the outermost
        first, last = int(_mp(lo, scope, values)), int(_mp(hi, scope, values))
        return combine([over(rest, {**scope, index: n}) for n in range(first, last + 1)])

    return over(e.limits, env)


def _close(a: complex, b: complex) -> bool:
    if not (math.isfinite(a.real) and math.isfinite(b.real)):
        return False
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def _symbolically_zero(step: Step) -> bool:
    if step.claim is None or step.assume is not None:
        return False
    diff = step.expr - step.claim
    # general sums, and derivatives by y_j with a symbolic j (Kronecker deltas), are not cheap
    if diff.has(sp.Sum, sp.Product, sp.Derivative) or sp.count_ops(diff) > SYMBOLIC_OPS_LIMIT:
        return False
    diff = sp.expand(sp.expand_log(diff.doit(), force=True))
    return diff == 0 or sp.simplify(diff) == 0  # expand settles most steps; simplify only for the rest


def prove_step(step: Step, domain: Domain, rng: np.random.Generator) -> Proof | None:
    """A Proof if expr == claim at every sampled point (or, for a definition, is finite there)."""
    exprs = step.expr if step.claim is None else sp.Tuple(step.expr, step.claim)
    grid = domain.size_grid(exprs)
    per_size = max(1, math.ceil(POINTS / len(grid)))
    checked = 0
    for sizes in grid:
        for _ in range(per_size):
            point = domain.sample(rng, sizes, step.assume)
            ints = {**sizes, **{s: v for s, v in point.items() if isinstance(v, int)}}
            floats = {s: v for s, v in point.items() if not isinstance(v, int)}
            try:
                lhs = evaluate(step.expr, ints, floats)
                rhs = lhs if step.claim is None else evaluate(step.claim, ints, floats)
            except (VerificationError, TypeError, ValueError, OverflowError, ZeroDivisionError):  # undefined: not proved
                return None
            if not _close(lhs, rhs) or abs(lhs.imag) > RTOL:
                return None
            checked += 1
    sizes_tried = tuple(", ".join(f"{s} = {v}" for s, v in g.items()) for g in grid if g)
    return Proof(numeric_points=checked, symbolic=_symbolically_zero(step), sizes=sizes_tried)


def verify(derivation: Derivation, seed: int = 0) -> Derivation:
    """Every step proved, or VerificationError naming the first one that is not."""
    proved = []
    for index, step in enumerate(derivation.steps):
        proof = prove_step(step, derivation.domain, rng_for(seed, index))
        if proof is None:
            raise VerificationError(
                f"{derivation.kind}: step {index + 1} ({step.rule}) does not follow from the step before it"
            )
        proved.append(step.proved(proof))
    return Derivation(derivation.kind, tuple(proved), derivation.result, derivation.domain, derivation.params)
