"""Strict inputs: error details as attributes, the dtype-scaled row-sum tolerance, no
FloatingPointError under any caller's errstate, and lambdify_loss validating like the kernels.

Expected values come from the math module or hand arithmetic written out here.
"""

import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xentlab import kernels as xk

NAN, INF = float("nan"), float("inf")


# --------------------------------------------------------------------------- details as attributes

DETAILS = [
    # (call, error class, the attributes it must carry)
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.5, 0.45]], [0, 1]), xk.RowSumError,
     dict(reason="row_sum", name="probabilities", row=1, total=0.95, tolerance=1e-6)),
    (lambda: xk.cross_entropy([[0.5, 0.5], [-0.2, 1.2]], [0, 0]), xk.InvalidValueError,
     dict(reason="outside_unit_interval", name="probabilities", row=1, column=0, value=-0.2)),
    (lambda: xk.softmax_cross_entropy([[0.0, 1.0], [0.0, NAN]], [0, 0]), xk.InvalidValueError,
     dict(reason="not_finite", name="logits", row=1, column=1)),
    (lambda: xk.binary_cross_entropy([0.5, 1.5], [0, 1]), xk.InvalidValueError,
     dict(reason="outside_unit_interval", name="probability", row=1, column=None, value=1.5)),
    (lambda: xk.cross_entropy([[0.5, 0.5]], [2]), xk.InvalidLabelError,
     dict(reason="out_of_range", row=0, value=2, classes=2)),
    (lambda: xk.cross_entropy([[0.5, 0.5], [0.5, 0.5]], [0, 0.5]), xk.InvalidLabelError,
     dict(reason="not_integer", row=1, value=0.5)),
    (lambda: xk.cross_entropy([[0.5, 0.5]], [True]), xk.InvalidLabelError, dict(reason="dtype", dtype="bool")),
    (lambda: xk.cross_entropy(np.array([True, False]), 0), xk.InvalidValueError,
     dict(reason="dtype", name="probabilities", dtype="bool")),
    (lambda: xk.cross_entropy(np.ma.masked_array([0.5, 0.5]), 0), xk.InvalidValueError,
     dict(reason="masked", name="probabilities")),
    (lambda: xk.cross_entropy([[0.5, 0.5]], [0, 1, 0]), xk.InvalidShapeError,
     dict(reason="mismatch", name="targets", shape=(3,))),
    (lambda: xk.token_loss([[0.5]]), xk.InvalidShapeError, dict(reason="ndim", shape=(1, 1))),
    (lambda: xk.cross_entropy([1.0], 0, reduction="avg"), xk.InvalidOptionError,
     dict(reason="unknown_option", option="reduction", value="avg", choices=("mean", "sum", "none"))),
    (lambda: xk.lambdify_loss("hinge", 3), xk.InvalidOptionError, dict(option="kind", value="hinge")),
]


@pytest.mark.parametrize("call, error, details", DETAILS, ids=[f"details{i}" for i in range(len(DETAILS))])
def test_errors_carry_their_details_as_attributes(call, error, details):
    with pytest.raises(error) as info:
        call()
    err = info.value
    for name, expected in details.items():
        got = getattr(err, name)
        if isinstance(expected, float):
            assert got == pytest.approx(expected, rel=1e-12), name
        else:
            assert got == expected, name
    with pytest.raises(AttributeError):
        err.no_such_detail
    again = pickle.loads(pickle.dumps(err))  # the details survive pickling (worker processes)
    assert type(again) is error and str(again) == str(err) and again.reason == err.reason


# --------------------------------------------------------------------------- the row-sum tolerance scales with the dtype


def test_row_sum_tolerance_is_one_ulp_per_class_or_1e_6():
    assert xk.row_sum_tolerance(np.float64, 3) == 1e-6
    assert xk.row_sum_tolerance(np.float64, 50257) == 1e-6
    assert xk.row_sum_tolerance(np.float32, 8) == 1e-6  # 8 · 2^-23 = 9.5e-7 < 1e-6
    assert xk.row_sum_tolerance(np.float32, 10) == 10 * 2.0**-23
    assert xk.row_sum_tolerance(np.float16, 3) == 3 * 2.0**-10
    assert xk.row_sum_tolerance(np.int64, 3) == 1e-6


def test_float16_rows_that_sum_to_one_in_float16_pass():
    # 0.10, 0.16, 0.74 rounded to float16 sum to 1 + 2^-12 = 1.000244 exactly (hand: 0.0999755859375
    # + 0.1600341796875 + 0.740234375); three classes allow 3 · 2^-10 = 0.0029.
    y = np.array([0.10, 0.16, 0.74], dtype=np.float16)
    assert math.fsum(float(v) for v in y) == 1 + 2.0**-12
    assert xk.cross_entropy(y, 2) == pytest.approx(-math.log(float(y[2])), rel=1e-15)
    assert xk.cross_entropy(y, np.array([0, 0, 1], dtype=np.float16)) == pytest.approx(-math.log(float(y[2])), rel=1e-15)
    assert xk.validate_probs(y).dtype == np.float64
    # ... while a float16 row 0.01 off is still refused, with the tolerance it was held to
    off = np.array([0.10, 0.16, 0.75], dtype=np.float16)
    with pytest.raises(xk.RowSumError, match=r"row 0 sum to 1\.01.*within 0\.0029") as info:
        xk.cross_entropy(off, 2)
    assert info.value.tolerance == 3 * 2.0**-10


def test_float32_tolerance_grows_with_the_classes_and_float64_keeps_1e_6():
    k = 20
    y64 = np.full(k, 1 / k)
    y64[0] += 1.5e-6  # sums to 1 + 1.5e-6: above 1e-6, below 20 · 2^-23 = 2.4e-6
    with pytest.raises(xk.RowSumError, match="within 1e-6"):
        xk.cross_entropy(y64, 0)
    y32 = y64.astype(np.float32)
    assert abs(math.fsum(float(v) for v in y32) - 1) < 20 * 2.0**-23
    assert xk.cross_entropy(y32, 0) == pytest.approx(-math.log(float(y32[0])), rel=1e-6)


# --------------------------------------------------------------------------- no FloatingPointError, ever

values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, -0.0, 1e-320, 1e308]))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(2, 4)), elements=values),
       st.sampled_from([np.float64, np.float32]))
def test_no_floating_point_error_under_any_errstate(a, dtype):
    # Valid or not, every kernel returns or raises one of its own errors: never FloatingPointError,
    # never a RuntimeWarning, whatever the caller's np.errstate says.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the float32 cast below may overflow, before any kernel
        a = a.astype(dtype)
    n, k = a.shape
    t = np.eye(k, dtype=dtype)[np.zeros(n, dtype=int)]
    calls = [
        lambda: xk.cross_entropy(a, np.zeros(n, dtype=int)),
        lambda: xk.cross_entropy(a, t, check_sum=False),
        lambda: xk.softmax_cross_entropy(a, t),
        lambda: xk.softmax_cross_entropy(a, np.zeros(n, dtype=int)),
        lambda: xk.softmax(a),
        lambda: xk.log_softmax(a),
        lambda: xk.sse(a, t),
        lambda: xk.binary_cross_entropy(a[:, 0], t[:, 0]),
        lambda: xk.binary_cross_entropy_with_logits(a[:, 0], t[:, 0]),
        lambda: xk.token_loss(a[0]),
        lambda: xk.validate_probs(a),
        lambda: xk.lambdify_loss("multiclass", k)(a, t),
        lambda: xk.lambdify_loss("binary")(a[:, 0], t[:, 0]),
        lambda: xk.lambdify_loss("sse", k)(a, t),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for call in calls:
                try:
                    out = call()
                except xk.InvalidInputError:
                    continue
                values = out.per_token if isinstance(out, tuple) else np.asarray(out)
                assert not np.isnan(values).any()  # a valid input never gives nan
            # unvalidated: garbage in may give any number out, but still no FloatingPointError
            xk.cross_entropy(a, np.zeros(n, dtype=int), validate=False)


# --------------------------------------------------------------------------- lambdify_loss validates by default


def test_lambdify_counts_zero_log_zero_as_zero_and_the_raw_function_does_not():
    y, t = np.array([[0.0, 0.5, 0.5]]), np.array([[0.0, 1.0, 0.0]])
    assert xk.lambdify_loss("multiclass", 3)(y, t)[0] == pytest.approx(math.log(2), rel=1e-15)
    assert xk.lambdify_loss("multiclass", 3)(y, np.array([[1.0, 0.0, 0.0]]))[0] == math.inf
    binary = xk.lambdify_loss("binary")
    np.testing.assert_array_equal(binary(np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0])), [0.0, 0.0, math.inf])
    raw = xk.lambdify_loss("multiclass", 3, validate=False)
    with np.errstate(all="ignore"):
        assert math.isnan(raw(y, t)[0])  # the formula verbatim: 0·log 0 is nan in IEEE arithmetic


def test_lambdify_validate_false_is_the_compiled_function_for_every_k():
    raw3, raw7 = xk.lambdify_loss("multiclass", 3, validate=False), xk.lambdify_loss("multiclass", 7, validate=False)
    assert raw3 is raw7 and "row_sum" in str(raw3.expr)
    y = np.array([[0.2, 0.3, 0.5]])
    assert raw3(y, np.array([[0.0, 1.0, 0.0]]))[0] == pytest.approx(-math.log(0.3), rel=1e-15)
    assert xk.lambdify_loss("multiclass", 3) is not raw3


def test_lambdified_binary_keeps_the_digits_of_small_losses():
    # −log(1 − 1e-20) = 1e-20 (+5e-41): the compiled derivation takes log1p(−y), not log(1 − y)
    got = xk.lambdify_loss("binary")(np.array([1e-20, 1 - 2.0**-53]), np.array([0.0, 1.0]))
    assert got[0] == pytest.approx(1e-20, rel=1e-15)
    assert got[1] == pytest.approx(2.0**-53, rel=1e-15)  # −log(1 − 2^-53) = 2^-53 + 2^-107 + ...
    assert "log1p" in str(xk.lambdify_loss("binary").expr)


def test_lambdified_single_sample_and_float32():
    f = xk.lambdify_loss("multiclass", 3)
    assert f([0.2, 0.3, 0.5], [0.0, 1.0, 0.0]) == pytest.approx(-math.log(0.3), rel=1e-15)
    out = f(np.array([[0.2, 0.3, 0.5]], dtype=np.float32), np.array([[0.0, 1.0, 0.0]], dtype=np.float32))
    assert out.dtype == np.float32 and out[0] == pytest.approx(-math.log(float(np.float32(0.3))), rel=1e-6)
    assert xk.lambdify_loss("binary")(0.8, 1.0) == pytest.approx(-math.log(0.8), rel=1e-15)
