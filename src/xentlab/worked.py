"""The symbolic side of a worked solution: formulas from the derivations, and the
substitution of the user's numbers into them, as SymPy objects for the templates."""

from __future__ import annotations

import numpy as np
import sympy as sp

from xentlab import rules
from xentlab.derivations import derive
from xentlab.notation import PPL, E, log_base, numeral

WRITE_OUT_UP_TO = 8  # classes: beyond this the general Σ form reads better than a long line


def sig(value: float) -> sp.Symbol:
    """The value to 4 significant figures, as a numeral."""
    return sp.Symbol(f"{value:#.4g}".rstrip(".")) if np.isfinite(value) else sp.oo


def in_base(expr, base: str):
    """Every natural log shown in the requested base (log_2, log_10)."""
    if base == "e":
        return expr
    return rules.rewrite(expr, lambda e: isinstance(e, sp.log), lambda e: log_base(e.args[0], sp.Integer(int(base))))


def _log(x, base: str):
    return sp.log(x, evaluate=False) if base == "e" else log_base(x, sp.Integer(int(base)))


def _neg(e):
    return sp.Mul(-1, e, evaluate=False)


def _plus(*terms):
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _times(*factors):
    return sp.Mul(*factors, evaluate=False)


def _mean_of(values, count_symbol, reduction):
    body = _plus(*(sig(v) for v in values))
    body = sp.Mul(body, evaluate=False) if len(values) == 1 else body
    return body if reduction == "sum" else _times(1 / count_symbol, body)


def _cross_entropy_row(y_row, t_row, base, digits: int = 6):
    def y_(v):
        return sp.Symbol(f"{v:.{digits}g}")

    terms = [_times(numeral(tk), _log(y_(yk), base)) for yk, tk in zip(y_row, t_row)]
    surviving = [_times(numeral(tk), _log(y_(yk), base)) if tk != 1 else _log(y_(yk), base)
                 for yk, tk in zip(y_row, t_row) if tk != 0]
    return _neg(_plus(*terms)), _neg(_plus(*surviving)) if surviving else sp.Integer(0)


def _batch_lines(solution, count_symbol, lhs=E):
    n = sp.Symbol(str(len(solution.per_sample)))
    total = _plus(*(sig(v) for v in solution.per_sample))
    rhs = total if solution.reduction == "sum" else _times(sp.Pow(n, -1, evaluate=False), total)
    solution.substitution += [(lhs, rhs), (lhs, sig(solution.value))]


def cross_entropy(solution, y2, t2, batch: bool) -> None:
    classes = y2.shape[1]
    if batch:
        general = derive("multiclass-batch").result
        solution.formula.append((E, in_base(general if solution.reduction == "mean" else _times(sp.Symbol("N"), general), solution.base)))
        solution.table = [
            {"n": row + 1, "target": _describe_target(t2[row]), "y_target": _y_at_target(y2[row], t2[row]), "loss": loss}
            for row, loss in enumerate(solution.per_sample)
        ]
        _batch_lines(solution, sp.Symbol("N"))
        return
    formula = derive("multiclass", classes=classes).result if classes <= WRITE_OUT_UP_TO else derive("multiclass").result
    solution.formula.append((E, in_base(formula, solution.base)))
    every_term, surviving = _cross_entropy_row(y2[0], t2[0], solution.base)
    solution.substitution += [(E, every_term), (E, surviving), (E, sig(solution.value))]
    _note_vanishing_terms(solution, t2[0])


def _note_vanishing_terms(solution, t_row) -> None:
    """Say why the t_k = 0 terms dropped out: one term is left (one-hot) or several (soft, multi-hot)."""
    left = np.count_nonzero(t_row)
    if left and left < t_row.size:  # (with no term left, E = 0 says it all)
        solution.notes.append("zero_terms_vanish" if left == 1 else "zero_terms_vanish_many")


def _describe_target(row) -> dict:
    """What a target row is, as data for the language's table cell: {"classes": [0-based…]} for one-hot
    and multi-hot rows, {"soft": True} otherwise."""
    hot = np.flatnonzero(row)
    if hot.size and np.all((row == 0) | (row == 1)):
        return {"classes": [int(c) for c in hot]}
    return {"soft": True}


def _y_at_target(y_row, t_row) -> float | None:
    """y of the one target class (None when the target is spread over several classes)."""
    return float(y_row[np.flatnonzero(t_row)[0]]) if np.count_nonzero(t_row) == 1 else None


def binary(solution, y, t) -> None:
    formula = derive("binary").result
    solution.formula.append((E, in_base(formula, solution.base)))
    if len(y) == 1:
        yy, tt = y[0], t[0]
        every = _neg(_plus(_times(numeral(tt), _log(numeral(yy), solution.base)),
                           _times(numeral(1 - tt), _log(numeral(1 - yy), solution.base))))
        solution.substitution += [(E, every), (E, sig(solution.value))]
        return
    solution.table = [{"n": q + 1, "y": float(y[q]), "t": float(t[q]), "loss": loss} for q, loss in enumerate(solution.per_sample)]
    _batch_lines(solution, sp.Symbol("N"))


def softmax(solution, z2, probs, t2, batch: bool) -> None:
    definition = derive("softmax-gradient").steps[0]
    solution.formula += [(definition.lhs, definition.expr), (E, in_base(derive("multiclass").result, solution.base))]
    if batch:
        solution.table = [
            {"n": row + 1, "target": _describe_target(t2[row]), "y_target": _y_at_target(probs[row], t2[row]), "loss": loss}
            for row, loss in enumerate(solution.per_sample)
        ]
        _batch_lines(solution, sp.Symbol("N"))
        return
    solution.table = [{"k": q + 1, "z": float(z2[0][q]), "y": float(probs[0][q]), "t": float(t2[0][q])} for q in range(z2.shape[1])]
    every_term, surviving = _cross_entropy_row(probs[0], t2[0], solution.base, digits=4)
    solution.substitution += [(E, every_term), (E, surviving), (E, sig(solution.value))]
    _note_vanishing_terms(solution, t2[0])


def sse(solution, y2, t2, batch: bool, half: bool) -> None:
    classes = y2.shape[1]
    formula = derive("sse", classes=classes if classes <= WRITE_OUT_UP_TO else None, half=half).result
    solution.formula.append((E, formula))
    if batch:
        solution.table = [{"n": row + 1, "loss": loss} for row, loss in enumerate(solution.per_sample)]
        _batch_lines(solution, sp.Symbol("N"))
        return
    squares = _plus(*(sp.Pow(sp.Add(numeral(a), _neg(numeral(b)), evaluate=False), 2, evaluate=False) for a, b in zip(y2[0], t2[0])))
    every = _times(sp.Rational(1, 2), squares) if half else squares
    solution.substitution += [(E, every), (E, sig(solution.value))]


def tokens(solution, probs) -> None:
    d = derive("token-average")
    solution.formula += [(E, in_base(d.result, solution.base)), (PPL, d.steps[-1].expr)]
    solution.table = [{"i": q + 1, "p": float(v), "loss": loss} for q, (v, loss) in enumerate(zip(probs, solution.per_sample))]
    count = sp.Symbol(str(len(probs)))
    logs = _plus(*(_log(numeral(v), solution.base) for v in probs))
    solution.substitution += [
        (E, _neg(_times(sp.Pow(count, -1, evaluate=False), logs))),
        (E, sig(solution.value)),
        (PPL, sig(solution.perplexity)),
    ]


