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
    1e-6)``; the same details are attributes of the error (``reason``, ``row``,
    ``value``...).  Inputs must be real numbers: bool, object (strings too),
    complex and masked arrays are refused.  A row must sum to 1 within
    :func:`row_sum_tolerance`: 1e-6, or one ulp of its own dtype per class when
    that is more (float16 rows, float32 rows of 9 classes or more).  The checks
    are whole-array reductions (a minimum and a row sum, or a single integer
    maximum); the first offending row is only searched for once something
    failed.  For float32 input the row sums are taken in float32 and only rows
    that fail are re-summed in float64.

Semantics
    ``0 * log 0`` counts as 0 (``xlogy``): a zero probability in a class whose
    target is 0 is fine.  A zero probability where the target is positive gives
    ``+inf`` (never ``nan``).  Kernels run under ``np.errstate(all="ignore")``:
    a caller's errstate never makes them warn or raise FloatingPointError.

Precision
    Every per-sample result is within 1e-12 (relative) of the exact loss of the
    given floats, from 1e-300 to 1e3 (tests/test_kernels_exact.py checks it
    against mpmath): log-sum-exp takes log1p of the other classes' sum where
    one class dominates, log(1 − y) is corrected for small y, and the binary
    loss from logits is a sum of a softplus and a non-negative term.

float32 input stays float32 through the heavy passes; per-sample results have
the input's float dtype.  SymPy is imported lazily, only by
:func:`lambdify_loss`.

The package, by what a reader looks for:
    ``errors``       the ValueError subclasses every kernel raises
    ``validation``   input checks and the public ``validate_*`` helpers
    ``losses``       cross_entropy, binary_cross_entropy, token_loss, sse
    ``logits``       softmax_cross_entropy, binary_cross_entropy_with_logits, softmax, log_softmax
    ``lambdified``   lambdify_loss: the derived SymPy expressions compiled to NumPy
    ``_arrays``      dtype/shape coercion and the row reductions they share
"""

from __future__ import annotations

from xentlab.kernels._arrays import REDUCTIONS, UNITS
from xentlab.kernels.errors import (
    InvalidInputError,
    InvalidLabelError,
    InvalidOptionError,
    InvalidShapeError,
    InvalidValueError,
    RowSumError,
)
from xentlab.kernels.lambdified import LAMBDIFY_KINDS, lambdify_loss
from xentlab.kernels.logits import binary_cross_entropy_with_logits, log_softmax, softmax, softmax_cross_entropy
from xentlab.kernels.losses import TokenLoss, binary_cross_entropy, cross_entropy, sse, token_loss
from xentlab.kernels.validation import ROW_SUM_TOL, row_sum_tolerance, validate_labels, validate_logits, validate_probs

__all__ = [
    "UNITS",
    "REDUCTIONS",
    "ROW_SUM_TOL",
    "row_sum_tolerance",
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
