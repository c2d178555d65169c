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
_PAIRWISE_K = 64  # rows longer than this are summed pairwise (accuracy, and as fast there)


def _reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise InvalidOptionError(
            f"unknown reduction {reduction!r}; valid choices: {', '.join(map(repr, REDUCTIONS))}",
            reason="unknown_option", name="reduction", option="reduction", value=reduction, choices=REDUCTIONS,
        )
    return reduction


def _log_scale(base) -> float:
    """ln(base): the natural-log loss is divided by it."""
    key = str(int(base)) if isinstance(base, (int, np.integer)) and not isinstance(base, bool) else base
    if not isinstance(key, str) or key not in _LN:
        raise InvalidOptionError(
            f"unknown base {base!r}; valid choices: {', '.join(map(repr, UNITS))}",
            reason="unknown_option", name="base", option="base", value=base, choices=tuple(UNITS),
        )
    return _LN[key]


def _fmt(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.10g}"


def _fmt_tol(tol: float) -> str:
    return f"{tol:.2g}".replace("e-0", "e-")  # 1e-06 → 1e-6, 1.2e-06 → 1.2e-6, 0.0059


def _asarray(x, name: str, error=InvalidValueError) -> np.ndarray:
    """x as an ndarray; a masked array is refused (np.asarray would drop its mask)."""
    if isinstance(x, np.ma.MaskedArray):
        raise error(
            f"{name} are a masked array, whose mask would be ignored; pass x.filled(value) or only the "
            "unmasked entries (x.compressed())",
            reason="masked", name=name,
        )
    try:
        return np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise InvalidShapeError(
            f"{name} must be a rectangular array: {exc}", reason="ragged", name=name, shape=None,
            expected="a rectangular array",
        ) from None


_DTYPE_HINTS = {
    "b": " (booleans are not numbers here; pass x.astype(float) if 0 and 1 are meant)",
    "O": " (an object array, e.g. strings or Python objects; convert it with np.asarray(x, dtype=float) first)",
    "c": " (complex numbers have no probability or loss)",
}


def _as_float_and_eps(x, name: str, dtype=np.float64) -> tuple[np.ndarray, float]:
    """(x as a float32/float64 array, the machine epsilon of the dtype it was given in).

    No copy when x already is float32/float64; integers become `dtype` (eps 0: they are
    exact); float16 and longer floats become float64 but keep their own eps, which is
    what a row-sum tolerance must forgive.  Bool, object, complex and text are refused.
    """
    a = _asarray(x, name)
    kind = a.dtype.kind
    if kind == "f":
        eps = float(np.finfo(a.dtype).eps)
        if a.dtype != np.float64 and a.dtype != np.float32:
            a = a.astype(np.float64)
        return a, eps
    if kind in "iu":
        return a.astype(dtype), 0.0
    raise InvalidValueError(
        f"{name} must be real numbers, got dtype {a.dtype}{_DTYPE_HINTS.get(kind, '')}",
        reason="dtype", name=name, dtype=str(a.dtype),
    )


def _as_float(x, name: str, dtype=np.float64) -> np.ndarray:
    """x as a float32/float64 array (see _as_float_and_eps)."""
    return _as_float_and_eps(x, name, dtype)[0]


def _as_rows(a: np.ndarray, name: str) -> np.ndarray:
    """(K,) → (1, K) view; (N, K) unchanged; anything else or empty → error."""
    if a.ndim == 1:
        a2 = a.reshape(1, -1)
    elif a.ndim == 2:
        a2 = a
    else:
        raise InvalidShapeError(
            f"{name} must have shape (K,) or (N, K), got shape {a.shape}",
            reason="ndim", name=name, shape=a.shape, expected="(K,) or (N, K)",
        )
    if a2.size == 0:
        raise InvalidShapeError(
            f"{name} are empty (shape {a.shape}); need at least one row and one class",
            reason="empty", name=name, shape=a.shape, expected="at least one row and one class",
        )
    return a2


def _as_samples(a: np.ndarray, name: str) -> np.ndarray:
    """() → (1,) view; (N,) unchanged; anything else or empty → error."""
    if a.ndim > 1:
        raise InvalidShapeError(
            f"{name} must be a scalar or have shape (N,), got shape {a.shape}",
            reason="ndim", name=name, shape=a.shape, expected="() or (N,)",
        )
    a1 = a.reshape(-1)
    if a1.size == 0:
        raise InvalidShapeError(
            f"{name} are empty (shape {a.shape}); need at least one value",
            reason="empty", name=name, shape=a.shape, expected="at least one value",
        )
    return a1


def _row_sum(a2: np.ndarray) -> np.ndarray:
    """Σ_k a[i, k] in one pass, in a's dtype (NaN/inf propagate).

    Short rows: einsum("ij->i"), numpy's fastest row sum that stays out of BLAS
    (about 5x ``a.sum(axis=1)`` at K = 10).  A BLAS matrix-vector product with
    ones is faster still when a core is free, but on a machine whose cores are
    all busy its second thread waits for one: the same call took 0.12 ms or 7 ms.
    Long rows: numpy's pairwise sum, as fast there and more accurate (a running
    float32 sum drifts by ~1e-6 at a 50k vocabulary, pairwise stays ~1e-7;
    log-sum-exp reads this sum).
    """
    if a2.shape[1] > _PAIRWISE_K:
        return np.add.reduce(a2, axis=1)
    return np.einsum("ij->i", a2)


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
        f"(one-hot or soft targets) or shape {ref.shape[:-1]} (integer class labels)",
        reason="mismatch", name="targets", shape=t.shape, expected=(ref.shape, ref.shape[:-1]),
    )


def _gather(a2: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """a2[i, lab[i]] for every row, as a new (N,) array."""
    n, k = a2.shape
    if a2.flags.c_contiguous:
        flat = np.arange(0, n * k, k)
        flat += lab
        return a2.reshape(-1)[flat]  # 1-D fancy indexing: faster than np.take or a 2-D index here
    return np.take_along_axis(a2, lab[:, None], axis=1)[:, 0]


def _finish(per: np.ndarray, reduction: str, scale: float, single: bool, negate: bool = False):
    """Reduce per-sample natural-log losses (an array the kernel owns) and change base.
    negate: per holds the log-probabilities, whose negatives are the losses (negating
    the one total is cheaper than negating every sample)."""
    if reduction == "none":
        if negate:
            np.subtract(0.0, per, out=per)  # 0 − log 1 = +0.0, never −0.0
        if scale != 1.0:
            np.divide(per, scale, out=per)
        return float(per[0]) if single else per
    total = float(np.add.reduce(per, dtype=np.float64))  # what np.sum/np.mean do, without their wrappers
    if negate:
        total = 0.0 - total
    if reduction == "mean":
        total /= per.size
    return total / scale if scale != 1.0 else total


def _ieee_handled(kernel):
    """Run a kernel under np.errstate(all="ignore").

    Every kernel handles IEEE special values itself, after validating its input:
    log 0 is −inf (an infinite loss), 0·log 0 is redone as 0, a value beyond the
    float range is inf, exp of a very negative logit underflows to 0.  A caller's
    np.errstate must neither warn about those nor turn them into FloatingPointError.
    """

    @functools.wraps(kernel)
    def wrapped(*args, **kwargs):
        with np.errstate(all="ignore"):
            return kernel(*args, **kwargs)

    return wrapped
