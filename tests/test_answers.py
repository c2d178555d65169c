"""Answers as students write them (issue 11): units, percent, infinity, choices as printed, item
numbers. Expected values are worked out by hand or with the math module."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import one_line_error, run
from xentlab import answerkey
from xentlab.answers import read_choice, read_item_id, read_number
from xentlab.check import check_choice, check_number
from xentlab.mistakes import catalogue, expected_value
from xentlab.render import verdict_feedback
from xentlab.solve import Inputs

DOG = Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0.0, 0.0]))
LN_033 = -math.log(0.33)  # 1.1086626…


def dog(text, unit="nats"):
    return check_number(text, expected_value("cross-entropy", DOG), catalogue("cross-entropy", DOG), unit=unit)


@pytest.mark.parametrize("text", ["1.109 nats", "1.109 nat", "1.109ナット", "1.109 NATS", "１．１０９ ナット", "-log(0.33) nats"])
def test_a_trailing_unit_of_the_item_is_accepted(text):
    assert dog(text).status == "correct"


@pytest.mark.parametrize("text", ["1.109 bits", "1.109 ビット", "1.109 hartleys"])
def test_a_wrong_unit_is_unit_mismatch(text):
    verdict = dog(text)
    assert (verdict.status, verdict.diagnosis) == ("incorrect", ("unit_mismatch",))
    assert "asks for nats" in verdict_feedback(verdict, "en") and "ナットで答えます" in verdict_feedback(verdict, "ja")


def test_bits_of_a_units_item():
    # 0.4315 nats in bits: 0.4315 / ln 2 = 0.62253…
    params = {"value": 0.4315, "from": "nats", "to": "bits"}
    item = load_item("units", params, 0.4315 / math.log(2))
    assert answerkey.check_item(item, "0.622 bits").status == "correct"
    assert answerkey.check_item(item, "0.622 ビット").status == "correct"
    assert answerkey.check_item(item, "0.622 nats").diagnosis == ("unit_mismatch",)


def test_a_plain_number_item_refuses_a_unit():
    params = {"logits": [0, 0, 0, 0], "true_class": 2, "j": 1}  # y_1 − t_1 = 1/4 − 0
    item = load_item("softmax-gradient", params, 0.25)
    assert answerkey.check_item(item, "0.25").status == "correct"
    assert answerkey.check_item(item, "0.25 nats").diagnosis == ("unit_mismatch",)


@pytest.mark.parametrize("text", ["∞", "inf", "oo", "無限大", "+∞", "Infinity", "∞ nats", "ｉｎｆ"])
def test_infinity_where_the_loss_is_infinite(text):
    inputs = Inputs(y=np.array([0.0, 1.0]), t=np.array([1.0, 0.0]))  # −ln 0 = ∞
    expected = expected_value("cross-entropy", inputs)
    assert expected == math.inf
    assert check_number(text, expected, catalogue("cross-entropy", inputs), unit="nats").status == "correct"


def test_infinity_where_the_loss_is_finite_is_wrong():
    assert dog("∞").status == "incorrect"
    assert dog("-inf").status == "incorrect"


def test_infinity_through_the_command(capsys):
    code, out, _ = run(capsys, "check", "--kind", "cross-entropy", "--y", "0,1", "--t", "1,0", "--answer", "無限大", "--format", "json", "--lang", "ja")
    assert code == 0 and json.loads(out)["status"] == "correct"


def test_percent_is_never_correct():
    # class-key item 1: −ln 0.47 = 0.7550 nats; "75.5%" is 0.755 written as a percent
    verdict = check_number("75.5%", -math.log(0.47), [], unit="nats")
    assert (verdict.status, verdict.diagnosis) == ("incorrect", ("percent_scale",))
    # an inverse item asks for a probability "not as a percentage": e^(−0.9676) = 0.38000…
    item = load_item("inverse", {"loss": 0.9676}, math.exp(-0.9676))
    for text in ("38%", "38 %", "３８％"):
        verdict = answerkey.check_item(item, text)
        assert (verdict.status, verdict.diagnosis) == ("incorrect", ("percent_scale",)), text
    assert answerkey.check_item(item, "0.380").status == "correct"
    assert answerkey.check_item(item, "0.38").diagnosis == ("too_few_sig_figs",)  # the sheet asks for 3 figures


def test_too_few_significant_figures():
    for text in ("1.1", "1"):  # 1.109 rounded to 2 and to 1 figure; 3 are asked
        verdict = dog(text)
        assert (verdict.status, verdict.diagnosis) == ("incorrect", ("too_few_sig_figs",)), text
    verdict = dog("1.1")
    assert "at least 3 significant figures" in verdict_feedback(verdict, "en")
    assert "有効数字 3 桁以上" in verdict_feedback(verdict, "ja")
    assert dog("1.11").status == "correct" and dog("1.109").status == "correct"
    # exactly the value is right however it is written: 0.1² + 0.1² = 0.02 exactly
    assert check_number("0.02", 0.1**2 + 0.1**2, []).status == "correct"


def test_closest_explanation_wins(tmp_path, capsys):
    """Issue 11's example: worksheet --seed 7 --types ce-single --difficulty 1, item 10; 1.89712 = −ln 0.15
    (another class) lies within 0.5 % of −log2 of the right class's probability."""
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "7", "--types", "ce-single", "--difficulty", "1", "-o", str(tmp_path / "ws"))
    assert code == 0, err
    key = json.loads((tmp_path / "ws" / "key.json").read_text("utf-8"))
    params = next(item for item in key["items"] if item["id"] == 10)["question_params"]
    y, right = params["y"], params["y"][params["true_class"] - 1]
    assert 0.15 in y and right != 0.15
    assert abs(-math.log(0.15) - 1.89712) < 1e-5 and abs(-math.log2(right) - 1.89712) < 0.005 * 1.89712  # both explain it
    code, out, _ = run(capsys, "check", "--key", str(tmp_path / "ws" / "key.json"), "--item", "10", "--answer", "1.89712", "--format", "json")
    assert json.loads(out)["diagnosis"] == ["wrong_class"]


# --- choices -------------------------------------------------------------------------------------

CHOICES = ("take_log", "log_product_to_sum", "negate", "log_exp")  # (A) (B) (C) (D)


@pytest.mark.parametrize("text", ["(C)", "（C）", "C", "c", "C)", "c.", "[C]", "negate", "（Ｃ）", "©", "© Multiply by −1",
                                  "Multiply by −1: the loss is minus the log-likelihood.", "Multiply by −1",
                                  "−1 を掛ける", "(C) Multiply by −1", "（C）−1 を掛ける"])
def test_a_choice_as_printed(text):
    verdict = check_choice(text, "negate", CHOICES, kind="log-rule")
    assert verdict.status == "correct", (text, verdict)


@pytest.mark.parametrize("text", ["(E)", "Z", "(B) Multiply by −1", "log", "CC"])
def test_not_a_choice(text):
    assert check_choice(text, "negate", CHOICES, kind="log-rule").status == "invalid"


def test_feedback_names_the_choice_as_printed_never_an_id():
    wrong = check_choice("A", "negate", CHOICES, kind="log-rule")
    en, ja = verdict_feedback(wrong, "en", "text"), verdict_feedback(wrong, "ja", "text")
    assert "(A) Take the logarithm of both sides" in en and "(C) Multiply by −1" in en
    assert "（A）両辺の対数をとる" in ja and "（C）−1 を掛ける" in ja
    for text in (en, ja):
        assert "take_log" not in text and "negate" not in text


def test_a_choice_is_echoed_without_control_characters(tmp_path, capsys):
    key = tmp_path / "key.json"
    params = {"derivation": "multiclass", "classes": 3, "step": 2, "choices": list(CHOICES[:1]) + ["log_product_to_sum", "negate", "log_exp"]}
    key.write_text(json.dumps({"items": [{"id": 1, "kind": "log-rule", "question_params": params, "answer": "log_product_to_sum"}]}), "utf-8")
    code, out, _ = run(capsys, "check", "--key", str(key), "--item", "1", "--answer", "\x1b[31mZ\x07\r", "--lang", "en")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\r" not in out


@pytest.mark.parametrize(("fmt", "raw", "encoded"), [
    ("md", "<img src=x onerror=alert(1)>", "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"),
    ("md", "[a](javascript:x)", "\\[a\\]\\(javascript\\:x\\)"),
])
def test_a_typed_choice_is_inert_in_check_markdown(tmp_path, capsys, fmt, raw, encoded):
    key = tmp_path / "key.json"
    params = {"derivation": "multiclass", "classes": 3, "step": 2, "choices": ["take_log", "log_product_to_sum", "negate", "log_exp"]}
    key.write_text(json.dumps({"items": [{"id": 1, "kind": "log-rule", "question_params": params, "answer": "log_product_to_sum"}]}), "utf-8")
    code, out, _ = run(capsys, "check", "--key", str(key), "--item", "1", "--answer", raw, "--format", fmt, "--lang", "en")
    assert code == 0 and raw not in out and encoded in out, out


def test_a_typed_choice_is_inert_in_latex():
    import xentlab

    key = {"items": [{"id": 1, "kind": "log-rule", "answer": "log_product_to_sum",
                      "question_params": {"derivation": "multiclass", "classes": 3, "step": 2, "choices": list(CHOICES)}}]}
    latex = xentlab.check(r"\input{/etc/passwd}", key=key, item=1, lang="en").to_latex()
    assert r"\input{" not in latex and r"\textbackslash{}input\{/etc/passwd\}" in latex


def test_check_text_shows_the_choice_as_a_terminal_shows_it(tmp_path, capsys):
    # (C) of CHOICES is "Multiply by −1"; the text output had the Markdown "$-1$" and LaTeX of the formula choices
    key = tmp_path / "key.json"
    params = {"derivation": "multiclass", "classes": 3, "step": 2, "choices": list(CHOICES)}
    key.write_text(json.dumps({"items": [{"id": 1, "kind": "log-rule", "question_params": params, "answer": "log_product_to_sum"}]}), "utf-8")
    for answer, lang, needle in (("C", "en", "(C) Multiply by −1"), ("B", "ja", "log(a·b) = log(a) + log(b)")):
        code, out, _ = run(capsys, "check", "--key", str(key), "--item", "1", "--answer", answer, "--lang", lang)
        assert code == 0 and needle in out and "$" not in out and "\\" not in out, out


# --- item numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("03", 3), ("３", 3), (" 7 ", 7), ("1_0", None), ("①", None),
                                              ("3.0", None), ("", None), ("+3", None), ("1e1", None), ("1234567", None)])
def test_an_item_id_is_a_plain_integer(text, number):
    assert read_item_id(text) == number


def _ce_single_key(path, ids):
    """A key whose items are one ce-single question under the given ids; its answer is −ln 0.5."""
    items = [{"id": i, "kind": "ce-single", "question_params": {"y": [0.5, 0.5], "true_class": 1, "formula_given": True},
              "answer": math.log(2)} for i in ids]
    path.write_text(json.dumps({"items": items}), "utf-8")
    return str(path)


@pytest.mark.parametrize("text", ["1_0", "+10", "10.0", "1e1"])
def test_check_item_on_the_command_line_is_a_plain_integer_too(tmp_path, capsys, text):
    # click's int() reads "1_0" as 10: the key below has an item 10, so the old reading graded it
    key = _ce_single_key(tmp_path / "key.json", [1, 10])
    code, out, err = run(capsys, "check", "--key", key, "--item", text, "--answer", "0.693", "--lang", "en")
    one_line_error(code, err, "--item", text)
    assert out == ""
    code, _, err = run(capsys, "check", "--key", key, "--item", text, "--answer", "0.693", "--lang", "ja")
    assert code == 2 and "--item" in err and "整数" in err


@pytest.mark.parametrize("text", ["10", "０１０", " 10 "])
def test_check_item_reads_a_plain_integer(tmp_path, capsys, text):
    key = _ce_single_key(tmp_path / "key.json", [1, 10])
    code, out, _ = run(capsys, "check", "--key", key, "--item", text, "--answer", "0.693", "--format", "json")
    assert code == 0 and json.loads(out)["status"] == "correct"  # ln 2 = 0.6931…


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_readers_never_raise_anything_but_parse_errors(text):
    from xentlab.parse import AnswerParseError

    try:
        read_number(text)
    except AnswerParseError:
        pass
    assert read_choice(text, CHOICES) in (None, 0, 1, 2, 3)
    assert read_item_id(text) is None or read_item_id(text) >= 0


def load_item(kind, params, answer):
    _, item = answerkey.parse_item({"id": 1, "kind": kind, "question_params": params, "answer": answer}, "item #1")
    return item
