"""The exactness sweep: every kernel within 1e-12 (relative) of mpmath at 50 digits.

Inputs reach the corners the issue names -- logits to ±1000, probabilities within
1e-15 (and 1e-300) of 0 and of 1, losses from 1e-300 to 1e3 -- and each corner is
seeded explicitly with @example (tests/kernel_sweep.py lists them), so no run leaves
them to chance; hypothesis explores around them.  Every case is run twice: in
float64 against the exact loss of its float64 values (relative error ≤ 1e-12), and
rounded to float32 against the exact loss of its float32 values, at float32's
tolerance (2e-5: a logit shift z − max z of up to 88 rounds by up to 3.8e-6 in
float32 before exp amplifies it).  Below the smallest normal number a result
cannot keep relative precision: errors are measured against max(|exact|, tiny).
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kernel_sweep as ref
from xentlab import kernels as xk

SWEEP = settings(max_examples=60, deadline=None)
DTYPES = (np.float64, np.float32)


def check(got, exact, dtype, what):
    err = ref.relative_error(float(got), exact, dtype)
    assert err <= ref.RTOL[np.dtype(dtype)], f"{what}: got {float(got)!r}, exact {mpmath.nstr(exact, 20)}, rel err {err:.3g}"


def check_all(got, exact, dtype, what):
    got = np.atleast_1d(np.asarray(got)).reshape(-1)
    assert len(got) == len(exact)
    for i, (g, e) in enumerate(zip(got, exact)):
        check(g, e, dtype, f"{what}[{i}]")


def check_reductions(kernel, args, exact_per, dtype, what, **kwargs):
    total = mpmath.fsum(exact_per)
    check(kernel(*args, reduction="sum", **kwargs), total, dtype, f"{what} sum")
    check(kernel(*args, reduction="mean", **kwargs), total / len(exact_per), dtype, f"{what} mean")


def check_binary(kernel, reference, pairs, base):
    """A per-sample binary kernel on (value, target) pairs, in float64 and float32."""
    for dtype in DTYPES:
        x = np.array([p[0] for p in pairs], dtype=dtype)
        t = np.array([p[1] for p in pairs], dtype=dtype)
        exact = [reference(xi, ti, base) for xi, ti in zip(x, t)]
        check_all(kernel(x, t, reduction="none", base=base), exact, dtype, kernel.__name__)
        check_reductions(kernel, (x, t), exact, dtype, kernel.__name__, base=base)


def with_examples(cases):
    def seeded(test):
        for case in cases:
            test = example(*case)(test)
        return test

    return seeded


bases = st.sampled_from(sorted(ref.BASES))


# --------------------------------------------------------------------------- logits


def leading(draw, k, values):
    """A logit row where one class may lead the others by a log-uniform gap (losses to 1e-300)."""
    z = draw(st.lists(values, min_size=k, max_size=k))
    lead = draw(st.integers(0, k - 1))
    if draw(st.booleans()):
        gap = 10.0 ** draw(st.floats(-3, math.log10(2000)))
        z[lead] = min(max(v for i, v in enumerate(z) if i != lead) + gap, 1000.0)
    label = lead if draw(st.booleans()) else draw(st.integers(0, k - 1))
    return z, label


logit_values = st.one_of(st.floats(-1000, 1000), st.sampled_from([1000.0, -1000.0, 0.0, 745.0, -745.0, 1e-300]))
small_weights = st.one_of(st.just(0.0), st.sampled_from([1e-300, 1e-100, 1e-16]), st.floats(0, 1))


@st.composite
def logit_batches(draw):
    """(z (N, K), labels (N,), soft targets (N, K)): rows that may each lead by a gap."""
    k = draw(st.sampled_from([2, 3, 4, 7, 40]))
    n = draw(st.integers(1, 4))
    rows = [leading(draw, k, logit_values) for _ in range(n)]
    weights = np.array(draw(st.lists(st.lists(small_weights, min_size=k, max_size=k), min_size=n, max_size=n)))
    labels = np.array([label for _, label in rows])
    weights[np.arange(n), labels] += 1.0
    return np.array([z for z, _ in rows]), labels, weights / weights.sum(axis=1, keepdims=True)


def one_row(z, label):
    t = np.full((1, len(z)), 0.0)
    t[0, label] = 1.0
    return np.array([z]), np.array([label]), t


@SWEEP
@given(logit_batches(), bases)
@with_examples([(one_row(z, label), "e") for z, label in ref.SOFTMAX_CORNERS] + [(one_row(ref.SOFTMAX_CORNERS[0][0], 6), "10")])
def test_softmax_cross_entropy(batch, base):
    z64, labels, t64 = batch
    for dtype in DTYPES:
        z, t = z64.astype(dtype), t64.astype(dtype)
        onehot = np.eye(z.shape[1])[labels]
        exact_lab = [ref.softmax_cross_entropy(row, hot, base) for row, hot in zip(z, onehot)]
        exact_soft = [ref.softmax_cross_entropy(row, w, base) for row, w in zip(z, t)]
        check_all(xk.softmax_cross_entropy(z, labels, reduction="none", base=base), exact_lab, dtype, "labels")
        check_all(xk.softmax_cross_entropy(z, onehot.astype(dtype), reduction="none", base=base), exact_lab, dtype, "one-hot")
        check_all(xk.softmax_cross_entropy(z, t, reduction="none", base=base), exact_soft, dtype, "soft")
        check_reductions(xk.softmax_cross_entropy, (z, labels), exact_lab, dtype, "labels", base=base)


@SWEEP
@given(logit_batches())
@with_examples([(one_row(z, label),) for z, label in ref.SOFTMAX_CORNERS])
def test_softmax_and_log_softmax(batch):
    z64 = batch[0]
    for dtype in DTYPES:
        z = z64.astype(dtype)
        got_p, got_log = xk.softmax(z), xk.log_softmax(z)
        for i, row in enumerate(z):
            check_all(got_p[i], ref.softmax(row), dtype, f"softmax row {i}")
            check_all(got_log[i], ref.log_softmax(row), dtype, f"log_softmax row {i}")


binary_logits = st.one_of(
    st.sampled_from(ref.BINARY_LOGITS),
    st.floats(-1000, 1000),
    st.builds(lambda s, e: s * 10.0**e, st.sampled_from([-1.0, 1.0]), st.floats(-5, 3)),
)
binary_targets = st.one_of(st.sampled_from(ref.BINARY_TARGETS), st.floats(0, 1))


@SWEEP
@given(st.lists(st.tuples(binary_logits, binary_targets), min_size=1, max_size=8), bases)
@with_examples([([(z, t) for z in ref.BINARY_LOGITS], "e") for t in ref.BINARY_TARGETS])
def test_binary_cross_entropy_with_logits(pairs, base):
    check_binary(xk.binary_cross_entropy_with_logits, ref.binary_logits, pairs, base)


# --------------------------------------------------------------------------- probabilities


near_zero = st.builds(lambda e: 10.0**e, st.floats(-300, math.log10(0.5)))
near_one = st.builds(lambda e: 1.0 - 10.0**e, st.floats(-16, math.log10(0.5)))


@st.composite
def probability_batches(draw):
    """(y (N, K), labels (N,), soft targets (N, K)): one class holds 1 − δ with δ down to
    1e-16, the others share δ with weights down to 1e-300."""
    k = draw(st.sampled_from([2, 3, 5, 40]))
    n = draw(st.integers(1, 4))
    y = np.empty((n, k))
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        delta = 1.0 - draw(near_one)
        weights = np.array(draw(st.lists(st.one_of(near_zero, st.floats(1e-3, 1)), min_size=k, max_size=k)))
        lead = draw(st.integers(0, k - 1))
        weights[lead] = 0.0
        y[i] = weights / weights.sum() * delta
        y[i, lead] = 1.0 - delta
        labels[i] = lead if draw(st.booleans()) else draw(st.integers(0, k - 1))
    w = np.array(draw(st.lists(st.lists(small_weights, min_size=k, max_size=k), min_size=n, max_size=n)))
    w[np.arange(n), labels] += 1.0
    return y, labels, w / w.sum(axis=1, keepdims=True)


def probability_row(y, label):
    t = np.zeros((1, len(y)))
    t[0, label] = 1.0
    return np.array([y]), np.array([label]), t


@SWEEP
@given(probability_batches(), bases)
@with_examples([(probability_row(y, label), "e") for y, label in ref.PROBABILITY_CORNERS]
               + [((np.array([y]), np.array([0]), np.array([t])), "e") for y, t in ref.SOFT_TARGET_CORNERS])
def test_cross_entropy(batch, base):
    y64, labels, t64 = batch
    for dtype in DTYPES:
        y, t = y64.astype(dtype), t64.astype(dtype)
        onehot = np.eye(y.shape[1], dtype=dtype)[labels]
        exact_lab = [ref.cross_entropy(row, hot, base) for row, hot in zip(y, onehot)]
        exact_soft = [ref.cross_entropy(row, w, base) for row, w in zip(y, t)]
        check_all(xk.cross_entropy(y, labels, reduction="none", base=base), exact_lab, dtype, "labels")
        check_all(xk.cross_entropy(y, labels, reduction="none", base=base, validate=False), exact_lab, dtype, "unvalidated")
        check_all(xk.cross_entropy(y, onehot, reduction="none", base=base), exact_lab, dtype, "one-hot")
        check_all(xk.cross_entropy(y, t, reduction="none", base=base), exact_soft, dtype, "soft")
        check_reductions(xk.cross_entropy, (y, t), exact_soft, dtype, "soft", base=base)


binary_probs = st.one_of(st.sampled_from(ref.BINARY_PROBS), st.floats(0, 1), near_zero, near_one)


@SWEEP
@given(st.lists(st.tuples(binary_probs, binary_targets), min_size=1, max_size=8), bases)
@with_examples([([(y, t) for y in ref.BINARY_PROBS], "e") for t in ref.BINARY_TARGETS])
def test_binary_cross_entropy(pairs, base):
    check_binary(xk.binary_cross_entropy, ref.binary, pairs, base)


token_probs = st.one_of(st.sampled_from(ref.TOKEN_PROBS), st.floats(0, 1), near_zero, near_one)


@SWEEP
@given(st.lists(token_probs, min_size=1, max_size=10), bases)
@with_examples([(list(ref.TOKEN_PROBS), "e"), ([1 - 2.0**-53], "2"), ([1e-300], "10")])
def test_token_loss(p, base):
    for dtype in DTYPES:
        a = np.array(p, dtype=dtype)
        per, loss, perplexity = ref.token_loss(a, base)
        got = xk.token_loss(a, base=base)
        check_all(got.per_token, per, dtype, "per token")
        check(got.loss, loss, dtype, "loss")
        check(got.perplexity, perplexity, np.float64, "perplexity")  # accumulated in float64 for every input


sse_diffs = st.one_of(st.sampled_from(ref.SSE_DIFFS), st.builds(lambda e: 10.0**e, st.floats(-150, 1.5)))


@SWEEP
@given(st.integers(1, 6).flatmap(lambda k: st.lists(
    st.lists(st.tuples(st.floats(-1, 1), sse_diffs, st.sampled_from([-1.0, 1.0])), min_size=k, max_size=k),
    min_size=1, max_size=4)))
@with_examples([([[(0.0, d, 1.0), (0.0, 0.0, 1.0)]],) for d in ref.SSE_DIFFS])
def test_sse(rows):
    t64 = np.array([[c[0] for c in row] for row in rows])
    y64 = t64 + np.array([[c[1] * c[2] for c in row] for row in rows])
    for dtype in DTYPES:
        y, t = y64.astype(dtype), t64.astype(dtype)
        exact = [ref.sse(yr, tr) for yr, tr in zip(y, t)]
        check_all(xk.sse(y, t, reduction="none"), exact, dtype, "sse")
        check_all(xk.sse(y, t, reduction="none", half=True), [e / 2 for e in exact], dtype, "sse half")


# --------------------------------------------------------------------------- the lambdified derived losses


@SWEEP
@given(probability_batches().filter(lambda b: b[0].shape[1] <= 5), st.sampled_from(ref.BINARY_TARGETS + (0.3,)))
@example(probability_row(*ref.PROBABILITY_CORNERS[0]), 0.0)
@example(probability_row(*ref.PROBABILITY_CORNERS[3]), 1.0)
def test_lambdified(batch, t_binary):
    y64, labels, t64 = batch
    k = y64.shape[1]
    for dtype in DTYPES:
        y, t = y64.astype(dtype), t64.astype(dtype)
        onehot = np.eye(k, dtype=dtype)[labels]
        multiclass = xk.lambdify_loss("multiclass", k)
        for target in (t, onehot):
            check_all(multiclass(y, target), [ref.cross_entropy(r, w) for r, w in zip(y, target)], dtype, "multiclass")
        # binary on the leading column: probabilities within 1e-16 of 1 and 1e-300 of 0
        yb = y.reshape(-1)
        tb = np.full_like(yb, t_binary)
        check_all(xk.lambdify_loss("binary")(yb, tb), [ref.binary(a, b) for a, b in zip(yb, tb)], dtype, "binary")
        check_all(xk.lambdify_loss("sse", k)(y, t), [ref.sse(a, b) for a, b in zip(y, t)], dtype, "sse")


def test_the_solve_case_is_exact_in_decimal_digits():
    # The case an independent check found printed as 0.0: the exact loss is 1.68e-21 decimal digits.
    z = [-2.0, 923.0, -625.0, 396.0, 81.0, -986.0, 970.0]
    exact = ref.softmax_cross_entropy(z, [0, 0, 0, 0, 0, 0, 1], "10")
    assert mpmath.nstr(exact, 5) == "1.6825e-21"
    check(xk.softmax_cross_entropy(z, 6, base="10"), exact, np.float64, "solve case")
    check(xk.softmax_cross_entropy(z, [0, 0, 0, 0, 0, 0, 1], base="10"), exact, np.float64, "solve case, one-hot")


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_draws_of_the_bench_are_exact(dtype):
    # The bench's seeded random draws (kernel_sweep.random_*), a batch at a time.
    rng = np.random.default_rng(12)
    z, labels = ref.random_logit_rows(rng, 40, 5)
    y, plabels = ref.random_probability_rows(rng, 40, 5)
    yb, zb, tb = ref.random_binary(rng, 60)
    z, y, yb, zb, tb = (a.astype(dtype) for a in (z, y, yb, zb, tb))
    hot = np.eye(5)
    check_all(xk.softmax_cross_entropy(z, labels, reduction="none"),
              [ref.softmax_cross_entropy(r, hot[c]) for r, c in zip(z, labels)], dtype, "softmax xent")
    check_all(xk.cross_entropy(y, plabels, reduction="none"),
              [ref.cross_entropy(r, hot[c]) for r, c in zip(y, plabels)], dtype, "xent")
    check_all(xk.binary_cross_entropy(yb, tb, reduction="none"), [ref.binary(a, b) for a, b in zip(yb, tb)], dtype, "bce")
    check_all(xk.binary_cross_entropy_with_logits(zb, tb, reduction="none"),
              [ref.binary_logits(a, b) for a, b in zip(zb, tb)], dtype, "bce logits")
