"""lambdify_loss: the *derived* SymPy loss compiled to NumPy (SymPy is imported only when called).

The derivation's result is compiled as it stands, with two rewrites that change how
it is evaluated, never what it is:
  * each Σ_{k=1}^{K} over classes becomes one row sum of whole arrays (_whole_arrays);
  * log(1 + x) becomes log1p(x) (SymPy's own codegen rewrite, ``log1p_opt``), so that
    the binary loss's −log(1 − y) keeps its digits for y near 0.
By default the returned function validates its input exactly like the kernels; with
``validate=False`` it is the compiled function itself.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from xentlab.errors import XentlabError
from xentlab.kernels._arrays import _as_float_and_eps, _as_rows, _as_samples, _ieee_handled, _row_sum
from xentlab.kernels.errors import InvalidOptionError, InvalidShapeError
from xentlab.kernels.validation import _check_dist, _check_finite, _check_unit, _same_shape_target

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


def _with_xlogy(expr):
    """expr with each c·log(x) written xlogy(c, x) and each c·log1p(x) xlog1py(c, x): 0 where
    c = 0.  That is the convention 0·log 0 = 0 the kernels follow; the product itself gives NaN."""
    import sympy
    from sympy.codegen.cfunctions import log1p

    logs = (sympy.log, log1p)
    xlogy, xlog1py = sympy.Function("xlogy"), sympy.Function("xlog1py")

    def is_term(e) -> bool:
        return isinstance(e, sympy.Mul) and any(isinstance(f, logs) for f in e.args)

    def as_xlogy(term):
        found = [f for f in term.args if isinstance(f, logs)]
        if len(found) != 1:
            raise XentlabError(f"derived term {term} has {len(found)} logarithms; cannot give it xlogy semantics")
        coefficient = term.func(*(f for f in term.args if f is not found[0]))
        return (xlogy if isinstance(found[0], sympy.log) else xlog1py)(coefficient, found[0].args[0])

    return expr.replace(is_term, as_xlogy)


def _xlogy(c, x):
    return np.where(c == 0, 0.0, c * np.log(x))


def _xlog1py(c, x):
    return np.where(c == 0, 0.0, c * np.log1p(x))


@functools.lru_cache(maxsize=None)
def _compiled(kind: str):
    """(fast, zero_safe, expr): the derived loss of kind, rewritten as the module docstring
    says, compiled verbatim (fast) and with xlogy semantics (for the rows where the verbatim
    product met 0·log 0).  The same for every number of classes."""
    import sympy
    from sympy.codegen.rewriting import log1p_opt, optimize

    arrays, Y, T = _whole_arrays(kind)
    expr = optimize(arrays, [log1p_opt])
    modules = [{"row_sum": _row_sum, "xlogy": _xlogy, "xlog1py": _xlog1py}, "numpy"]
    fast = sympy.lambdify((Y, T), expr, modules=modules, cse=True)
    zero_safe = sympy.lambdify((Y, T), _with_xlogy(expr), modules=modules, cse=True)
    fast.__name__ = f"{kind}_loss_compiled"
    fast.__doc__ = (
        f"The derived {kind} loss compiled by sympy.lambdify(..., 'numpy', cse=True):\n\n    {expr}\n\n"
        "Y and T are whole arrays ((N, K) for a sum over classes, row_sum summing along each row; (N,) "
        "for the binary loss).  Nothing is checked; 0·log 0 gives nan and NumPy's errstate applies."
    )
    fast.expr = expr
    return fast, zero_safe, expr


def _as_result(out, like: np.ndarray) -> np.ndarray:
    """The compiled expression's value as a fresh (N,) array of like's dtype
    (a constant expression, or one without every column, may not be (N,))."""
    if isinstance(out, np.ndarray) and out.base is None and out.shape == like.shape and out.dtype == like.dtype:
        return out  # already a fresh array (not a view of an input)
    return np.array(np.broadcast_to(np.asarray(out, dtype=like.dtype), like.shape))


def _evaluate(kind: str, y: np.ndarray, t: np.ndarray, single: bool):
    """The compiled loss on validated arrays: per-sample values, or a float for a single sample."""
    fast, zero_safe, _ = _compiled(kind)
    like = y if y.ndim == 1 else y[:, 0]
    # After validation every IEEE event is expected (the caller runs under _ieee_handled):
    # log 0 = −inf (an infinite loss), 0·log 0 = nan (redone below), a square beyond the float range = inf.
    out = _as_result(fast(y, t), like)
    redo = np.flatnonzero(np.isnan(out))
    if redo.size:
        out[redo] = _as_result(zero_safe(y[redo], t[redo]), like[redo])
    return float(out[0]) if single else out


def _row_pairs(kind: str, classes: int, values, target, name: str):
    """(values rows, their eps, target rows, its eps, single?) with shapes (N, classes) checked."""
    y, y_eps = _as_float_and_eps(values, name)
    t, t_eps = _as_float_and_eps(target, "targets", dtype=y.dtype)
    if y.ndim not in (1, 2) or y.shape[-1] != classes or t.shape != y.shape:
        raise InvalidShapeError(
            f"this {kind} loss takes {name} and targets of shape (N, {classes}), got {y.shape} and {t.shape}",
            reason="mismatch", name=name, shape=(y.shape, t.shape), expected=f"(N, {classes})",
        )
    return _as_rows(y, name), y_eps, _as_rows(t, "targets"), t_eps, y.ndim == 1


@functools.lru_cache(maxsize=64)
def _validating(kind: str, classes: int | None) -> Callable:
    _, _, expr = _compiled(kind)
    if kind == "binary":

        def loss(probs, target):
            y, _ = _as_float_and_eps(probs, "probabilities")
            y1 = _as_samples(y, "probabilities")
            t1 = _as_samples(_same_shape_target(target, y, "probabilities"), "targets")
            _check_unit(t1, "target")
            _check_unit(y1, "probability")
            return _evaluate(kind, y1, t1, y.ndim == 0)

    elif kind == "multiclass":

        def loss(probs, target):
            y2, y_eps, t2, t_eps, single = _row_pairs(kind, classes, probs, target, "probabilities")
            _check_dist(t2, "targets", eps=t_eps)
            _check_dist(y2, "probabilities", eps=y_eps)
            return _evaluate(kind, y2, t2, single)

    else:

        def loss(pred, target):
            y2, _, t2, _, single = _row_pairs(kind, classes, pred, target, "predictions")
            _check_finite(y2, "predictions")
            _check_finite(t2, "targets")
            return _evaluate(kind, y2, t2, single)

    loss = _ieee_handled(loss)
    loss.__name__ = f"{kind}_loss_{classes}" if classes else f"{kind}_loss"
    loss.__doc__ = (
        f"Per-sample {kind} loss evaluated from the derived SymPy expression\n\n    {expr}\n\n"
        "compiled by sympy.lambdify(..., 'numpy', cse=True), Y and T being the whole input and target "
        "arrays and row_sum a sum along each row.  Input is validated like the kernels' (the same "
        "errors); 0·log 0 counts as 0; a caller's np.errstate never turns a result into FloatingPointError."
    )
    loss.expr = expr
    return loss


def lambdify_loss(kind: str, classes: int | None = None, *, validate: bool = True) -> Callable:
    """A NumPy function of the derived loss of `kind`, built with sympy.lambdify(cse=True).

    kind "multiclass" (and "sse"): classes = K ≥ 2; the function takes
    probs (N, K) (or (K,)) and target of the same shape and returns the per-sample
    losses (N,) (a float for one sample).  kind "binary": classes None (or 2); the
    function takes probs and target of shape () or (N,).  The derivation's Σ_k over
    classes is evaluated on whole rows (see _whole_arrays), so the cost does not
    grow with one NumPy call per class.

    validate (keyword only, default True): the function checks its input like the
    kernels (shapes; probability and target rows in [0, 1] summing to 1, or finite
    values for sse) and raises their errors.  validate=False returns the compiled
    function itself, the same for every K: it takes whole arrays Y and T ((N, K), or
    (N,) for binary), checks nothing, and evaluates the formula verbatim (0·log 0 is
    nan there).  Cached per (kind, classes).  Imports SymPy and xentlab.derivations lazily.
    """
    if kind not in LAMBDIFY_KINDS:
        raise InvalidOptionError(
            f"unknown kind {kind!r}; valid choices: {', '.join(map(repr, LAMBDIFY_KINDS))}",
            reason="unknown_option", name="kind", option="kind", value=kind, choices=LAMBDIFY_KINDS,
        )
    if kind == "binary":
        if classes not in (None, 2):
            raise InvalidOptionError(
                f"the binary loss has 2 classes, got classes={classes!r}",
                reason="unknown_option", name="classes", option="classes", value=classes, choices=(None, 2),
            )
        classes = None
    elif isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise InvalidOptionError(
            f"classes must be an integer >= 2 for kind {kind!r}, got {classes!r}",
            reason="unknown_option", name="classes", option="classes", value=classes, choices="integers >= 2",
        )
    else:
        classes = int(classes)
    return _validating(kind, classes) if validate else _compiled(kind)[0]
