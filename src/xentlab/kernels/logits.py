"""The losses of logits, by log-sum-exp and softplus, and softmax / log_softmax themselves."""

from __future__ import annotations

import numpy as np

from xentlab.kernels._arrays import (
    _as_float, _as_rows, _as_samples, _finish, _gather, _ieee_handled, _log_scale, _reduction, _row_max, _row_sum,
)
from xentlab.kernels.validation import (
    _check_dist, _check_finite, _check_unit, _labels, _raise_first_bad, _rows_and_target, _same_shape_target,
    _target_rows,
)


@_ieee_handled
def binary_cross_entropy_with_logits(logits, target, *, reduction: str = "mean", base: str = "e"):
    """Binary cross-entropy of σ(z) against t, computed from the logit z without forming σ(z).

    E = softplus(z) − t·z, softplus(x) = log(1 + e^x) = logaddexp(0, x), evaluated as
        (1 − t)·z + softplus(−z)   for z > 0
        −t·z      + softplus(z)    for z ≤ 0
    so that both terms are ≥ 0 and nothing cancels, and softplus(−|z|) is
    log1p(e^−|z|): full relative accuracy for any |z| (z = 40, t = 1 gives
    4.2e-18).  z = 1000, t = 1 gives exactly 0; z = −1000, t = 1 gives 1000.
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    z = _as_float(logits, "logits")
    z1 = _as_samples(z, "logits")
    t1 = _as_samples(_same_shape_target(target, z, "logits"), "targets")
    _check_unit(t1, "target")
    _check_finite(z1.reshape(-1, 1), "logit", per_class=False)
    # expected here (see _ieee_handled): |z| near the float maximum gives an infinite loss
    per = np.subtract(1.0, t1)
    per *= z1  # (1 − t)·z, used where z > 0
    tz = np.multiply(t1, z1)
    np.negative(tz, out=tz)  # −t·z, used where z ≤ 0
    np.copyto(per, tz, where=z1 <= 0)
    np.abs(z1, out=tz)
    np.negative(tz, out=tz)
    per += np.logaddexp(0.0, tz, out=tz)
    return _finish(per, reduction, scale, z.ndim == 0)


def _shifted_logits(z2: np.ndarray, name: str):
    """(m, z − m) with m the row max, after checking every logit is finite."""
    m = _row_max(z2)
    # NaN or +inf reaches the row max; −inf only the global min
    if not (np.isfinite(m.max()) and np.isfinite(z2.min())):
        _raise_first_bad(z2, name, "finite")
    # expected here (see _ieee_handled): a spread beyond the float range is −inf; exp gives 0, as it should
    return m, z2 - m[:, None]


def _log_row_sum(e: np.ndarray) -> np.ndarray:
    """log Σ_k e[i, k] for e = exp(z − max z) (so each row's largest entry is exactly 1),
    to full relative precision even when the sum is 1 plus something tiny.

    log(s) of the rounded sum s = 1 + r loses r once r nears the float's epsilon:
    logits [0, −50] give s = 1.0 exactly and a loss of 0 instead of 1.9e-22.  Rows
    with s < 2 have exactly one entry equal to 1 (a second would make s ≥ 2), so
    there log s = log1p(r) with r the sum of the other entries, summed without the 1.
    e may be modified (those rows' ones are zeroed in a copy only).
    """
    s = _row_sum(e)
    log_s = np.log(s)
    near_one = np.flatnonzero(s < 2.0)
    if near_one.size:
        rest = e[near_one]  # a copy
        rest[rest == 1.0] = 0.0
        log_s[near_one] = np.log1p(_row_sum(rest))
    return log_s


@_ieee_handled
def softmax_cross_entropy(logits, target, *, reduction: str = "mean", base: str = "e"):
    """Cross-entropy of softmax(logits) against target, via log-sum-exp.

    With m = max_k z_k and s = Σ_k exp(z_k − m):
      labels:       E = log s + (m − z_label)
      one-hot/soft: E = (Σ_k t_k)·log s − Σ_k t_k (z_k − m)
    Both terms are ≥ 0, so nothing cancels; logits [1000, −1000, 0] with label 0
    give exactly 0.0 and with label 1 exactly 2000.0.  Where one class dominates
    (s < 2), log s is log1p of the other classes' sum, so a loss of 1e-300 keeps
    its digits (see _log_row_sum).
    """
    reduction, scale = _reduction(reduction), _log_scale(base)
    z2, single, form, t, _ = _rows_and_target(logits, target, "logits")
    n, k = z2.shape
    if form == "labels":
        lab = _labels(t, n, k)
        m, e = _shifted_logits(z2, "logits")
        gap = np.subtract(m, _gather(z2, lab))  # m − z_label ≥ 0 (+inf beyond the float range: see _ieee_handled)
        np.exp(e, out=e)
        per = _log_row_sum(e)
        per += gap
        return _finish(per, reduction, scale, single)

    t2, t_eps = _target_rows(t, z2)
    tsum = _check_dist(t2, "targets", eps=t_eps)
    m, e = _shifted_logits(z2, "logits")
    # expected here (see _ieee_handled): 0·inf = nan, redone below
    tz = np.einsum("ij,ij->i", t2, e)  # Σ t_k (z_k − m) ≤ 0
    nan_rows = np.isnan(tz)  # 0·(−inf): a logit spread beyond the float range
    if nan_rows.any():
        tr = t2[nan_rows]
        tz[nan_rows] = np.where(tr == 0, 0.0, tr * e[nan_rows]).sum(axis=1)
    np.exp(e, out=e)
    per = _log_row_sum(e)
    per *= tsum
    per -= tz
    return _finish(per, reduction, scale, single)


@_ieee_handled
def softmax(logits) -> np.ndarray:
    """exp(z_k) / Σ_j exp(z_j) along the last axis, computed stably (shift by the row max)."""
    z = _as_float(logits, "logits")
    z2 = _as_rows(z, "logits")
    _, e = _shifted_logits(z2, "logits")
    np.exp(e, out=e)
    e /= _row_sum(e)[:, None]
    return e.reshape(z.shape)


@_ieee_handled
def log_softmax(logits) -> np.ndarray:
    """z_k − log Σ_j exp(z_j) along the last axis, computed stably as (z_k − m) − log Σ_j exp(z_j − m)
    (the largest class's value, −log Σ_j exp(z_j − m), to full relative precision: see _log_row_sum)."""
    z = _as_float(logits, "logits")
    z2 = _as_rows(z, "logits")
    _, shifted = _shifted_logits(z2, "logits")
    log_s = _log_row_sum(np.exp(shifted))
    shifted -= log_s[:, None]
    return shifted.reshape(z.shape)
