"""Worked numeric solutions: the formula, the substitution with every term, the value.

Inputs are checked here (xentlab.inputs) with messages that count rows and classes from 1,
so the kernels only ever see valid arrays; numbers come from the kernels; formulas come from
the derivations (xentlab.worked). This module only arranges them as data for the templates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xentlab import names
from xentlab.errors import InputError
from xentlab.inputs import (ROW_SUM_TOL, Inputs, check_classes, check_labels, check_options, check_row_sums, check_shape,
                            check_values, parse_labels, parse_matrix)
from xentlab.rounding import exact_decimal

__all__ = ["SOLVE_KINDS", "Inputs", "Solution", "check_inputs", "parse_labels", "parse_matrix", "prepared", "solve"]

SOLVE_KINDS = names.SOLVE_KINDS
# The notes in reading order: first why the substitution looks as it does, then the warnings.
NOTE_ORDER = ("zero_terms_vanish", "zero_terms_vanish_many", "unnormalised", "multi_hot", "clipped", "infinite", "labels_from_zero")


@dataclass
class Solution:
    kind: str
    value: float
    unit: str
    per_sample: list[float]
    reduction: str
    base: str
    formula: list[tuple[Any, Any]] = field(default_factory=list)  # proved.Line (lhs, rhs) pairs
    substitution: list[tuple[Any, Any]] = field(default_factory=list)
    table: list[dict] = field(default_factory=list)  # per-sample or per-token rows
    probabilities: list[list[float]] = field(default_factory=list)  # softmax outputs
    perplexity: float | None = None
    notes: list[str] = field(default_factory=list)  # keys of remarks the templates explain
    points: list[tuple[float, float]] = field(default_factory=list)  # (p of the right answer, E) per sample
    detail: dict = field(default_factory=dict)
    batch: bool = False  # the input was a batch (rows), even of one sample

    @property
    def infinite(self) -> bool:
        return math.isinf(self.value)

    @property
    def lhs(self):
        """The name the value goes by: E_sum for a summed batch, else E."""
        from xentlab.notation import E, E_sum

        return E_sum if self.total else E

    @property
    def total(self) -> bool:
        """The summed loss of a batch, E_sum (the mean and a single sample are E)."""
        return self.batch and self.reduction == "sum"


def prepared(kind: str, inputs: Inputs) -> tuple[str, Inputs]:
    """The canonical kind, and the inputs as the kernels take them: a column of per-sample
    numbers (0.9;0.2;0.6) becomes the list it stands for (binary-cross-entropy, token-loss)."""
    from dataclasses import replace

    kind = check_inputs(kind, inputs)
    if kind == "binary-cross-entropy":
        inputs = replace(inputs, y=_samples(inputs.y, "--y"),
                         **{name: _samples(getattr(inputs, name), f"--{name}") for name in ("t", "labels") if getattr(inputs, name) is not None})
    if kind == "token-loss":
        inputs = replace(inputs, p=_samples(inputs.p, "--p"))
    return kind, inputs


def check_inputs(kind: str, inputs: Inputs) -> str:
    """The canonical kind, once the options fit together."""
    kind = names.loss(kind)
    check_options(kind, inputs)
    return kind


def solve(kind: str, inputs: Inputs, *, steps: bool = True) -> Solution:
    """The value (validated like every input) and, with steps, the worked steps (SymPy)."""
    kind = check_inputs(kind, inputs)
    solution = {
        "cross-entropy": _cross_entropy,
        "binary-cross-entropy": _binary,
        "softmax-cross-entropy": _softmax,
        "sse": _sse,
        "token-loss": _tokens,
    }[kind](inputs, steps)
    solution.notes.sort(key=lambda key: NOTE_ORDER.index(key) if key in NOTE_ORDER else len(NOTE_ORDER))
    return solution


# --- shared pieces ----------------------------------------------------------------------------


def _one_hot_from(inputs: Inputs, rows: np.ndarray, against: str, batch: bool) -> np.ndarray:
    """The targets as rows (checked): --t as given, or one-hot rows of --labels."""
    count, classes = rows.shape
    if inputs.t is not None:
        check_shape("--t", inputs.t, count, classes, against)
        t2 = np.atleast_2d(np.asarray(inputs.t, dtype=float))
        check_values(t2, "--t", batch=batch, high=1 + _tol() if inputs.check_sum else 1)
        if inputs.check_sum:
            check_row_sums(t2, "--t", batch=batch)
        return t2
    labels = check_labels(inputs.labels, classes, count)
    one_hot = np.zeros((count, classes))  # not np.eye(classes)[labels]: that is K×K (26.8 GiB at K = 60,000)
    one_hot[np.arange(count), labels] = 1.0
    return one_hot


def _tol() -> float:
    return ROW_SUM_TOL


def _target_points(probs: np.ndarray, t2: np.ndarray, per: np.ndarray) -> list[tuple[float, float]]:
    """(probability given to the right answer, loss) for each sample with a one-hot target."""
    one_hot = (np.count_nonzero(t2, axis=1) == 1) & (t2.max(axis=1) == 1)
    right = probs[np.arange(len(probs)), t2.argmax(axis=1)]
    return [(float(right[n]), float(per[n])) for n in np.flatnonzero(one_hot)]


def _reduce(per: np.ndarray, reduction: str) -> float:
    return float(per.sum() if reduction == "sum" else per.mean())


def _clip(y: np.ndarray, eps: float | None, notes: list[str]) -> np.ndarray:
    if eps is None:
        return y
    clipped = np.clip(y, eps, 1 - eps)
    if not np.array_equal(clipped, y):
        notes.append("clipped")
    return clipped


def _loss_solution(kind: str, per: np.ndarray, inputs: Inputs, batch: bool, notes: list[str] | None = None) -> Solution:
    from xentlab import kernels

    reduction = inputs.reduction or "mean"
    solution = Solution(kind, _reduce(per, reduction), kernels.UNITS[inputs.base], per.tolist(), reduction, inputs.base,
                        notes=notes or [], batch=batch)
    if np.isinf(per).any():
        solution.notes.append("infinite")
    return solution


def _sums_to_one(rows: np.ndarray) -> bool:
    return bool(np.all(np.abs(rows.sum(axis=1) - 1.0) <= _tol()))


# --- one function per kind -------------------------------------------------------------------


def _cross_entropy(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = np.asarray(inputs.y, dtype=float)
    check_classes("cross-entropy", y)
    batch = y.ndim == 2
    y2 = np.atleast_2d(y)
    check_values(y2, "--y", batch=batch, high=1 + _tol() if inputs.check_sum else 1)
    if inputs.check_sum:
        check_row_sums(y2, "--y", batch=batch)
    t2 = _one_hot_from(inputs, y2, "--y", batch)
    notes: list[str] = []
    if not inputs.check_sum and not (_sums_to_one(y2) and _sums_to_one(t2)):
        notes.append("unnormalised")
        if any(np.count_nonzero(row) >= 2 and np.all((row == 0) | (row == 1)) for row in t2):
            notes.append("multi_hot")
    y_used = _clip(y2, inputs.eps, notes)
    per = np.atleast_1d(kernels.cross_entropy(y_used, t2, reduction="none", base=inputs.base, check_sum=False))
    solution = _loss_solution("cross-entropy", per, inputs, batch, notes)
    solution.points = _target_points(y_used, t2, per)
    if steps:
        from xentlab import worked

        worked.cross_entropy(solution, y_used, t2)
    return solution


def _binary(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = _samples(inputs.y, "--y")
    t_given, t_option = (inputs.t, "--t") if inputs.t is not None else (inputs.labels, "--labels")
    t = _samples(t_given, t_option)
    if t.shape != y.shape:
        raise InputError(key="count_mismatch", option=t_option, count=int(t.size), against="--y", expected=int(y.size))
    check_values(y, "--y", batch=False, per="sample")
    check_values(t, t_option, batch=False, per="sample")
    notes: list[str] = []
    y_used = _clip(y, inputs.eps, notes)
    per = np.atleast_1d(kernels.binary_cross_entropy(y_used, t, reduction="none", base=inputs.base))
    solution = _loss_solution("binary-cross-entropy", per, inputs, y.size > 1, notes)
    hard = (t == 0) | (t == 1)
    # 1 − y on the decimal typed: 1 − 0.82 is 0.18, not the float 0.18000000000000005 (drawn as 0.1800)
    solution.points = [(float(y_used[n]) if t[n] == 1 else float(1 - exact_decimal(y_used[n])), float(per[n])) for n in np.flatnonzero(hard)]
    if steps:
        from xentlab import worked

        worked.binary(solution, y_used, t)
    return solution


def _samples(values, option: str) -> np.ndarray:
    """One number per sample: a list (0.9,0.2,0.6) or a column (0.9;0.2;0.6)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2:
        raise InputError(key="one_number_per_sample", option=option, rows=int(array.shape[0]), columns=int(array.shape[1]))
    return np.atleast_1d(array)


def _softmax(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    z = np.asarray(inputs.logits, dtype=float)
    check_classes("softmax-cross-entropy", z)
    batch = z.ndim == 2
    z2 = np.atleast_2d(z)
    check_values(z2, "--logits", unit=False, batch=batch)
    t2 = _one_hot_from(inputs, z2, "--logits", batch)
    per = np.atleast_1d(kernels.softmax_cross_entropy(z2, t2, reduction="none", base=inputs.base))
    solution = _loss_solution("softmax-cross-entropy", per, inputs, batch)
    probs = np.atleast_2d(kernels.softmax(z2))
    solution.probabilities = probs.tolist()
    solution.points = _target_points(probs, t2, per)
    if steps:
        from xentlab import worked

        worked.softmax(solution, z2, probs, t2)
    return solution


def _sse(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = np.asarray(inputs.y, dtype=float)
    check_classes("sse", y)
    batch = y.ndim == 2
    y2 = np.atleast_2d(y)
    check_values(y2, "--y", unit=False, batch=batch)
    check_shape("--t", inputs.t, *y2.shape, "--y")
    t2 = np.atleast_2d(np.asarray(inputs.t, dtype=float))
    check_values(t2, "--t", unit=False, batch=batch)
    per = np.atleast_1d(kernels.sse(y2, t2, half=inputs.half, reduction="none"))
    reduction = inputs.reduction or ("mean" if batch else "sum")
    solution = Solution("sse", _reduce(per, reduction), "", per.tolist(), reduction, "e", detail={"half": inputs.half}, batch=batch)
    if steps:
        from xentlab import worked

        worked.sse(solution, y2, t2, inputs.half)
    return solution


def _tokens(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    p = _samples(inputs.p, "--p")
    check_values(p, "--p", batch=False, per="token")
    notes: list[str] = []
    p_used = _clip(p, inputs.eps, notes)
    result = kernels.token_loss(p_used, base=inputs.base)
    solution = Solution("token-loss", float(result.loss), kernels.UNITS[inputs.base], result.per_token.tolist(), "mean", inputs.base, notes=notes)
    solution.perplexity = float(result.perplexity)
    solution.points = [(float(v), float(e)) for v, e in zip(p_used, result.per_token)]
    if np.isinf(result.per_token).any():
        solution.notes.append("infinite")
    if steps:
        from xentlab import worked

        worked.tokens(solution, p_used)
    return solution
