"""Bayesian knowledge tracing against posteriors worked out by hand (Corbett & Anderson's update)."""

from fractions import Fraction as F

import pytest

from xentlab import bkt


def test_one_right_answer_by_hand():
    # prior 0.3, slip 0.1, guess 0.1, learn 0.1:
    # P(L | right) = 0.3 * 0.9 / (0.3 * 0.9 + 0.7 * 0.1) = 0.27 / 0.34 = 27/34
    # P(L next)    = 27/34 + (7/34) * 0.1 = 277/340 = 0.814705882…
    assert bkt.update(0.3, True) == pytest.approx(277 / 340, abs=1e-15)
    assert bkt.posterior(0.3, True, bkt.DEFAULT) == pytest.approx(27 / 34, abs=1e-15)


def test_one_wrong_answer_by_hand():
    # P(L | wrong) = 0.3 * 0.1 / (0.3 * 0.1 + 0.7 * 0.9) = 0.03 / 0.66 = 1/22
    # P(L next)    = 1/22 + (21/22) * 0.1 = 31/220 = 0.140909…
    assert bkt.update(0.3, False) == pytest.approx(31 / 220, abs=1e-15)


def _by_hand(observations, prior, slip, guess, learn):
    """The same update in exact fractions, written from the paper's equations, not from bkt.py."""
    p = F(prior)
    for right in observations:
        if right:
            p = p * (1 - F(slip)) / (p * (1 - F(slip)) + (1 - p) * F(guess))
        else:
            p = p * F(slip) / (p * F(slip) + (1 - p) * (1 - F(guess)))
        p = p + (1 - p) * F(learn)
    return p


@pytest.mark.parametrize("observations", [[True, True], [False] * 5 + [True] * 3, [True, False, True, False, True], []])
def test_sequences_match_exact_fractions(observations):
    expected = _by_hand(observations, F(3, 10), F(1, 10), F(1, 10), F(1, 10))
    assert bkt.trace(observations) == pytest.approx(float(expected), abs=1e-12)


def test_documented_defaults_reach_mastery_as_claimed():
    # second right answer from 277/340: 249.3 / (249.3 + 6.3) = 0.975352, then + 0.024648 * 0.1 = 0.977817
    assert bkt.trace([True]) < bkt.MASTERED <= bkt.trace([True, True]) == pytest.approx(0.977817, abs=1e-6)
    rules = bkt.params_for("log_rules")
    assert bkt.trace([True, True], rules) < bkt.MASTERED <= bkt.trace([True] * 3, rules)
    assert bkt.trace([False] * 5 + [True] * 2) < bkt.MASTERED <= bkt.trace([False] * 5 + [True] * 3)


def test_mastery_traces_each_pair_in_order():
    attempts = [bkt.Attempt(2, "a", "sign", False), bkt.Attempt(1, "a", "sign", True), bkt.Attempt(3, "b", "sign", True)]
    state = bkt.mastery(attempts)
    assert state[("a", "sign")] == pytest.approx(float(_by_hand([True, False], F(3, 10), F(1, 10), F(1, 10), F(1, 10))))
    assert state[("b", "sign")] == pytest.approx(277 / 340)


def test_attempt_log_has_pybkt_columns_and_neutralises_formulas():
    text = bkt.attempts_csv([bkt.Attempt(1, "=HYPERLINK(1)", "sign", True), bkt.Attempt(2, "ann, b", "natural_log", False)])
    assert text == 'order_id,user_id,skill_name,correct\r\n1,\'=HYPERLINK(1),sign,1\r\n2,"ann, b",natural_log,0\r\n'


def test_params_are_checked():
    with pytest.raises(ValueError):
        bkt.Params(prior=1.5)
    with pytest.raises(ValueError):
        bkt.Params(slip=0.5, guess=0.5)
