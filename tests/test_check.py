"""Checking answers: tolerance rules, named mistakes computed from the numbers, formulas,
and untrusted text. Expected values come from the math module and the seed articles."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from xentlab.check import check_choice, check_expression, check_number, rounds_to, significant_figures
from xentlab.mistakes import catalogue, expected_value
from xentlab.solve import Inputs

DOG = Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0.0, 0.0]))
LN_033 = -math.log(0.33)  # 1.1086626…


def check_dog(text):
    return check_number(text, expected_value("cross-entropy", DOG), catalogue("cross-entropy", DOG))


NUMBERS = [
    ("1.109", "correct", ()),
    ("1.11", "correct", ()),
    ("1.1087", "correct", ()),
    ("１．１０９", "correct", ()),  # full-width input from a Japanese keyboard
    ("-log(0.33)", "correct", ()),
    ("ln(1/0.33)", "correct", ()),
    ("1.1", "incorrect", ("too_few_sig_figs",)),  # 1.109 rounded to 2 significant figures; 3 are asked
    ("-0.481486", "incorrect", ("log_base_10", "sign_dropped")),  # seed 000's printed value
    ("－0.4815", "incorrect", ("log_base_10", "sign_dropped")),
    ("0.4815", "incorrect", ("log_base_10",)),
    ("1.599", "incorrect", ("log_base_2",)),  # -log2(0.33) = 1.5995
    ("-1.109", "incorrect", ("sign_dropped",)),
    ("1.139", "incorrect", ("wrong_class",)),  # -ln 0.32
    ("1.050", "incorrect", ("wrong_class",)),  # -ln 0.35
    ("0.33", "incorrect", ("probability_not_loss",)),
    ("110.9", "incorrect", ("percent_scale",)),
    ("0.6738", "incorrect", ("sse_instead_of_ce",)),  # 0.67² + 0.32² + 0.35²
    ("2.5", "incorrect", ()),
    ("import os", "invalid", ()),
    ("", "invalid", ()),
]


@pytest.mark.parametrize(("text", "status", "codes"), NUMBERS, ids=[n[0] or "empty" for n in NUMBERS])
def test_dog_fox_wolf_answers(text, status, codes):
    verdict = check_dog(text)
    assert (verdict.status, verdict.diagnosis) == (status, codes)


def test_independent_values_behind_the_table():
    assert -math.log10(0.33) == pytest.approx(0.481486, abs=1e-6)
    assert -math.log2(0.33) == pytest.approx(1.5995, abs=1e-4)
    assert 0.67**2 + 0.32**2 + 0.35**2 == pytest.approx(0.6738, abs=1e-4)


def test_batch_sum_and_mean_mistakes():
    inputs = Inputs(y=np.array([[0.1, 0.9], [0.8, 0.2]]), labels=np.array([1, 0]))
    mean = -(math.log(0.9) + math.log(0.8)) / 2
    verdict = check_number(f"{2 * mean:.4f}", expected_value("cross-entropy", inputs), catalogue("cross-entropy", inputs))
    assert verdict.diagnosis == ("sum_not_mean",)
    summed = Inputs(y=inputs.y, labels=inputs.labels, reduction="sum")
    verdict = check_number(f"{mean:.4f}", expected_value("cross-entropy", summed), catalogue("cross-entropy", summed))
    assert verdict.diagnosis == ("mean_not_sum",)


def test_bce_missing_complement():
    inputs = Inputs(y=np.array([0.8, 0.3]), t=np.array([1.0, 0.0]))
    full = -(math.log(0.8) + math.log(0.7)) / 2
    partial = -(math.log(0.8)) / 2
    assert check_number(f"{full:.4f}", expected_value("binary-cross-entropy", inputs), catalogue("binary-cross-entropy", inputs)).status == "correct"
    verdict = check_number(f"{partial:.4f}", expected_value("binary-cross-entropy", inputs), catalogue("binary-cross-entropy", inputs))
    assert verdict.diagnosis == ("missing_complement",)


def test_sse_half_mistakes():
    plain = Inputs(y=np.array([0.1, 0.8, 0.1]), t=np.array([0.0, 1.0, 0.0]))
    half = Inputs(y=plain.y, t=plain.t, half=True)
    # (0.1 − 0)² + (0.8 − 1)² + (0.1 − 0)² = 0.06; with ½ it is 0.03; divided by K = 3 it is 0.02
    assert check_number("0.06", expected_value("sse", half), catalogue("sse", half)).diagnosis == ("half_missing",)
    assert check_number("0.06", expected_value("sse", plain), catalogue("sse", plain)).status == "correct"
    assert check_number("0.03", expected_value("sse", plain), catalogue("sse", plain)).diagnosis == ("half_extra",)
    assert check_number("0.02", expected_value("sse", plain), catalogue("sse", plain)).diagnosis == ("mean_over_classes",)


def test_no_two_mistakes_share_a_value_and_none_is_within_tolerance():
    rng = np.random.default_rng(5)
    for _ in range(50):
        y = rng.dirichlet(np.ones(4))
        inputs = Inputs(y=y, labels=np.array(int(rng.integers(0, 4))))
        truth = expected_value("cross-entropy", inputs)
        values = [m.value for m in catalogue("cross-entropy", inputs)]
        assert all(abs(v - truth) > 0.005 * abs(truth) for v in values)
        for a in range(len(values)):
            for b in range(a):
                assert abs(values[a] - values[b]) > 1e-9 * max(abs(values[a]), abs(values[b]))


@pytest.mark.parametrize(("text", "figures"), [("1.109", 4), ("0.0500", 3), ("1.1", 2), ("120", 2), ("120.", 3), ("1.20e3", 3), ("log(3)", None)])
def test_significant_figures(text, figures):
    assert significant_figures(text) == figures


def test_rounding_rule_accepts_correct_rounding_only():
    assert rounds_to(0.21037, 0.210, 3) and rounds_to(2.3026, 2.30, 3)
    assert not rounds_to(0.21037, 0.211, 3)


def test_sig_fig_rule_beyond_relative_tolerance():
    # true 0.001004999: "0.00100" is off by 0.5 %, but is it the value to 3 significant figures? yes
    verdict = check_number("0.00100", 0.0010049, [], {"rtol": 0.001})
    assert verdict.status == "correct"
    assert check_number("0.00101", 0.0010051, [], {"rtol": 0.001, "sig_figs": 3}).status == "correct"
    assert check_number("0.00101", 0.0010049, [], {"rtol": 0.001, "sig_figs": 3}).status == "incorrect"  # rounds to 0.00100
    assert check_number("0.001", 0.0010049, [], {"rtol": 0.001}).status == "incorrect"  # 1 figure only


FORMULA = "-(t1*log(y1)+t2*log(y2)+t3*log(y3))"
FORMULAS = [
    ("-(t1*log(y1)+t2*log(y2)+t3*log(y3))", "correct", ()),
    ("-log(y1**t1*y2**t2*y3**t3)", "correct", ()),
    ("-log(y1^t1 y2^t2 y3^t3)", "correct", ()),
    (r"-\left(t_1 \log y_1 + t_{2} \log y_{2} + t_3 \ln y_3\right)", "correct", ()),
    ("−(t1·log(y1)＋t2×log(y2)+t3*log(y3))", "correct", ()),
    ("t1*log(y1)+t2*log(y2)+t3*log(y3)", "incorrect", ("sign_dropped",)),
    ("-(t1*log10(y1)+t2*log10(y2)+t3*log10(y3))", "incorrect", ("log_base_10",)),
    ("t1*log10(y1)+t2*log10(y2)+t3*log10(y3)", "incorrect", ("log_base_10", "sign_dropped")),
    ("-(y1*log(t1)+y2*log(t2)+y3*log(t3))", "incorrect", ("swapped_t_y",)),
    ("-(t1*log(y1)+t2*log(y2))", "incorrect", ("dropped_term",)),
    ("-(t1*log(y1)+t2*log(y2)+t3*log(y2))", "incorrect", ()),
    ("-(t1*log(y1", "invalid", ()),
    ("__import__('os').system('true')", "invalid", ()),
]


@pytest.mark.parametrize(("text", "status", "codes"), FORMULAS, ids=[f[0] for f in FORMULAS])
def test_formulas(text, status, codes):
    verdict = check_expression(text, FORMULA)
    assert (verdict.status, verdict.diagnosis) == (status, codes)


def test_bce_formula_missing_complement():
    verdict = check_expression("-t*log(y)", "-(t*log(y) + (1-t)*log(1-y))")
    assert verdict.diagnosis == ("missing_complement",)


def test_choice():
    choices = ("log_product_to_sum", "log_power", "negate")
    assert check_choice("log_power", "log_power", choices).status == "correct"
    assert check_choice("b", "log_power", choices).status == "correct"
    assert check_choice("A", "log_power", choices).status == "incorrect"
    assert check_choice("zzz", "log_power", choices).status == "invalid"


def xentlab(*args):
    return subprocess.run([sys.executable, "-m", "xentlab", *args], capture_output=True, text=True, timeout=120)


def test_cli_names_both_mistakes_of_seed_000():
    proc = xentlab("check", "--kind", "cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0", "--answer", "-0.481486",
                   "--format", "json", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "incorrect"
    assert doc["diagnosis"] == ["log_base_10", "sign_dropped"]
    assert "log10" in doc["feedback"] and "minus sign" in doc["feedback"] and "1.109" in doc["feedback"]
    assert doc["expected"] == pytest.approx(LN_033, rel=1e-12) and doc["score"] == 0


def test_check_kind_validates_like_solve_without_building_worked_steps():
    code = (
        "import sys; from xentlab.cli import main\n"
        "try:\n    main(['check', '--kind', 'cross-entropy', '--y', '0.33,0.32,0.35', '--t', '1,0,0', '--answer', '1.109'])\n"
        "except SystemExit as done:\n    assert done.code in (0, None)\n"
        "sys.exit(3 if 'xentlab.worked' in sys.modules else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("✓")


def test_cli_command_errors_exit_2():
    for args in (["check", "--answer", "1"], ["check", "--key", "/nonexistent/key.json", "--item", "1", "--answer", "1"],
                 ["check", "--kind", "cross-entropy", "--y", "0.3,0.3", "--t", "1,0", "--answer", "1"]):
        proc = xentlab(*args)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_cli_verdict_on_unreadable_answer_is_exit_0():
    proc = xentlab("check", "--expect", "-log(y1)", "--answer", "().__class__", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == "invalid"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_code_a_problem_can_produce_has_feedback(lang):
    from xentlab.problems import registry
    from xentlab.render import language_module
    from xentlab.verify import rng_for

    words = language_module("feedback", "md", lang)
    codes = set()
    for kind, module in registry().items():
        for seed in range(30):
            for difficulty in (1, 2, 3):
                for mistake in module.mistakes(module.sample(rng_for(seed, 7), difficulty)):
                    codes.update(mistake.codes)
    missing = sorted(c for c in codes if not hasattr(words, f"phrase_{c}"))
    assert missing == []
    assert {"log_base_10", "sign_dropped", "wrong_class", "sum_not_mean"} <= codes


def test_base_mistakes_when_bits_are_expected():
    # expected in bits: -log2(0.33) = 1.5995; a student using ln gives 1.1087 (no code for that), log10 gives 0.4815
    inputs = Inputs(y=DOG.y, t=DOG.t, base="2")
    assert expected_value("cross-entropy", inputs) == pytest.approx(-math.log2(0.33), rel=1e-12)
    verdict = check_number("0.4815", expected_value("cross-entropy", inputs), catalogue("cross-entropy", inputs))
    assert verdict.diagnosis == ("log_base_10",)
    verdict = check_number("-1.600", expected_value("cross-entropy", inputs), catalogue("cross-entropy", inputs))
    assert verdict.diagnosis == ("sign_dropped",)
