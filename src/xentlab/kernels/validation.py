"""Input checks: whole-array reductions first; the offending row is searched for only once one failed.

Every check raises one of the errors in ``xentlab.kernels.errors`` with a one-line
message naming the 0-based row, the class and the value, and the same details as
attributes.
"""

from __future__ import annotations

import functools

import numpy as np

from xentlab.kernels._arrays import (
    _as_float, _as_float_and_eps, _as_rows, _asarray, _fmt, _fmt_tol, _ieee_handled, _row_sum, _split_target,
)
from xentlab.kernels.errors import InvalidLabelError, InvalidShapeError, InvalidValueError, RowSumError

ROW_SUM_TOL = 1e-6  # |Σ_k y_k − 1| allowed for a probability (or soft-target) row, at least


def row_sum_tolerance(dtype, classes: int) -> float:
    """How far from 1 a row of `classes` probabilities given in `dtype` may sum.

    ROW_SUM_TOL, or one ulp of 1 (the dtype's eps) per class when that is more:
    rounding K values to a dtype moves their sum by up to K/2 ulps, and computing
    a softmax in it (a sum of K terms, then K divisions) by up to about K.  So
    float64 keeps 1e-6 for any K below 4e9; float32 from K = 9 on allows K·1.2e-7;
    float16 allows K·9.8e-4.  Integers are exact: ROW_SUM_TOL.
    """
    dtype = np.dtype(dtype)
    return _tolerance(float(np.finfo(dtype).eps) if dtype.kind == "f" else 0.0, classes)


def _tolerance(eps: float, classes: int) -> float:
    return max(ROW_SUM_TOL, classes * eps)


# Non-negative IEEE floats order exactly like their bit patterns read as unsigned
# integers, and every negative value, −0.0, ±inf and NaN reads as a larger
# integer than 1.0 does.  So "max of the bits ≤ bits of 1.0" checks finite, ≥ 0
# and ≤ 1 in one integer pass (−0.0 is a false alarm the exact check clears).
_UNIT_BITS = {
    np.dtype(np.float64): (np.uint64, np.uint64(0x3FF0000000000000)),
    np.dtype(np.float32): (np.uint32, np.uint32(0x3F800000)),
}


def _all_in_unit_interval(a: np.ndarray) -> bool:
    utype, one = _UNIT_BITS[a.dtype]
    return bool(a.view(utype).max() <= one)


def _raise_first_bad(a2: np.ndarray, name: str, mode: str, per_class: bool = True, tol: float = ROW_SUM_TOL) -> None:
    """Find the first offending row of a 2-D array and raise; return if nothing is wrong.

    mode: "finite" (values must be finite), "unit" (also in [0, 1]) or "dist"
    (also ≥ 0 and each row summing to 1 within tol; values up to 1 + tol pass,
    consistent with the sum tolerance).  Only called once a cheap check failed,
    so it may take a few extra passes; it is still loop-free.
    """
    bad_finite = ~np.isfinite(a2)
    with np.errstate(invalid="ignore"):
        high = 1.0 + tol if mode == "dist" else 1.0
        bad_range = (a2 < 0) | (a2 > high) if mode != "finite" else np.zeros_like(bad_finite)
    row_finite = bad_finite.any(axis=1)
    row_range = bad_range.any(axis=1)
    bad = row_finite | row_range
    if mode == "dist":
        # accurate float64 sums decide (the fast check summed float32 input in float32)
        sums = np.add.reduce(a2, axis=1, dtype=np.float64)
        row_sum = ~(np.abs(sums - 1.0) <= tol)
        bad = bad | row_sum
    if not bad.any():
        return
    i = int(np.argmax(bad))
    if row_finite[i] or row_range[i]:
        cols = bad_finite[i] if row_finite[i] else bad_range[i]
        k = int(np.argmax(cols))
        value = float(a2[i, k])
        rule = "values must be finite" if row_finite[i] else "values must lie in [0, 1]"
        details = dict(
            reason="not_finite" if row_finite[i] else "outside_unit_interval", name=name, row=i,
            column=k if per_class else None, value=value,
        )
        if per_class:
            raise InvalidValueError(f"{name} in row {i} contain {_fmt(value)} at class {k}; {rule}", **details)
        raise InvalidValueError(f"{name} in row {i} is {_fmt(value)}; {rule}", **details)
    total = float(sums[i])
    raise RowSumError(
        f"{name} in row {i} sum to {_fmt(total)}, not 1 (within {_fmt_tol(tol)})",
        reason="row_sum", name=name, row=i, total=total, tolerance=tol,
    )


def _sums_to_one(a2: np.ndarray, s: np.ndarray, tol: float) -> bool:
    """Every row sum s within tol of 1?  Rows that fail in a's own
    (float32) precision are re-summed exactly in float64 before they count."""
    if s.min() >= 1.0 - tol and s.max() <= 1.0 + tol:  # NaN fails
        return True
    with np.errstate(invalid="ignore"):
        suspect = np.flatnonzero(~(np.abs(s - 1.0) <= tol))
    exact = np.add.reduce(a2[suspect], axis=1, dtype=np.float64)
    return bool(np.all(np.abs(exact - 1.0) <= tol))


def _check_dist(
    a2: np.ndarray, name: str, check_sum: bool = True, check_min: bool = True, eps: float = 0.0
) -> np.ndarray | None:
    """Rows of probabilities: finite, ≥ 0 and summing to 1 (or, without check_sum, in [0, 1]).

    The sum tolerance is ROW_SUM_TOL, or K ulps when the values came in a dtype whose
    epsilon `eps` makes that more (row_sum_tolerance).  Fast path: one minimum and
    one row sum.  A NaN anywhere makes the minimum NaN; +inf makes its row sum inf;
    with every value ≥ 0 and every row summing to 1 no value can exceed 1 + tol.
    check_min=False leaves "≥ 0 and not NaN" to a caller whose computation exposes
    it anyway.  Returns the row sums (None without check_sum).
    """
    tol = _tolerance(eps, a2.shape[1])
    if check_sum:
        s = _row_sum(a2)
        ok = (not check_min or a2.min() >= 0) and _sums_to_one(a2, s, tol)
    else:
        s = None
        ok = _all_in_unit_interval(a2)
    if not ok:
        _raise_first_bad(a2, name, "dist" if check_sum else "unit", tol=tol)
    return s


def _check_unit(a1: np.ndarray, name: str) -> None:
    """Per-sample values (N,) that must be finite and in [0, 1]."""
    if not _all_in_unit_interval(a1):
        _raise_first_bad(a1.reshape(-1, 1), name, "unit", per_class=False)


def _check_finite(a2: np.ndarray, name: str, per_class: bool = True) -> None:
    mn, mx = a2.min(), a2.max()
    if not (np.isfinite(mn) and np.isfinite(mx)):
        _raise_first_bad(a2, name, "finite", per_class=per_class)


@functools.lru_cache(maxsize=None)
def _unsigned(dtype: np.dtype) -> np.dtype:
    """The unsigned integer dtype of the same size and byte order."""
    return np.dtype(dtype.str.replace("i", "u"))


def _labels(target, n: int, k: int) -> np.ndarray:
    """Integer class labels (n,) in 0..k-1, as intp."""
    lab = _asarray(target, "target labels", InvalidLabelError).reshape(-1)
    kind = lab.dtype.kind
    if kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~(lab == np.floor(lab))  # NaN and ±inf are bad too
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidLabelError(
                f"target label in row {i} is {_fmt(lab[i])}, not an integer class index",
                reason="not_integer", name="target labels", row=i, value=float(lab[i]), classes=k,
            )
    elif kind not in "iu":
        raise InvalidLabelError(
            f"target labels must be integer class indices, got dtype {lab.dtype}"
            + (" (booleans are not labels)" if kind == "b" else ""),
            reason="dtype", name="target labels", dtype=str(lab.dtype),
        )
    if kind == "f":
        in_range = lab.min() >= 0 and lab.max() < k
    else:  # a negative label reads as a huge unsigned one: one pass checks both ends
        in_range = lab.view(_unsigned(lab.dtype)).max() < k
    if not in_range:
        i = int(np.argmax((lab < 0) | (lab >= k)))
        value = lab[i].item()
        raise InvalidLabelError(
            f"target label in row {i} is {_fmt(lab[i])}, outside 0..{k - 1} for {k} classes",
            reason="out_of_range", name="target labels", row=i, value=value, classes=k,
        )
    return lab.astype(np.intp, copy=False)


def _rows_and_target(values, target, name: str):
    """The start of every row kernel: (values as float rows (N, K), whether they were one
    sample, "labels" | "dense", target as an array, the eps of the values' own dtype),
    shapes checked."""
    a, eps = _as_float_and_eps(values, name)
    rows = _as_rows(a, name)
    form, t = _split_target(target, a, name)
    return rows, a.ndim == 1, form, t, eps


def _target_rows(t, like: np.ndarray) -> tuple[np.ndarray, float]:
    """One-hot or soft targets as float rows of like's dtype, and the eps of their own dtype."""
    t, eps = _as_float_and_eps(t, "targets", dtype=like.dtype)
    return _as_rows(t, "targets"), eps


def _same_shape_target(target, values: np.ndarray, name: str) -> np.ndarray:
    """Per-sample targets of exactly values' shape, as floats of values' dtype."""
    t = _asarray(target, "targets")
    if t.shape != values.shape:
        raise InvalidShapeError(
            f"targets have shape {t.shape} but {name} have shape {values.shape}; they must match",
            reason="mismatch", name="targets", shape=t.shape, expected=values.shape,
        )
    return _as_float(t, "targets", dtype=values.dtype)


@_ieee_handled
def validate_probs(probs, *, check_sum: bool = True, name: str = "probabilities") -> np.ndarray:
    """Return probs as a float array after checking it: shape (K,) or (N, K),
    non-empty, finite, ≥ 0, each row summing to 1 within row_sum_tolerance (or,
    with check_sum=False, each value in [0, 1]).  name is what messages call it."""
    y, eps = _as_float_and_eps(probs, name)
    _check_dist(_as_rows(y, name), name, check_sum, eps=eps)
    return y


@_ieee_handled
def validate_logits(logits, *, name: str = "logits") -> np.ndarray:
    """Return logits as a float array after checking shape (K,)/(N, K), non-empty and finite."""
    z = _as_float_and_eps(logits, name)[0]
    _check_finite(_as_rows(z, name), name)
    return z


@_ieee_handled
def validate_labels(labels, classes: int) -> np.ndarray:
    """Return integer class labels (shape () or (N,)) as intp after checking they lie in 0..classes-1."""
    name = "target labels"
    lab = _asarray(labels, name, InvalidLabelError)
    if lab.ndim > 1:
        raise InvalidShapeError(
            f"{name} must be a scalar or have shape (N,), got shape {lab.shape}",
            reason="ndim", name=name, shape=lab.shape, expected="() or (N,)",
        )
    if lab.size == 0:
        raise InvalidShapeError(
            f"{name} are empty (shape {lab.shape})", reason="empty", name=name, shape=lab.shape,
            expected="at least one label",
        )
    return _labels(lab, lab.size, classes).reshape(lab.shape)
