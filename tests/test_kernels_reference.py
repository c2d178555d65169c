"""xentlab.kernels against independent references: hand-written NumPy (below),
mpmath at 50 digits, scikit-learn's log_loss, and torch when it is installed."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import kernel_sweep
from xentlab import kernels as xk

FAST = settings(max_examples=100, deadline=None)
RTOL = 1e-12


# --------------------------------------------------------------------------- hand-written references


def ref_cross_entropy(y, t):
    return -(t * np.log(y)).sum(axis=1)


def ref_cross_entropy_labels(y, lab):
    return -np.log(y[np.arange(len(lab)), lab])


def ref_log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def ref_softmax_cross_entropy(z, t):
    return -(t * ref_log_softmax(z)).sum(axis=1)


def ref_binary(y, t):
    return -(t * np.log(y) + (1 - t) * np.log(1 - y))


def ref_binary_logits(z, t):
    # −log σ(z) = log(1 + e^(−z)),  −log(1 − σ(z)) = log(1 + e^z)
    return t * np.log1p(np.exp(-z)) + (1 - t) * np.log1p(np.exp(z))


def ref_sse(y, t):
    return ((y - t) ** 2).sum(axis=1)


# --------------------------------------------------------------------------- strategies

@st.composite
def batches(draw, classes=st.integers(2, 8), moderate_logits=3.0):
    """(y, z, t_soft, labels, one_hot): probabilities in [1e-3, 1] then normalised,
    logits in [−3, 3], soft targets with some exact zeros, labels and their one-hot."""
    n, k = draw(st.integers(1, 20)), draw(classes)
    raw = draw(arrays(np.float64, (n, k), elements=st.floats(1e-3, 1.0)))
    y = raw / raw.sum(axis=1, keepdims=True)
    z = draw(arrays(np.float64, (n, k), elements=st.floats(-moderate_logits, moderate_logits)))
    lab = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    w = draw(arrays(np.float64, (n, k), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1.0))))
    w[np.arange(n), lab] += 1e-3  # every row has some weight
    t = w / w.sum(axis=1, keepdims=True)
    return y, z, t, lab, np.eye(k)[lab]


# --------------------------------------------------------------------------- kernels == hand NumPy


@FAST
@given(batches())
def test_cross_entropy_matches_reference(b):
    y, _, t, lab, onehot = b
    np.testing.assert_allclose(xk.cross_entropy(y, t, reduction="none"), ref_cross_entropy(y, t), rtol=RTOL)
    np.testing.assert_allclose(xk.cross_entropy(y, lab, reduction="none"), ref_cross_entropy_labels(y, lab), rtol=RTOL)
    assert xk.cross_entropy(y, t) == pytest.approx(ref_cross_entropy(y, t).mean(), rel=RTOL)
    assert xk.cross_entropy(y, lab, reduction="sum", base="2") == pytest.approx(
        ref_cross_entropy_labels(y, lab).sum() / math.log(2), rel=RTOL
    )


@FAST
@given(batches())
def test_softmax_cross_entropy_matches_reference(b):
    _, z, t, lab, onehot = b
    np.testing.assert_allclose(xk.softmax_cross_entropy(z, t, reduction="none"), ref_softmax_cross_entropy(z, t), rtol=RTOL)
    np.testing.assert_allclose(
        xk.softmax_cross_entropy(z, lab, reduction="none"), ref_softmax_cross_entropy(z, onehot), rtol=RTOL
    )
    np.testing.assert_allclose(xk.log_softmax(z), ref_log_softmax(z), rtol=RTOL)
    np.testing.assert_allclose(xk.softmax(z), np.exp(ref_log_softmax(z)), rtol=RTOL)


@FAST
@given(batches())
def test_labels_form_equals_one_hot_form(b):
    y, z, _, lab, onehot = b
    np.testing.assert_array_equal(xk.cross_entropy(y, lab, reduction="none"), xk.cross_entropy(y, onehot, reduction="none"))
    np.testing.assert_array_equal(
        xk.softmax_cross_entropy(z, lab, reduction="none"), xk.softmax_cross_entropy(z, onehot, reduction="none")
    )
    np.testing.assert_allclose(xk.sse(y, lab, reduction="none"), xk.sse(y, onehot, reduction="none"), rtol=1e-15)


@FAST
@given(batches(classes=st.integers(30, 70)))
def test_many_classes_match_reference(b):
    # 32+ classes: one-hot targets take the gather path, soft ones the dense path
    y, z, t, lab, onehot = b
    np.testing.assert_allclose(xk.cross_entropy(y, onehot, reduction="none"), ref_cross_entropy_labels(y, lab), rtol=RTOL)
    np.testing.assert_allclose(xk.cross_entropy(y, t, reduction="none"), ref_cross_entropy(y, t), rtol=RTOL)
    np.testing.assert_array_equal(xk.cross_entropy(y, lab, reduction="none"), xk.cross_entropy(y, onehot, reduction="none"))
    np.testing.assert_allclose(xk.softmax_cross_entropy(z, t, reduction="none"), ref_softmax_cross_entropy(z, t), rtol=RTOL)


@FAST
@given(batches())
def test_sse_matches_reference(b):
    y, z, t, _, _ = b
    np.testing.assert_allclose(xk.sse(y, t, reduction="none"), ref_sse(y, t), rtol=RTOL)
    np.testing.assert_allclose(xk.sse(z, t, half=True, reduction="none"), 0.5 * ref_sse(z, t), rtol=RTOL)


unit = st.floats(1e-3, 1 - 1e-3)


@FAST
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=unit),
    arrays(np.float64, n, elements=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))),
    arrays(np.float64, n, elements=st.floats(-5, 5)),
)))
def test_binary_kernels_match_reference(b):
    y, t, z = b
    np.testing.assert_allclose(xk.binary_cross_entropy(y, t, reduction="none"), ref_binary(y, t), rtol=RTOL)
    np.testing.assert_allclose(
        xk.binary_cross_entropy_with_logits(z, t, reduction="none"), ref_binary_logits(z, t), rtol=RTOL
    )


@FAST
@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(1e-3, 1.0)))
def test_token_loss_matches_reference(p):
    r = xk.token_loss(p)
    nll = -np.log(p)
    np.testing.assert_allclose(r.per_token, nll, rtol=RTOL)
    assert r.loss == pytest.approx(nll.mean(), rel=RTOL)
    assert r.perplexity == pytest.approx(np.prod(p) ** (-1.0 / len(p)), rel=1e-10)


# --------------------------------------------------------------------------- extreme logits vs mpmath

huge = st.one_of(st.floats(-1e4, 1e4), st.sampled_from([1000.0, -1000.0, 0.0, 745.0, -745.0, 1e4, -1e4]))
TINY = np.finfo(np.float64).tiny  # below it a loss cannot keep relative precision


@FAST
@given(st.tuples(st.integers(1, 4), st.integers(2, 6)).flatmap(lambda s: st.tuples(
    arrays(np.float64, s, elements=huge), arrays(np.int64, s[0], elements=st.integers(0, s[1] - 1)),
    arrays(np.float64, s, elements=st.floats(0, 1)),
)))
def test_softmax_cross_entropy_extreme_logits_vs_mpmath(b):
    z, lab, w = b
    n, k = z.shape
    w[np.arange(n), lab] += 1.0
    t = w / w.sum(axis=1, keepdims=True)
    got_lab = xk.softmax_cross_entropy(z, lab, reduction="none")
    got_soft = xk.softmax_cross_entropy(z, t, reduction="none")
    assert np.all(np.isfinite(got_lab)) and np.all(np.isfinite(got_soft))
    for i in range(n):
        exact_lab = kernel_sweep.softmax_cross_entropy(z[i], np.eye(k)[lab[i]])
        exact_soft = kernel_sweep.softmax_cross_entropy(z[i], t[i])
        # relative 1e-12 at every magnitude: where one class dominates the kernel takes
        # log1p of the other classes' sum instead of the log of a rounded 1 + tiny
        assert abs(got_lab[i] - exact_lab) <= RTOL * max(abs(exact_lab), TINY)
        assert abs(got_soft[i] - exact_soft) <= RTOL * max(abs(exact_soft), TINY)


@FAST
@given(st.integers(1, 10).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=huge), arrays(np.float64, n, elements=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))),
)))
def test_binary_with_logits_extreme_vs_mpmath(b):
    z, t = b
    got = xk.binary_cross_entropy_with_logits(z, t, reduction="none")
    for zi, ti, gi in zip(z, t, got):
        exact = kernel_sweep.binary_logits(zi, ti)  # t·log1p(e^−z) + (1 − t)·log1p(e^z), 50 digits
        # the kernel has full relative accuracy down to the subnormal range
        assert abs(gi - exact) <= RTOL * max(exact, TINY)


# --------------------------------------------------------------------------- scikit-learn parity


def test_parity_with_sklearn_log_loss():
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(2024)
    for _ in range(40):
        n, k = int(rng.integers(1, 60)), int(rng.integers(2, 12))
        y = rng.dirichlet(rng.uniform(0.3, 3.0, k), n)
        y = np.clip(y, 1e-12, None)
        y /= y.sum(axis=1, keepdims=True)
        lab = rng.integers(0, k, n)
        expected = log_loss(lab, y, labels=range(k))
        assert xk.cross_entropy(y, lab) == pytest.approx(expected, rel=1e-12)
        assert xk.cross_entropy(y, np.eye(k)[lab]) == pytest.approx(expected, rel=1e-12)
        z = rng.normal(0, 2, (n, k))
        p = np.exp(ref_log_softmax(z))
        assert xk.softmax_cross_entropy(z, lab) == pytest.approx(log_loss(lab, p, labels=range(k)), rel=1e-10)
        yb = rng.uniform(1e-6, 1 - 1e-6, n)
        tb = rng.integers(0, 2, n)
        assert xk.binary_cross_entropy(yb, tb) == pytest.approx(log_loss(tb, yb, labels=[0, 1]), rel=1e-12)


# --------------------------------------------------------------------------- torch parity (only where installed)


def test_parity_with_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed; torch.nn.functional parity runs only where it is")
    F = torch.nn.functional
    rng = np.random.default_rng(99)
    for _ in range(12):
        n, k = int(rng.integers(1, 40)), int(rng.integers(2, 10))
        z = rng.normal(0, 3, (n, k))
        lab = rng.integers(0, k, n)
        t = rng.dirichlet(np.ones(k), n)
        Z, L, T = torch.from_numpy(z), torch.from_numpy(lab), torch.from_numpy(t)
        np.testing.assert_allclose(
            xk.softmax_cross_entropy(z, lab, reduction="none"), F.cross_entropy(Z, L, reduction="none").numpy(), rtol=1e-12
        )
        np.testing.assert_allclose(
            xk.softmax_cross_entropy(z, t, reduction="none"), F.cross_entropy(Z, T, reduction="none").numpy(), rtol=1e-12
        )
        y = np.exp(ref_log_softmax(z))
        np.testing.assert_allclose(
            xk.cross_entropy(y, lab, reduction="none"),
            F.nll_loss(torch.from_numpy(y).log(), L, reduction="none").numpy(),
            rtol=1e-12,
        )
        yb, tb, zb = rng.uniform(1e-3, 1 - 1e-3, n), rng.uniform(0, 1, n), rng.normal(0, 5, n)
        np.testing.assert_allclose(
            xk.binary_cross_entropy(yb, tb, reduction="none"),
            F.binary_cross_entropy(torch.from_numpy(yb), torch.from_numpy(tb), reduction="none").numpy(),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            xk.binary_cross_entropy_with_logits(zb, tb, reduction="none"),
            F.binary_cross_entropy_with_logits(torch.from_numpy(zb), torch.from_numpy(tb), reduction="none").numpy(),
            rtol=1e-10,
        )


# --------------------------------------------------------------------------- lambdify_loss (needs xentlab.derivations)


# a few class counts only: each new K costs a proved derivation (about a second)
FEW_CLASSES = st.sampled_from([2, 5])


class TestLambdifyReference:
    """lambdify_loss == kernel == hand-written reference, to 1e-12."""

    @FAST
    @given(batches(classes=FEW_CLASSES))
    def test_multiclass(self, b):
        y, _, t, lab, onehot = b
        f = xk.lambdify_loss("multiclass", y.shape[1])
        for target in (t, onehot):
            got = f(y, target)
            np.testing.assert_allclose(got, ref_cross_entropy(y, target), rtol=RTOL)
            np.testing.assert_allclose(got, xk.cross_entropy(y, target, reduction="none"), rtol=RTOL)

    @FAST
    @given(st.integers(1, 30).flatmap(lambda n: st.tuples(
        arrays(np.float64, n, elements=unit), arrays(np.float64, n, elements=st.floats(0, 1))
    )))
    def test_binary(self, b):
        y, t = b
        got = xk.lambdify_loss("binary")(y, t)
        np.testing.assert_allclose(got, ref_binary(y, t), rtol=RTOL)
        np.testing.assert_allclose(got, xk.binary_cross_entropy(y, t, reduction="none"), rtol=RTOL)

    @FAST
    @given(batches(classes=FEW_CLASSES))
    def test_sse(self, b):
        y, _, t, _, _ = b
        got = xk.lambdify_loss("sse", y.shape[1])(y, t)
        np.testing.assert_allclose(got, ref_sse(y, t), rtol=RTOL)
        np.testing.assert_allclose(got, xk.sse(y, t, reduction="none"), rtol=RTOL)
