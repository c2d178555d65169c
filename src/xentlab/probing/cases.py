"""The inputs a student's loss function is called on, and the right answers from the kernels.

Each kind has *core* cases (ordinary numbers: they tell the formula's mistakes apart — the log's
base, the sign, the class, the reduction and its axis) and *edge* cases (a 0 where the loss is
still finite, a probability near 0 or 1, logits of ±1000: they tell how the function guards its
logarithm or its softmax). The sizes differ on purpose (N = 2 with K = 3, N = 3 with K = 4), so a
sum over the wrong axis never lands on the right number by accident. Seed articles' own examples
are among them: seed 002's cat/dog/bird predictions, seed 001's five-class predictions and its
calculator example (y = 0.8 and 0.2 with t = 1), seed 002's three tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xentlab import kernels

KINDS = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "sse", "token-loss")
# derivation kinds and other spellings of the same losses
ALIASES = {"multiclass": "cross-entropy", "multiclass-batch": "cross-entropy", "binary": "binary-cross-entropy",
           "softmax-gradient": "softmax-cross-entropy", "token-average": "token-loss"}
OUTPUTS = {"cross-entropy": ("loss",), "binary-cross-entropy": ("loss",), "softmax-cross-entropy": ("loss", "gradient"),
           "sse": ("loss",), "token-loss": ("loss", "perplexity")}
TARGETS = ("one-hot", "labels")


@dataclass(frozen=True)
class Spec:
    """What the student's function must compute."""

    kind: str
    targets: str = "one-hot"  # cross-entropy and softmax-cross-entropy: "one-hot" or "labels"
    output: str = "loss"  # "loss", "gradient" (softmax-cross-entropy), "perplexity" (token-loss)
    half: bool = False  # sse: ½ Σ (y − t)²

    @property
    def arity(self) -> int:
        return 1 if self.kind == "token-loss" else 2

    @property
    def has_targets_choice(self) -> bool:
        return self.kind in ("cross-entropy", "softmax-cross-entropy")


def spec_for(kind: str, *, targets: str = "one-hot", output: str | None = None, half: bool = False) -> Spec:
    """Validated Spec; derivation kind names are accepted (softmax-gradient means output='gradient')."""
    name = ALIASES.get(kind, kind)
    if name not in KINDS:
        raise ValueError(f"probe: unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if output is None:
        output = "gradient" if kind == "softmax-gradient" else "loss"
    if output not in OUTPUTS[name]:
        raise ValueError(f"probe: {name} has no output {output!r}; choose one of: {', '.join(OUTPUTS[name])}")
    if targets not in TARGETS:
        raise ValueError(f"probe: targets must be 'one-hot' or 'labels', got {targets!r}")
    if targets == "labels" and name not in ("cross-entropy", "softmax-cross-entropy"):
        raise ValueError(f"probe: targets='labels' applies to cross-entropy and softmax-cross-entropy, not {name}")
    if half and name != "sse":
        raise ValueError("probe: half=True applies to sse only")
    return Spec(name, targets, output, half)


@dataclass(frozen=True)
class Case:
    """One call of the student's function: args in xentlab's order ((y, t), (z, t) or (p,))."""

    name: str
    args: tuple
    expected: np.ndarray  # 0-d for a loss, the gradient's shape for a gradient
    edge: str = ""  # "" for core cases; "zero", "small", "near_one" or "overflow"


# --- the numbers ------------------------------------------------------------------------------

_ONE_HOT = {  # name: (y or z, true class per row; a 1-D row means one sample)
    "seed002_cat": ([0.70, 0.20, 0.10], [0]),
    "seed002_bad_cat": ([0.10, 0.80, 0.10], [0]),
    "seed000_dog": ([0.33, 0.32, 0.35], [0]),
    "batch_2x3": ([[0.25, 0.60, 0.15], [0.20, 0.30, 0.50]], [1, 0]),
    "batch_3x4": ([[0.10, 0.20, 0.30, 0.40], [0.40, 0.30, 0.20, 0.10], [0.25, 0.25, 0.30, 0.20]], [2, 0, 3]),
}
_ONE_HOT_EDGE = {
    "zero_other": ([0.0, 0.3, 0.7], [2], "zero"),
    "zero_batch": ([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]], [1, 0], "zero"),
    "small_true": ([1e-5, 0.59999, 0.4], [0], "small"),
    "near_one": ([0.99999, 0.000005, 0.000005], [0], "near_one"),
}
_LOGITS = {
    "logits_2_1_01": ([2.0, 1.0, 0.1], [0]),
    "logits_4": ([0.5, -1.0, 2.0, 0.0], [1]),
    "logits_batch_2x3": ([[1.0, 2.0, 0.5], [-0.5, 0.0, 1.5]], [0, 2]),
    "logits_batch_3x4": ([[0.2, -0.4, 1.1, 0.0], [2.0, 0.5, -1.0, 0.3], [-0.7, 0.9, 0.1, 1.6]], [3, 1, 0]),
}
_LOGITS_EDGE = {
    "logits_1000": ([1000.0, 999.0, 998.0], [1], "overflow"),
    "logits_pm1000_batch": ([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]], [0, 2], "overflow"),
}
_BINARY = {  # name: (y, t)
    "seed001_calc_08": ([0.8], [1]),
    "seed001_calc_02": ([0.2], [1]),
    "emails_3": ([0.9, 0.2, 0.7], [1, 0, 1]),
    "emails_4": ([0.3, 0.6, 0.1, 0.85], [0, 0, 1, 1]),
}
_BINARY_EDGE = {
    "zero_and_one": ([0.0, 1.0, 0.3], [0, 1, 1], "zero"),
    "small_true": ([1e-5, 0.5], [1, 0], "small"),
    "near_one": ([1 - 1e-5], [1], "near_one"),
}
_SEED001_T = [0, 1, 0, 1, 0]
_SSE = {  # name: (y, t); seed 001's two predictions of its two-hot target
    "seed001_good": ([0.01, 0.65, 0.13, 0.70, 0.15], _SEED001_T),
    "seed001_bad": ([0.34, 0.21, 0.91, 0.33, 0.22], _SEED001_T),
    "batch_2x3": ([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], [[1, 0, 0], [0, 1, 0]]),
}
_TOKENS = {
    "seed002_tokens": [0.70, 0.95, 0.80],
    "seed002_chair": [0.70],
    "two_tokens": [0.5, 0.1],
}
_TOKENS_EDGE = {
    "small_token": ([1e-5, 0.9], "small"),
    "certain_token": ([1.0, 0.5], "near_one"),
}


def _one_hot(rows, classes) -> np.ndarray:
    """One-hot targets as int arrays, as students build them (np.array([1, 0, 0]))."""
    y = np.asarray(rows, dtype=float)
    eye = np.eye(y.shape[-1], dtype=np.int64)[np.asarray(classes)]
    return eye[0] if y.ndim == 1 else eye


def _labels(rows, classes):
    y = np.asarray(rows, dtype=float)
    return np.int64(classes[0]) if y.ndim == 1 else np.asarray(classes, dtype=np.int64)


def _target(spec: Spec, rows, classes):
    return _labels(rows, classes) if spec.targets == "labels" else _one_hot(rows, classes)


def _scalar(value) -> np.ndarray:
    return np.asarray(float(value))


def cases(spec: Spec) -> list[Case]:
    """Core cases first, then edge cases; expected values from xentlab.kernels."""
    build = {"cross-entropy": _cross_entropy_cases, "binary-cross-entropy": _binary_cases,
             "softmax-cross-entropy": _softmax_cases, "sse": _sse_cases, "token-loss": _token_cases}[spec.kind]
    return build(spec)


def _cross_entropy_cases(spec: Spec) -> list[Case]:
    out = []
    for name, (y, classes, *edge) in {**_ONE_HOT, **_ONE_HOT_EDGE}.items():
        y = np.asarray(y, dtype=float)
        expected = kernels.cross_entropy(y, _labels(y, classes))
        out.append(Case(name, (y, _target(spec, y, classes)), _scalar(expected), edge[0] if edge else ""))
    return out


def _binary_cases(spec: Spec) -> list[Case]:
    out = []
    for name, (y, t, *edge) in {**_BINARY, **_BINARY_EDGE}.items():
        y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=np.int64)
        out.append(Case(name, (y, t), _scalar(kernels.binary_cross_entropy(y, t)), edge[0] if edge else ""))
    return out


def _softmax_cases(spec: Spec) -> list[Case]:
    out = []
    for name, (z, classes, *edge) in {**_LOGITS, **_LOGITS_EDGE}.items():
        z = np.asarray(z, dtype=float)
        if spec.output == "gradient":
            rows = np.atleast_2d(z)
            grad = (kernels.softmax(rows) - np.eye(rows.shape[1])[classes]) / rows.shape[0]
            expected = grad[0] if z.ndim == 1 else grad
        else:
            expected = _scalar(kernels.softmax_cross_entropy(z, _labels(z, classes)))
        out.append(Case(name, (z, _target(spec, z, classes)), expected, edge[0] if edge else ""))
    return out


def _sse_cases(spec: Spec) -> list[Case]:
    out = []
    for name, (y, t) in _SSE.items():
        y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=np.int64)
        out.append(Case(name, (y, t), _scalar(kernels.sse(y, t, half=spec.half, reduction="sum"))))
    return out


def _token_cases(spec: Spec) -> list[Case]:
    out = []
    for name, (p, *edge) in {**{k: (v,) for k, v in _TOKENS.items()}, **_TOKENS_EDGE}.items():
        p = np.asarray(p, dtype=float)
        result = kernels.token_loss(p)
        value = result.perplexity if spec.output == "perplexity" else result.loss
        out.append(Case(name, (p,), _scalar(value), edge[0] if edge else ""))
    return out
