"""Numerical kernels for the losses xentlab teaches: pure, vectorised NumPy.

Shapes
    ``probs`` / ``logits`` are ``(K,)`` (one sample) or ``(N, K)`` (a batch).
    ``target`` is either the same shape (one-hot or soft targets), or integer
    class labels of shape ``()`` / ``(N,)``.

Common arguments
    ``reduction``: ``"mean"`` | ``"sum"`` | ``"none"``.  ``"none"`` returns the
    per-sample losses ``(N,)`` (a plain float for a single ``(K,)`` sample);
    ``"mean"`` and ``"sum"`` return a float, accumulated in float64.
    ``base``: ``"e"`` | ``"2"`` | ``"10"`` -- the loss in nats, bits or decimal
    units (the natural-log loss divided by ln 2 or ln 10), see :data:`UNITS`.

Validation
    Every kernel checks its input and raises a subclass of
    :class:`InvalidInputError` (itself a :class:`xentlab.errors.InputError`, so
    a ``ValueError``) with a one-line message naming the 0-based row and the
    offending value, e.g. ``probabilities in row 1 sum to 0.95, not 1 (within
    1e-6)``.  The checks are whole-array reductions (a minimum and a row sum,
    or a single integer maximum); the first offending row is only searched for
    once something failed.  For float32 input the row sums are taken in
    float32 and only rows that fail are re-summed in float64, so the 1e-6
    boundary holds to float32 rounding (about 1e-7).

Semantics
    ``0 * log 0`` counts as 0 (``xlogy``): a zero probability in a class whose
    target is 0 is fine.  A zero probability where the target is positive gives
    ``+inf`` (never ``nan``), without a RuntimeWarning.

float32 input stays float32 through the heavy passes; per-sample results have
the input's float dtype.  SymPy is imported lazily, only by
:func:`lambdify_loss`.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, NamedTuple

import numpy as np

from xentlab.errors import InputError, XentlabError

__all__ = [
    "UNITS",
    "REDUCTIONS",
    "ROW_SUM_TOL",
    "InvalidInputError",
    "InvalidShapeError",
    "InvalidValueError",
    "InvalidLabelError",
    "RowSumError",
    "InvalidOptionError",
    "TokenLoss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax_cross_entropy",
    "softmax",
    "log_softmax",
    "sse",
    "token_loss",
    "lambdify_loss",
    "validate_probs",
    "validate_logits",
    "validate_labels",
    "LAMBDIFY_KINDS",
]

UNITS = {"e": "nats", "2": "bits", "10": "decimal"}
REDUCTIONS = ("mean", "sum", "none")
ROW_SUM_TOL = 1e-6  # |Σ_k y_k − 1| allowed for a probability (or soft-target) row

_LN = {"e": 1.0, "2": math.log(2.0), "10": math.log(10.0)}
_SMALL_K = 16  # up to this many classes, a row max is faster column by column
_PAIRWISE_K = 64  # float32 rows longer than this are summed pairwise (accuracy)
_SPARSE_K = 32  # from this many classes, one-hot targets skip the log of every probability
LAMBDIFY_KINDS = ("multiclass", "binary", "sse")


# --------------------------------------------------------------------------- errors


class InvalidInputError(InputError):
    """Input to a kernel failed validation (base of the kernel errors below)."""


class InvalidShapeError(InvalidInputError):
    """Wrong number of dimensions, empty input, or target/probability shapes that do not match."""


class InvalidValueError(InvalidInputError):
    """A value outside its domain: NaN/inf, a probability outside [0, 1], a row not summing to 1."""


class RowSumError(InvalidValueError):
    """A probability (or target) row whose sum is not 1 within ROW_SUM_TOL."""


class InvalidLabelError(InvalidInputError):
    """An integer class label that is out of range or not an integer."""


class InvalidOptionError(InvalidInputError):
    """An unknown reduction, base or loss kind."""


# --------------------------------------------------------------------------- options


def _reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise InvalidOptionError(
            f"unknown reduction {reduction!r}; valid choices: {', '.join(map(repr, REDUCTIONS))}"
        )
    return reduction


def _log_scale(base) -> float:
    """ln(base): the natural-log loss is divided by it."""
    key = str(int(base)) if isinstance(base, (int, np.integer)) and not isinstance(base, bool) else base
    if not isinstance(key, str) or key not in _LN:
        raise InvalidOptionError(f"unknown base {base!r}; valid choices: {', '.join(map(repr, UNITS))}")
    return _LN[key]


# --------------------------------------------------------------------------- validation helpers


def _fmt(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.10g}"


def _fmt_tol(tol: float) -> str:
    return f"{tol:.0e}".replace("e-0", "e-")  # 1e-06 → 1e-6


def _asarray(x, label: str) -> np.ndarray:
    try:
        return np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise InvalidShapeError(f"{label} must be a rectangular array: {exc}") from None


def _as_float(x, label: str, dtype=np.float64) -> np.ndarray:
    """x as a float32/float64 array (no copy when it already is one)."""
    a = _asarray(x, label)
    kind = a.dtype.kind
    if kind == "f":
        if a.dtype != np.float64 and a.dtype != np.float32:
            a = a.astype(np.float64)
        return a
    if kind in "biu":
        return a.astype(dtype)
    if kind == "O":
        try:
            return a.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise InvalidValueError(f"{label} must be real numbers, got dtype {a.dtype}")


def _as_rows(a: np.ndarray, label: str) -> np.ndarray:
    """(K,) → (1, K) view; (N, K) unchanged; anything else or empty → error."""
    if a.ndim == 1:
        a2 = a.reshape(1, -1)
    elif a.ndim == 2:
        a2 = a
    else:
        raise InvalidShapeError(f"{label} must have shape (K,) or (N, K), got shape {a.shape}")
    if a2.size == 0:
        raise InvalidShapeError(f"{label} are empty (shape {a.shape}); need at least one row and one class")
    return a2


def _as_samples(a: np.ndarray, label: str) -> np.ndarray:
    """() → (1,) view; (N,) unchanged; anything else or empty → error."""
    if a.ndim > 1:
        raise InvalidShapeError(f"{label} must be a scalar or have shape (N,), got shape {a.shape}")
    a1 = a.reshape(-1)
    if a1.size == 0:
        raise InvalidShapeError(f"{label} are empty (shape {a.shape}); need at least one value")
    return a1


def _row_sum(a2: np.ndarray) -> np.ndarray:
    """Σ_k a[i, k] in one pass, in a's dtype (NaN/inf propagate).

    A matrix-vector product with ones is the fastest row sum numpy has (about
    3x ``einsum`` and 8x ``a.sum(axis=1)`` on short rows).  It runs in BLAS: on a
    machine whose cores are all busy, OpenBLAS's waiting worker threads slow the
    calls that follow (OPENBLAS_NUM_THREADS=1 avoids that; see the README's
    Performance section).  Long float32 rows use numpy's pairwise
    sum instead: a running float32 sum drifts by ~1e-6 at a 50k vocabulary,
    pairwise stays ~1e-7, so rows stay clear of the tolerance.
    """
    if a2.dtype == np.float32 and a2.shape[1] > _PAIRWISE_K:
        return np.add.reduce(a2, axis=1)
    return a2 @ np.ones(a2.shape[1], dtype=a2.dtype)


def _row_max(z2: np.ndarray) -> np.ndarray:
    """max_k z[i, k]; NaN propagates.  For few classes a loop over the K columns
    (never over samples) beats numpy's reduction along a short axis."""
    n, k = z2.shape
    if k <= _SMALL_K and n >= 64:
        m = z2[:, 0].copy()
        for j in range(1, k):
            np.maximum(m, z2[:, j], out=m)
        return m
    return z2.max(axis=1)


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


def _raise_first_bad(a2: np.ndarray, label: str, mode: str, per_class: bool = True, tol: float = ROW_SUM_TOL) -> None:
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
        rule = "values must be finite" if row_finite[i] else "values must lie in [0, 1]"
        if per_class:
            raise InvalidValueError(f"{label} in row {i} contain {_fmt(a2[i, k])} at class {k}; {rule}")
        raise InvalidValueError(f"{label} in row {i} is {_fmt(a2[i, k])}; {rule}")
    raise RowSumError(f"{label} in row {i} sum to {_fmt(sums[i])}, not 1 (within {_fmt_tol(tol)})")


def _sums_to_one(a2: np.ndarray, s: np.ndarray) -> bool:
    """Every row sum s within ROW_SUM_TOL of 1?  Rows that fail in a's own
    (float32) precision are re-summed exactly in float64 before they count."""
    if s.min() >= 1.0 - ROW_SUM_TOL and s.max() <= 1.0 + ROW_SUM_TOL:  # NaN fails
        return True
    with np.errstate(invalid="ignore"):
        suspect = np.flatnonzero(~(np.abs(s - 1.0) <= ROW_SUM_TOL))
    exact = np.add.reduce(a2[suspect], axis=1, dtype=np.float64)
    return bool(np.all(np.abs(exact - 1.0) <= ROW_SUM_TOL))


def _check_dist(a2: np.ndarray, label: str, check_sum: bool = True, check_min: bool = True) -> np.ndarray | None:
    """Rows of probabilities: finite, ≥ 0 and summing to 1 (or, without check_sum, in [0, 1]).

    Fast path: one minimum and one row sum.  A NaN anywhere makes the minimum
    NaN; +inf makes its row sum inf; with every value ≥ 0 and every row summing
    to 1 no value can exceed 1.  check_min=False leaves "≥ 0 and not NaN" to a
    caller whose computation exposes it anyway.  Returns the row sums (None
    without check_sum).
    """
    if check_sum:
        s = _row_sum(a2)
        ok = (not check_min or a2.min() >= 0) and _sums_to_one(a2, s)
    else:
        s = None
        ok = _all_in_unit_interval(a2)
    if not ok:
        _raise_first_bad(a2, label, "dist" if check_sum else "unit")
    return s


def _check_unit(a1: np.ndarray, label: str) -> None:
    """Per-sample values (N,) that must be finite and in [0, 1]."""
    if not _all_in_unit_interval(a1):
        _raise_first_bad(a1.reshape(-1, 1), label, "unit", per_class=False)


def _check_finite(a2: np.ndarray, label: str, per_class: bool = True) -> None:
    mn, mx = a2.min(), a2.max()
    if not (np.isfinite(mn) and np.isfinite(mx)):
        _raise_first_bad(a2, label, "finite", per_class=per_class)


def _labels(target, n: int, k: int) -> np.ndarray:
    """Integer class labels (n,) in 0..k-1, as intp."""
    lab = _asarray(target, "target labels").reshape(-1)
    kind = lab.dtype.kind
    if kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~(lab == np.floor(lab))  # NaN and ±inf are bad too
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidLabelError(f"target label in row {i} is {_fmt(lab[i])}, not an integer class index")
    elif kind not in "iu":
        raise InvalidLabelError(
            f"target labels must be integer class indices, got dtype {lab.dtype}"
            + (" (booleans are not labels)" if kind == "b" else "")
        )
    if kind == "f":
        in_range = lab.min() >= 0 and lab.max() < k
    else:  # a negative label reads as a huge unsigned one: one pass checks both ends
        in_range = lab.view(lab.dtype.str.replace("i", "u")).max() < k  # same byte order
    if not in_range:
        i = int(np.argmax((lab < 0) | (lab >= k)))
        raise InvalidLabelError(
            f"target label in row {i} is {_fmt(lab[i])}, outside 0..{k - 1} for {k} classes"
        )
    return lab.astype(np.intp, copy=False)


def _split_target(target, ref: np.ndarray, ref_label: str):
    """('labels', array) when target has shape ref.shape[:-1], ('dense', array) when ref.shape."""
    t = _asarray(target, "targets")
    if t.shape == ref.shape:
        return "dense", t
    if t.shape == ref.shape[:-1]:
        return "labels", t
    raise InvalidShapeError(
        f"targets have shape {t.shape} but {ref_label} have shape {ref.shape}; expected the same shape "
        f"(one-hot or soft targets) or shape {ref.shape[:-1]} (integer class labels)"
    )


def _rows_and_target(values, target, label: str):
    """The start of every row kernel: (values as float rows (N, K), whether they were one
    sample, "labels" | "dense", target as an array), shapes checked."""
    a = _as_float(values, label)
    rows = _as_rows(a, label)
    form, t = _split_target(target, a, label)
    return rows, a.ndim == 1, form, t


def _target_rows(t, like: np.ndarray) -> np.ndarray:
    """One-hot or soft targets as float rows of like's dtype."""
    return _as_rows(_as_float(t, "targets", dtype=like.dtype), "targets")


def _gather(a2: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """a2[i, lab[i]] for every row, as a new (N,) array."""
    n, k = a2.shape
    if a2.flags.c_contiguous:
        flat = np.arange(0, n * k, k)
        flat += lab
        return np.take(a2.reshape(-1), flat)
    return np.take_along_axis(a2, lab[:, None], axis=1)[:, 0]


def _finish(per: np.ndarray, reduction: str, scale: float, single: bool):
    """Reduce per-sample natural-log losses (an array this module owns) and change base."""
    if reduction == "none":
        if scale != 1.0:
            np.divide(per, scale, out=per)
        return float(per[0]) if single else per
    total = float(np.add.reduce(per, dtype=np.float64))  # what np.sum/np.mean do, without their wrappers
    if reduction == "mean":
        total /= per.size
    return total / scale if scale != 1.0 else total


# --------------------------------------------------------------------------- public validators


def validate_probs(probs, *, check_sum: bool = True, name: str = "probabilities") -> np.ndarray:
    """Return probs as a float array after checking it: shape (K,) or (N, K),
    non-empty, finite, ≥ 0, each row summing to 1 within ROW_SUM_TOL (or, with
    check_sum=False, each value in [0, 1]).  name is what messages call it."""
    y = _as_float(probs, name)
    _check_dist(_as_rows(y, name), name, check_sum)
    return y


def validate_logits(logits, *, name: str = "logits") -> np.ndarray:
    """Return logits as a float array after checking shape (K,)/(N, K), non-empty and finite."""
    z = _as_float(logits, name)
    _check_finite(_as_rows(z, name), name)
    return z


def validate_labels(labels, classes: int) -> np.ndarray:
    """Return integer class labels (shape () or (N,)) as intp after checking they lie in 0..classes-1."""
    lab = _asarray(labels, "target labels")
    if lab.ndim > 1:
        raise InvalidShapeError(f"target labels must be a scalar or have shape (N,), got shape {lab.shape}")
    if lab.size == 0:
        raise InvalidShapeError(f"target labels are empty (shape {lab.shape})")
    return _labels(lab, lab.size, classes).reshape(lab.shape)


# --------------------------------------------------------------------------- kernels


def _underflow_is_fine(kernel):
    """Underflow to 0 (exp of a very negative logit, the square of 1e-200) is the intended result:
    a caller's np.errstate(all="raise") must not turn it into FloatingPointError."""

    @functools.wraps(kernel)
    def wrapped(*args, **kwargs):
        with np.errstate(under="ignore"):
            return kernel(*args, **kwargs)

    return wrapped



@_underflow_is_fine
def cross_entropy(probs, target, *, reduction: str = "mean", base: str = "e", check_sum: bool = True, validate: bool = True):
    """Cross-entropy E = −Σ_k t_k log y_k of probabilities against targets.

    probs: (K,) or (N, K) probabilities.  target: the same shape (one-hot or
    soft), or integer labels () / (N,) -- then E = −log y_label (a gather; no
    one-hot matrix is built).

    check_sum (keyword only, default True): require every probability row, and
    every one-hot/soft target row, to sum to 1 within ROW_SUM_TOL.  Pass False
    to evaluate the formula on rows that legitimately do not sum to 1, such as
    multi-hot targets (t = [0, 1, 0, 1, 0]) or scores that were never
    normalised; values must then still be finite and in [0, 1].

    validate (keyword only, default True): False skips every check of the
    probabilities themselves (labels are still range-checked: a bad label would
    index out of bounds). For a trusted hot loop: checking a row's sum reads all
    K values, while the labels path otherwise reads one value per row.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    y2, single, form, t = _rows_and_target(probs, target, "probabilities")
    n, k = y2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        if validate:
            _check_dist(y2, "probabilities", check_sum)
        per = _gather(y2, lab)
        with np.errstate(divide="ignore"):
            np.log(per, out=per)
        np.subtract(0.0, per, out=per)  # 0 − log 1 = +0.0, never −0.0
        return _finish(per, reduction, scale, single)

    t2 = _target_rows(t, y2)
    _check_dist(t2, "targets", check_sum)
    if check_sum and k >= _SPARSE_K and np.count_nonzero(t2) == n:
        # Every row sums to ~1, so has a nonzero; n nonzeros means exactly one per
        # row (one-hot, or a single weight): −t_c log y_c, no log of the other classes.
        _check_dist(y2, "probabilities")
        cls = np.argmax(t2, axis=1)
        with np.errstate(divide="ignore"):
            per = np.log(_gather(y2, cls))
        per *= _gather(t2, cls)
        np.subtract(0.0, per, out=per)
        return _finish(per, reduction, scale, single)

    # "≥ 0 and not NaN" for y comes free: log of a negative or NaN is NaN, and so is
    # t·NaN for every t, so such a row's loss is NaN and is examined below.
    _check_dist(y2, "probabilities", check_sum, check_min=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        logy = np.log(y2)
        per = np.einsum("ij,ij->i", t2, logy)
        nan_rows = np.isnan(per)
        if nan_rows.any():
            rows = np.flatnonzero(nan_rows)
            yr = y2[rows]
            if not (yr.min() >= 0):
                _raise_first_bad(y2, "probabilities", "dist" if check_sum else "unit")
            # what remains is 0·log 0: redo those rows with xlogy semantics
            tr = t2[rows]
            per[rows] = np.where(tr == 0, 0.0, tr * logy[rows]).sum(axis=1)
    np.subtract(0.0, per, out=per)
    return _finish(per, reduction, scale, single)


@_underflow_is_fine
def binary_cross_entropy(probs, target, *, reduction: str = "mean", base: str = "e"):
    """E = −[t log y + (1 − t) log(1 − y)] per sample; probs and targets () or (N,), in [0, 1].

    0·log 0 counts as 0 (y = 0 with t = 0, or y = 1 with t = 1, give 0); a zero
    probability of an outcome whose target weight is positive gives +inf.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    y = _as_float(probs, "probabilities")
    y1 = _as_samples(y, "probabilities")
    t = _asarray(target, "targets")
    if t.shape != y.shape:
        raise InvalidShapeError(f"targets have shape {t.shape} but probabilities have shape {y.shape}; they must match")
    t1 = _as_samples(_as_float(t, "targets", dtype=y.dtype), "targets")
    _check_unit(t1, "target")
    _check_unit(y1, "probability")
    # t·log y + (1 − t)·log(1 − y), in three buffers (each new temporary costs page faults)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.log(y1)
        per *= t1
        log_1my = np.subtract(1.0, y1)  # u = fl(1 − y)
        work = np.subtract(1.0, log_1my)
        work -= y1
        work /= log_1my  # δ/u, δ = (1 − u) − y exactly; NaN at y = 1
        np.log(log_1my, out=log_1my)
        log_1my += work  # log(1 − y) = log u + δ/u: accurate for small y, unlike log(1 − y)
        np.subtract(1.0, t1, out=work)
        work *= log_1my
        per += work
        nan_rows = np.isnan(per)  # y = 0 or y = 1: redo with xlogy semantics
        if nan_rows.any():
            tt, yy = t1[nan_rows], y1[nan_rows]
            per[nan_rows] = np.where(tt == 0, 0.0, tt * np.log(yy)) + np.where(
                tt == 1, 0.0, (1.0 - tt) * np.log1p(-yy)
            )
    np.subtract(0.0, per, out=per)
    return _finish(per, reduction, scale, y.ndim == 0)


@_underflow_is_fine
def binary_cross_entropy_with_logits(logits, target, *, reduction: str = "mean", base: str = "e"):
    """Binary cross-entropy of σ(z) against t, computed from the logit z without forming σ(z).

    E = logaddexp(0, z) − t·z, evaluated as
        (1 − t)·z + logaddexp(0, −z)   for z > 0
        −t·z      + logaddexp(0,  z)   for z ≤ 0
    so that both terms are ≥ 0 and nothing cancels: full relative accuracy
    for any |z|.  z = 1000, t = 1 gives exactly 0; z = −1000, t = 1 gives 1000.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    z = _as_float(logits, "logits")
    z1 = _as_samples(z, "logits")
    t = _asarray(target, "targets")
    if t.shape != z.shape:
        raise InvalidShapeError(f"targets have shape {t.shape} but logits have shape {z.shape}; they must match")
    t1 = _as_samples(_as_float(t, "targets", dtype=z.dtype), "targets")
    _check_unit(t1, "target")
    _check_finite(z1.reshape(-1, 1), "logit", per_class=False)
    with np.errstate(over="ignore"):  # |z| near the float maximum: the loss is +inf
        per = np.subtract(1.0, t1)
        per *= z1  # (1 − t)·z, used where z > 0
        tz = np.multiply(t1, z1)
        np.negative(tz, out=tz)  # −t·z, used where z ≤ 0
        np.copyto(per, tz, where=z1 <= 0)
        np.abs(z1, out=tz)
        np.negative(tz, out=tz)
        per += np.logaddexp(0.0, tz, out=tz)
    return _finish(per, reduction, scale, z.ndim == 0)


def _shifted_logits(z2: np.ndarray, label: str):
    """(m, z − m) with m the row max, after checking every logit is finite."""
    m = _row_max(z2)
    # NaN or +inf reaches the row max; −inf only the global min
    if not (np.isfinite(m.max()) and np.isfinite(z2.min())):
        _raise_first_bad(z2, label, "finite")
    with np.errstate(over="ignore"):  # a spread beyond the float range: exp gives 0, as it should
        return m, z2 - m[:, None]


@_underflow_is_fine
def softmax_cross_entropy(logits, target, *, reduction: str = "mean", base: str = "e"):
    """Cross-entropy of softmax(logits) against target, via log-sum-exp.

    With m = max_k z_k and s = Σ_k exp(z_k − m):
      labels:       E = log s + (m − z_label)
      one-hot/soft: E = (Σ_k t_k)·log s − Σ_k t_k (z_k − m)
    Both terms are ≥ 0, so nothing cancels; logits [1000, −1000, 0] with label 0
    give exactly 0.0 and with label 1 exactly 2000.0.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    z2, single, form, t = _rows_and_target(logits, target, "logits")
    n, k = z2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        m, e = _shifted_logits(z2, "logits")
        with np.errstate(over="ignore"):
            gap = np.subtract(m, _gather(z2, lab))  # m − z_label ≥ 0 (+inf if beyond the float range)
        np.exp(e, out=e)
        per = np.log(_row_sum(e))
        per += gap
        return _finish(per, reduction, scale, single)

    t2 = _target_rows(t, z2)
    tsum = _check_dist(t2, "targets")
    m, e = _shifted_logits(z2, "logits")
    with np.errstate(invalid="ignore"):
        tz = np.einsum("ij,ij->i", t2, e)  # Σ t_k (z_k − m) ≤ 0
        nan_rows = np.isnan(tz)  # 0·(−inf): a logit spread beyond the float range
        if nan_rows.any():
            tr = t2[nan_rows]
            tz[nan_rows] = np.where(tr == 0, 0.0, tr * e[nan_rows]).sum(axis=1)
    np.exp(e, out=e)
    per = np.log(_row_sum(e))
    per *= tsum
    per -= tz
    return _finish(per, reduction, scale, single)


@_underflow_is_fine
def softmax(logits) -> np.ndarray:
    """exp(z_k) / Σ_j exp(z_j) along the last axis, computed stably (shift by the row max)."""
    z = _as_float(logits, "logits")
    z2 = _as_rows(z, "logits")
    _, e = _shifted_logits(z2, "logits")
    np.exp(e, out=e)
    e /= _row_sum(e)[:, None]
    return e.reshape(z.shape)


@_underflow_is_fine
def log_softmax(logits) -> np.ndarray:
    """z_k − log Σ_j exp(z_j) along the last axis, computed stably as (z_k − m) − log Σ_j exp(z_j − m)."""
    z = _as_float(logits, "logits")
    z2 = _as_rows(z, "logits")
    _, shifted = _shifted_logits(z2, "logits")
    log_s = np.log(_row_sum(np.exp(shifted)))
    shifted -= log_s[:, None]
    return shifted.reshape(z.shape)


@_underflow_is_fine
def sse(pred, target, *, half: bool = False, reduction: str = "sum"):
    """Sum of squared errors Σ_k (y_k − t_k)² per sample (times ½ with half=True).

    Values need only be finite: they are not restricted to [0, 1] and rows need
    not sum to 1.  target may also be integer labels (then t is one-hot).
    """
    reduction = _reduction(reduction)
    y2, single, form, t = _rows_and_target(pred, target, "predictions")
    n, k = y2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        _check_finite(y2, "predictions")
        diff = np.array(y2, copy=True, order="C")
        diff.reshape(-1)[lab + np.arange(0, n * k, k)] -= 1.0
    else:
        t2 = _target_rows(t, y2)
        with np.errstate(over="ignore", invalid="ignore"):
            diff = np.subtract(y2, t2)
    with np.errstate(over="ignore", invalid="ignore"):
        np.square(diff, out=diff)  # diff is ours; squaring in place saves a temporary
        per = _row_sum(diff)
    # NaN or inf anywhere in a row reaches that row's sum; a finite-but-huge input may overflow to inf
    if not np.isfinite(per).all():
        _check_finite(y2, "predictions")
        if form == "dense":
            _check_finite(t2, "targets")
    if half:
        per *= 0.5
    return _finish(per, reduction, 1.0, single)


class TokenLoss(NamedTuple):
    """Result of :func:`token_loss`."""

    loss: float  # −(1/T) Σ log p_i, in the requested base
    perplexity: float  # exp(mean loss in nats) = (Π p_i)^(−1/T); the same number in every base
    per_token: np.ndarray  # −log p_i, in the requested base


@_underflow_is_fine
def token_loss(p, *, base: str = "e") -> TokenLoss:
    """Mean next-token loss and perplexity from the probability each target token received.

    p: 1-D array of T probabilities.  A token with p = 0 gives an infinite loss
    and perplexity (no warning).  With base "2" the loss is in bits and the
    perplexity is still 2**bits = e**nats.
    """
    scale = _log_scale(base)
    a = _as_float(p, "token probabilities")
    if a.ndim != 1:
        raise InvalidShapeError(f"token probabilities must have shape (T,), got shape {a.shape}")
    if a.size == 0:
        raise InvalidShapeError("token probabilities are empty (shape (0,)); need at least one token")
    _check_unit(a, "token probability")
    with np.errstate(divide="ignore"):
        per = np.log(a)
    np.subtract(0.0, per, out=per)
    nats = float(np.mean(per, dtype=np.float64))
    with np.errstate(over="ignore"):
        perplexity = float(np.exp(np.float64(nats)))  # inf once the mean loss passes ~709.78 nats
    if scale != 1.0:
        np.divide(per, scale, out=per)
    return TokenLoss(nats / scale, perplexity, per)


# --------------------------------------------------------------------------- lambdify


def _derived(kind: str):
    """The derived loss of `kind` for any number of classes, with the symbols it
    reads: (expression, y, t, k, K) -- y and t indexed by k over 1..K, or scalar
    (k and K None) for the binary loss.  The one place that knows the
    derivations/notation interface."""
    from xentlab import notation
    from xentlab.derivations import derive

    expr = derive(kind).result
    if kind == "binary":
        return expr, notation.y_scalar, notation.t_scalar, None, None
    return expr, notation.y, notation.t, notation.k, notation.K


def _whole_arrays(kind: str):
    """The derived loss with y and t standing for whole arrays, plus those two symbols.

    Each Σ_{k=1}^{K} f(y_k, t_k) becomes row_sum(f(Y, T)): f applied to every
    class at once, then summed along each row.  That is the same sum, but NumPy
    evaluates it as a few whole-array operations rather than one per class.
    """
    import sympy

    expr, y, t, k, K = _derived(kind)
    Y = sympy.Symbol("Y", positive=True)
    T = sympy.Symbol("T", nonnegative=True)
    row_sum = sympy.Function("row_sum")

    def over_classes(total):
        if total.limits != ((k, 1, K),):
            raise XentlabError(f"derived {kind} loss sums over {total.limits}, not k = 1..K; cannot vectorise it")
        return row_sum(total.function.xreplace({y[k]: Y, t[k]: T}))

    if k is None:
        arrays = expr.xreplace({y: Y, t: T})
    else:
        arrays = expr.replace(lambda e: isinstance(e, sympy.Sum), over_classes)
    stray = arrays.free_symbols - {Y, T}
    if stray:
        raise XentlabError(
            f"derived {kind} loss has symbols {sorted(map(str, stray))} besides y and t; cannot lambdify it"
        )
    return arrays, Y, T


def _as_result(out, like: np.ndarray) -> np.ndarray:
    """The compiled expression's value as a fresh (N,) array of like's dtype
    (a constant expression, or one without every column, may not be (N,))."""
    if isinstance(out, np.ndarray) and out.base is None and out.shape == like.shape and out.dtype == like.dtype:
        return out  # already a fresh array (not a view of an input)
    return np.array(np.broadcast_to(np.asarray(out, dtype=like.dtype), like.shape))


@functools.lru_cache(maxsize=64)
def _lambdify_cached(kind: str, classes: int | None):
    import sympy

    expr, Y, T = _whole_arrays(kind)
    compiled = sympy.lambdify((Y, T), expr, modules=[{"row_sum": _row_sum}, "numpy"], cse=True)

    if kind == "binary":

        def loss(probs, target):
            y = _as_float(probs, "probabilities")
            y1 = _as_samples(y, "probabilities")
            t1 = _as_samples(_as_float(target, "targets", dtype=y.dtype), "targets")
            if t1.shape != y1.shape:
                raise InvalidShapeError(
                    f"targets have shape {np.shape(target)} but probabilities have shape {y.shape}; they must match"
                )
            out = _as_result(compiled(y1, t1), y1)
            return float(out[0]) if y.ndim == 0 else out

    else:

        def loss(probs, target):
            y = _as_float(probs, "probabilities")
            y2 = _as_rows(y, "probabilities")
            t = _as_float(target, "targets", dtype=y.dtype)
            if y2.shape[1] != classes or t.shape != y.shape:
                raise InvalidShapeError(
                    f"this {kind} loss takes probabilities and targets of shape (N, {classes}), got "
                    f"{y.shape} and {t.shape}"
                )
            out = _as_result(compiled(y2, _as_rows(t, "targets")), y2[:, 0])
            return float(out[0]) if y.ndim == 1 else out

    loss.__name__ = f"{kind.replace('-', '_')}_loss_{classes}" if kind != "binary" else "binary_loss"
    loss.__doc__ = (
        f"Per-sample {kind} loss evaluated from the derived SymPy expression\n\n    {expr}\n\n"
        "compiled by sympy.lambdify(..., 'numpy', cse=True), Y and T being the whole probability and "
        "target arrays and row_sum a sum along each row.  It evaluates the formula verbatim: shapes "
        "are checked but values are not, and 0·log 0 gives nan here (the kernels use xlogy)."
    )
    loss.expr = expr
    return loss


def lambdify_loss(kind: str, classes: int | None = None) -> Callable:
    """A NumPy function of the derived loss of `kind`, built with sympy.lambdify(cse=True).

    kind "multiclass" (and "sse"): classes = K ≥ 2; the function takes
    probs (N, K) and target (N, K) and returns the per-sample losses (N,).
    kind "binary": classes None (or 2); the function takes probs (N,) and
    target (N,).  The derivation's Σ_k over classes is evaluated on whole rows
    (see _whole_arrays), so the cost does not grow with one NumPy call per class.
    Cached per (kind, classes).  Imports SymPy and xentlab.derivations lazily.
    """
    if kind not in LAMBDIFY_KINDS:
        raise InvalidOptionError(f"unknown kind {kind!r}; valid choices: {', '.join(map(repr, LAMBDIFY_KINDS))}")
    if kind == "binary":
        if classes not in (None, 2):
            raise InvalidOptionError(f"the binary loss has 2 classes, got classes={classes!r}")
        classes = None
    elif isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise InvalidOptionError(f"classes must be an integer >= 2 for kind {kind!r}, got {classes!r}")
    else:
        classes = int(classes)
    return _lambdify_cached(kind, classes)
