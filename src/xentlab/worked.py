"""The symbolic side of a worked solution: formulas from the derivations, and the substitution
of the user's numbers into them, as SymPy objects for the templates.

Every line is proved before it is kept (xentlab.proved): a formula equals the derived expression
(in the base shown) at random valid points, and a substitution line, read as the decimals it
prints, contains the value the kernels computed.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from xentlab import proved, rules
from xentlab.errors import VerificationError
from xentlab.derivations import derive
from xentlab.derivations._domains import indexed
from xentlab.notation import PPL, E, K, N, k, log_base, n, t, y
from xentlab.rounding import exact_decimal, fixed_places, round_significant
from xentlab.verify import Domain

WRITE_OUT_UP_TO = 8  # classes: beyond this the general Σ form reads better than a long line
FIGURES = 4  # significant figures of the numbers a worked solution shows


def sig(value: float, exact: Fraction | None = None):
    """The value to 4 significant figures (half-up on `exact` when the value has an exact decimal
    form), as a Rounded numeral; ±∞ as SymPy's infinity."""
    if not np.isfinite(value):
        return sp.oo if value > 0 else -sp.oo
    return proved.Rounded(round_significant(exact if exact is not None else float(value), FIGURES))


def fixed(value: float, places: int = 4):
    """A computed probability as its table shows it: `places` decimals, half-up (0.0065)."""
    return proved.Fixed(fixed_places(value, places))


def exact(value) -> sp.Symbol:
    """A number typed by the user (or exact decimal arithmetic on such numbers), shown with all
    its digits and no exponent: 0.33, 0.000000000001."""
    if isinstance(value, Fraction):
        return sp.Symbol(round_significant(value, 30).rstrip("0").rstrip(".") if value.denominator != 1 else str(value.numerator))
    return sp.Symbol(np.format_float_positional(float(value), trim="-"))


def typed(values) -> list:
    """Numbers the user typed, as their table shows them: one number of decimals for the row
    (0.10 beside 0.25, never 0.1), all digits kept (a clipped 1e-12 keeps its exact form)."""
    from xentlab import columns

    if all(columns.decimals_needed(v) <= columns.MAX_DECIMALS for v in values):
        return columns.numerals(columns.same_decimals(values))
    return [exact(v) for v in values]


def in_base(expr, base: str):
    """Every natural log shown in the requested base (log_2, log_10)."""
    if base == "e":
        return expr
    return rules.rewrite(expr, lambda e: isinstance(e, sp.log), lambda e: log_base(e.args[0], sp.Integer(int(base))))


def _per_base(expr, base: str):
    """What a formula shown in `base` must equal: the natural-log expression divided by ln b."""
    return expr if base == "e" else expr / sp.log(sp.Integer(int(base)))


def _formula(lhs, expr, derivation, base: str = "e"):
    """The derived `expr`, shown in `base`. In base e it is a proved step of the derivation, shown as
    it is (nothing new to prove); in base 2 or 10 it must equal the derived expression over ln b."""
    if base == "e":
        return proved.derived(lhs, expr, derivation)
    return proved.formula(lhs, in_base(expr, base), _per_base(expr, base), derivation.domain)


def _log(x, base: str):
    return sp.log(x, evaluate=False) if base == "e" else log_base(x, sp.Integer(int(base)))


def _neg(e):
    return sp.Mul(-1, e, evaluate=False)


def _plus(*terms):
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _times(*factors):
    return sp.Mul(*factors, evaluate=False)


def _value(solution, lhs, rhs, expected=None) -> None:
    solution.substitution.append(proved.value(lhs, rhs, solution.value if expected is None else expected))


def _cross_entropy_row(shown_y, t_row, base):
    """−(t_1 log y_1 + …) with every term, and with the t_k = 0 terms gone; y as `shown_y` writes them."""
    terms = [_times(exact(tk), _log(yk, base)) for yk, tk in zip(shown_y, t_row)]
    surviving = [_times(exact(tk), _log(yk, base)) if tk != 1 else _log(yk, base)
                 for yk, tk in zip(shown_y, t_row) if tk != 0]
    return _neg(_plus(*terms)), _neg(_plus(*surviving)) if surviving else sp.Integer(0)


def _batch_lines(solution, exact_values: list | None = None) -> None:
    """The per-sample losses (as the table shows them) summed or averaged, then the value."""
    values = exact_values or [None] * len(solution.per_sample)
    total = _plus(*(sig(v, x) for v, x in zip(solution.per_sample, values)))
    count = sp.Symbol(str(len(solution.per_sample)))
    rhs = total if solution.reduction == "sum" else _times(sp.Pow(count, -1, evaluate=False), total)
    overall = None if exact_values is None else (sum(values) if solution.reduction == "sum" else sum(values) / len(values))
    _value(solution, solution.lhs, rhs)
    _value(solution, solution.lhs, sig(solution.value, overall))


def _batch_formula(solution, derivation, total_step, mean_step) -> None:
    """E_sum = −Σ_n … for a summed batch, E = −(1/N) Σ_n … for the mean: the derivation's own steps."""
    step = total_step if solution.total else mean_step
    solution.formula.append(_formula(solution.lhs, step.expr, derivation, solution.base))


def cross_entropy(solution, y2, t2) -> None:
    classes = y2.shape[1]
    if solution.batch:
        d = derive("multiclass-batch")
        _batch_formula(solution, d, _step(d, "negate"), _step(d, "mean"))
        solution.table = [
            {"n": row + 1, "target": _describe_target(t2[row]), "y_target": _y_at_target(y2[row], t2[row]), "loss": loss}
            for row, loss in enumerate(solution.per_sample)
        ]
        _batch_lines(solution)
        return
    d = derive("multiclass", classes=classes if classes <= WRITE_OUT_UP_TO else None)
    solution.formula.append(_formula(E, d.result, d, solution.base))
    every_term, surviving = _cross_entropy_row(typed(y2[0]), t2[0], solution.base)
    _value(solution, E, every_term)
    _value(solution, E, surviving)
    _value(solution, E, sig(solution.value))
    _note_vanishing_terms(solution, t2[0])


def _step(derivation, rule: str):
    return next(s for s in derivation.steps if s.rule == rule)


def _note_vanishing_terms(solution, t_row) -> None:
    """Say why the t_k = 0 terms dropped out: one term is left (one-hot) or several (soft, multi-hot)."""
    left = np.count_nonzero(t_row)
    if left and left < t_row.size:  # (with no term left, E = 0 says it all)
        solution.notes.append("zero_terms_vanish" if left == 1 else "zero_terms_vanish_many")


def _describe_target(row) -> dict:
    """What a target row is, as data for the language's table cell: {"classes": [1-based…]} for
    one-hot and multi-hot rows, {"soft": True} otherwise."""
    hot = np.flatnonzero(row)
    if hot.size and np.all((row == 0) | (row == 1)):
        return {"classes": [int(c) + 1 for c in hot]}
    return {"soft": True}


def _y_at_target(y_row, t_row) -> float | None:
    """y of the one target class (None when the target is spread over several classes)."""
    return float(y_row[np.flatnonzero(t_row)[0]]) if np.count_nonzero(t_row) == 1 else None


def _complement(value: float) -> sp.Symbol:
    """1 − value, computed on the decimal the user typed (1 − 0.8 = 0.2 exactly)."""
    return exact(1 - exact_decimal(value))


def binary(solution, y, t) -> None:
    d = derive("binary")
    if not solution.batch:
        solution.formula.append(_formula(E, d.result, d, solution.base))
        every = _neg(_plus(_times(exact(t[0]), _log(exact(y[0]), solution.base)),
                           _times(_complement(t[0]), _log(_complement(y[0]), solution.base))))
        _value(solution, E, every)
        _value(solution, E, sig(solution.value))
        return
    mean = _step(d, "mean")
    total = _binary_total(mean)
    solution.formula.append(proved.formula(solution.lhs, in_base(total if solution.total else mean.expr, solution.base),
                                           _per_base(N * mean.expr if solution.total else mean.expr, solution.base), d.domain))
    solution.table = [{"n": q + 1, "y": float(y[q]), "t": float(t[q]), "loss": loss} for q, loss in enumerate(solution.per_sample)]
    _batch_lines(solution)


def _binary_total(mean):
    """−Σ_n […] from the mean step −(1/N)·Σ_n […]: the same sum without the 1/N."""
    (total,) = [a for a in mean.expr.args if isinstance(a, sp.Sum)]
    return _neg(total)


def softmax(solution, z2, probs, t2) -> None:
    definition = derive("softmax-gradient").steps[0]
    solution.formula.append(proved.step(definition))
    if solution.batch:
        d = derive("multiclass-batch")
        _batch_formula(solution, d, _step(d, "negate"), _step(d, "mean"))
        solution.table = [
            {"n": row + 1, "target": _describe_target(t2[row]), "y_target": _y_at_target(probs[row], t2[row]), "loss": loss}
            for row, loss in enumerate(solution.per_sample)
        ]
        _batch_lines(solution)
        return
    d = derive("multiclass")
    solution.formula.append(_formula(E, d.result, d, solution.base))
    solution.table = [{"k": q + 1, "z": float(z2[0][q]), "y": float(probs[0][q]), "t": int(t2[0][q]) if t2[0][q] in (0, 1) else float(t2[0][q])}
                      for q in range(z2.shape[1])]
    every_term, surviving = _cross_entropy_row([fixed(v) for v in probs[0]], t2[0], solution.base)
    try:
        lines = [proved.value(E, every_term, solution.value), proved.value(E, surviving, solution.value)]
    except VerificationError:  # a probability too small for 4 figures (e^−2000 shows as 0): use the logits
        solution.formula[-1:] = [proved.step(_step(derive("softmax-gradient"), "sum_to_one"))]
        solution.substitution += [_logit_line(solution, z2[0], t2[0])]
        _value(solution, E, sig(solution.value))
        return
    solution.substitution += lines
    _value(solution, E, sig(solution.value))
    _note_vanishing_terms(solution, t2[0])


def _logit_line(solution, z_row, t_row):
    """E = −Σ t_k z_k + log Σ e^(z_m) with the logits as typed: exact however extreme they are."""
    linear = _neg(_plus(*(_times(exact(tk), exact(zk)) for zk, tk in zip(z_row, t_row))))
    normaliser = sp.log(_plus(*(sp.exp(exact(zk), evaluate=False) for zk in z_row)), evaluate=False)
    return proved.value(E, _plus(linear, normaliser), solution.value)


def sse(solution, y2, t2, half: bool) -> None:
    classes = y2.shape[1]
    exact_per = [_exact_sse(y_row, t_row, half) for y_row, t_row in zip(y2, t2)]
    if solution.batch:
        rows = {y[k]: y[n, k], t[k]: t[n, k]}  # rewrite keeps y − t in the order derived (xreplace would reorder it)
        per_sample = rules.rewrite(derive("sse", half=half).result, lambda e: e in rows, lambda e: rows[e])
        total = sp.Sum(per_sample, (n, 1, N))
        shown = total if solution.reduction == "sum" else _times(1 / N, total)
        claim = total if solution.reduction == "sum" else total / N
        solution.formula.append(proved.formula(solution.lhs, shown, claim, _BATCH_DOMAIN))
        solution.table = [{"n": row + 1, "loss": loss} for row, loss in enumerate(solution.per_sample)]
        _batch_lines(solution, exact_per)
        return
    d = derive("sse", classes=classes if classes <= WRITE_OUT_UP_TO else None, half=half)
    solution.formula.append(proved.step(d.result_step))
    squares = _plus(*(sp.Pow(sp.Add(a, _neg(exact(b)), evaluate=False), 2, evaluate=False) for a, b in zip(typed(y2[0]), t2[0])))
    every = _times(sp.Rational(1, 2), squares) if half else squares
    _value(solution, E, every)
    _value(solution, E, sig(solution.value, exact_per[0]))


def _exact_sse(y_row, t_row, half: bool) -> Fraction:
    """Σ (y − t)² on the decimals the user typed: the value the answer is rounded from."""
    total = sum((exact_decimal(a) - exact_decimal(b)) ** 2 for a, b in zip(y_row, t_row))
    return total / 2 if half else total


def _batch_sample(rng, sizes, assume):
    point = {}
    for row in range(1, sizes[N] + 1):
        point |= indexed(y, rng.uniform(0, 1, sizes[K]), row) | indexed(t, rng.uniform(0, 1, sizes[K]), row)
    return point


_BATCH_DOMAIN = Domain(sizes={N: (2, 3, 4), K: (3, 2, 5)}, sample=_batch_sample)


def tokens(solution, probs) -> None:
    d = derive("token-average")
    solution.formula += [_formula(E, _step(d, "mean").expr, d, solution.base), proved.step(d.steps[-1])]
    solution.table = [{"i": q + 1, "p": float(v), "loss": loss} for q, (v, loss) in enumerate(zip(probs, solution.per_sample))]
    count = sp.Symbol(str(len(probs)))
    logs = _plus(*(_log(v, solution.base) for v in typed(probs)))
    _value(solution, E, _neg(_times(sp.Pow(count, -1, evaluate=False), logs)))
    _value(solution, E, sig(solution.value))
    _value(solution, PPL, sig(solution.perplexity), solution.perplexity)

