"""Arrays in, arrays out: options, dtype and shape coercion, the row reductions every kernel shares."""

from __future__ import annotations

import functools
import math

import numpy as np

from xentlab.kernels.errors import InvalidOptionError, InvalidShapeError, InvalidValueError

UNITS = {"e": "nats", "2": "bits", "10": "decimal"}
REDUCTIONS = ("mean", "sum", "none")

_LN = {"e": 1.0, "2": math.log(2.0), "10": math.log(10.0)}
_SMALL_K = 16  # up to this many classes, a row max is faster column by column
_PAIRWISE_K = 64  # float32 rows longer than this are summed pairwise (accuracy)


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

def _underflow_is_fine(kernel):
    """Underflow to 0 (exp of a very negative logit, the square of 1e-200) is the intended result:
    a caller's np.errstate(all="raise") must not turn it into FloatingPointError."""

    @functools.wraps(kernel)
    def wrapped(*args, **kwargs):
        with np.errstate(under="ignore"):
            return kernel(*args, **kwargs)

    return wrapped
