"""At a wrong line, name the mistake: the wrong rules of the catalogue, tried at every place
they match in the correct next line (and in the forms one correct move away), alone and in
pairs; the one that reproduces the student's line, numerically at random valid points, wins
(fewest codes first, then catalogue order)."""

from __future__ import annotations

import sympy as sp

from xentlab.steps.canon import canonical
from xentlab.steps.catalogue import CATALOGUE
from xentlab.steps.moves import MOVES, Scope
from xentlab.steps.truth import Context, expand, holds, point_values, size_grid, turn, value
from xentlab.verify import rng_for

QUICK_POINTS = 3
MAX_CANDIDATES = 600
# Second mistakes worth pairing with a first: they act on the whole line.
GRADIENT_RULES = ("gradient_sign", "softmax_diagonal_only")
PAIRABLE = ("log_base_10", "log_base_2", "sign_dropped", "swapped_t_y", "t_dropped", "sum_not_mean")
_FAILURES = (TypeError, ValueError, AttributeError, IndexError, RecursionError, ZeroDivisionError)


def candidates(claim, scope: Scope, info: dict) -> list[tuple[tuple[str, ...], object, object]]:
    """(codes, wrong line, term) for one or two wrong rules applied to the claim (as written, and
    canonical) or to a form one correct move away. A derivative (∂E/∂z_j of the line before) takes
    only the rules of a gradient line: each candidate inside a derivative is differentiated anew at
    every size, and a slip inside the loss before differentiating is not what students write."""
    if isinstance(claim, sp.Derivative):
        return [((code,), result, term) for code, rule in CATALOGUE if code in GRADIENT_RULES
                for result, term in _safe(rule, claim, info)]
    start = canonical(claim)
    forms = [claim, start]
    for _, move in MOVES:
        try:
            forms += [canonical(f) for f in move(start, scope)]
        except _FAILURES:
            continue
    forms = list(dict.fromkeys(forms))[:8]
    found = []
    for form in forms:
        for code, rule in CATALOGUE:
            for result, term in _safe(rule, form, info):
                found.append(((code,), result, term))
    singles = [c for c in found if c[1] is not None]
    for codes, result, term in singles[:60]:
        for code, rule in CATALOGUE:
            if code not in PAIRABLE or code in codes:
                continue
            for second, _ in _safe(rule, result, info)[:2]:
                pair = tuple(sorted((*codes, code), key=_order))
                found.append((pair, second, term))
    return found[:MAX_CANDIDATES]


def _order(code: str) -> int:
    return [c for c, _ in CATALOGUE].index(code)


def _safe(rule, form, info):
    try:
        return [(r, t) for r, t in rule(form, info) if r is not None]
    except _FAILURES:
        return []


def diagnose(ctx: Context, lhs, claim, target, domain: str, scope: Scope, info: dict, path: tuple):
    """(codes, term) of the wrong rule(s) that turn `claim` into `target`, or ((), None)."""
    expanded_target = expand(ctx, target)
    points = _quick_points(ctx, sp.Tuple(expand(ctx, claim), expanded_target, expand(ctx, lhs)), domain, path,
                           expanded_target)
    if not points:
        return (), None
    wanted = [value(expanded_target, ints, floats) for ints, floats in points]
    matches = []
    for codes, wrong, term in candidates(claim, scope, info):
        expanded = expand(ctx, wrong)
        got = [value(expanded, ints, floats) for ints, floats in points]
        if all(g is not None and abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, wanted)):
            matches.append((len(codes), [_order(c) for c in codes], codes, wrong, term))
    for _, _, codes, wrong, term in sorted(matches, key=lambda m: (m[0], m[1])):
        if holds(ctx, wrong, target, domain, *path, 7).holds:
            return codes, term
    return (), None


def _quick_points(ctx: Context, expr, domain: str, path: tuple, target) -> list:
    """A few points where the student's line has a value (log t is undefined where t = 0)."""
    grid = size_grid(ctx, expr, domain)
    rng = rng_for(ctx.seed, *path, 5)
    points = []
    for q in range(QUICK_POINTS * 8):
        ints, floats = point_values(ctx, grid[q % len(grid)], domain, rng, turn(q, len(grid)))
        if value(target, ints, floats) is not None:
            points.append((ints, floats))
            if len(points) == QUICK_POINTS:
                break
    return points
