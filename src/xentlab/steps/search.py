"""Naming a step: breadth-first over sequences of moves, comparing canonical forms.

The search only names; it never decides truth (that is numeric, in truth.py). A target that
is the next move applied to some of the places it matches counts as reached (a student may
bring down two exponents of three), so partial applications are named too. The search is
bounded in depth and in the number of forms it visits, so a hard line costs at most that.
"""

from __future__ import annotations

import sympy as sp

from xentlab.steps.canon import canonical
from xentlab.steps.moves import MOVES, Scope

MAX_DEPTH = 4  # one more than a step may hold, so a 4-rule step is named as a big step
MAX_FORMS = 250


def search(start, target, scope: Scope, max_depth: int = MAX_DEPTH, first: str | None = None) -> list[str] | None:
    """The shortest list of rule ids turning start into target, or None. `first` forces the
    first move (to test a cited rule)."""
    origin, goal = canonical(start), canonical(target)
    if origin == goal and first is None:
        return []
    moves = dict(MOVES)
    after_goal: dict[str, list] = {}
    frontier = [(origin, [])]
    seen = {origin}
    for depth in range(max_depth):
        following = []
        for form, path in frontier:
            for rule, move in MOVES:
                if depth == 0 and first is not None and rule != first:
                    continue
                for child in _apply(move, form, scope):
                    if child == form:
                        continue
                    if child == goal or _partial(rule, moves[rule], child, goal, scope, after_goal, form):
                        return path + [rule]
                    if child not in seen:
                        seen.add(child)
                        following.append((child, path + [rule]))
                    if len(seen) > MAX_FORMS:
                        return None
        frontier = following
    return None


def _apply(move, form, scope):
    try:
        return [canonical(result) for result in move(form, scope)]
    except (TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return []  # a move that cannot take this shape simply does not apply


_PLACES = {
    "log_power": lambda e: type(e) is sp.log and (type(e.args[0]) is sp.Pow or type(e.args[0]) is sp.exp),
    "log_product_to_sum": lambda e: type(e) is sp.log and isinstance(e.args[0], (sp.Mul, sp.Product)),
    "log_exp": lambda e: type(e) is sp.log and type(e.args[0]) is sp.exp,
    "distribute": lambda e: isinstance(e, sp.Mul) and any(isinstance(f, sp.Add) for f in e.args),
}


def _places(rule, expr) -> int:
    return sum(1 for e in sp.preorder_traversal(expr) if _PLACES[rule](e))


def _partial(rule, move, child, goal, scope, after_goal, parent) -> bool:
    """goal is the parent with the move applied at some of its places (fewer left than in the
    parent, but not none): the move applied everywhere to goal gives the same as to the parent."""
    if rule not in _PLACES:
        return False
    if rule not in after_goal:
        after_goal[rule] = [g for g in _apply(move, goal, scope) if g != goal]
    if not any(child == g for g in after_goal[rule]):
        return False
    return 0 < _places(rule, goal) < _places(rule, parent)
