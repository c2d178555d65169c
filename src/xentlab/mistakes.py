"""The misconception catalogue: for a problem's own numbers, the value each typical
mistake (and each pair or triple of them) would give. Nothing here is written per
question; adding a misconception means one function here and one feedback macro
per language (templates/<lang>/feedback.j2).

Codes are a public contract: log_base_10, log_base_2, sign_dropped, wrong_class,
sum_not_mean, mean_not_sum, swapped_t_y, missing_complement, complement_swapped,
sse_instead_of_ce, probability_not_loss, percent_scale, half_missing, half_extra,
mean_over_classes, gradient_sign, perplexity_not_loss, loss_not_perplexity,
base_e_not_bits, base_e_not_decimal, mixed_base (one term of a batch or a token
list in another base), and conversion_inverted for unit conversions. The checker
adds too_few_sig_figs and unit_mismatch, which depend on how the answer is written.

A mistake the item cannot tell from the right answer (bce with t = 1 has no complement
to miss) is left out with all its combinations, and so are exact duplicates (the
explanation with fewer codes is kept). Values that are merely close stay: the checker
names the closest, and Moodle keeps the intervals apart itself.
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
BASE_CODE = {"10": "log_base_10", "2": "log_base_2"}  # the code for using this base where another belongs
LN_CODE = {"2": "base_e_not_bits", "10": "base_e_not_decimal"}  # ln used where this base belongs
WRONG_CLASSES = 9  # at most this many other classes are tried as the one a student used
PER_TERM_LIMIT = 20  # terms of a batch examined one at a time
LOG_KINDS = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "token-loss")
TOLERANCE = 0.005  # the checker's default relative tolerance
DUPLICATE = 1e-9  # relative difference below which two explanations give the same number


def _reduce(per: np.ndarray, reduction: str) -> float:
    return float(per.sum() if reduction == "sum" else per.mean())


def _labels_or_targets(inputs: Inputs, y2: np.ndarray) -> np.ndarray:
    """Targets as an (N, K) array; labels become one-hot rows without a K×K identity."""
    if inputs.t is not None:
        return np.atleast_2d(np.asarray(inputs.t, dtype=float))
    labels = np.atleast_1d(inputs.labels)
    t = np.zeros((labels.size, y2.shape[1]))
    t[np.arange(labels.size), labels] = 1.0
    return t


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
# Each is (codes, per-sample values, quantity): "log" values are in nats and go through the
# base family; "in_base" values are already in the answer's base (one term in another base);
# "plain" values are no logarithm at all.


def _probabilities(kind: str, inputs: Inputs) -> tuple[np.ndarray, np.ndarray] | None:
    """(y, one-hot/soft t) as 2-D arrays for the multiclass kinds."""
    if kind == "cross-entropy":
        y2 = np.atleast_2d(np.asarray(inputs.y, dtype=float))
    elif kind == "softmax-cross-entropy":
        y2 = np.atleast_2d(kernels.softmax(np.atleast_2d(inputs.logits)))
    else:
        return None
    return y2, _labels_or_targets(inputs, y2)


def _neg_log(values) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(values, dtype=float))


def _hard_labels(t2: np.ndarray) -> np.ndarray | None:
    """The class index of each one-hot row, or None when a row is soft or multi-hot."""
    if not np.all((t2 == 0) | (t2 == 1)) or not np.all(t2.sum(axis=1) == 1):
        return None
    return t2.argmax(axis=1)


def _wrong_classes(y2: np.ndarray, labels: np.ndarray, per: np.ndarray) -> list:
    """The class a student plausibly read instead of the right one: for one sample, the likeliest
    other classes; for a batch, every label shifted by one (0-based / 1-based), wrapping round
    (the class before the first is the last, as NumPy's y[-1]; the one after the last is the
    first), the predicted (argmax) class of every sample, and one sample's label wrong (its argmax
    or a neighbour). A reading that gives the right answer (every label already the argmax) is
    left out by `combine`, and kept for xentlab.discriminate."""
    n, k = y2.shape
    found = []
    if n == 1:
        likely = [c for c in np.argsort(-y2[0], kind="stable") if c != labels[0] and y2[0, c] > 0]
        return [(("wrong_class",), _neg_log([y2[0, c]]), "log") for c in likely[:WRONG_CLASSES]]
    rows = np.arange(n)
    for shift in (1, -1):
        found.append((("wrong_class",), _neg_log(y2[rows, (labels + shift) % k]), "log"))
    predicted = y2.argmax(axis=1)
    found.append((("wrong_class",), _neg_log(y2[rows, predicted]), "log"))
    for i in range(min(n, PER_TERM_LIMIT)):
        for c in dict.fromkeys((int(predicted[i]), int(labels[i]) + 1, int(labels[i]) - 1)):
            if c != labels[i] and 0 <= c < k:
                values = per.copy()
                values[i] = _neg_log([y2[i, c]])[0]
                found.append((("wrong_class",), values, "log"))
    return found


def _mixed_bases(per: np.ndarray, base: str) -> list:
    """One term of a batch or a token list computed in another base than the others (seed 002's
    0.36, 0.02, 0.22: log10 for 0.95 only)."""
    if per.size < 2:
        return []
    found = []
    for wrong in ("e", "2", "10"):
        if wrong == base:
            continue
        code = BASE_CODE.get(wrong) or LN_CODE[base]
        for i in range(min(per.size, PER_TERM_LIMIT)):
            values = per / LN[base]
            values[i] = per[i] / LN[wrong]
            found.append(((code, "mixed_base"), values, "in_base"))
    return found


def _alternatives(kind: str, inputs: Inputs, per: np.ndarray) -> list[tuple[tuple[str, ...], np.ndarray, str]]:
    """(codes, per-sample values, quantity) for each other thing a student might compute."""
    found = []
    pair = _probabilities(kind, inputs)
    if pair is not None:
        y2, t2 = pair
        with np.errstate(divide="ignore", invalid="ignore"):
            found.append((("sse_instead_of_ce",), ((y2 - t2) ** 2).sum(axis=1), "plain"))
            found.append((("probability_not_loss",), (t2 * y2).sum(axis=1), "plain"))
            found.append((("swapped_t_y",), -(np.where(y2 > 0, y2 * np.log(np.where(t2 > 0, t2, 1.0)), 0.0) + np.where((y2 > 0) & (t2 == 0), -np.inf, 0.0)).sum(axis=1), "log"))
        labels = _hard_labels(t2)
        if labels is not None:
            found += _wrong_classes(y2, labels, per)
    if kind == "binary-cross-entropy":
        y = np.atleast_1d(np.asarray(inputs.y, dtype=float))
        t = np.atleast_1d(np.asarray(inputs.t if inputs.t is not None else inputs.labels, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            found.append((("missing_complement",), -(t * np.log(y)), "log"))
            found.append((("complement_swapped",), -(t * np.log1p(-y) + (1 - t) * np.log(y)), "log"))  # y where 1 − y belongs
            found.append((("complement_swapped",), -np.log(y), "log"))  # −log y at t = 0 too
            found.append((("probability_not_loss",), t * y + (1 - t) * (1 - y), "plain"))
            found.append((("sse_instead_of_ce",), (y - t) ** 2, "plain"))
    if kind == "token-loss":
        found.append((("probability_not_loss",), np.asarray(inputs.p, dtype=float), "plain"))
    if kind == "sse":
        y2, t2 = np.atleast_2d(inputs.y), np.atleast_2d(inputs.t)
        full = ((y2 - t2) ** 2).sum(axis=1)
        found.append((("half_missing",) if inputs.half else ("half_extra",), full if inputs.half else full / 2, "plain"))
    if kind in LOG_KINDS:
        found += _mixed_bases(per, inputs.base)
    return found


# --- transforms that combine with any of the above ------------------------------------------

Transform = tuple[tuple[str, ...], Callable[[float], float]]


def _transforms(kind: str, samples: int, reduction: str, quantity: str, base: str = "e", classes: int = 1) -> list[list[Transform]]:
    """Independent families; one member of each is picked (the first member is 'no mistake').
    Log quantities arrive in nats and leave in the base the student used."""
    families: list[list[Transform]] = []
    if quantity == "log":
        wrong_bases = [((BASE_CODE.get(b) or LN_CODE[base],), lambda v, b=b: v / LN[b]) for b in ("10", "2", "e") if b != base]
        families.append([((), lambda v: v / LN[base]), *wrong_bases])
    if quantity in ("log", "in_base"):
        families.append([((), lambda v: v), (("sign_dropped",), lambda v: -v)])
    if samples > 1:
        if reduction == "mean":
            families.append([((), lambda v: v), (("sum_not_mean",), lambda v: v * samples)])
        else:
            families.append([((), lambda v: v), (("mean_not_sum",), lambda v: v / samples)])
    if kind == "sse" and classes > 1:
        families.append([((), lambda v: v), (("mean_over_classes",), lambda v: v / classes)])
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
    classes = np.atleast_2d(inputs.y).shape[1] if kind == "sse" else 1
    starts = [((), per, "plain" if kind == "sse" else "log")] + _alternatives(kind, inputs, per)
    combined = [
        (codes, _reduce(np.asarray(values, dtype=float), reduction), _transforms(kind, per.size, reduction, quantity, inputs.base, classes))
        for codes, values, quantity in starts  # log quantities start in nats; the base family converts them
    ]
    return combine(combined, truth, max_codes)


def combine(starts: list[tuple[tuple[str, ...], float, list[list[Transform]]]], truth: float, max_codes: int = 3) -> list[Mistake]:
    """Each start (codes, value, families of transforms) combined with one member of every family,
    up to `max_codes` codes in all; deduplicated by `distinct`. Problem types use it for their own values.

    A start whose value without any further mistake equals the truth, and a transform that leaves
    the truth unchanged, are mistakes this item cannot show: they are left out with every combination."""
    found: list[tuple[tuple[str, ...], float]] = []
    every = _EVERY_VALUE.get()  # xentlab.discriminate must also see the mistakes that give the truth back
    blind = set() if every else _blind_transforms(starts, truth)
    for codes, value, families in starts:
        if codes and not every and _close(_plain(value, families), truth, TOLERANCE):
            continue  # e.g. a missing complement where every t is 1
        families = [[member for member in family if member[0] not in blind] for family in families]
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
    """Inside this block the catalogue keeps every value: also one near another explanation, and
    also a mistake that gives the right answer back on this item (a missing complement where every
    t is 1, log10 of 1, one reading of the wrong class that happens to be right). xentlab.discriminate
    must see them all to know which mistakes an item can tell apart: a mistake that can give the
    right answer here cannot be shown by this item (issue 15). The checker never uses it."""
    token = _EVERY_VALUE.set(True)
    try:
        yield
    finally:
        _EVERY_VALUE.reset(token)


def _plain(value: float, families: list[list[Transform]]) -> float:
    for family in families:
        value = family[0][1](value)
    return value


def _blind_transforms(starts, truth: float) -> set[tuple[str, ...]]:
    """Codes of transforms that give the truth back when applied to it alone (a dropped sign of 0)."""
    right = next(((value, families) for codes, value, families in starts if not codes), None)
    if right is None:
        return set()
    value, families = right
    blind = set()
    for f, family in enumerate(families):
        for codes, apply in family[1:]:
            result = value
            for g, other in enumerate(families):
                result = apply(result) if g == f else other[0][1](result)
            if math.isfinite(result) and _close(result, truth, TOLERANCE):
                blind.add(codes)
    return blind


def distinct(found: list[tuple[tuple[str, ...], float]], truth: float, rtol: float = TOLERANCE) -> list[Mistake]:
    """Drop values that the truth's tolerance would accept, and keep one explanation per value
    (the one with the fewest codes; ties keep the order found), so no two mistakes give the same number."""
    kept: list[Mistake] = []
    every = _EVERY_VALUE.get()
    seen: dict[tuple[int, int], list[float]] = {}  # values by bucket of log|value|: a duplicate is in its own or the next
    for codes, value in sorted(found, key=lambda item: len(item[0])):  # stable
        if _close(value, truth, rtol) and not every:
            continue
        bucket = _bucket(value)
        near = [] if every else [other for step in (-1, 0, 1) for other in seen.get((bucket[0], bucket[1] + step), ())]
        if any(_close(value, other, DUPLICATE) for other in near):
            continue
        kept.append(Mistake(codes, value))
        seen.setdefault(bucket, []).append(value)
    return kept


def _bucket(value: float) -> tuple[int, int]:
    """Values within DUPLICATE of each other share a bucket or sit in neighbouring ones."""
    if abs(value) < 1e-12:
        return (0, 0)
    return (1 if value > 0 else -1, math.floor(math.log(abs(value)) / (4 * DUPLICATE)))


def _close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-12)
