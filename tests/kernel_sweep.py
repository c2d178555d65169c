"""The exactness sweep: exact references (mpmath, 50 digits) and its seeded corner cases.

Shared by tests/test_kernels_exact.py (hypothesis explores around the corners) and
bench/bench_kernels.py (the same corners and seeded random draws, for the table of
worst relative errors beside torch and scikit-learn).  Nothing here calls xentlab.

A reference is the exact loss of the floats as given (a float32 input: of its float32
value), evaluated in a form that cancels nothing, so 50 digits are plenty:
    log y                 = log1p(y − 1) for y > 1/2 (y − 1 is exact),
    log(1 − y)            = log1p(−y),
    lse(z) − z_k          = log1p(Σ_{j≠k} exp(z_j − z_k)),
    −log σ(z), −log σ(−z) = log1p(exp(−z)), log1p(exp(z)).
Each is the textbook expression rewritten by an identity, not an approximation.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

DPS = 50
# Relative error allowed; below the smallest normal number a result cannot keep its
# relative precision, so the error is measured against max(|exact|, FLOOR).
RTOL = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 2e-5}
FLOOR = {np.dtype(np.float64): float(np.finfo(np.float64).tiny), np.dtype(np.float32): float(np.finfo(np.float32).tiny)}
BASES = {"e": 1, "2": 2, "10": 10}


def _mp(x) -> mpmath.mpf:
    return mpmath.mpf(float(x))  # a float32 or float64 value converts exactly


def _log(y: mpmath.mpf) -> mpmath.mpf:
    return mpmath.log1p(y - 1) if y > 0.5 else mpmath.log(y)


def _ln_base(base: str) -> mpmath.mpf:
    return mpmath.log(BASES[base]) if base != "e" else mpmath.mpf(1)


def relative_error(got: float, exact: mpmath.mpf, dtype) -> float:
    """|got − exact| / max(|exact|, FLOOR[dtype]); an infinite exact value must be met exactly."""
    if mpmath.isinf(exact) or exact > np.finfo(np.dtype(dtype)).max:
        return 0.0 if got == math.inf else math.inf
    if not math.isfinite(got):
        return math.inf
    return float(abs(_mp(got) - exact) / max(abs(exact), FLOOR[np.dtype(dtype)]))


# --------------------------------------------------------------------------- references (per sample)


def cross_entropy(y_row, t_row, base: str = "e") -> mpmath.mpf:
    """−Σ t_k log y_k, with 0·log 0 = 0 and +inf where y_k = 0 < t_k."""
    with mpmath.workdps(DPS):
        total = mpmath.mpf(0)
        for y, t in zip(map(_mp, y_row), map(_mp, t_row)):
            if t == 0:
                continue
            if y == 0:
                return mpmath.inf
            total -= t * _log(y)
        return total / _ln_base(base)


def _minus_log_softmax(z_row) -> list:
    z = [_mp(v) for v in z_row]
    return [mpmath.log1p(mpmath.fsum(mpmath.exp(zj - zk) for j, zj in enumerate(z) if j != k)) for k, zk in enumerate(z)]


def softmax_cross_entropy(z_row, t_row, base: str = "e") -> mpmath.mpf:
    """Σ_k t_k (lse(z) − z_k)."""
    with mpmath.workdps(DPS):
        return mpmath.fsum(_mp(t) * loss for t, loss in zip(t_row, _minus_log_softmax(z_row)) if t != 0) / _ln_base(base)


def log_softmax(z_row) -> list:
    with mpmath.workdps(DPS):
        return [-loss for loss in _minus_log_softmax(z_row)]


def softmax(z_row) -> list:
    with mpmath.workdps(DPS):
        return [mpmath.exp(-loss) for loss in _minus_log_softmax(z_row)]


def binary(y, t, base: str = "e") -> mpmath.mpf:
    """−t log y − (1 − t) log(1 − y), with 0·log 0 = 0."""
    with mpmath.workdps(DPS):
        y, t = _mp(y), _mp(t)
        total = mpmath.mpf(0)
        if t != 0:
            total -= t * _log(y) if y != 0 else -mpmath.inf
        if t != 1:
            total -= (1 - t) * mpmath.log1p(-y) if y != 1 else -mpmath.inf
        return total / _ln_base(base)


def binary_logits(z, t, base: str = "e") -> mpmath.mpf:
    """t·softplus(−z) + (1 − t)·softplus(z)."""
    with mpmath.workdps(DPS):
        z, t = _mp(z), _mp(t)
        return (t * mpmath.log1p(mpmath.exp(-z)) + (1 - t) * mpmath.log1p(mpmath.exp(z))) / _ln_base(base)


def sse(y_row, t_row) -> mpmath.mpf:
    with mpmath.workdps(DPS):
        return mpmath.fsum((_mp(y) - _mp(t)) ** 2 for y, t in zip(y_row, t_row))


def token_loss(p, base: str = "e"):
    """(per-token −log p, mean loss, perplexity = exp(mean loss in nats))."""
    with mpmath.workdps(DPS):
        per = [mpmath.inf if _mp(v) == 0 else -_log(_mp(v)) for v in p]
        nats = mpmath.fsum(per) / len(per)
        scale = _ln_base(base)
        return [v / scale for v in per], nats / scale, mpmath.exp(nats)


# --------------------------------------------------------------------------- seeded corner cases

# Losses the sweep must cover, 1e-300 to 1e3: logits [0, ln L] with label 0 give
# log1p(L) ≈ L for small L; [L, 0] with label 1 give ≈ L for large L.
LOSS_MAGNITUDES = (1e-300, 1e-200, 1e-100, 1e-50, 1e-21, 1e-16, 1e-9, 1e-3, 0.5, 1.0, 10.0, 100.0, 1000.0)

SOFTMAX_CORNERS = [  # (logits, label)
    ([-2.0, 923.0, -625.0, 396.0, 81.0, -986.0, 970.0], 6),  # solve's case: 1.68e-21 in base 10
    ([1000.0, -1000.0, 0.0], 0),
    ([1000.0, -1000.0, 0.0], 1),
    ([1000.0, -1000.0, 0.0], 2),
    ([-1000.0, 1000.0], 0),
    ([0.0, -50.0], 0),
    ([0.0, -36.7368005696771], 0),  # a loss of about 1.1e-16, one ulp of 1
    ([0.0, -745.0], 0),  # e^-745 is below the smallest double: the loss is too
    ([0.0, -1e-300], 0),
    ([709.0, -709.0, 0.0], 0),
    ([3.0, 3.0, -800.0], 0),  # a tie for the maximum
    ([11.368504, -66.802414], 0),  # in float32 the shift z − max z rounds by 3.8e-6 before exp: float32's worst
] + [([0.0, math.log(v)], 0) for v in LOSS_MAGNITUDES if v < 1] + [([v, 0.0], 1) for v in LOSS_MAGNITUDES if v >= 1]

PROBABILITY_CORNERS = [  # (probabilities of one row, label)
    ([1 - 1e-15, 1e-15], 0),
    ([1 - 1e-15, 1e-15], 1),
    ([1 - 2.0**-53, 2.0**-53], 0),  # the largest double below 1
    ([1e-300, 1 - 1e-300], 0),
    ([1e-300, 1 - 1e-300], 1),
    ([5e-324, 1.0], 0),  # the smallest subnormal
    ([1e-15, 0.5 - 1e-15, 0.5], 1),
    ([1 - 1e-9, 5e-10, 5e-10], 0),
    ([0.33, 0.32, 0.35], 0),
]
SOFT_TARGET_CORNERS = [  # (probabilities, soft targets)
    ([1 - 2.0**-53, 2.0**-53], [1 - 1e-300, 1e-300]),  # a loss near 1e-298 from the tiny weight
    ([1.0, 1e-300], [1 - 1e-16, 1e-16]),
    ([0.5, 0.25, 0.25], [0.2, 0.3, 0.5]),
]

BINARY_PROBS = (0.0, 5e-324, 1e-300, 1e-200, 1e-15, 1e-9, 0.3, 0.5, 1 - 1e-9, 1 - 1e-15, 1 - 2.0**-53, 1.0)
BINARY_TARGETS = (0.0, 1.0, 0.5, 1e-300, 1 - 2.0**-53)
BINARY_LOGITS = (0.0, 1e-300, -1e-300, 1e-5, -1e-5, 36.7, -36.7, 50.0, -50.0, 690.8, -690.8, 709.0, -709.0,
                 745.0, -745.0, 1000.0, -1000.0)
SSE_DIFFS = (1e-150, 1e-100, 1e-8, 0.5, 1.0, 30.0)  # a row [d, 0] against [0, 0] gives d²: 1e-300 .. 900
TOKEN_PROBS = (5e-324, 1e-300, 1e-15, 1e-9, 0.5, 1 - 1e-9, 1 - 1e-15, 1 - 2.0**-53, 1.0)


# --------------------------------------------------------------------------- seeded random draws (the bench)


def random_logit_rows(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Logits in [−1000, 1000] where one class leads by a gap log-uniform in [1e-3, 2000],
    and labels that pick the leader three times in four (so losses span 1e-300 to 1e3)."""
    z = rng.uniform(-1000, 1000, (n, k))
    lead = rng.integers(0, k, n)
    gap = 10.0 ** rng.uniform(-3, math.log10(2000), n)
    others = np.where(np.arange(k)[None, :] == lead[:, None], -np.inf, z)
    z[np.arange(n), lead] = np.clip(others.max(axis=1) + gap, -1000, 1000)
    labels = np.where(rng.random(n) < 0.75, lead, rng.integers(0, k, n))
    return z, labels


def random_probability_rows(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows where one class holds 1 − δ, δ log-uniform in [1e-16, 0.5], the rest share δ
    (some of them with log-uniform weights down to 1e-300), and labels that pick the leader
    three times in four."""
    delta = 10.0 ** rng.uniform(-16, math.log10(0.5), n)
    weights = 10.0 ** rng.uniform(-300, 0, (n, k))
    lead = rng.integers(0, k, n)
    weights[np.arange(n), lead] = 0.0
    y = weights / weights.sum(axis=1, keepdims=True) * delta[:, None]
    y[np.arange(n), lead] = 1.0 - delta
    labels = np.where(rng.random(n) < 0.75, lead, rng.integers(0, k, n))
    return y, labels


def random_binary(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(probabilities within 1e-300.. of 0 or 1e-16.. of 1, logits in [−1000, 1000] log-uniform
    in size, targets 0, 1 or in between)."""
    near = 10.0 ** rng.uniform(-300, math.log10(0.5), n)
    y = np.where(rng.random(n) < 0.5, near, 1.0 - 10.0 ** rng.uniform(-16, math.log10(0.5), n))
    z = np.where(rng.random(n) < 0.5, -1.0, 1.0) * 10.0 ** rng.uniform(-5, 3, n)
    t = np.where(rng.random(n) < 0.7, rng.integers(0, 2, n).astype(float), rng.random(n))
    return y, z, t
