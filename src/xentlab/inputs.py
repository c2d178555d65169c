"""What a user typed for `solve` and `check --kind`: parsed, and checked before any kernel sees it.

Every message here is keyed (templates/<lang>/errors.j2), names the option and the value, and
counts as a person does: rows (samples) and classes from 1. `--labels` alone is 0-based, like
NumPy, and its messages say which class a label stands for.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from xentlab import names
from xentlab.errors import InputError, UsageError
from xentlab.kernels import ROW_SUM_TOL

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


def shown(value: float) -> str:
    """A number as a message shows it: short, and 'nan' / 'inf' as NumPy prints them."""
    return f"{value:.10g}"


def parse_matrix(text: str, option: str) -> np.ndarray:
    """'0.1,0.9;0.9,0.1' → 2-D array; '0.3,0.7' → 1-D. Plain float() only: no expressions here."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")
    if not text.strip():
        raise InputError(key="option_empty", option=option)
    rows = [row.strip() for row in text.split(";")]
    for number, row in enumerate(rows, start=1):
        if not row:
            raise InputError(key="empty_row", option=option, row=number, rows=len(rows))
    values = []
    for row in rows:
        parsed = []
        for cell in (cell.strip() for cell in row.split(",")):
            if not cell:
                raise InputError(key="empty_number", option=option)
            try:
                parsed.append(float(cell))
            except ValueError:
                raise InputError(key="not_a_number_in", option=option, value=cell) from None
        values.append(parsed)
    if sum(map(len, values)) > MAX_VALUES:
        raise InputError(key="too_many_numbers", option=option, limit=MAX_VALUES)
    if len({len(r) for r in values}) != 1:
        raise InputError(key="ragged_rows", option=option, lengths=tuple(len(r) for r in values))
    array = np.array(values, dtype=float)
    return array[0] if len(values) == 1 and ";" not in text else array


def parse_labels(text: str) -> np.ndarray:
    matrix = parse_matrix(text, "--labels")
    if matrix.ndim != 1:
        raise InputError(key="labels_one_list")
    for position, value in enumerate(matrix, start=1):
        if not (math.isfinite(value) and value == round(value) and abs(value) <= 1e9):
            raise InputError(key="label_not_whole", value=shown(value), sample=position)
    return matrix.astype(np.intp)


# --- options ---------------------------------------------------------------------------------

NEEDS = {
    "cross-entropy": ("y",),
    "binary-cross-entropy": ("y",),
    "softmax-cross-entropy": ("logits",),
    "sse": ("y",),
    "token-loss": ("p",),
}


ONLY = {"--no-check-sum": "cross-entropy", "--half": "sse"}  # options that belong to one kind


def _not_for(option: str, kind: str) -> UsageError:
    return UsageError(key="option_not_for_kind", option=option, kind=kind, only=ONLY.get(option, ""))


def check_options(kind: str, inputs: Inputs) -> None:
    """Which options go together (before any number is looked at)."""
    names.choose("base", inputs.base, names.BASES)
    if inputs.reduction is not None:
        names.choose("reduction", inputs.reduction, names.REDUCTIONS)
    given = {name for name in ("y", "logits", "p") if getattr(inputs, name) is not None}
    for name in NEEDS[kind]:
        if name not in given:
            raise UsageError(key="kind_needs", kind=kind, option=f"--{name}")
    for name in sorted(given - set(NEEDS[kind])):
        raise _not_for(f"--{name}", kind)
    targets = [name for name in ("t", "labels") if getattr(inputs, name) is not None]
    if inputs.half and kind != "sse":
        raise _not_for("--half", kind)
    if not inputs.check_sum and kind != "cross-entropy":
        raise _not_for("--no-check-sum", kind)
    if kind == "token-loss":
        for name in targets:
            raise _not_for(f"--{name}", kind)
        if inputs.reduction is not None:
            raise UsageError(key="token_loss_is_a_mean")
    if kind == "sse" and inputs.base != "e":
        raise _not_for("--base", kind)
    if kind in ("sse", "softmax-cross-entropy") and inputs.eps is not None:
        raise _not_for("--eps", kind)
    if kind != "token-loss" and len(targets) != 1:
        raise UsageError(key="kind_needs_target", kind=kind)
    if kind == "sse" and targets == ["labels"]:
        raise _not_for("--labels", kind)
    if inputs.eps is not None and not 0 < inputs.eps < 0.5:
        raise UsageError(key="eps_range", value=shown(inputs.eps))


# --- values ----------------------------------------------------------------------------------


def _first(mask: np.ndarray) -> tuple[int, int]:
    row, col = np.argwhere(mask)[0]
    return int(row) + 1, int(col) + 1


def check_values(values: np.ndarray, option: str, *, unit: bool = True, batch: bool = True, high: float = 1.0,
                 per: str = "class") -> None:
    """Every number finite (and, with `unit`, in [0, high]). The message names the place from 1:
    "row 2, class 3" in a batch, else "class 3" (or "sample 3", "token 3": `per`)."""
    rows = np.atleast_2d(values)
    bad = ~np.isfinite(rows)
    rule = "finite"
    if not bad.any() and unit:
        bad = (rows < 0) | (rows > high)
        rule = "unit"
    if bad.any():
        row, col = _first(bad)
        raise InputError(key="bad_number", option=option, value=shown(rows[row - 1, col - 1]), row=row, position=col,
                         batch=batch, per=per, rule=rule)


def check_row_sums(rows: np.ndarray, option: str, *, batch: bool = True) -> None:
    """Each row of probabilities sums to 1 (within ROW_SUM_TOL), counted from row 1."""
    sums = np.add.reduce(np.atleast_2d(rows), axis=1, dtype=np.float64)
    bad = ~(np.abs(sums - 1.0) <= ROW_SUM_TOL)
    if bad.any():
        row = int(np.argmax(bad)) + 1
        raise InputError(key="row_sum", option=option, row=row, total=shown(sums[row - 1]), batch=batch, hint="")


def check_labels(labels: np.ndarray, classes: int, samples: int) -> np.ndarray:
    """0-based labels, one per sample, each in 0..classes−1."""
    labels = np.atleast_1d(labels)
    if labels.size != samples:
        raise InputError(key="labels_count", count=int(labels.size), samples=samples)
    for position, label in enumerate(labels, start=1):
        if not 0 <= label < classes:
            raise InputError(key="label_out_of_range", value=int(label), sample=position, classes=classes,
                             batch=samples > 1)
    return labels


def check_shape(option: str, given: np.ndarray, rows: int, classes: int, against: str) -> None:
    if np.atleast_2d(given).shape != (rows, classes):
        raise InputError(key="shape_mismatch", option=option, against=against,
                         given=_describe(given), expected=_describe(np.zeros((rows, classes)) if rows > 1 else np.zeros(classes)))


def _describe(array: np.ndarray) -> tuple[int, int]:
    """(rows, numbers per row) as a person counts them: one row of K numbers is (1, K)."""
    array = np.asarray(array)
    return (1, int(array.shape[0])) if array.ndim == 1 else (int(array.shape[0]), int(array.shape[1]))


def check_classes(kind: str, rows: np.ndarray) -> None:
    if np.shape(rows)[-1] < 2:
        raise InputError(key="too_few_classes", kind=kind)
