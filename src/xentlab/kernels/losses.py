"""The losses of probabilities: cross-entropy, binary cross-entropy, the token loss, and the sum of squared errors."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from xentlab.kernels._arrays import (
    _as_float, _as_samples, _finish, _gather, _ieee_handled, _log_scale, _reduction, _row_sum,
)
from xentlab.kernels.errors import InvalidShapeError
from xentlab.kernels.validation import (
    _check_dist, _check_finite, _check_unit, _labels, _raise_first_bad, _rows_and_target, _same_shape_target,
    _target_rows, _tolerance,
)


_SPARSE_K = 32  # from this many classes, one-hot targets skip the log of every probability


@_ieee_handled
def cross_entropy(probs, target, *, reduction: str = "mean", base: str = "e", check_sum: bool = True, validate: bool = True):
    """Cross-entropy E = −Σ_k t_k log y_k of probabilities against targets.

    probs: (K,) or (N, K) probabilities.  target: the same shape (one-hot or
    soft), or integer labels () / (N,) -- then E = −log y_label (a gather; no
    one-hot matrix is built).

    check_sum (keyword only, default True): require every probability row, and
    every one-hot/soft target row, to sum to 1 within row_sum_tolerance (ROW_SUM_TOL,
    or K ulps of the values' own dtype when that is more).  Pass False
    to evaluate the formula on rows that legitimately do not sum to 1, such as
    multi-hot targets (t = [0, 1, 0, 1, 0]) or scores that were never
    normalised; values must then still be finite and in [0, 1].

    validate (keyword only, default True): False skips every check of the
    probabilities themselves (labels are still range-checked: a bad label would
    index out of bounds). For a trusted hot loop: checking a row's sum reads all
    K values, while the labels path otherwise reads one value per row.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    y2, single, form, t, eps = _rows_and_target(probs, target, "probabilities")
    n, k = y2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        if validate:
            _check_dist(y2, "probabilities", check_sum, eps=eps)
        per = _gather(y2, lab)
        np.log(per, out=per)  # log 0 = −inf is expected (see _ieee_handled)
        return _finish(per, reduction, scale, single, negate=True)

    t2, t_eps = _target_rows(t, y2)
    _check_dist(t2, "targets", check_sum, eps=t_eps)
    if check_sum and k >= _SPARSE_K and np.count_nonzero(t2) == n:
        # Every row sums to ~1, so has a nonzero; n nonzeros means exactly one per
        # row (one-hot, or a single weight): −t_c log y_c, no log of the other classes.
        _check_dist(y2, "probabilities", eps=eps)
        cls = np.argmax(t2, axis=1)
        # expected here (see _ieee_handled): log 0 = −inf
        per = np.log(_gather(y2, cls))
        per *= _gather(t2, cls)
        np.subtract(0.0, per, out=per)
        return _finish(per, reduction, scale, single)

    # "≥ 0 and not NaN" for y comes free: log of a negative or NaN is NaN, and so is
    # t·NaN for every t, so such a row's loss is NaN and is examined below.
    _check_dist(y2, "probabilities", check_sum, check_min=False, eps=eps)
    # expected here (see _ieee_handled): log 0 = −inf; 0·inf = nan, redone below
    logy = np.log(y2)
    per = np.einsum("ij,ij->i", t2, logy)
    nan_rows = np.isnan(per)
    if nan_rows.any():
        rows = np.flatnonzero(nan_rows)
        yr = y2[rows]
        if not (yr.min() >= 0):
            _raise_first_bad(y2, "probabilities", "dist" if check_sum else "unit", tol=_tolerance(eps, k))
        # what remains is 0·log 0: redo those rows with xlogy semantics
        tr = t2[rows]
        per[rows] = np.where(tr == 0, 0.0, tr * logy[rows]).sum(axis=1)
    np.subtract(0.0, per, out=per)
    return _finish(per, reduction, scale, single)


@_ieee_handled
def binary_cross_entropy(probs, target, *, reduction: str = "mean", base: str = "e"):
    """E = −[t log y + (1 − t) log(1 − y)] per sample; probs and targets () or (N,), in [0, 1].

    0·log 0 counts as 0 (y = 0 with t = 0, or y = 1 with t = 1, give 0); a zero
    probability of an outcome whose target weight is positive gives +inf.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    y = _as_float(probs, "probabilities")
    y1 = _as_samples(y, "probabilities")
    t1 = _as_samples(_same_shape_target(target, y, "probabilities"), "targets")
    _check_unit(t1, "target")
    _check_unit(y1, "probability")
    # t·log y + (1 − t)·log(1 − y), in three buffers (each new temporary costs page faults)
    # expected here (see _ieee_handled): log 0 = −inf; 0·inf = nan, redone below
    per = np.log(y1)
    per *= t1
    log_1my = np.negative(y1)
    np.log1p(log_1my, out=log_1my)  # log(1 − y) as log1p(−y): 1 − y would round y = 1e-20 away
    work = np.subtract(1.0, t1)
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


@_ieee_handled
def sse(pred, target, *, half: bool = False, reduction: str = "sum"):
    """Sum of squared errors Σ_k (y_k − t_k)² per sample (times ½ with half=True).

    Values need only be finite: they are not restricted to [0, 1] and rows need
    not sum to 1.  target may also be integer labels (then t is one-hot).
    """
    reduction = _reduction(reduction)
    y2, single, form, t, _ = _rows_and_target(pred, target, "predictions")
    n, k = y2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        _check_finite(y2, "predictions")
        diff = np.array(y2, copy=True, order="C")
        diff.reshape(-1)[lab + np.arange(0, n * k, k)] -= 1.0
    else:
        t2 = _target_rows(t, y2)[0]
        diff = np.subtract(y2, t2)
    # expected here (see _ieee_handled): a difference or square beyond the float range is inf (NaN/inf input
    # is caught below)
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


@_ieee_handled
def token_loss(p, *, base: str = "e") -> TokenLoss:
    """Mean next-token loss and perplexity from the probability each target token received.

    p: 1-D array of T probabilities.  A token with p = 0 gives an infinite loss
    and perplexity (no warning).  With base "2" the loss is in bits and the
    perplexity is still 2**bits = e**nats.  The logs are taken in float64 for every
    input: the perplexity exp(mean) turns the mean's absolute error into a relative
    one, which float32 logs (±3e-6 at 50 nats) would make visible.  per_token has
    the input's dtype.
    """
    scale = _log_scale(base)
    name = "token probabilities"
    a = _as_float(p, name)
    if a.ndim != 1:
        raise InvalidShapeError(
            f"{name} must have shape (T,), got shape {a.shape}", reason="ndim", name=name, shape=a.shape,
            expected="(T,)",
        )
    if a.size == 0:
        raise InvalidShapeError(
            f"{name} are empty (shape (0,)); need at least one token", reason="empty", name=name, shape=a.shape,
            expected="at least one token",
        )
    _check_unit(a, "token probability")
    per = np.log(a, dtype=np.float64)
    np.subtract(0.0, per, out=per)
    nats = float(np.add.reduce(per)) / per.size
    perplexity = float(np.exp(np.float64(nats)))  # inf once the mean loss passes ~709.78 nats
    if scale != 1.0:
        np.divide(per, scale, out=per)
    return TokenLoss(nats / scale, perplexity, per.astype(a.dtype, copy=False))
