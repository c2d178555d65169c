"""What a student's function returns when it makes a given mistake: one NumPy formula per mistake,
combined the way mistakes combine (a wrong base with a dropped sign with a sum over the wrong axis).

A model is (codes, f): f(args, guard) is the value the function with those mistakes returns on
args. `guard` says how the function protects its logarithm: "exact" (0·log 0 = 0, the truth),
"raw" (no protection: 0·log 0 is nan), ("clip", eps) for np.clip(y, eps, 1 − eps), ("plus", eps)
for np.log(y + eps). Core cases hold no zeros, so every guard but a very large eps agrees there;
the edge cases tell them apart. Codes are the stable diagnosis codes of `xentlab check`, and the
new ones the probe adds (README: "Checking a student's loss function").

These formulas are written here, independently of xentlab.kernels, which give the right answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from xentlab.probing.cases import Spec

Guard = tuple  # ("exact",) | ("raw",) | ("clip", eps) | ("plus", eps)
Model = tuple[tuple[str, ...], Callable]
MAX_CODES = 3
LOG_BASE = {"e": 1.0, "10": np.log(10.0), "2": np.log(2.0)}
BASE_CODES = {"e": (), "10": ("log_base_10",), "2": ("log_base_2",)}


def guarded_log(x, guard: Guard) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if guard[0] == "clip":
        return np.log(np.clip(x, guard[1], 1 - guard[1]))
    if guard[0] == "plus":
        return np.log(x + guard[1])
    return np.log(x)


def t_log(t, x, guard: Guard) -> np.ndarray:
    """t · log x, with 0 · log 0 = 0 only for the exact guard (the raw one gives nan, as NumPy does)."""
    t = np.asarray(t, dtype=float)
    product = t * guarded_log(x, guard)
    return np.where(t == 0, 0.0, product) if guard[0] == "exact" else product


# --- reductions: per-sample losses (N,) of a (N, K) batch, or of one sample -------------------

def _reduce(per: np.ndarray, how: str, one_sample: bool, classes: int, per_class: np.ndarray) -> np.ndarray:
    """per: loss per sample; per_class: the terms before the sum over classes (for 'none' of one sample)."""
    n = per.shape[0]
    if how == "none":
        return per_class[0] if one_sample else per
    if one_sample:  # "axis": np.atleast_2d first, so one sample is a row too; "axis_1d": a 1-D sum over axis 0 is right
        return np.asarray(per[0] / classes if how in ("all", "k1", "axis") else per[0])
    return np.asarray({"mean": per.sum() / n, "sum": per.sum(), "all": per.sum() / (n * classes),
                       "axis": per.sum() / classes, "axis_1d": per.sum() / classes, "k1": per.sum() / n}[how])


REDUCTION_CODES = {"mean": (), "sum": ("sum_not_mean",), "all": ("mean_over_all_elements",), "axis": ("wrong_axis",),
                   "axis_1d": ("wrong_axis",), "k1": ("one_sample_divided_by_k",), "none": ("not_reduced",)}


def _combine(families: list[list[tuple[tuple[str, ...], object]]], build) -> list[Model]:
    """One member of each family, at most MAX_CODES codes in all, fewest codes first."""
    models = []
    for combo in itertools.product(*families):
        codes = tuple(code for member_codes, _ in combo for code in member_codes)
        if len(codes) <= MAX_CODES:
            models.append((codes, build(*(choice for _, choice in combo))))
    return sorted(models, key=lambda m: len(m[0]))


def _log_families():
    return [[(BASE_CODES[b], b) for b in ("e", "10", "2")], [((), 1.0), (("sign_dropped",), -1.0)]]


# --- cross-entropy (and softmax + cross-entropy) -------------------------------------------------

def _rows(y, target, labels: bool):
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    if labels:
        classes = np.atleast_1d(np.asarray(target, dtype=np.int64))
        t2 = np.eye(y2.shape[1])[classes]
    else:
        t2 = np.atleast_2d(np.asarray(target, dtype=float))
    return y2, t2


def _softmax(z2: np.ndarray, axis: int) -> np.ndarray:
    shifted = z2 - z2.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _terms(term: str, y2, t2, guard: Guard, labels: bool) -> np.ndarray:
    """−t·log y per class (N, K) for the formula the student used."""
    if term == "swapped":
        return -t_log(y2, t2, guard)
    if term in ("argmax", "off_by_one"):
        chosen = y2.argmax(axis=1) if term == "argmax" else (t2.argmax(axis=1) - 1) % y2.shape[1]
        return -t_log(np.eye(y2.shape[1])[chosen], y2, guard)
    if labels:  # a gather never touches the other classes: their zeros do not matter
        return -t_log(t2, np.where(t2 > 0, y2, 1.0), guard)
    return -t_log(t2, y2, guard)


def cross_entropy_models(spec: Spec, logits: bool = False) -> list[Model]:
    labels = spec.targets == "labels"
    terms = [((), "right"), (("wrong_class",), "argmax")]
    terms += [(("wrong_class",), "off_by_one")] if labels else [(("swapped_t_y",), "swapped")]
    probabilities = [((), "softmax")]
    if logits:
        probabilities += [(("wrong_axis",), "softmax_axis0"), (("softmax_missing",), "raw_logits")]
    reductions = [(codes, how) for how, codes in REDUCTION_CODES.items()]

    def build(term, base, sign, how, source):
        def f(args, guard):
            y, target = args
            one = np.ndim(y) == 1
            if logits:
                z2 = np.atleast_2d(np.asarray(y, dtype=float))
                y = {"softmax": lambda: _softmax(z2, 1), "softmax_axis0": lambda: _softmax(z2, 0), "raw_logits": lambda: z2}[source]()
            y2, t2 = _rows(y, target, labels)
            per_class = _terms(term, y2, t2, guard, labels) / LOG_BASE[base] * sign
            return _reduce(per_class.sum(axis=1), how, one, y2.shape[1], per_class)
        return f

    families = [terms, *_log_families(), reductions, probabilities]
    return _combine(families, build)


def softmax_gradient_models(spec: Spec) -> list[Model]:
    labels = spec.targets == "labels"
    signs = [((), 1.0), (("gradient_sign",), -1.0)]
    sources = [((), "softmax"), (("wrong_axis",), "softmax_axis0"), (("softmax_missing",), "raw_logits")]
    scales = [((), "mean"), (("sum_not_mean",), "sum")]

    def build(sign, source, scale):
        def f(args, guard):
            z, target = args
            z2 = np.atleast_2d(np.asarray(z, dtype=float))
            y2 = {"softmax": lambda: _softmax(z2, 1), "softmax_axis0": lambda: _softmax(z2, 0), "raw_logits": lambda: z2}[source]()
            _, t2 = _rows(z2, target, labels)
            grad = sign * (y2 - t2) / (z2.shape[0] if scale == "mean" else 1)
            return grad[0] if np.ndim(z) == 1 else grad
        return f

    return _combine([signs, sources, scales], build)


# --- binary -----------------------------------------------------------------------------------

def binary_models(spec: Spec) -> list[Model]:
    terms = [((), "right"), (("missing_complement",), "no_complement"), (("swapped_t_y",), "swapped")]
    reductions = [((), "mean"), (("sum_not_mean",), "sum"), (("not_reduced",), "none")]

    def build(term, base, sign, how):
        def f(args, guard):
            y, t = (np.atleast_1d(np.asarray(a, dtype=float)) for a in args)
            if term == "swapped":
                y, t = t, y
            per = -t_log(t, y, guard)
            if term != "no_complement":
                per = per - t_log(1 - t, 1 - y, guard)
            per = per / LOG_BASE[base] * sign
            return per if how == "none" else np.asarray(per.mean() if how == "mean" else per.sum())
        return f

    return _combine([terms, *_log_families(), reductions], build)


# --- sse --------------------------------------------------------------------------------------

def sse_models(spec: Spec) -> list[Model]:
    factors = [((), 0.5 if spec.half else 1.0), (("half_missing",) if spec.half else ("half_extra",), 1.0 if spec.half else 0.5)]
    reductions = [((), "sum"), (("mean_not_sum",), "mean"), (("mean_over_all_elements",), "all"), (("not_reduced",), "none")]
    signs = [((), 1.0), (("sign_dropped",), -1.0)]

    def build(factor, how, sign):
        def f(args, guard):
            y, t = (np.asarray(a, dtype=float) for a in args)
            squares = factor * sign * (y - t) ** 2
            rows = np.atleast_2d(squares).sum(axis=1)
            if how == "none":
                return squares if y.ndim == 1 else rows
            if how == "all":
                return np.asarray(squares.mean())
            return np.asarray(rows.mean() if how == "mean" else rows.sum())
        return f

    return _combine([factors, reductions, signs], build)


# --- tokens -----------------------------------------------------------------------------------

def token_models(spec: Spec) -> list[Model]:
    reductions = [((), "mean"), (("sum_not_mean",), "sum")]
    if spec.output == "perplexity":
        exps = [((), True), (("loss_not_perplexity",), False)]

        def build_ppl(base, sign, how, exp):
            def f(args, guard):
                per = -guarded_log(args[0], guard) / LOG_BASE[base] * sign
                value = per.mean() if how == "mean" else per.sum()
                return np.asarray(np.exp(value) if exp else value)
            return f

        return _combine([*_log_families(), reductions, exps], build_ppl)
    terms = [((), "loss"), (("probability_not_loss",), "probability")]
    reductions = reductions + [(("not_reduced",), "none")]

    def build(term, base, sign, how):
        def f(args, guard):
            p = np.asarray(args[0], dtype=float)
            per = (p if term == "probability" else -guarded_log(p, guard) / LOG_BASE[base]) * sign
            return per if how == "none" else np.asarray(per.mean() if how == "mean" else per.sum())
        return f

    return _combine([terms, *_log_families(), reductions], build)


def models(spec: Spec) -> list[Model]:
    if spec.kind == "cross-entropy":
        return cross_entropy_models(spec)
    if spec.kind == "softmax-cross-entropy":
        return softmax_gradient_models(spec) if spec.output == "gradient" else cross_entropy_models(spec, logits=True)
    return {"binary-cross-entropy": binary_models, "sse": sse_models, "token-loss": token_models}[spec.kind](spec)
