"""Which mistakes an item can show, computed from its own numbers — checked against values worked out
here with the math module (seed 000's dog/fox/wolf example and the three cases the issue names)."""

import math

import pytest

from xentlab.discriminate import band, numeric, shown


def test_seed_000_shows_log10_with_the_articles_number():
    # y = (0.33, 0.32, 0.35), true class 1: E = -ln 0.33 = 1.1087; log10 gives 0.481486 (seed 000)
    item = shown("ce-single", {"y": [0.33, 0.32, 0.35], "true_class": 1, "formula_given": False})
    log10 = item.witnesses["log_base_10"]
    assert log10.values == (pytest.approx(-math.log10(0.33)),) and log10.values[0] == pytest.approx(0.481486, abs=1e-6)
    lo, hi = log10.answer_band
    assert lo == pytest.approx(-math.log(0.33) * 0.995) and hi == pytest.approx(-math.log(0.33) * 1.005)
    assert not (log10.bands[0][0] <= hi and lo <= log10.bands[0][1])
    assert {"log_base_10", "log_base_2", "sign_dropped", "wrong_class"} <= item.codes
    assert {"natural_log", "sign", "one_hot"} <= item.skills


def test_sum_and_mean_agree_when_n_is_1():
    one = shown("ce-batch", {"y": [[0.2, 0.8]], "labels": [2], "reduction": "mean"})
    three = shown("ce-batch", {"y": [[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]], "labels": [2, 1, 2], "reduction": "mean"})
    assert "sum_not_mean" not in one.codes and "mean_vs_sum" not in one.skills
    assert "sum_not_mean" in three.codes
    # the witness is 3 times the mean, by hand
    mean = -(math.log(0.8) + math.log(0.6) + math.log(0.7)) / 3
    assert three.witnesses["sum_not_mean"].values == (pytest.approx(3 * mean),)


def test_bce_with_t_1_cannot_show_a_missing_complement():
    assert "missing_complement" not in shown("bce", {"y": [0.8], "t": [1]}).codes
    at_zero = shown("bce", {"y": [0.8], "t": [0]})
    assert "missing_complement" in at_zero.codes and at_zero.witnesses["missing_complement"].values == (0.0,)


def test_log10_and_ln_agree_when_y_is_1():
    # y_c = 1: every log is 0 whatever its base, so the item can show no log mistake at all
    item = shown("ce-single", {"y": [1.0, 1e-40], "true_class": 1, "formula_given": False})
    assert not {"log_base_10", "log_base_2", "sign_dropped"} & item.codes


def test_a_value_whose_band_touches_another_explanation_shows_nothing():
    from xentlab.problems import Mistake

    tol = {"rtol": 0.005, "atol": 0.0}
    clean = numeric("x", 1.0, tol, [Mistake(("log_base_10",), 0.4343), Mistake(("sign_dropped",), -1.0)])
    assert clean.codes == {"log_base_10", "sign_dropped"}
    # 0.436 lies within 0.4343's band plus its own: the two cannot be told apart
    crowded = numeric("x", 1.0, tol, [Mistake(("log_base_10",), 0.4343), Mistake(("wrong_class",), 0.436)])
    assert crowded.codes == frozenset()
    assert band(2.0, tol) == (pytest.approx(1.99), pytest.approx(2.01))
    assert band(0.0, {"atol": 0.01}) == (-0.01, 0.01)


def test_formula_and_choice_items():
    multiclass = shown("derive-step", {"derivation": "multiclass", "classes": 3, "to": "E"})
    assert {"log_base_10", "sign_dropped", "swapped_t_y", "dropped_term"} <= multiclass.codes
    assert "/log(10)" in multiclass.witnesses["log_base_10"].formula
    binary = shown("derive-step", {"derivation": "binary", "classes": None, "to": "E"})
    assert "missing_complement" in binary.codes
    rule = shown("log-rule", {"derivation": "binary", "classes": None, "step": 2,
                              "choices": ["negate", "log_exp", "log_power", "log_product_to_sum"]})
    assert rule.skills == {"log_rules"} and rule.codes == frozenset()
