"""The classic mistakes issue 11 found undiagnosed, each named by its own code. Every typed value is
worked out by hand with the math module; the code under test only has to recognise it."""

import math

import numpy as np
import pytest

from xentlab import answerkey
from xentlab.check import check_number
from xentlab.mistakes import catalogue, expected_value
from xentlab.problems import registry
from xentlab.solve import Inputs


def item(kind, params, answer):
    _, loaded = answerkey.parse_item({"id": 1, "kind": kind, "question_params": params, "answer": answer}, "item #1")
    return loaded


def diagnosis(kind, params, answer, typed: float):
    verdict = answerkey.check_item(item(kind, params, answer), f"{typed:.6g}")
    assert verdict.status == "incorrect", verdict
    return verdict.diagnosis


CE_BATCH = {"y": [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], "labels": [2, 3], "reduction": "mean"}  # 1-based labels
CE_BATCH_TRUTH = -(math.log(0.2) + math.log(0.6)) / 2


@pytest.mark.parametrize("typed", [
    -(math.log(0.7) + math.log(0.6)) / 2,  # the predicted (argmax) class of every sample: 1 and 3
    -(math.log(0.7) + math.log(0.3)) / 2,  # every label read one lower (classes 1 and 2)
    -(math.log(0.2) + math.log(0.3)) / 2,  # one sample's label wrong (the second read as class 2)
])
def test_wrong_class_in_a_batch(typed):
    assert diagnosis("ce-batch", CE_BATCH, CE_BATCH_TRUTH, typed) == ("wrong_class",)


def test_wrong_class_in_ce_compare():
    params = {"y_a": [0.5, 0.2, 0.3], "y_b": [0.1, 0.6, 0.3], "true_class": 2}
    truth = -math.log(0.2) + math.log(0.6)  # E_A − E_B = ln 3
    assert diagnosis("ce-compare", params, truth, -math.log(0.5) + math.log(0.6)) == ("wrong_class",)  # each one's argmax
    assert diagnosis("ce-compare", params, truth, -math.log(0.5) + math.log(0.1)) == ("wrong_class",)  # class 1 for both


def test_complement_swapped():
    one = {"y": [0.8], "t": [1]}
    assert diagnosis("bce", one, -math.log(0.8), -math.log(0.2)) == ("complement_swapped",)  # 1 − y where y belongs
    two = {"y": [0.8, 0.3], "t": [1, 0]}
    truth = -(math.log(0.8) + math.log(0.7)) / 2
    assert diagnosis("bce", two, truth, -(math.log(0.8) + math.log(0.3)) / 2) == ("complement_swapped",)  # −log y at t = 0
    assert diagnosis("bce", two, truth, -(math.log(0.2) + math.log(0.3)) / 2) == ("complement_swapped",)  # both swapped


def test_an_item_that_cannot_show_a_mistake_drops_it():
    # bce with t = 1: −t log y is the whole loss, so "missing complement" gives the right answer
    mistakes = registry()["bce"].mistakes({"y": [0.8], "t": [1]})
    assert not any("missing_complement" in m.codes for m in mistakes)
    assert any("missing_complement" in m.codes for m in registry()["bce"].mistakes({"y": [0.8], "t": [0]}))


def test_softmax_gradient_of_the_wrong_class():
    params = {"logits": [0, 0, 0, 0], "true_class": 2, "j": 1}  # y = 1/4 each; ∂E/∂z_1 = 1/4 − 0
    assert diagnosis("softmax-gradient", params, 0.25, 0.25 - 1) == ("wrong_class",)  # the true class's y_2 − 1


def test_sse_divided_by_k():
    params = {"y": [0.2, 0.7, 0.1], "t": [0, 1, 0], "half": False}
    truth = 0.2**2 + 0.3**2 + 0.1**2  # 0.14
    assert diagnosis("sse", params, truth, truth / 3) == ("mean_over_classes",)


def test_perplexity_and_loss_given_for_each_other():
    loss = (math.log(2) + math.log(4)) / 2  # p = 0.5, 0.25: mean of ln 2 and ln 4 = 1.5 ln 2
    assert diagnosis("token-loss", {"p": [0.5, 0.25], "ask": "loss"}, loss, math.exp(loss)) == ("perplexity_not_loss",)
    assert diagnosis("token-loss", {"p": [0.5, 0.25], "ask": "perplexity"}, math.exp(loss), loss) == ("loss_not_perplexity",)


def test_ln_where_bits_are_asked():
    params = {"value": 0.4315, "from": "nats", "to": "bits"}
    assert diagnosis("units", params, 0.4315 / math.log(2), 0.4315) == ("base_e_not_bits",)
    dog = Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0.0, 0.0]), base="2")
    verdict = check_number(f"{-math.log(0.33):.4f}", expected_value("cross-entropy", dog), catalogue("cross-entropy", dog))
    assert verdict.diagnosis == ("base_e_not_bits",)


def test_seed_002_one_term_in_log10():
    """Seed 002's table: 0.36, 0.02, 0.22 for p = 0.70, 0.95, 0.80 and "their mean, 0.20". −ln 0.95 is 0.051;
    0.02 is −log10 0.95 = 0.0223, so one term is in the wrong base."""
    p = [0.7, 0.95, 0.8]
    assert round(-math.log(0.7), 2) == 0.36 and round(-math.log10(0.95), 2) == 0.02 and round(-math.log(0.8), 2) == 0.22
    truth = -sum(math.log(v) for v in p) / 3
    verdict = answerkey.check_item(item("token-loss", {"p": p, "ask": "loss"}, truth), "0.20")
    assert (verdict.status, verdict.diagnosis) == ("incorrect", ("log_base_10", "mixed_base"))


def test_one_sample_in_the_wrong_base_in_a_batch():
    truth = CE_BATCH_TRUTH
    typed = -(math.log10(0.2) + math.log(0.6)) / 2
    assert diagnosis("ce-batch", CE_BATCH, truth, typed) == ("log_base_10", "mixed_base")


@pytest.mark.parametrize("kind", sorted(registry()))
def test_no_two_mistakes_share_a_value(kind):
    from xentlab.verify import rng_for

    module = registry()[kind]
    for seed in range(20):
        for difficulty in (1, 2, 3):
            values = sorted(m.value for m in module.mistakes(module.sample(rng_for(seed, 5), difficulty)))
            assert all(b - a > 1e-9 * max(abs(a), abs(b)) for a, b in zip(values, values[1:])), (kind, seed, difficulty)
