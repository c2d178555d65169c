"""The misconception catalogue: for a problem's own numbers, the value each typical
mistake (and each pair or triple of them) would give. Nothing here is written per
question; adding a misconception means one function here and one feedback macro
per language (templates/<lang>/feedback.j2).

Codes are a public contract: log_base_10, log_base_2, sign_dropped, wrong_class,
sum_not_mean, mean_not_sum, swapped_t_y, missing_complement, sse_instead_of_ce,
probability_not_loss, percent_scale, half_missing, half_extra, gradient_sign
(and conversion_inverted for unit conversions).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
from collections.abc import Callable

import numpy as np

from xentlab import kernels
from xentlab.problems import Mistake
from xentlab.solve import Inputs

LN = {"e": 1.0, "2": math.log(2), "10": math.log(10)}
WRONG_CLASSES = 9  # at most this many other classes are tried as the one a student used
LOG_KINDS = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "token-loss")


def _reduce(per: np.ndarray, reduction: str) -> float:
    return float(per.sum() if reduction == "sum" else per.mean())


def _labels_or_targets(inputs: Inputs, y2: np.ndarray) -> np.ndarray:
    if inputs.t is not None:
        return np.atleast_2d(np.asarray(inputs.t, dtype=float))
    return np.eye(y2.shape[1])[np.atleast_1d(inputs.labels)]


def per_sample_nats(kind: str, inputs: Inputs) -> np.ndarray:
    """Per-sample loss in nats (sse: plain), straight from the kernels."""
    if kind == "cross-entropy":
        y2 = np.atleast_2d(inputs.y)
        return np.atleast_1d(kernels.cross_entropy(y2, _labels_or_targets(inputs, y2), reduction="none", check_sum=False))
    if kind == "binary-cross-entropy":
        t = inputs.t if inputs.t is not None else inputs.labels
        return np.atleast_1d(kernels.binary_cross_entropy(np.atleast_1d(inputs.y), np.atleast_1d(t), reduction="none"))
    if kind == "softmax-cross-entropy":
        z2 = np.atleast_2d(inputs.logits)
        return np.atleast_1d(kernels.softmax_cross_entropy(z2, _labels_or_targets(inputs, z2), reduction="none"))
    if kind == "sse":
        return np.atleast_1d(kernels.sse(np.atleast_2d(inputs.y), np.atleast_2d(inputs.t), half=inputs.half, reduction="none"))
    if kind == "token-loss":
        return np.atleast_1d(kernels.token_loss(np.asarray(inputs.p, dtype=float)).per_token)
    raise ValueError(kind)


def default_reduction(kind: str, inputs: Inputs, samples: int) -> str:
    if inputs.reduction:
        return inputs.reduction
    return "sum" if kind == "sse" and samples == 1 else "mean"


def expected_value(kind: str, inputs: Inputs) -> float:
    per = per_sample_nats(kind, inputs)
    value = _reduce(per, default_reduction(kind, inputs, per.size))
    return value if kind == "sse" else value / LN[inputs.base]


# --- alternative computations: what a student computes instead of the loss ----------------


def _probabilities(kind: str, inputs: Inputs) -> tuple[np.ndarray, np.ndarray] | None:
    """(y, one-hot/soft t) as 2-D arrays for the multiclass kinds."""
    if kind == "cross-entropy":
        y2 = np.atleast_2d(inputs.y)
    elif kind == "softmax-cross-entropy":
        y2 = np.atleast_2d(kernels.softmax(np.atleast_2d(inputs.logits)))
    else:
        return None
    return y2, _labels_or_targets(inputs, y2)


def _alternatives(kind: str, inputs: Inputs) -> list[tuple[tuple[str, ...], np.ndarray, bool]]:
    """(codes, per-sample values in nats, is-a-log-quantity) for each other thing a student might compute."""
    found = []
    pair = _probabilities(kind, inputs)
    if pair is not None:
        y2, t2 = pair
        with np.errstate(divide="ignore", invalid="ignore"):
            found.append((("sse_instead_of_ce",), ((y2 - t2) ** 2).sum(axis=1), False))
            found.append((("probability_not_loss",), (t2 * y2).sum(axis=1), False))
            found.append((("swapped_t_y",), -(np.where(y2 > 0, y2 * np.log(np.where(t2 > 0, t2, 1.0)), 0.0) + np.where((y2 > 0) & (t2 == 0), -np.inf, 0.0)).sum(axis=1), True))
        if y2.shape[0] == 1 and np.count_nonzero(t2[0]) == 1:
            true_class = int(np.flatnonzero(t2[0])[0])
            likely = [c for c in np.argsort(-y2[0], kind="stable") if c != true_class and y2[0, c] > 0]
            for other in likely[:WRONG_CLASSES]:  # the classes a student plausibly read instead
                found.append((("wrong_class",), np.array([-math.log(y2[0, other])]), True))
    if kind == "binary-cross-entropy":
        y = np.atleast_1d(np.asarray(inputs.y, dtype=float))
        t = np.atleast_1d(np.asarray(inputs.t if inputs.t is not None else inputs.labels, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            found.append((("missing_complement",), -(t * np.log(y)), True))
            found.append((("probability_not_loss",), t * y + (1 - t) * (1 - y), False))
            found.append((("sse_instead_of_ce",), (y - t) ** 2, False))
    if kind == "token-loss":
        found.append((("probability_not_loss",), np.asarray(inputs.p, dtype=float), False))
    if kind == "sse":
        y2, t2 = np.atleast_2d(inputs.y), np.atleast_2d(inputs.t)
        full = ((y2 - t2) ** 2).sum(axis=1)
        found.append((("half_missing",) if inputs.half else ("half_extra",), full if inputs.half else full / 2, False))
    return found


# --- transforms that combine with any of the above ------------------------------------------

Transform = tuple[tuple[str, ...], Callable[[float], float]]


def _transforms(kind: str, samples: int, reduction: str, is_log: bool, base: str = "e") -> list[list[Transform]]:
    """Independent families; one member of each is picked (the first member is 'no mistake').
    Log quantities arrive in nats and leave in the base the student used."""
    families: list[list[Transform]] = []
    if is_log:
        wrong_bases = [((f"log_base_{b}",), lambda v, b=b: v / LN[b]) for b in ("10", "2") if b != base]
        families.append([((), lambda v: v / LN[base]), *wrong_bases])
        families.append([((), lambda v: v), (("sign_dropped",), lambda v: -v)])
    if samples > 1:
        if reduction == "mean":
            families.append([((), lambda v: v), (("sum_not_mean",), lambda v: v * samples)])
        else:
            families.append([((), lambda v: v), (("mean_not_sum",), lambda v: v / samples)])
    families.append([((), lambda v: v), (("percent_scale",), lambda v: v * 100)])
    return families


def catalogue(kind: str, inputs: Inputs, *, max_codes: int = 3) -> list[Mistake]:
    """Every misconception value for these inputs, deduplicated, none within tolerance of the truth."""
    with np.errstate(all="ignore"):  # overflow in a mistake's value just drops that mistake
        return _catalogue(kind, inputs, max_codes)


def _catalogue(kind: str, inputs: Inputs, max_codes: int) -> list[Mistake]:
    per = per_sample_nats(kind, inputs)
    reduction = default_reduction(kind, inputs, per.size)
    scale = 1.0 if kind == "sse" else LN[inputs.base]
    truth = _reduce(per, reduction) / scale
    starts = [((), per, kind != "sse")] + _alternatives(kind, inputs)
    combined = [
        (codes, _reduce(np.asarray(values, dtype=float), reduction), _transforms(kind, per.size, reduction, is_log, inputs.base))
        for codes, values, is_log in starts  # log quantities start in nats; the base family converts them
    ]
    return combine(combined, truth, max_codes)


def combine(starts: list[tuple[tuple[str, ...], float, list[list[Transform]]]], truth: float, max_codes: int = 3) -> list[Mistake]:
    """Each start (codes, value, families of transforms) combined with one member of every family,
    up to `max_codes` codes in all; deduplicated by `distinct`. Problem types use it for their own values."""
    found: list[tuple[tuple[str, ...], float]] = []
    for codes, value, families in starts:
        for combo in itertools.product(*families):
            all_codes = codes + tuple(c for extra, _ in combo for c in extra)
            if not all_codes or len(all_codes) > max_codes:
                continue
            result = value
            for _, apply in combo:
                result = apply(result)
            if math.isfinite(result):
                found.append((all_codes, float(result)))
    return distinct(found, truth)


_EVERY_VALUE = contextvars.ContextVar("xentlab_every_value", default=False)


@contextlib.contextmanager
def every_value():
    """Inside this block `distinct` keeps a value even when it lies near another explanation (never
    one the truth's tolerance accepts): xentlab.discriminate must see every value to know which
    mistakes an item can tell apart (issue 15). The checker never uses it."""
    token = _EVERY_VALUE.set(True)
    try:
        yield
    finally:
        _EVERY_VALUE.reset(token)


def distinct(found: list[tuple[tuple[str, ...], float]], truth: float, rtol: float = 0.005) -> list[Mistake]:
    """Drop values that the truth's tolerance would accept, and keep one explanation per value
    (the one with the fewest codes), so no two mistakes ever give the same number."""
    kept: list[Mistake] = []
    every = _EVERY_VALUE.get()
    for codes, value in sorted(found, key=lambda item: (len(item[0]), item[0])):  # stable: ties keep input order
        if _close(value, truth, rtol) or (not every and any(_close(value, m.value, rtol) for m in kept)):
            continue
        kept.append(Mistake(codes, value))
    return kept


def _close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-12)
