"""xentlab.kernels: the seed articles' numbers, edge cases, validation, options.

Every expected value comes from the math module, a hand calculation written
out here, or a few lines of NumPy in this file -- never from the kernels.
"""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

from xentlab import kernels as xk
from xentlab.errors import InputError

LN2, LN10 = math.log(2), math.log(10)


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    """No kernel may leak a RuntimeWarning (log 0, 0·inf, overflow…)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------- seed article numbers


def test_dog_fox_wolf_natural_log_and_the_articles_log10_slip():
    y, t = [0.33, 0.32, 0.35], [1, 0, 0]
    assert xk.cross_entropy(y, t) == pytest.approx(-math.log(0.33), rel=1e-15)
    assert xk.cross_entropy(y, t) == pytest.approx(1.1086626245216111, rel=1e-15)
    assert xk.cross_entropy(y, 0) == pytest.approx(1.1086626245216111, rel=1e-15)
    # The article printed E = −0.481486: that is log10(0.33) = −0.4814860601…, i.e. the
    # common logarithm with the minus sign of the definition dropped.  The loss in
    # decimal units is +0.48148606…, in nats 1.10866…; a cross-entropy is never negative.
    assert xk.cross_entropy(y, t, base="10") == pytest.approx(-math.log10(0.33), rel=1e-15)
    assert xk.cross_entropy(y, t, base="10") == pytest.approx(0.48148606, abs=5e-9)
    assert xk.cross_entropy(y, t, base="10") > 0


MULTI_HOT = [0, 1, 0, 1, 0]
Y1 = [0.01, 0.65, 0.13, 0.70, 0.15]
Y2 = [0.34, 0.21, 0.91, 0.33, 0.22]


def test_multi_hot_article_sse():
    # hand: (0.01)² + (0.35)² + (0.13)² + (0.30)² + (0.15)² = 0.0001 + 0.1225 + 0.0169 + 0.09 + 0.0225
    assert xk.sse(Y1, MULTI_HOT) == pytest.approx(0.252, rel=1e-13)
    # hand: 0.34² + 0.79² + 0.91² + 0.67² + 0.22² = 0.1156 + 0.6241 + 0.8281 + 0.4489 + 0.0484
    assert xk.sse(Y2, MULTI_HOT) == pytest.approx(2.0651, rel=1e-13)
    assert xk.sse(Y1, MULTI_HOT, half=True) == pytest.approx(0.126, rel=1e-13)


def test_multi_hot_article_cross_entropy_needs_check_sum_off():
    # Multi-hot targets (two positives) and y's that are independent scores: neither
    # row sums to 1, so the default validation refuses them ...
    with pytest.raises(xk.InvalidValueError, match=r"targets in row 0 sum to 2, not 1"):
        xk.cross_entropy(Y1, MULTI_HOT)
    with pytest.raises(xk.InvalidValueError, match=r"probabilities in row 0 sum to 1.64, not 1"):
        xk.cross_entropy(Y1, [0, 1, 0, 0, 0])
    # ... and check_sum=False evaluates the formula −Σ t_k ln y_k as written.
    assert xk.cross_entropy(Y1, MULTI_HOT, check_sum=False) == pytest.approx(
        -(math.log(0.65) + math.log(0.70)), rel=1e-15
    )
    assert xk.cross_entropy(Y1, MULTI_HOT, check_sum=False) == pytest.approx(0.7874578600311867, rel=1e-15)
    assert xk.cross_entropy(Y2, MULTI_HOT, check_sum=False) == pytest.approx(
        -(math.log(0.21) + math.log(0.33)), rel=1e-15
    )
    assert xk.cross_entropy(Y2, MULTI_HOT, check_sum=False) == pytest.approx(2.6693103727862795, rel=1e-15)
    batch = xk.cross_entropy([Y1, Y2], [MULTI_HOT, MULTI_HOT], check_sum=False, reduction="none")
    np.testing.assert_allclose(batch, [0.7874578600311867, 2.6693103727862795], rtol=1e-15)


def test_calculator_values():
    assert -math.log(0.8) == pytest.approx(0.22314355, abs=5e-9)  # the article's rounding
    assert xk.binary_cross_entropy(0.8, 1.0) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert xk.binary_cross_entropy(0.8, 0.0) == pytest.approx(-math.log(0.2), rel=1e-15)
    assert xk.binary_cross_entropy(0.8, 0.0) == pytest.approx(1.6094379124341003, rel=1e-15)
    assert xk.cross_entropy([0.8, 0.2], 0) == pytest.approx(0.2231435513142097, rel=1e-15)
    assert xk.cross_entropy([0.8, 0.2], 1) == pytest.approx(1.6094379124341003, rel=1e-15)


def test_token_article_numbers():
    r = xk.token_loss([0.70, 0.95, 0.80])
    np.testing.assert_allclose(r.per_token, [0.3567, 0.0513, 0.2231], atol=5e-5)
    np.testing.assert_allclose(r.per_token, [-math.log(0.70), -math.log(0.95), -math.log(0.80)], rtol=1e-15)
    mean = (-math.log(0.70) - math.log(0.95) - math.log(0.80)) / 3
    assert r.loss == pytest.approx(mean, rel=1e-15)
    assert r.loss == pytest.approx(0.21037, abs=5e-6)
    assert r.perplexity == pytest.approx((0.70 * 0.95 * 0.80) ** (-1 / 3), rel=1e-14)
    # The article printed 0.02 for −ln 0.95; 0.02 is −log10(0.95) = 0.0223 (a common-log
    # slip).  Its mean (0.36 + 0.02 + 0.22)/3 = 0.20 is therefore wrong; the right one is 0.2104.
    assert xk.token_loss([0.95], base="10").loss == pytest.approx(0.0223, abs=5e-5)
    assert r.per_token[1] == pytest.approx(0.0513, abs=5e-5) and abs(r.per_token[1] - 0.02) > 0.03
    assert abs(r.loss - 0.20) > 0.01


@pytest.mark.parametrize(
    "p, nats",
    [
        # the article wrote "約9.20" for −ln 0.0001: truncated; it is 9.2103
        (0.0001, 9.210340371976182),
        (0.1, 2.302585092994046),
        (0.7, 0.35667494393873245),
    ],
)
def test_single_token_losses(p, nats):
    assert nats == pytest.approx(-math.log(p), rel=1e-15)
    r = xk.token_loss([p])
    assert r.loss == pytest.approx(nats, rel=1e-15)
    assert r.per_token[0] == pytest.approx(nats, rel=1e-15)
    assert r.perplexity == pytest.approx(1 / p, rel=1e-13)


def test_cat_dog_bird():
    good = xk.cross_entropy([0.70, 0.20, 0.10], [1, 0, 0])
    bad = xk.cross_entropy([0.10, 0.80, 0.10], [1, 0, 0])
    assert good == pytest.approx(-math.log(0.7), rel=1e-15) and good == pytest.approx(0.35667494393873245, rel=1e-15)
    assert bad == pytest.approx(-math.log(0.1), rel=1e-15) and bad == pytest.approx(2.302585092994046, rel=1e-15)
    np.testing.assert_allclose(
        xk.cross_entropy([[0.70, 0.20, 0.10], [0.10, 0.80, 0.10]], [0, 0], reduction="none"),
        [0.35667494393873245, 2.302585092994046],
        rtol=1e-15,
    )


# --------------------------------------------------------------------------- edge cases


def test_zero_probability_in_non_target_classes_is_fine():
    assert xk.cross_entropy([0.0, 1.0, 0.0], [0, 1, 0]) == 0.0
    assert xk.cross_entropy([0.0, 1.0, 0.0], 1) == 0.0
    assert xk.cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == pytest.approx(math.log(2), rel=1e-15)
    out = xk.cross_entropy([[0.0, 0.25, 0.75], [0.3, 0.7, 0.0]], [[0, 0, 1], [0, 1, 0]], reduction="none")
    np.testing.assert_allclose(out, [-math.log(0.75), -math.log(0.7)], rtol=1e-15)


def test_loss_of_a_certain_right_answer_is_plus_zero():
    for value in (
        xk.cross_entropy([0.0, 1.0], 1),
        xk.cross_entropy([0.0, 1.0], [0, 1]),
        xk.softmax_cross_entropy([1000.0, -1000.0], 0),
        xk.binary_cross_entropy(1.0, 1.0),
        xk.token_loss([1.0]).loss,
    ):
        assert value == 0.0 and math.copysign(1.0, value) == 1.0


def test_zero_probability_at_the_target_is_inf_not_nan():
    assert xk.cross_entropy([0.0, 1.0], 0) == math.inf
    assert xk.cross_entropy([0.0, 1.0], [1, 0]) == math.inf
    # 0·log 0 (class 2) and 1·log 0 (class 0) in the same row
    assert xk.cross_entropy([0.0, 1.0, 0.0], [1, 0, 0]) == math.inf
    assert xk.cross_entropy([0.0, 0.5, 0.5], [0.5, 0.5, 0.0]) == math.inf
    out = xk.cross_entropy([[0.0, 1.0], [0.5, 0.5]], [[1, 0], [1, 0]], reduction="none")
    assert out[0] == math.inf and out[1] == pytest.approx(math.log(2), rel=1e-15)
    assert xk.cross_entropy([[0.0, 1.0], [0.5, 0.5]], [0, 0]) == math.inf
    assert xk.token_loss([0.0, 0.5]).loss == math.inf and xk.token_loss([0.0, 0.5]).perplexity == math.inf


def test_binary_xlogy_semantics():
    out = xk.binary_cross_entropy([0.0, 1.0, 0.0, 1.0, 0.5], [0.0, 1.0, 1.0, 0.0, 1.0], reduction="none")
    assert out[0] == 0.0 and out[1] == 0.0
    assert out[2] == math.inf and out[3] == math.inf
    assert out[4] == pytest.approx(math.log(2), rel=1e-15)
    assert xk.binary_cross_entropy(0.0, 0.3) == math.inf


def test_extreme_logits_are_exact():
    z = [1000.0, -1000.0, 0.0]
    assert xk.softmax_cross_entropy(z, 0) == 0.0
    assert xk.softmax_cross_entropy(z, 1) == 2000.0
    assert xk.softmax_cross_entropy(z, 2) == 1000.0
    assert xk.softmax_cross_entropy(z, [0, 1, 0]) == 2000.0
    assert xk.softmax_cross_entropy(z, [1, 0, 0]) == 0.0
    np.testing.assert_array_equal(xk.softmax_cross_entropy([z, z[::-1]], [1, 0], reduction="none"), [2000.0, 1000.0])
    np.testing.assert_array_equal(xk.softmax(z), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(xk.log_softmax([z]), [[0.0, -2000.0, -1000.0]])
    out = xk.binary_cross_entropy_with_logits([1000.0, 1000.0, -1000.0, -1000.0], [1, 0, 1, 0], reduction="none")
    np.testing.assert_array_equal(out, [0.0, 1000.0, 1000.0, 0.0])


def test_logits_spread_beyond_the_float_range():
    # z_k − max overflows to −inf: exp gives 0 and the loss is 0 or +inf, never nan
    z = [1e308, -1e308, 0.0]
    assert xk.softmax_cross_entropy(z, 0) == 0.0
    assert xk.softmax_cross_entropy(z, [1, 0, 0]) == 0.0
    assert xk.softmax_cross_entropy(z, 1) == math.inf
    assert xk.softmax_cross_entropy(z, [0, 1, 0]) == math.inf
    assert xk.binary_cross_entropy_with_logits(-1.7e308, 1.0) == 1.7e308


def test_softmax_and_log_softmax_hand_values():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = np.exp(z)
    np.testing.assert_allclose(xk.softmax(z), e / e.sum(axis=1, keepdims=True), rtol=1e-15)
    hand = [[1 - math.log(e[0].sum()), 2 - math.log(e[0].sum()), 3 - math.log(e[0].sum())], [-math.log(3)] * 3]
    np.testing.assert_allclose(xk.log_softmax(z), hand, rtol=1e-15)
    assert xk.softmax([0.0, 0.0]).shape == (2,)


def test_soft_targets_hand_value():
    expected = -(0.5 * math.log(0.25) + 0.5 * math.log(0.75))
    assert xk.cross_entropy([0.25, 0.75], [0.5, 0.5]) == pytest.approx(expected, rel=1e-15)
    # softmax of z = (ln 1, ln 3) is (0.25, 0.75)
    assert xk.softmax_cross_entropy([0.0, math.log(3)], [0.5, 0.5]) == pytest.approx(expected, rel=1e-15)


def test_soft_targets_inside_the_sum_tolerance_are_used_as_given():
    # t sums to 1 + 5e-7 (accepted); the loss is −Σ t_k log softmax(z)_k with exactly these t
    t, z = [0.5, 0.5 + 5e-7], [0.0, 1.0]
    lse = math.log(1 + math.e)
    expected = t[0] * (lse - z[0]) + t[1] * (lse - z[1])
    assert xk.softmax_cross_entropy(z, t) == pytest.approx(expected, rel=1e-14)
    y = [1 / (1 + math.e), math.e / (1 + math.e)]
    assert xk.cross_entropy(y, t) == pytest.approx(-(t[0] * math.log(y[0]) + t[1] * math.log(y[1])), rel=1e-14)


def test_labels_form_equals_one_hot_form():
    rng = np.random.default_rng(7)
    y = rng.dirichlet(np.ones(6), 50)
    z = rng.normal(0, 3, (50, 6))
    lab = rng.integers(0, 6, 50)
    onehot = np.eye(6)[lab]
    for fn, a in ((xk.cross_entropy, y), (xk.softmax_cross_entropy, z), (xk.sse, y)):
        np.testing.assert_array_equal(fn(a, lab, reduction="none"), fn(a, onehot, reduction="none"))
    # integer one-hot targets are accepted too
    np.testing.assert_array_equal(xk.cross_entropy(y, lab, reduction="none"), xk.cross_entropy(y, onehot.astype(int), reduction="none"))


def test_many_classes_one_hot_and_soft_targets():
    # From 32 classes on, one-hot targets take a gather path instead of logging every y.
    rng = np.random.default_rng(8)
    k = 40
    y = rng.dirichlet(np.ones(k), 30)
    y[0, 5] = 0.0  # a zero probability in a class the target does not pick
    y[0] /= y[0].sum()
    lab = rng.integers(0, k, 30)
    lab[0] = 6
    onehot = np.eye(k)[lab]
    hand = -np.log(y[np.arange(30), lab])
    np.testing.assert_array_equal(xk.cross_entropy(y, onehot, reduction="none"), xk.cross_entropy(y, lab, reduction="none"))
    np.testing.assert_allclose(xk.cross_entropy(y, onehot, reduction="none"), hand, rtol=1e-15)
    soft = rng.dirichlet(np.ones(k), 30)
    np.testing.assert_allclose(xk.cross_entropy(y[1:], soft[1:], reduction="none"), -(soft[1:] * np.log(y[1:])).sum(axis=1), rtol=1e-13)
    at_zero = np.eye(k)[[5]]
    assert xk.cross_entropy(y[:1], at_zero) == math.inf
    negative = y[:2].copy()
    negative[1, :2] = [negative[1, 0] + negative[1, 1] + 0.5, -0.5]
    with pytest.raises(xk.InvalidValueError, match="row 1 contain -0.5 at class 1"):
        xk.cross_entropy(negative, onehot[:2])


def test_sse_hand_values_and_labels():
    assert xk.sse([0.7, 0.2, 0.1], 0) == pytest.approx(0.3**2 + 0.2**2 + 0.1**2, rel=1e-15)
    assert xk.sse([0.7, 0.2, 0.1], [1, 0, 0], half=True) == pytest.approx(0.07, rel=1e-14)
    # values outside [0, 1] and rows not summing to 1 are fine for sse
    assert xk.sse([[2.0, -1.0]], [[0.5, 3.0]]) == pytest.approx(1.5**2 + 4.0**2, rel=1e-15)
    np.testing.assert_allclose(xk.sse([[1.0, 0.0], [0.0, 0.0]], [1, 0], reduction="none"), [2.0, 1.0])
    assert xk.sse([[1.0, 0.0], [0.0, 0.0]], [1, 0], reduction="mean") == 1.5


# --------------------------------------------------------------------------- reductions, bases, dtypes


def test_reductions():
    y = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    lab = np.array([0, 0, 2])
    per = np.array([-math.log(0.7), -math.log(0.1), -math.log(0.6)])
    out = xk.cross_entropy(y, lab, reduction="none")
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    np.testing.assert_allclose(out, per, rtol=1e-15)
    assert xk.cross_entropy(y, lab, reduction="sum") == pytest.approx(per.sum(), rel=1e-15)
    assert xk.cross_entropy(y, lab) == pytest.approx(per.mean(), rel=1e-15)
    assert type(xk.cross_entropy(y, lab)) is float
    single = xk.cross_entropy(y[0], 0, reduction="none")
    assert type(single) is float and single == pytest.approx(per[0], rel=1e-15)
    assert type(xk.binary_cross_entropy(0.8, 1.0, reduction="none")) is float
    assert xk.sse(y, lab) == pytest.approx(((y - np.eye(3)[lab]) ** 2).sum(), rel=1e-15)  # sse defaults to "sum"


@pytest.mark.parametrize("base, scale", [("e", 1.0), ("2", LN2), ("10", LN10), (2, LN2), (10, LN10)])
def test_bases(base, scale):
    y = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    nats = [-math.log(0.7), -math.log(0.8)]
    np.testing.assert_allclose(xk.cross_entropy(y, [0, 1], base=base, reduction="none"), np.array(nats) / scale, rtol=1e-15)
    assert xk.softmax_cross_entropy([0.0, math.log(3)], 1, base=base) == pytest.approx(-math.log(0.75) / scale, rel=1e-14)
    assert xk.binary_cross_entropy(0.8, 0.0, base=base) == pytest.approx(-math.log(0.2) / scale, rel=1e-15)
    assert xk.binary_cross_entropy_with_logits(0.0, 1.0, base=base) == pytest.approx(LN2 / scale, rel=1e-15)
    r = xk.token_loss([0.5, 0.25], base=base)
    assert r.loss == pytest.approx(1.5 * LN2 / scale, rel=1e-15)
    assert r.perplexity == pytest.approx(2**1.5, rel=1e-14)  # the same number in every base
    np.testing.assert_allclose(r.per_token, [LN2 / scale, 2 * LN2 / scale], rtol=1e-15)


def test_units():
    assert xk.UNITS == {"e": "nats", "2": "bits", "10": "decimal"}


def test_bits_perplexity_is_two_to_the_bits():
    r = xk.token_loss([0.70, 0.95, 0.80], base="2")
    assert 2**r.loss == pytest.approx(r.perplexity, rel=1e-14)
    assert r.loss == pytest.approx(xk.token_loss([0.70, 0.95, 0.80]).loss / LN2, rel=1e-15)


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    y64 = rng.dirichlet(np.ones(5), 40)
    y32 = y64.astype(np.float32)
    z32 = rng.normal(0, 2, (40, 5)).astype(np.float32)
    lab = rng.integers(0, 5, 40)
    t32 = np.eye(5, dtype=np.float32)[lab]
    for out in (
        xk.cross_entropy(y32, lab, reduction="none"),
        xk.cross_entropy(y32, t32, reduction="none"),
        xk.softmax_cross_entropy(z32, lab, reduction="none"),
        xk.softmax_cross_entropy(z32, t32, reduction="none"),
        xk.softmax(z32),
        xk.log_softmax(z32),
        xk.sse(y32, t32, reduction="none"),
        xk.binary_cross_entropy(y32[:, 0], t32[:, 0], reduction="none"),
        xk.binary_cross_entropy_with_logits(z32[:, 0], t32[:, 0], reduction="none"),
        xk.token_loss(y32[:, 0]).per_token,
    ):
        assert out.dtype == np.float32
    y32d = y32.astype(np.float64)  # the float32 values, in float64
    hand = -np.log(y32d[np.arange(40), lab])
    np.testing.assert_allclose(xk.cross_entropy(y32, lab, reduction="none"), hand, rtol=1e-6)
    np.testing.assert_allclose(xk.cross_entropy(y32, t32, reduction="none"), hand, rtol=1e-6)
    assert xk.cross_entropy(y32, lab) == pytest.approx(hand.mean(), rel=1e-6)


def test_float32_rows_summing_to_one_in_float32_pass():
    # A float32 softmax over a 50k vocabulary sums to 1 only to a few float32 ulps; the
    # float32 row sum must not reject it when the exact sum is within 1e-6.
    rng = np.random.default_rng(11)
    z = rng.normal(0, 3, (4, 50_000)).astype(np.float32)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    assert np.all(np.abs(y.astype(np.float64).sum(axis=1) - 1) <= 1e-6)
    lab = rng.integers(0, 50_000, 4)
    hand = -np.log(y[np.arange(4), lab].astype(np.float64))
    np.testing.assert_allclose(xk.cross_entropy(y, lab, reduction="none"), hand, rtol=1e-6)


def test_minus_zero_is_a_valid_probability():
    assert xk.cross_entropy([-0.0, 1.0], 1, check_sum=False) == 0.0
    assert xk.cross_entropy([-0.0, 1.0], 1) == 0.0
    assert xk.binary_cross_entropy(-0.0, 0.0) == 0.0


def test_integer_and_list_inputs():
    assert xk.cross_entropy([[0, 1], [1, 0]], [1, 0]) == 0.0
    assert xk.cross_entropy(np.array([[0.5, 0.5]]), np.array([1.0])) == pytest.approx(math.log(2), rel=1e-15)  # integral float labels


def test_module_does_not_import_sympy():
    code = "import sys, xentlab.kernels; sys.exit('sympy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_validators():
    y = xk.validate_probs([[0.5, 0.5]])
    assert y.dtype == np.float64 and y.shape == (1, 2)
    with pytest.raises(xk.InvalidValueError, match="row 0"):
        xk.validate_probs([[0.5, 0.6]])
    assert xk.validate_probs([[0.5, 0.6]], check_sum=False).shape == (1, 2)
    with pytest.raises(xk.InvalidValueError, match="row 1 contain inf at class 0"):
        xk.validate_logits([[0.0, 1.0], [np.inf, 0.0]])
    np.testing.assert_array_equal(xk.validate_labels([2, 0], 3), [2, 0])
    with pytest.raises(xk.InvalidLabelError, match="row 0 is 3"):
        xk.validate_labels([3, 0], 3)


# --------------------------------------------------------------------------- validation errors

NAN, INF = float("nan"), float("inf")
OK2 = [[0.5, 0.5], [0.25, 0.75]]

INVALID = [
    # (call, error class, substrings the one-line message must contain)
    (lambda: xk.cross_entropy([[0.5, 0.5], [-0.2, 1.2]], [0, 0]), xk.InvalidValueError, ["probabilities in row 1 contain -0.2 at class 0", "[0, 1]"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [1.5, 0.5]], [[0, 1], [0, 1]], check_sum=False), xk.InvalidValueError, ["row 1", "1.5", "class 0"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.5, 0.5], [NAN, 0.5]], [0, 0, 0]), xk.InvalidValueError, ["row 2", "nan", "finite"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.0, INF]], [[1, 0], [1, 0]]), xk.InvalidValueError, ["row 1", "inf"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.5, 0.45]], [0, 1]), xk.InvalidValueError, ["probabilities in row 1 sum to 0.95, not 1 (within 1e-6)"]),
    (lambda: xk.cross_entropy([0.3, 0.3, 0.3], 0), xk.InvalidValueError, ["row 0 sum to 0.9"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [1.5, -0.5]], [[1, 0], [1, 0]]), xk.InvalidValueError, ["probabilities in row 1 contain 1.5 at class 0"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [-0.5, 1.5]], [[1, 0], [0, 1]]), xk.InvalidValueError, ["probabilities in row 1 contain -0.5 at class 0"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [NAN, 0.5]], [[1, 0], [0, 1]]), xk.InvalidValueError, ["probabilities in row 1 contain nan at class 0"]),
    (lambda: xk.cross_entropy(OK2, [[1, 0], [0.5, 0.6]]), xk.InvalidValueError, ["targets in row 1 sum to 1.1"]),
    (lambda: xk.cross_entropy(OK2, [[1, 0], [1.5, -0.5]]), xk.InvalidValueError, ["targets in row 1", "1.5"]),
    (lambda: xk.cross_entropy(OK2, [[1, 0], [NAN, 1]]), xk.InvalidValueError, ["targets in row 1", "nan"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.2, 0.7], [1.5, 0.5]], [0, 0, 0]), xk.InvalidValueError, ["row 1 sum to 0.9"]),  # first bad row
    (lambda: xk.cross_entropy(OK2, [0, 2]), xk.InvalidLabelError, ["row 1", "2", "0..1"]),
    (lambda: xk.cross_entropy(OK2, [-1, 0]), xk.InvalidLabelError, ["row 0", "-1"]),
    (lambda: xk.cross_entropy(OK2, [0, 1.5]), xk.InvalidLabelError, ["row 1", "1.5", "integer"]),
    (lambda: xk.cross_entropy(OK2, [0.0, NAN]), xk.InvalidLabelError, ["row 1", "nan"]),
    (lambda: xk.cross_entropy(OK2, [True, False]), xk.InvalidLabelError, ["bool"]),
    (lambda: xk.cross_entropy(OK2, [[1, 0, 0], [0, 1, 0]]), xk.InvalidShapeError, ["(2, 3)", "(2, 2)"]),
    (lambda: xk.cross_entropy(OK2, [0, 1, 0]), xk.InvalidShapeError, ["(3,)", "(2,)"]),
    (lambda: xk.cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int)), xk.InvalidShapeError, ["empty"]),
    (lambda: xk.cross_entropy([], []), xk.InvalidShapeError, ["empty"]),
    (lambda: xk.cross_entropy(np.full((2, 2, 2), 0.5), [[0, 0], [0, 0]]), xk.InvalidShapeError, ["(2, 2, 2)"]),
    (lambda: xk.cross_entropy(["a", "b"], 0), xk.InvalidValueError, ["real numbers"]),
    (lambda: xk.cross_entropy([[0.5, 0.5], [1.0]], [0, 0]), xk.InvalidShapeError, ["probabilities must be a rectangular array"]),
    (lambda: xk.softmax_cross_entropy([[0.0, 1.0], [NAN, 0.0]], [0, 0]), xk.InvalidValueError, ["logits in row 1", "nan"]),
    (lambda: xk.softmax_cross_entropy([[0.0, 1.0], [0.0, -INF]], [0, 0]), xk.InvalidValueError, ["logits in row 1", "-inf", "class 1"]),
    (lambda: xk.softmax_cross_entropy([[0.0, 1.0], [0.0, INF]], [[1, 0], [1, 0]]), xk.InvalidValueError, ["row 1", "inf"]),
    (lambda: xk.softmax_cross_entropy([[0.0, 1.0], [0.0, 1.0]], [[1, 0], [0.7, 0.7]]), xk.InvalidValueError, ["targets in row 1 sum to 1.4"]),
    (lambda: xk.softmax_cross_entropy([0.0, 1.0], 5), xk.InvalidLabelError, ["row 0", "5"]),
    (lambda: xk.softmax([[0.0], [NAN]]), xk.InvalidValueError, ["row 1", "nan"]),
    (lambda: xk.log_softmax([[0.0], [INF]]), xk.InvalidValueError, ["row 1", "inf"]),
    (lambda: xk.binary_cross_entropy([0.5, 1.5], [0, 1]), xk.InvalidValueError, ["probability in row 1 is 1.5", "[0, 1]"]),
    (lambda: xk.binary_cross_entropy([0.5, 0.5, 0.5], [0, 1, -0.1]), xk.InvalidValueError, ["target in row 2 is -0.1"]),
    (lambda: xk.binary_cross_entropy([0.5, NAN], [0, 1]), xk.InvalidValueError, ["row 1 is nan"]),
    (lambda: xk.binary_cross_entropy([0.5, 0.5], [0, 1, 1]), xk.InvalidShapeError, ["(3,)", "(2,)"]),
    (lambda: xk.binary_cross_entropy([[0.5]], [[1]]), xk.InvalidShapeError, ["(1, 1)"]),
    (lambda: xk.binary_cross_entropy_with_logits([0.0, INF], [0, 1]), xk.InvalidValueError, ["logit in row 1 is inf"]),
    (lambda: xk.binary_cross_entropy_with_logits([0.0, 1.0], [0, 2]), xk.InvalidValueError, ["target in row 1 is 2"]),
    (lambda: xk.sse([[1.0, 2.0], [3.0, INF]], [[0, 0], [0, 0]]), xk.InvalidValueError, ["predictions in row 1", "inf"]),
    (lambda: xk.sse([[1.0, 2.0], [3.0, 4.0]], [[0, 0], [NAN, 0]]), xk.InvalidValueError, ["targets in row 1", "nan"]),
    (lambda: xk.sse([[1.0, 2.0]], [7]), xk.InvalidLabelError, ["row 0", "7"]),
    (lambda: xk.token_loss([0.5, 1.2]), xk.InvalidValueError, ["token probability in row 1 is 1.2"]),
    (lambda: xk.token_loss([0.5, 0.5, -0.1]), xk.InvalidValueError, ["row 2 is -0.1"]),
    (lambda: xk.token_loss([]), xk.InvalidShapeError, ["empty"]),
    (lambda: xk.token_loss([[0.5]]), xk.InvalidShapeError, ["(1, 1)"]),
    (lambda: xk.cross_entropy([1.0], 0, reduction="avg"), xk.InvalidOptionError, ["'avg'", "'mean', 'sum', 'none'"]),
    (lambda: xk.cross_entropy([1.0], 0, base="ln"), xk.InvalidOptionError, ["'ln'", "'e', '2', '10'"]),
    (lambda: xk.token_loss([1.0], base=3), xk.InvalidOptionError, ["3", "'e', '2', '10'"]),
    (lambda: xk.sse([1.0], [1.0], reduction="max"), xk.InvalidOptionError, ["'max'"]),
    # not plain real numbers: bool, object (strings too), complex, masked
    (lambda: xk.cross_entropy(np.array([True, False]), 0), xk.InvalidValueError, ["probabilities", "dtype bool"]),
    (lambda: xk.cross_entropy([0.5, 0.5], np.array([True, False])), xk.InvalidValueError, ["targets", "dtype bool"]),
    (lambda: xk.binary_cross_entropy([0.5], np.array([True])), xk.InvalidValueError, ["targets", "dtype bool"]),
    (lambda: xk.binary_cross_entropy_with_logits(np.array([True]), [1.0]), xk.InvalidValueError, ["logits", "dtype bool"]),
    (lambda: xk.softmax(np.array([True, False])), xk.InvalidValueError, ["logits", "dtype bool"]),
    (lambda: xk.token_loss(np.array([True])), xk.InvalidValueError, ["token probabilities", "dtype bool"]),
    (lambda: xk.sse(np.array([[True, False]]), [[1.0, 0.0]]), xk.InvalidValueError, ["predictions", "dtype bool"]),
    (lambda: xk.cross_entropy(np.array(["0.33", "0.67"], dtype=object), 0), xk.InvalidValueError, ["probabilities", "dtype object"]),
    (lambda: xk.cross_entropy(np.array([0.5, 0.5], dtype=object), 0), xk.InvalidValueError, ["dtype object"]),
    (lambda: xk.cross_entropy([0.5, 0.5], np.array([1, 0], dtype=object)), xk.InvalidValueError, ["targets", "dtype object"]),
    (lambda: xk.softmax_cross_entropy(np.array([0.5 + 0j, 0.5]), 0), xk.InvalidValueError, ["logits", "complex128"]),
    (lambda: xk.cross_entropy(np.array([[0.5, 0.5 + 1j]]), [0]), xk.InvalidValueError, ["probabilities", "complex128"]),
    (lambda: xk.cross_entropy(np.ma.masked_array([0.5, 0.5, 9.0], mask=[0, 0, 1]), 0), xk.InvalidValueError, ["probabilities", "masked"]),
    (lambda: xk.cross_entropy([0.5, 0.5], np.ma.masked_array([1.0, 0.0], mask=[0, 1])), xk.InvalidValueError, ["targets", "masked"]),
    (lambda: xk.softmax_cross_entropy(np.ma.masked_array([0.0, 1.0]), 0), xk.InvalidValueError, ["logits", "masked"]),
    (lambda: xk.binary_cross_entropy([0.5], np.ma.masked_array([1.0], mask=[1])), xk.InvalidValueError, ["targets", "masked"]),
    (lambda: xk.validate_labels(np.ma.masked_array([0, 1], mask=[0, 1]), 2), xk.InvalidLabelError, ["labels", "masked"]),
    (lambda: xk.validate_probs(np.array([[True, False]])), xk.InvalidValueError, ["dtype bool"]),
    # lambdify_loss validates like the kernels
    (lambda: xk.lambdify_loss("multiclass", 3)([NAN, 0.5, 0.5], [1.0, 0.0, 0.0]), xk.InvalidValueError, ["probabilities in row 0", "nan"]),
    (lambda: xk.lambdify_loss("multiclass", 3)([5.0, 0.5, 0.5], [1.0, 0.0, 0.0]), xk.InvalidValueError, ["row 0 contain 5 at class 0", "[0, 1]"]),
    (lambda: xk.lambdify_loss("multiclass", 3)([[0.2, 0.3, 0.5], [0.2, 0.3, 0.4]], [[1.0, 0, 0], [1.0, 0, 0]]), xk.RowSumError, ["probabilities in row 1 sum to 0.9"]),
    (lambda: xk.lambdify_loss("multiclass", 2)([0.5, 0.5], [0.5, 0.6]), xk.RowSumError, ["targets in row 0 sum to 1.1"]),
    (lambda: xk.lambdify_loss("multiclass", 2)(np.array([True, False]), [1.0, 0.0]), xk.InvalidValueError, ["dtype bool"]),
    (lambda: xk.lambdify_loss("binary")([0.5, 1.5], [0.0, 1.0]), xk.InvalidValueError, ["probability in row 1 is 1.5"]),
    (lambda: xk.lambdify_loss("binary")([0.5, 0.5], [0.0, NAN]), xk.InvalidValueError, ["target in row 1 is nan"]),
    (lambda: xk.lambdify_loss("binary")([0.5, 0.5], [0.0]), xk.InvalidShapeError, ["(1,)", "(2,)"]),
    (lambda: xk.lambdify_loss("sse", 2)([[1.0, INF]], [[0.0, 0.0]]), xk.InvalidValueError, ["predictions in row 0", "inf"]),
    (lambda: xk.lambdify_loss("sse", 2)([[1.0, 0.0]], [[NAN, 0.0]]), xk.InvalidValueError, ["targets in row 0", "nan"]),
]


@pytest.mark.parametrize("call, error, parts", INVALID, ids=[f"invalid{i}" for i in range(len(INVALID))])
def test_invalid_input(call, error, parts):
    with pytest.raises(error) as info:
        call()
    err = info.value
    assert isinstance(err, xk.InvalidInputError) and isinstance(err, InputError) and isinstance(err, ValueError)
    assert err.exit_code == 2
    message = str(err)
    assert "\n" not in message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def test_row_sum_tolerance_is_1e_6():
    inside = [[0.5, 0.5 + 0.9e-6]]
    outside = [[0.5, 0.5 + 1.1e-6]]
    assert xk.cross_entropy(inside, [0]) == pytest.approx(math.log(2), rel=1e-15)
    with pytest.raises(xk.InvalidValueError, match="row 0 sum to 1.0000011"):
        xk.cross_entropy(outside, [0])
    assert xk.ROW_SUM_TOL == 1e-6


# --------------------------------------------------------------------------- lambdify_loss (needs xentlab.derivations)


class TestLambdifyLoss:
    """The derived SymPy loss, compiled with sympy.lambdify, against hand values and the kernels."""

    def test_multiclass_article_values(self):
        f = xk.lambdify_loss("multiclass", 3)
        y = np.array([[0.33, 0.32, 0.35], [0.70, 0.20, 0.10], [0.10, 0.80, 0.10]])
        t = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0]])
        np.testing.assert_allclose(f(y, t), [-math.log(0.33), -math.log(0.7), -math.log(0.1)], rtol=1e-15)
        soft = np.array([[0.5, 0.5, 0.0]])
        np.testing.assert_allclose(f(y[:1], soft), [-(0.5 * math.log(0.33) + 0.5 * math.log(0.32))], rtol=1e-15)

    def test_multiclass_matches_kernel(self):
        rng = np.random.default_rng(5)
        y = rng.dirichlet(np.ones(4), 30)
        t = rng.dirichlet(np.ones(4), 30)
        f = xk.lambdify_loss("multiclass", 4)
        np.testing.assert_allclose(f(y, t), xk.cross_entropy(y, t, reduction="none"), rtol=1e-14)
        np.testing.assert_allclose(f(y, t), -(t * np.log(y)).sum(axis=1), rtol=1e-14)

    def test_binary_values(self):
        f = xk.lambdify_loss("binary")
        np.testing.assert_allclose(f(np.array([0.8, 0.8, 0.3]), np.array([1.0, 0.0, 0.25])),
                                   [-math.log(0.8), -math.log(0.2), -(0.25 * math.log(0.3) + 0.75 * math.log(0.7))], rtol=1e-15)

    def test_evaluates_the_derived_expression(self):
        import sympy

        from xentlab.derivations import derive
        from xentlab.notation import t, y

        expr = derive("multiclass", classes=3).result
        point = {y[1]: 0.2, y[2]: 0.3, y[3]: 0.5, t[1]: 0.1, t[2]: 0.6, t[3]: 0.3}
        by_sympy = float(sympy.N(expr.xreplace({key: sympy.Float(v, 30) for key, v in point.items()}), 30))
        f = xk.lambdify_loss("multiclass", 3)
        got = f(np.array([[0.2, 0.3, 0.5]]), np.array([[0.1, 0.6, 0.3]]))
        assert got[0] == pytest.approx(by_sympy, rel=1e-14)

    def test_sum_over_classes_runs_on_whole_rows(self):
        # The derived Σ_k is compiled as one row sum, not one term per class: the compiled
        # expression is the same size at K = 3 and K = 500, and agrees with the written-out sum.
        small, large = xk.lambdify_loss("multiclass", 3), xk.lambdify_loss("multiclass", 500)
        assert small.expr == large.expr and len(small.expr.free_symbols) == 2
        rng = np.random.default_rng(11)
        y = rng.dirichlet(np.ones(500), 4)
        t = rng.dirichlet(np.ones(500), 4)
        by_hand = [-math.fsum(t[i, j] * math.log(y[i, j]) for j in range(500)) for i in range(4)]
        np.testing.assert_allclose(large(y, t), by_hand, rtol=1e-12)

    def test_cached_per_kind_and_classes(self):
        assert xk.lambdify_loss("multiclass", 3) is xk.lambdify_loss("multiclass", 3)
        assert xk.lambdify_loss("multiclass", 3) is not xk.lambdify_loss("multiclass", 4)
        assert xk.lambdify_loss("binary") is xk.lambdify_loss("binary", 2)

    def test_shape_is_checked(self):
        f = xk.lambdify_loss("multiclass", 3)
        with pytest.raises(xk.InvalidShapeError, match=r"\(N, 3\)"):
            f(np.full((2, 4), 0.25), np.full((2, 4), 0.25))

    def test_bad_kind_or_classes(self):
        with pytest.raises(xk.InvalidOptionError, match="'multiclass', 'binary'"):
            xk.lambdify_loss("hinge", 3)
        with pytest.raises(xk.InvalidOptionError, match="classes"):
            xk.lambdify_loss("multiclass", 1)
        with pytest.raises(xk.InvalidOptionError, match="2 classes"):
            xk.lambdify_loss("binary", 3)

    def test_imports_sympy_only_when_called(self):
        code = (
            "import sys, xentlab.kernels as k; assert 'sympy' not in sys.modules; "
            "k.lambdify_loss('multiclass', 2); sys.exit(0 if 'sympy' in sys.modules else 1)"
        )
        assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_validate_false_is_the_same_number_on_valid_input_and_still_checks_labels():
    import math

    from xentlab import kernels

    y = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    expected = -(math.log(0.5) + math.log(0.6)) / 2
    assert kernels.cross_entropy(y, np.array([1, 0]), validate=False) == pytest.approx(expected, rel=1e-15)
    with pytest.raises(kernels.InvalidLabelError):
        kernels.cross_entropy(y, np.array([3, 0]), validate=False)
    # the default still refuses a row that does not sum to 1
    with pytest.raises(kernels.InvalidValueError):
        kernels.cross_entropy(np.array([[0.2, 0.2, 0.3]]), np.array([1]))


def test_big_endian_labels_are_range_checked_by_value():
    y = np.full((3, 3), 1 / 3)
    assert xk.cross_entropy(y, np.array([2, 0, 1], dtype=">i4")) == pytest.approx(math.log(3), rel=1e-15)
    far = np.zeros(3, dtype=">i4")
    far[0] = 1 << 24  # byte-swapped, this reads as 1: it must still be refused
    with pytest.raises(xk.InvalidLabelError, match="16777216"):
        xk.cross_entropy(y, far)


def test_underflow_is_not_an_error_even_when_the_caller_raises_on_every_fp_flag():
    with np.errstate(all="raise"):
        assert xk.sse([1e-200, 0.0], [0.0, 0.0]) == 0.0  # (1e-200)² is below the smallest double
        np.testing.assert_array_equal(xk.softmax([0.0, -800.0]), [1.0, 0.0])  # e^−800 underflows to 0
        assert xk.softmax_cross_entropy([0.0, -800.0], 0) == 0.0
