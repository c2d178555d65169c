"""What the quantities of a derivation mean, per derivation kind, and where they live.

Each kind gives its definitions (L = Π y_k^{t_k}, E = −log L, E = E_sum / N, PPL = exp(E) …),
the lhs transitions a step may make with the rule that names them (log L → E is `negate`),
the sizes to try (K, N, T, V) and a sampler of valid random points under a named condition
(verify.NAMED_DOMAINS). Every draw comes from the generator it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from xentlab import notation as n
from xentlab.derivations._domains import TARGET_SHAPES, _element, shape_for, simplex, target
from xentlab.steps.names import LOSS_BASE

KINDS = ("multiclass", "multiclass-batch", "binary", "softmax-gradient", "token-average", "sse", "sse-half", "entropy-kl")
ALIASES = {"cross-entropy": "multiclass", "binary-cross-entropy": "binary", "softmax-cross-entropy": "softmax-gradient",
           "token-loss": "token-average"}
y, t, z, p, k, j, m, i, v, c, nn = n.y, n.t, n.z, n.p, n.k, n.j, n.m, n.i, n.v, n.c, n.n
K, N, T, V = n.K, n.N, n.T, n.V
ys, ts = n.y_scalar, n.t_scalar
E_i = LOSS_BASE[i]


def _neg(e):
    return sp.Mul(-1, e)


def _bernoulli(yy, tt):
    return -(tt * sp.log(yy) + (1 - tt) * sp.log(1 - yy))


def _softmax_log(index):
    return z[index] - sp.log(sp.Sum(sp.exp(z[m]), (m, 1, K)))


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per kind
class Kind:
    name: str
    definitions: dict  # quantity → [definition, …] in base variables (alternatives: binary E is one sample or the mean)
    transitions: dict  # quantity → (its expression in another quantity, the rule that names the step)
    conditions: tuple[str, ...]  # named domains that mean something here, widest first
    sizes: dict = field(default_factory=dict)  # size → values to try


def _multiclass() -> Kind:
    lik = sp.Product(y[k] ** t[k], (k, 1, K))
    return Kind("multiclass", {n.L: [lik], n.E: [-sp.log(lik)]}, {n.E: (-sp.log(n.L), "negate")},
                ("general", "sum_to_one", "one_hot"), {K: (2, 3, 5)})


def _batch() -> Kind:
    lik = sp.Product(y[nn, k] ** t[nn, k], (k, 1, K), (nn, 1, N))
    sample_loss = -sp.Sum(t[nn, k] * sp.log(y[nn, k]), (k, 1, K))  # E_n: the loss of sample n
    return Kind("multiclass-batch", {n.L: [lik], n.E_sum: [-sp.log(lik)], n.E: [-sp.log(lik) / N],
                                     LOSS_BASE[nn]: [sample_loss]},
                {n.E_sum: (-sp.log(n.L), "negate"), n.E: (n.E_sum / N, "mean")},
                ("general", "sum_to_one", "one_hot", "single_sample"), {N: (2, 3, 4), K: (3, 2, 4)})


def _binary() -> Kind:
    lik = ys ** ts * (1 - ys) ** (1 - ts)
    mean = sp.Sum(_bernoulli(y[nn], t[nn]), (nn, 1, N)) / N
    return Kind("binary", {n.L: [lik], n.E: [-sp.log(lik), mean]}, {n.E: (-sp.log(n.L), "negate")},
                ("general", "one_hot", "single_sample"), {N: (2, 3, 5)})


def _softmax() -> Kind:
    loss = -sp.Sum(t[k] * _softmax_log(k), (k, 1, K))
    in_y = -sp.Sum(t[k] * sp.log(y[k]), (k, 1, K))
    return Kind("softmax-gradient", {n.E: [loss], sp.Derivative(n.E, z[j]): [sp.Derivative(loss, z[j])]},
                {n.E: (in_y, "substitute")},
                ("general", "sum_to_one", "one_hot"), {K: (2, 3, 5)})


def _tokens() -> Kind:
    position = -sp.Sum(t[i, v] * sp.log(y[i, v]), (v, 1, V))
    mean = sp.Sum(-sp.Sum(t[i, v] * sp.log(y[i, v]), (v, 1, V)), (i, 1, T)) / T
    return Kind("token-average", {E_i: [position], n.E: [mean], n.PPL: [sp.exp(mean)]},
                {n.E: (sp.Sum(E_i, (i, 1, T)) / T, "mean"), n.PPL: (sp.exp(n.E), "perplexity")},
                ("general", "one_hot"), {T: (2, 3, 4), V: (3, 4)})


def _sse(half: bool) -> Kind:
    total = sp.Sum((y[k] - t[k]) ** 2, (k, 1, K))
    loss = total / 2 if half else total
    return Kind("sse-half" if half else "sse", {n.E: [loss], sp.Derivative(n.E, y[j]): [sp.Derivative(loss, y[j])]}, {},
                ("general",), {K: (2, 3, 5)})


def _entropy_kl() -> Kind:
    return Kind("entropy-kl", {n.E: [-sp.Sum(t[k] * sp.log(y[k]), (k, 1, K))]}, {}, ("general",), {K: (2, 3, 5)})


_BUILDERS = {"multiclass": _multiclass, "multiclass-batch": _batch, "binary": _binary, "softmax-gradient": _softmax,
             "token-average": _tokens, "sse": lambda: _sse(False), "sse-half": lambda: _sse(True),
             "entropy-kl": _entropy_kl}
_CACHE: dict[str, Kind] = {}


def kind(name: str) -> Kind:
    name = ALIASES.get(name, name)
    if name not in _CACHE:
        _CACHE[name] = _BUILDERS[name]()
    return _CACHE[name]


def guess(exprs: list) -> list[str]:
    """Kinds to try, most likely first, from the symbols the lines use."""
    atoms = set()
    for e in exprs:
        atoms |= _plain_atoms(e)
    bases = {str(a.base) for a in atoms if isinstance(a, sp.Indexed)}
    two_d = any(isinstance(a, sp.Indexed) and len(a.indices) == 2 and str(a.base) in "yt" for a in atoms)
    squares = any(isinstance(e, sp.Pow) and e.exp == 2 for x in exprs for e in sp.preorder_traversal(x))
    logs_of_t = any(isinstance(e, sp.log) and e.has(t) and not e.has(y) for x in exprs for e in sp.preorder_traversal(x))
    if "z" in bases:
        order = ["softmax-gradient"]
    elif "p" in bases or n.PPL in atoms or "E" in bases or T in atoms:
        order = ["token-average"]
    elif squares and not any(x.has(sp.log) for x in exprs):
        order = ["sse", "sse-half"]
    elif logs_of_t:
        order = ["entropy-kl"]
    elif ys in atoms or ts in atoms or _complements(exprs):
        order = ["binary"]
    elif two_d or n.E_sum in atoms:
        order = ["multiclass-batch"]
    else:
        order = ["multiclass"]
    fallback = "multiclass-batch" if two_d else "multiclass"
    return order + ([fallback] if fallback not in order else [])


def _complements(exprs) -> bool:
    """1 − y_n: the Bernoulli form of the binary case, written per sample."""
    return any(isinstance(e, sp.Add) and 1 in e.args and any(isinstance(a, sp.Mul) and a.has(y) for a in e.args)
               for x in exprs for e in sp.preorder_traversal(x))


def _plain_atoms(expr) -> set:
    """Symbols and indexed variables, without the labels inside y[k] (the Symbol y of y[k] is not
    the scalar y of the binary case)."""
    found = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sp.Indexed):
            found.add(e)
            stack.extend(e.indices)
        elif isinstance(e, sp.Symbol):
            found.add(e)
        elif not isinstance(e, sp.IndexedBase):
            stack.extend(e.args)
    return found


def fixed_sizes(name: str, exprs: list) -> dict:
    """Sizes the lines pin down by writing indices out (y_1 … y_3 fixes K = 3). A lone index 1
    pins nothing: -t_1 log y_1 after -Σ_k t_k log y_k drops the other classes, it is not a
    derivation with one class (and y_{1,k} alone is the first sample, not N = 1)."""
    largest: dict = {}
    for e in exprs:
        for big in e.atoms(sp.Sum, sp.Product):  # Σ_{k=1}^{3}: three classes
            for index, _, upper in big.limits:
                size = _SIZE_OF_INDEX.get(index.name) if name != "token-average" else {"i": T, "v": V}.get(index.name)
                if size is not None and upper.is_Integer:
                    largest[size] = max(largest.get(size, 0), int(upper))
        for a in e.atoms(sp.Indexed):
            for position, index in enumerate(a.indices):
                if not index.is_Integer:
                    continue
                size = _size_of(name, str(a.base), len(a.indices), position)
                if size is not None:
                    largest[size] = max(largest.get(size, 0), int(index))
    return {size: value for size, value in largest.items() if value >= 2}


_SIZE_OF_INDEX = {"k": K, "j": K, "m": K, "c": K, "n": N, "i": T, "v": V}


def _size_of(name: str, base: str, rank: int, position: int):
    if name == "token-average":
        return T if position == 0 else V
    if name == "binary" or (name == "multiclass-batch" and rank == 2 and position == 0):
        return N
    return K


# --- random valid points ------------------------------------------------------------------


def _targets(rng, size: int, condition: str, positive: bool = False, turn: int | None = None) -> tuple[np.ndarray, int]:
    """Targets of the named condition (the derivations' own shapes: one-hot, soft or counts).

    `turn` takes the shapes in turn (point 0 one-hot, 1 soft, 2 counts, …) so that a check at a
    handful of points always meets each shape: drawn at random, 8 points were all one-hot or
    soft about once in 16 derivations, and a step true only when Σ t_k = 1 passed as true.
    Counts that happen to sum to 1 get one more count, for the same reason."""
    if positive:  # entropy + KL takes log t: a distribution with no zero
        return simplex(rng, size), int(rng.integers(1, size + 1))
    if turn is None:
        shape = shape_for(rng, condition if condition in ("one_hot", "sum_to_one") else None)
    elif condition == "one_hot":
        shape = "one_hot"
    else:
        shapes = ("one_hot", "soft") if condition == "sum_to_one" else TARGET_SHAPES
        shape = shapes[turn % len(shapes)]
    targets, hot = target(rng, size, shape)
    if shape == "counts" and targets.sum() == 1:
        targets[int(rng.integers(0, size))] += 1.0
    return targets, hot


def sample(kind_: Kind, rng, sizes: dict, condition: str, highest: dict, turn: int | None = None) -> dict:
    """A valid point: floats for y, t, z, p (indexed and scalar), ints for free indices.
    `highest` holds the largest written index per size, so y_7 has a value even where K = 5;
    `turn` picks the target shape in turn (see _targets)."""
    point: dict = {}
    classes = max(sizes.get(K, 3), highest.get(K, 0))
    rows = 1 if condition == "single_sample" else max(sizes.get(N, 2), highest.get(N, 0))
    name = kind_.name
    if name in ("multiclass", "softmax-gradient", "sse", "sse-half", "entropy-kl"):
        if name == "softmax-gradient":
            logits = rng.normal(0.0, 2.0, classes)
            probs = np.exp(logits - logits.max())
            probs /= probs.sum()
            point |= {_element(z, (q + 1)): float(v) for q, v in enumerate(logits)}
        elif name in ("sse", "sse-half"):
            probs = rng.uniform(0.05, 0.95, classes)
        else:
            probs = simplex(rng, classes)
        if name in ("sse", "sse-half"):
            targets, hot = rng.uniform(0.0, 1.0, classes), int(rng.integers(1, classes + 1))
        else:
            targets, hot = _targets(rng, classes, condition, positive=name == "entropy-kl", turn=turn)
        point |= {_element(y, (q + 1)): float(v) for q, v in enumerate(probs)} | {_element(t, (q + 1)): float(v) for q, v in enumerate(targets)}
        point[c] = hot
    elif name == "multiclass-batch":
        for row in range(1, rows + 1):
            targets, _ = _targets(rng, classes, condition, turn=turn)
            point |= {_element(y, (row, q + 1)): float(v) for q, v in enumerate(simplex(rng, classes))}
            point |= {_element(t, (row, q + 1)): float(v) for q, v in enumerate(targets)}
    elif name == "binary":
        for key_y, key_t in [(ys, ts)] + [(_element(y, (r)), _element(t, (r))) for r in range(1, rows + 1)]:
            label = float(rng.integers(0, 2)) if condition == "one_hot" or rng.random() < 0.5 else float(rng.uniform(0.05, 0.95))
            point[key_y], point[key_t] = float(rng.uniform(0.05, 0.95)), label
    else:  # token-average
        tokens, vocab = max(sizes.get(T, 3), highest.get(T, 0)), max(sizes.get(V, 4), highest.get(V, 0))
        for pos in range(1, tokens + 1):
            probs = simplex(rng, vocab)
            targets, hot = _targets(rng, vocab, "one_hot" if condition == "one_hot" else "sum_to_one")
            if condition != "one_hot":
                targets = simplex(rng, vocab)
            point |= {_element(y, (pos, q + 1)): float(v) for q, v in enumerate(probs)} | {_element(t, (pos, q + 1)): float(v) for q, v in enumerate(targets)}
            point[_element(p, (pos))] = float(probs[hot - 1])
        sizes = {**sizes, T: tokens, V: vocab}
    for index, size in ((j, K), (k, K), (m, K), (nn, N), (i, T), (v, V)):
        bound = rows if size is N else classes if size is K else sizes.get(size, 3)
        point[index] = int(rng.integers(1, max(1, bound) + 1))
    if c not in point:
        point[c] = int(rng.integers(1, classes + 1))
    return point
