"""Lines with numbers: values given (--y/--t) or substituted in the derivation, a substitution
line read as the values it binds, and a computed value compared as an answer is (0.5 % or
correctly rounded)."""

from __future__ import annotations

import math

import sympy as sp

from xentlab import notation as n

VARIABLES = (n.y, n.t, n.z, n.p)
SCALARS = (n.y_scalar, n.t_scalar)
ANSWER_TOLERANCE = {"rtol": 0.005, "atol": 0.0, "sig_figs": 3}


def is_numeric(expr) -> bool:
    return not expr.free_symbols and not expr.atoms(sp.Indexed)


def is_variable(e) -> bool:
    return e in SCALARS or (isinstance(e, sp.Indexed) and e.base in VARIABLES and all(i.is_Integer for i in e.indices))


def bindings_from(values: dict | None, kind: str) -> dict:
    """{"y": [[0.33, 0.32, 0.35]], "t": [[1, 0, 0]]} → {y[1]: 0.33, …} (rows → y[n, k] for a batch;
    one value → the scalar y of the binary case)."""
    out: dict = {}
    for name, rows in (values or {}).items():
        base = {"y": n.y, "t": n.t, "z": n.z, "p": n.p}[name]
        rows = [list(r) for r in rows] if rows and isinstance(rows[0], (list, tuple)) else [list(rows)]
        if kind == "binary" and all(len(r) == 1 for r in rows):
            if len(rows) == 1:
                out[{"y": n.y_scalar, "t": n.t_scalar}.get(name, base)] = float(rows[0][0])
            out |= {base[q + 1]: float(r[0]) for q, r in enumerate(rows)}
        elif len(rows) == 1 and kind != "multiclass-batch":
            out |= {base[q + 1]: float(v) for q, v in enumerate(rows[0])}
        else:
            out |= {base[r + 1, q + 1]: float(v) for r, row in enumerate(rows) for q, v in enumerate(row)}
    return out


def unify(pattern, concrete, found: dict) -> bool:
    """Walk the line before and the substituted line side by side (both as written); where the
    first has a variable and the second a number, that is the value substituted."""
    if is_variable(pattern):
        if concrete.is_Number:
            value = float(concrete)
            if pattern in found and not math.isclose(found[pattern], value, rel_tol=1e-12, abs_tol=1e-15):
                return False
            found[pattern] = value
            return True
        return pattern == concrete
    if pattern.is_Number or not pattern.args:
        return pattern == concrete or (pattern.is_Number and concrete.is_Number and float(pattern) == float(concrete))
    if type(pattern) is not type(concrete) or len(pattern.args) != len(concrete.args):
        return False
    return all(unify(a, b, found) for a, b in zip(pattern.args, concrete.args))


def substituted(before, after, written_out) -> dict | None:
    """The values `after` substitutes into `before` (or into its written-out form), or None."""
    for pattern in (before, written_out):
        found: dict = {}
        if pattern is not None and unify(pattern, after, found) and found:
            return found
    return None


def answer_matches(expected: float, typed_value: float, typed_text: str) -> bool:
    """As a final answer is marked: within 0.5 %, or the value correctly rounded (≥ 3 figures)."""
    from xentlab.check import within

    bare = typed_text.strip().lstrip("=").strip()
    return within(expected, typed_value, ANSWER_TOLERANCE, bare)


def exact_matches(expected: float, value: float) -> bool:
    return abs(expected - value) <= 1e-9 * max(1.0, abs(expected), abs(value))


def plain_decimal(text: str) -> bool:
    """A value typed as a bare decimal (a final answer), not an expression still to compute."""
    import re

    bare = text.strip().lstrip("=").strip().replace("−", "-")
    return re.fullmatch(r"[+-]?\s*(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", bare) is not None
