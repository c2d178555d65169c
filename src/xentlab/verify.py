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

import numpy as np
import sympy as sp

from xentlab.errors import VerificationError
from xentlab.model import Derivation, Proof, Step

POINTS = 9  # ≥ 8 random valid points per step
RTOL = 1e-10
PRECISION = 30  # digits: far beyond float64, so agreement is not luck of rounding
SYMBOLIC_OPS_LIMIT = 120  # above this, simplify() is not "cheap"

Sampler = Callable[[np.random.Generator, Mapping[sp.Symbol, int], "str | None"], dict]


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


def evaluate(expr, ints: Mapping[sp.Symbol, int], floats: Mapping) -> complex:
    """Value of a trusted expression at one point, to PRECISION digits."""
    # subs (not xreplace) so bound summation indices are left alone
    concrete = expr.subs({s: sp.Integer(v) for s, v in ints.items()}).doit()
    point = {s: sp.Float(repr(float(v)), PRECISION) for s, v in floats.items()}
    value = concrete.xreplace(point).evalf(PRECISION)
    if value.free_symbols:
        raise VerificationError(f"unbound symbols {sorted(map(str, value.free_symbols))} in {expr}")
    return complex(value)


def _close(a: complex, b: complex) -> bool:
    if not (math.isfinite(a.real) and math.isfinite(b.real)):
        return False
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def _symbolically_zero(step: Step) -> bool:
    if step.claim is None or step.assume is not None:
        return False
    diff = step.expr - step.claim
    if diff.has(sp.Sum, sp.Product) or sp.count_ops(diff) > SYMBOLIC_OPS_LIMIT:
        return False
    diff = sp.expand(sp.expand_log(diff.doit(), force=True))
    return sp.simplify(diff) == 0


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
            except (VerificationError, TypeError, ValueError):  # unbound or undefined: not proved
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
