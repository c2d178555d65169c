"""Worked numeric solutions: the formula, the substitution with every term, the value.

Numbers come from the kernels; formulas come from the derivations; this module
only arranges them as data for the templates.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xentlab.errors import InputError, UsageError

SOLVE_KINDS = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "sse", "token-loss")
BASES = ("e", "2", "10")
MAX_VALUES = 100_000  # numbers typed on one command line


@dataclass(frozen=True)
class Inputs:
    """What the user typed, as arrays. Exactly the fields the kind needs are set."""

    y: np.ndarray | None = None
    t: np.ndarray | None = None
    labels: np.ndarray | None = None
    logits: np.ndarray | None = None
    p: np.ndarray | None = None
    reduction: str | None = None  # None: the kind's default
    base: str = "e"
    half: bool = False
    eps: float | None = None
    check_sum: bool = True  # False: rows of y and t may sum to anything (multi-hot, unnormalised)


@dataclass
class Solution:
    kind: str
    value: float
    unit: str
    per_sample: list[float]
    reduction: str
    base: str
    formula: list[tuple[Any, Any]] = field(default_factory=list)  # (lhs, rhs) SymPy pairs
    substitution: list[tuple[Any, Any]] = field(default_factory=list)
    table: list[dict] = field(default_factory=list)  # per-sample or per-token rows
    probabilities: list[list[float]] = field(default_factory=list)  # softmax outputs
    perplexity: float | None = None
    notes: list[str] = field(default_factory=list)  # keys of remarks the templates explain
    points: list[tuple[float, float]] = field(default_factory=list)  # (p of the right answer, E) per sample
    detail: dict = field(default_factory=dict)

    @property
    def infinite(self) -> bool:
        return math.isinf(self.value)


def parse_matrix(text: str, option: str) -> np.ndarray:
    """'0.1,0.9;0.9,0.1' → 2-D array; '0.3,0.7' → 1-D. Plain float() only: no expressions here."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")
    rows = [row.strip() for row in text.split(";")]
    if not text.strip() or any(not row for row in rows):
        raise InputError(f"{option} is empty; give numbers separated by commas (rows separated by ';')")
    values = []
    for row in rows:
        cells = [cell.strip() for cell in row.split(",")]
        parsed = []
        for cell in cells:
            try:
                parsed.append(float(cell))
            except ValueError:
                raise InputError(f"cannot read {cell!r} in {option} as a number") from None
        values.append(parsed)
    if sum(map(len, values)) > MAX_VALUES:
        raise InputError(f"{option} has more than {MAX_VALUES} numbers")
    if len({len(r) for r in values}) != 1:
        raise InputError(f"the rows of {option} have different lengths: {[len(r) for r in values]}")
    array = np.array(values, dtype=float)
    return array[0] if len(values) == 1 and ";" not in text else array


def parse_labels(text: str) -> np.ndarray:
    matrix = parse_matrix(text, "--labels")
    if matrix.ndim != 1:
        raise InputError("--labels is one list of class indices (0-based), e.g. --labels 1,0")
    if not np.all(np.isfinite(matrix)) or not np.all(matrix == np.round(matrix)) or np.any(np.abs(matrix) > 1e9):
        bad = next(v for v in matrix if not (math.isfinite(v) and v == round(v) and abs(v) <= 1e9))
        raise InputError(f"--labels must be whole class indices (0-based), got {bad:g}")
    return matrix.astype(np.intp)


def check_inputs(kind: str, inputs: Inputs) -> None:
    if kind not in SOLVE_KINDS:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(SOLVE_KINDS)}")
    if inputs.base not in BASES:
        raise UsageError(f"unknown base '{inputs.base}'; choose one of: {', '.join(BASES)}")
    if inputs.reduction not in (None, "mean", "sum"):
        raise UsageError(f"unknown reduction '{inputs.reduction}'; choose one of: mean, sum")
    needs = {
        "cross-entropy": ("y",),
        "binary-cross-entropy": ("y",),
        "softmax-cross-entropy": ("logits",),
        "sse": ("y",),
        "token-loss": ("p",),
    }[kind]
    given = {name for name in ("y", "logits", "p") if getattr(inputs, name) is not None}
    for name in needs:
        if name not in given:
            raise UsageError(f"{kind} needs --{name}")
    for name in given - set(needs):
        raise UsageError(f"--{name} does not apply to {kind}")
    targets = [name for name in ("t", "labels") if getattr(inputs, name) is not None]
    if inputs.half and kind != "sse":
        raise UsageError("--half applies to sse only")
    if not inputs.check_sum and kind != "cross-entropy":
        raise UsageError(f"--no-check-sum applies to cross-entropy only, not to {kind}")
    rows = {"cross-entropy": inputs.y, "softmax-cross-entropy": inputs.logits, "sse": inputs.y}.get(kind)
    if rows is not None and np.shape(rows)[-1] < 2:
        raise InputError(f"{kind} needs at least 2 classes in each row, got 1")
    if kind == "token-loss":
        if targets:
            raise UsageError("token-loss takes only --p, the probability each target token received")
        if inputs.reduction is not None:
            raise UsageError("token-loss is always the mean over the tokens; --reduction does not apply")
        return
    if kind == "sse" and inputs.base != "e":
        raise UsageError("--base applies to the log losses, not to sse")
    if kind in ("sse", "softmax-cross-entropy") and inputs.eps is not None:
        raise UsageError(f"--eps applies to losses of probabilities, not to {kind}")
    if len(targets) != 1:
        raise UsageError(f"{kind} needs exactly one of --t and --labels")
    if kind == "sse" and targets == ["labels"]:
        raise UsageError("sse takes --t, not --labels")
    if inputs.eps is not None and not 0 < inputs.eps < 0.5:
        raise UsageError(f"--eps must be between 0 and 0.5, got {inputs.eps:g}")


def solve(kind: str, inputs: Inputs, *, steps: bool = True) -> Solution:
    """The value (validated like every input) and, with steps, the worked steps (SymPy)."""
    check_inputs(kind, inputs)
    return {
        "cross-entropy": _cross_entropy,
        "binary-cross-entropy": _binary,
        "softmax-cross-entropy": _softmax,
        "sse": _sse,
        "token-loss": _tokens,
    }[kind](inputs, steps)


# --- one function per kind -------------------------------------------------------------------


def _shape(a) -> str:
    a = np.asarray(a)
    return f"{a.shape[0]} number(s)" if a.ndim == 1 else f"{a.shape[0]} row(s) of {a.shape[1]}"


def _single_label(inputs: Inputs, batch: bool):
    """--labels 2 for one sample means the scalar label 2 (shape ())."""
    if inputs.labels is None:
        return None
    return inputs.labels[0] if not batch and inputs.labels.size == 1 else inputs.labels


def _one_hot_from(inputs: Inputs, classes: int, rows: int) -> np.ndarray:
    if inputs.t is not None:
        t2 = np.atleast_2d(inputs.t)
        if t2.shape != (rows, classes):
            raise InputError(f"--t has shape {_shape(inputs.t)} but the predictions have {rows} row(s) of {classes}; they must match")
        return t2
    from xentlab import kernels

    labels = np.atleast_1d(kernels.validate_labels(inputs.labels, classes))
    if labels.size != rows:
        raise InputError(f"--labels has {labels.size} entries but there are {rows} samples")
    one_hot = np.zeros((rows, classes))  # not np.eye(classes)[labels]: that is K×K (26.8 GiB at K = 60,000)
    one_hot[np.arange(rows), labels] = 1.0
    return one_hot


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


def _rows_and_targets(inputs: Inputs, scores: np.ndarray):
    """(batch?, scores as rows, targets as rows, the target as the kernel takes it)."""
    batch = scores.ndim == 2
    rows = np.atleast_2d(scores)
    t2 = _one_hot_from(inputs, rows.shape[1], rows.shape[0])
    target = _single_label(inputs, batch) if inputs.labels is not None else (t2 if batch else t2[0])
    return batch, rows, t2, target


def _loss_solution(kind: str, per: np.ndarray, inputs: Inputs, notes: list[str] | None = None) -> Solution:
    from xentlab import kernels

    reduction = inputs.reduction or "mean"
    solution = Solution(kind, _reduce(per, reduction), kernels.UNITS[inputs.base], per.tolist(), reduction, inputs.base, notes=notes or [])
    if np.isinf(per).any():
        solution.notes.append("infinite")
    return solution


def _cross_entropy(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = np.asarray(inputs.y, dtype=float)
    kernels.validate_probs(y, check_sum=inputs.check_sum)
    batch, y2, t2, target = _rows_and_targets(inputs, y)
    kernels.validate_probs(t2, check_sum=inputs.check_sum, name="targets")
    notes: list[str] = []
    if not inputs.check_sum and not (_sums_to_one(y2) and _sums_to_one(t2)):
        notes.append("unnormalised")
        if any(np.count_nonzero(row) >= 2 and np.all((row == 0) | (row == 1)) for row in t2):
            notes.append("multi_hot")
    y_used = _clip(y2, inputs.eps, notes)
    # both checked above; clipping may move y's row sums off 1
    per = np.atleast_1d(kernels.cross_entropy(y_used if batch else y_used[0], target, reduction="none", base=inputs.base, check_sum=False))
    solution = _loss_solution("cross-entropy", per, inputs, notes)
    solution.points = _target_points(y_used, t2, per)
    if steps:
        from xentlab import worked

        worked.cross_entropy(solution, y_used, t2, batch)
    return solution


def _sums_to_one(rows: np.ndarray) -> bool:
    from xentlab.kernels import ROW_SUM_TOL

    return bool(np.all(np.abs(rows.sum(axis=1) - 1.0) <= ROW_SUM_TOL))


def _binary(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = np.atleast_1d(np.asarray(inputs.y, dtype=float))
    t = inputs.t if inputs.t is not None else inputs.labels
    t = np.atleast_1d(np.asarray(t, dtype=float))
    if y.ndim != 1 or t.shape != y.shape:
        raise InputError(f"binary-cross-entropy needs --y and --t as one list each of the same length, got {y.shape} and {t.shape}")
    notes: list[str] = []
    y_used = _clip(y, inputs.eps, notes)
    per = np.atleast_1d(kernels.binary_cross_entropy(y_used, t, reduction="none", base=inputs.base))
    solution = _loss_solution("binary-cross-entropy", per, inputs, notes)
    hard = (t == 0) | (t == 1)
    solution.points = [(float(np.where(t[n] == 1, y_used[n], 1 - y_used[n])), float(per[n])) for n in np.flatnonzero(hard)]
    if steps:
        from xentlab import worked

        worked.binary(solution, y_used, t)
    return solution


def _softmax(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    z = np.asarray(inputs.logits, dtype=float)
    kernels.validate_logits(z)
    batch, z2, t2, target = _rows_and_targets(inputs, z)
    per = np.atleast_1d(kernels.softmax_cross_entropy(z, target, reduction="none", base=inputs.base))
    solution = _loss_solution("softmax-cross-entropy", per, inputs)
    probs = np.atleast_2d(kernels.softmax(z2))
    solution.probabilities = probs.tolist()
    solution.points = _target_points(probs, t2, per)
    if steps:
        from xentlab import worked

        worked.softmax(solution, z2, probs, t2, batch)
    return solution


def _sse(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    y = np.asarray(inputs.y, dtype=float)
    t = np.asarray(inputs.t, dtype=float)
    if y.shape != t.shape:
        raise InputError(f"--y has {_shape(y)} but --t has {_shape(t)}; they must match")
    per = np.atleast_1d(kernels.sse(y, t, half=inputs.half, reduction="none"))
    reduction = inputs.reduction or ("mean" if y.ndim == 2 else "sum")
    solution = Solution("sse", _reduce(per, reduction), "", per.tolist(), reduction, "e", detail={"half": inputs.half})
    if steps:
        from xentlab import worked

        worked.sse(solution, np.atleast_2d(y), np.atleast_2d(t), y.ndim == 2, inputs.half)
    return solution


def _tokens(inputs: Inputs, steps: bool) -> Solution:
    from xentlab import kernels

    p = np.asarray(inputs.p, dtype=float)
    if p.ndim != 1:
        raise InputError("--p is one list: the probability each target token received, e.g. --p 0.7,0.95,0.8")
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
