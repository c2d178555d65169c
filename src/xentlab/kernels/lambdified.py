"""lambdify_loss: the *derived* SymPy loss compiled to NumPy (SymPy imported only when called)."""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from xentlab.errors import XentlabError
from xentlab.kernels._arrays import _as_float, _as_rows, _as_samples, _row_sum
from xentlab.kernels.errors import InvalidOptionError, InvalidShapeError

LAMBDIFY_KINDS = ("multiclass", "binary", "sse")


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
