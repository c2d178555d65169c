"""Shared helpers for the problem-type modules: "nice" draws and the units the answers carry.

Every draw takes the caller's generator; nothing here touches global randomness.
Probabilities are drawn as whole percents that sum to exactly 100 and are then
divided by 100, so each is a 2-decimal number and the row sums to 1 as a decimal.

The second half checks question_params read back from a key (untrusted data): each type's
check_params is a few calls to fields, scalar, flag, one_of, values and distribution.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from xentlab.kernels import ROW_SUM_TOL
from xentlab.problems import DEFAULT_TOLERANCE, Answer, Mistake, ParamError

NATS = "nats"
MAX_TRIES = 10_000


def percents(rng: np.random.Generator, k: int, low: int = 3, distinct: bool = True) -> list[int]:
    """k whole percents, each ≥ low, summing to exactly 100 (distinct values unless told otherwise)."""
    if k * low > 100:
        raise ValueError(f"cannot split 100 into {k} parts of at least {low}")
    for _ in range(MAX_TRIES):
        cuts = np.sort(rng.choice(np.arange(1, 100), size=k - 1, replace=False))
        parts = np.diff(np.concatenate(([0], cuts, [100])))
        if parts.min() >= low and (not distinct or len(set(parts.tolist())) == k):
            return [int(v) for v in parts]
    raise RuntimeError("no percent split found")  # pragma: no cover - k ≤ 6 succeeds quickly


def probabilities(rng: np.random.Generator, k: int, low: int = 3) -> list[float]:
    """A distribution over k classes: 2-decimal values in (0, 1), distinct, summing to 1."""
    return [p / 100 for p in percents(rng, k, low)]


def distinct_values(rng: np.random.Generator, count: int, low: int, high: int, exclude: Sequence[int] = ()) -> list[int]:
    """count distinct integers in [low, high], none in exclude, in draw order."""
    pool = np.array([v for v in range(low, high + 1) if v not in set(exclude)])
    return [int(v) for v in rng.choice(pool, size=count, replace=False)]


def one_hot(classes: int, true_class: int) -> list[int]:
    """1-based true class → [0, …, 1, …, 0]."""
    return [1 if q == true_class else 0 for q in range(1, classes + 1)]


def number(value: float, unit: str = "") -> Answer:
    return Answer(kind="number", value=float(value), tolerance=dict(DEFAULT_TOLERANCE), unit=unit)


Transform = tuple[tuple[str, ...], Callable[[float], float]]
IDENTITY: Transform = ((), lambda v: v)


def combine(starts: list[tuple[tuple[str, ...], float, list[list[Transform]]]], truth: float, max_codes: int = 3) -> list[Mistake]:
    """mistakes.combine: each start value with one member of each family of transforms."""
    from xentlab.mistakes import combine as combine_mistakes

    return combine_mistakes(starts, truth, max_codes)


# --- checking question_params ---------------------------------------------------------------

# Limits a key may ask for: a superset of what sample draws (K ≤ 6, N ≤ 4, T ≤ 5, |z| ≤ 4, E < 4).
MAX_CLASSES = 20
MAX_SAMPLES = 20  # rows of a batch, bce samples, tokens
MAX_LOGIT = 100.0  # softmax stays well clear of underflow
MAX_LOSS = 100.0  # a loss in nats (or bits, decimal units) a key may give
MIN_PROBABILITY = 1e-40  # so that −ln p < MAX_LOSS
MAX_WRITTEN_CLASSES = 8  # a derivation written out term by term (as worked.WRITE_OUT_UP_TO)


@dataclass(frozen=True)
class Range:
    """Numbers from low to high (an open end leaves the bound out); int counts for float, bool never does."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    integer: bool = False
    text: str = ""

    def __contains__(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, int if self.integer else (int, float)):
            return False
        above = value > self.low if self.low_open else value >= self.low  # False for NaN
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.integer:
            return f"{self.low}..{self.high}"
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"


PROBABILITY = Range(MIN_PROBABILITY, 1)
STRICT_PROBABILITY = Range(MIN_PROBABILITY, 1, high_open=True)  # for bce, which takes log(1 − y) too
UNIT_INTERVAL = Range(0, 1)
BINARY = Range(0, 1, integer=True, text="{0, 1}")
LOGIT = Range(-MAX_LOGIT, MAX_LOGIT)


def show(value, limit: int = 40) -> str:
    """A value as the key spells it (JSON, ASCII so it stays on one line), cut short."""
    cut = isinstance(value, list) and len(value) > 8  # enough to recognise it, and never a long dump
    try:
        text = json.dumps(value[:8] if cut else value)
    except (TypeError, ValueError, RecursionError):  # pragma: no cover - a loaded key is plain JSON
        text = type(value).__name__
    if cut:
        text = text[:-1] + ", …]"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fields(params: dict, *names: str) -> None:
    """params has exactly these keys."""
    missing = [name for name in names if name not in params]
    if missing:
        raise ParamError(f'"{missing[0]}" is missing (expected {", ".join(names)})')
    extra = [key for key in params if key not in names]
    if extra:
        raise ParamError(f"unexpected param {show(extra[0])} (expected {', '.join(names)})")


def scalar(value, name: str, kind: Range, what: str):
    if value not in kind:
        raise ParamError(f'"{name}" must be {what} in {kind}, got {show(value)}')
    return value


def class_index(value, name: str, classes: int) -> int:
    """A 1-based class index: 1..classes."""
    return scalar(value, name, Range(1, classes, integer=True), "an integer class index")


def flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise ParamError(f'"{name}" must be true or false, got {show(value)}')
    return value


def one_of(value, name: str, options: Collection[str]) -> str:
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(json.dumps(o) for o in options)
        raise ParamError(f'"{name}" must be one of {listed}, got {show(value)}')
    return value


def values(value, name: str, kind: Range, what: str, count: int | tuple[int, int], like: str = "", where: str = "") -> list:
    """A list of `count` numbers (exactly, or low..high) each in kind. `like` says what its length
    must match (e.g. '"y"'), `where` which row of a param it is (e.g. " row 2")."""
    label = f'"{name}"{where}'
    low, high = (count, count) if isinstance(count, int) else count
    if not isinstance(value, list):
        raise ParamError(f"{label} must be a list of {what}, got {show(value)}")
    if not low <= len(value) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        matching = f" (as many as {like})" if like else ""
        raise ParamError(f"{label} must hold {wanted} {what}{matching}, got {len(value)}: {show(value)}")
    for position, item in enumerate(value, start=1):
        if item not in kind:
            raise ParamError(f"{label} must hold {what} in {kind}; value {position} is {show(item)}")
    return value


def distribution(value, name: str, count: int | tuple[int, int], like: str = "", where: str = "") -> list:
    """Probabilities (in [MIN_PROBABILITY, 1]) that sum to 1."""
    values(value, name, PROBABILITY, "probabilities", count, like, where)
    total = math.fsum(value)
    if not abs(total - 1) <= ROW_SUM_TOL:
        raise ParamError(f'"{name}"{where} must sum to 1, got {total:.6g}: {show(value)}')
    return value
