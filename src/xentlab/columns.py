"""Numbers as a table shows them: one column, one number of decimals.

A column of probabilities the user typed keeps their digits, padded to the longest (0.10 beside
0.25, never 0.1); probabilities the program computed (softmax) get 4 decimals; targets are
integers when they are (1, 0, never 1.000); losses keep 4 significant figures, exactly the
numbers the substitution line adds up. Each cell comes back as a numeral (a SymPy Symbol named by
its text), so the templates set it as math: a real minus sign, in every format.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

COMPUTED_DECIMALS = 4
MAX_DECIMALS = 6


def decimals_needed(value: float) -> int:
    """Digits after the point in the shortest decimal that reads back as `value`."""
    text = np.format_float_positional(float(value), trim="-")
    return len(text.split(".")[1]) if "." in text else 0


def same_decimals(values, least: int = 0, most: int = MAX_DECIMALS) -> list[str]:
    """Every value with the same number of decimals: as many as the longest needs."""
    values = [float(v) for v in values]
    places = min(most, max([least, *(decimals_needed(v) for v in values if math.isfinite(v))]))
    return [f"{v:.{places}f}" if math.isfinite(v) else ("∞" if v > 0 else "−∞") for v in values]


def computed_decimals(values) -> list[str]:
    """Probabilities the program computed: COMPUTED_DECIMALS decimals each, half-up, exactly as the
    worked lines show them (worked.fixed)."""
    from xentlab.rounding import fixed_places

    return [fixed_places(float(v), COMPUTED_DECIMALS) for v in values]


def numerals(texts) -> list:
    return [sp.Symbol(text) for text in texts]


def same(values, least: int = 0) -> list:
    """same_decimals as numerals, for a row or column of a question's table."""
    return numerals(same_decimals(values, least))


def _losses(values) -> list:
    from xentlab.worked import sig

    return [sig(v) for v in values]


def cells(solution) -> list[list]:
    """The solution's table, row by row: numerals formatted per column, a target as the dict the
    language's template phrases, None where a column has no value (shown as a dash)."""
    table = solution.table
    if not table:
        return []
    columns = {}
    for key in table[0]:
        values = [row[key] for row in table]
        if key in ("n", "k", "i"):
            columns[key] = numerals(str(v) for v in values)
        elif key == "target":
            columns[key] = values
        elif key == "loss":
            columns[key] = _losses(values)
        elif key == "t" and all(float(v) in (0.0, 1.0) for v in values):
            columns[key] = numerals(str(int(v)) for v in values)
        elif key == "z":
            columns[key] = same(values)
        else:  # probabilities: computed ones (softmax) to 4 decimals, typed ones as typed
            computed = solution.kind == "softmax-cross-entropy" and key in ("y", "y_target")
            present = [v for v in values if v is not None]
            texts = iter(computed_decimals(present) if computed else same_decimals(present))
            columns[key] = [None if v is None else sp.Symbol(next(texts)) for v in values]
    return [[columns[key][row] for key in table[0]] for row in range(len(table))]
