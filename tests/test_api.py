"""The Python API: thin wrappers with the CLI's names, results that show themselves in a notebook.

Expected values are hand calculations and the math module."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xentlab

sys.path.insert(0, str(Path(__file__).parent / "data"))
from hostile_inputs import HOSTILE  # noqa: E402

DOG = {"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]}


def test_import_is_as_light_as_help():
    code = "import sys, xentlab\nprint('sympy' in sys.modules, 'numpy' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "False False False"


def test_api_names_and_the_modules_they_share_a_name_with():
    from xentlab import solve as solve_module
    from xentlab import worksheet as ws

    assert set(xentlab.__all__) >= {"derive", "solve", "check", "worksheet", "grade", "probe"}
    assert solve_module.Inputs and ws.build and ws.ORDER  # still the modules for the code that imports them
    assert callable(xentlab.solve) and callable(xentlab.check) and callable(xentlab.worksheet)
    assert xentlab.solve("cross-entropy", **DOG).value == pytest.approx(-math.log(0.33))


def test_derive_takes_loss_names_and_derivation_kinds():
    assert xentlab.derive("cross-entropy").kind == "multiclass"
    assert xentlab.derive("cross-entropy", batch=True).kind == "multiclass-batch"
    assert xentlab.derive("binary-cross-entropy").kind == "binary"
    assert xentlab.derive("softmax-gradient").kind == "softmax-gradient"
    derived = xentlab.derive("multiclass", classes=3, lang="en")
    assert len(derived.steps) == 6 and all(step.verified for step in derived.steps)
    assert json.loads(derived.to_json())["kind"] == "cross-entropy"  # JSON speaks the one vocabulary
    assert derived.to_latex().startswith("\\documentclass")
    with pytest.raises(ValueError):
        xentlab.derive("sse", batch=True)


def test_derivation_display():
    bundle = xentlab.derive("multiclass", classes=3, lang="en")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/markdown", "text/html"}
    page = bundle["text/html"]
    assert page.count('class="xl-step"') == 6 and page.count("xl-tick") >= 6
    assert "\\[" in page and "\\(" in page and "log_product_to_sum" in page
    assert "$$" in bundle["text/markdown"] and "$" not in bundle["text/plain"].replace("$ ", "")


def test_solution_display_has_its_figure_inline():
    solved = xentlab.solve("cross-entropy", **DOG, lang="ja")
    page = solved.to_html()
    assert page.count("<svg") == 1 and "<?xml" not in page and "<figcaption>" in page
    assert "1.109" in page
    assert json.loads(solved.to_json())["value"] == pytest.approx(1.1086626245216111)
    assert "1.109" in solved.to_text() and "\\begin" in solved.to_latex()
    softmax = xentlab.solve("softmax-cross-entropy", logits="2,1,0.1", labels=0, lang="en")
    assert softmax.value == pytest.approx(-math.log(math.exp(2) / (math.exp(2) + math.exp(1) + math.exp(0.1))))
    assert softmax.to_html().count("<figure>") == 2


def test_check_three_forms():
    verdict = xentlab.check(-0.481486, kind="cross-entropy", **DOG, lang="en")
    assert verdict.status == "incorrect" and verdict.diagnosis == ("log_base_10", "sign_dropped")
    assert "1.109" in verdict.feedback
    assert xentlab.check(-math.log(0.33), kind="cross-entropy", **DOG).correct
    assert xentlab.check(np.float32(1.109), expect=1.1086626).correct
    assert xentlab.check("1.11", expect=1.1086626).correct
    assert not xentlab.check("1.2", expect=1.1086626).correct
    formula = xentlab.check("-log(y1^t1 y2^t2)", expect="-(t1*log(y1)+t2*log(y2))")
    assert formula.correct and json.loads(formula.to_json())["status"] == "correct"
    for nothing in (None, ..., "", "   "):
        assert xentlab.check(nothing, expect=1.0).status == "invalid"
    from xentlab.errors import UsageError

    with pytest.raises(UsageError):
        xentlab.check("1", expect=1.0, kind="sse")


def test_check_against_a_key_dict_or_file(tmp_path):
    sheet = xentlab.worksheet(4, 3, types=["ce-single", "log-rule"], lang="en")
    key = sheet.key
    first = key["items"][0]
    assert xentlab.check(first["answer"], key=key, item=1).correct
    path = tmp_path / "key.json"
    path.write_text(sheet.to_json(), encoding="utf-8")
    assert xentlab.check(first["answer"], key=str(path), item=1).correct
    choice = key["items"][1]
    assert xentlab.check(choice["answer"], key=key, item=2).correct
    with pytest.raises(Exception, match="no item 9"):
        xentlab.check("1", key=key, item=9)
    assert first["rounded"] in sheet.to_markdown(answers=True) and first["rounded"] not in sheet.to_markdown()
    assert sheet.to_latex().startswith("\\documentclass")


def test_grade_takes_rows_csv_text_and_a_path(tmp_path):
    sheet = xentlab.worksheet(2, 5, types=["ce-single"], lang="en")
    right = sheet.key["items"][0]["answer"]
    graded = xentlab.grade(sheet.key, [("ann", 1, right), {"student": "bob", "item": 1, "answer": "0.5"}, ("cy", 7, "1")], lang="en")
    assert [v.status for v in graded.verdicts] == ["correct", "incorrect", "invalid"]
    assert graded.summary["responses"] == 3
    csv_text = f"student,item,answer\nann,1,{right}\nbob,2,x\n"
    assert [v.status for v in xentlab.grade(sheet.key, csv_text).verdicts][0] == "correct"
    path = tmp_path / "r.csv"
    path.write_text(csv_text, encoding="utf-8")
    assert xentlab.grade(sheet.key, path).summary["responses"] == 2
    assert "\\begin{tabular}" in graded.to_latex() and "ann" in graded.to_csv()
    assert json.loads(graded.to_json())["responses"][0]["status"] == "correct"


def test_verdict_html_escapes_what_the_student_typed():
    verdict = xentlab.check("<script>alert(1)</script>", key=xentlab.worksheet(1, 1, types=["log-rule"]).key, item=1)
    page = verdict.to_html()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("label,text,code", HOSTILE[:40])
def test_hostile_answers_get_a_verdict_and_stay_text(label, text, code):
    for verdict in (xentlab.check(text, expect=1.0), xentlab.check(text, expect="-t1*log(y1)")):
        assert verdict.status in ("invalid", "incorrect")
        page = verdict.to_html()
        assert "<script>alert" not in page and page.count("<script>") == 1  # only the MathJax loader


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=60), st.floats(allow_nan=True), st.integers()))
def test_any_answer_gets_a_verdict(answer):
    verdict = xentlab.check(answer, expect=1.109)
    assert verdict.status in ("correct", "incorrect", "invalid")
    assert verdict.to_html().count("<script") == 1


@pytest.mark.parametrize("answer", [10**400, -(10**5000), __import__("fractions").Fraction(10**400, 3)], ids=["int", "huge_negative", "fraction"])
def test_a_number_beyond_any_float_gets_a_verdict(answer):
    """q1 = 10**400 in a notebook: larger than the largest double (about 1.8e308), so it cannot be
    the loss; the verdict says the number is too large instead of raising OverflowError."""
    verdict = xentlab.check(answer, expect=1.109, lang="en")
    assert verdict.status == "invalid" and "too large" in verdict.feedback


def test_probe_result_display_and_json():
    def seed001(y, t):
        return -np.sum(t * np.log(y))

    probed = xentlab.probe(seed001, lang="en")
    assert not probed and probed.diagnosis == ("sum_not_mean", "no_epsilon")
    assert probed.expected == pytest.approx((-math.log(0.6) - math.log(0.2)) / 2)
    document = json.loads(probed.to_json())
    assert document["status"] == "incorrect" and document["failing"]["case"] == "batch_2x3"
    bundle = probed._repr_mimebundle_()
    assert "np.clip(y, eps, 1 - eps)" in bundle["text/plain"]
    assert "<code>np.clip(y, eps, 1 - eps)</code>" in bundle["text/html"]
    assert "| `y` |" in bundle["text/markdown"]
    assert "\\texttt{np.clip" in probed.to_latex()

    def hostile(y, t):
        raise ValueError("<img src=x onerror=alert(1)> `tick`")

    page = xentlab.probe(hostile).to_html()
    assert "<img" not in page and "&lt;img" in page


@pytest.mark.parametrize("lang, label", [("ja", "あなたの関数"), ("en", "your function")])
def test_a_function_without_return_shows_none_not_a_code(lang, label):
    def forgot_return(y, t):
        loss = -np.sum(t * np.log(y), axis=-1).mean()  # noqa: F841 - the student's slip

    probed = xentlab.probe(forgot_return, lang=lang)
    assert probed.diagnosis == ("no_return_value",)
    bundle = probed._repr_mimebundle_()
    assert f"| {label} | `None` |" in bundle["text/markdown"]
    assert f"<tr><td>{label}</td><td><code>None</code></td></tr>" in bundle["text/html"]


def test_probe_nan_is_shown_as_nan():
    def unstable(z, t):
        e = np.exp(z)
        return -np.mean(np.sum(t * np.log(e / e.sum(axis=-1, keepdims=True)), axis=-1))

    probed = xentlab.probe(unstable, kind="softmax-cross-entropy", lang="ja")
    assert probed.diagnosis == ("softmax_not_stabilised",) and probed.actual == "nan"
    assert "nan を返しました" in probed.feedback


def test_probe_shows_a_wrong_value_so_that_it_does_not_read_as_the_right_one_rounded():
    """np.log(y + 1e-7) at y = 1e-5 (the ε of a popular textbook): −ln(1.01e-5) = 11.50293 against
    −ln(1e-5) = 11.51293 (the math module). Four figures with the trailing zero dropped would
    say '11.5' against '11.51', which reads as one number rounded twice."""
    def plus_delta(y, t):
        if y.ndim == 1:
            t, y = t.reshape(1, t.size), y.reshape(1, y.size)
        return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]

    assert round(-math.log(1e-5 + 1e-7), 2) == 11.50 and round(-math.log(1e-5), 2) == 11.51
    probed = xentlab.probe(plus_delta, lang="en")
    assert probed.diagnosis == ("eps_added_in_log",)
    assert "it returned 11.50; the right value is 11.51." in probed.feedback
    from xentlab.display import differing

    assert differing(2.1203, 1.0601) == ("2.12", "1.06")  # no zero to keep: as before
    assert differing(0.35671, 0.356675)[0] != differing(0.35671, 0.356675)[1]  # more figures until they differ


def test_probe_names_the_failing_input_exactly():
    """np.clip(y, 1e-3, 1 - 1e-3) is wrong at y = 0.99999 (the right loss −ln 0.99999 ≈ 1.0e-5, by
    the math module; the clipped one −ln 0.999 ≈ 1.0e-3). The verdict must show 0.99999, not the
    4-figure '1', or the student cannot call the function on the input named."""
    def clipped(y, t):
        y = np.clip(y, 1e-3, 1 - 1e-3)
        return -np.mean(np.sum(t * np.log(y), axis=-1))

    assert math.isclose(-math.log(0.99999), 1.000005e-5, rel_tol=1e-6)
    probed = xentlab.probe(clipped, lang="en")
    assert probed.diagnosis == ("epsilon_too_large",)
    def wrong_near_one(y, t):  # right everywhere but at y = 0.99999, where it gives the clipped value
        right = -np.mean(np.sum(t * np.log(np.clip(y, 1e-12, 1.0)), axis=-1))
        return -math.log(0.999) if y.ndim == 1 and y[0] == 0.99999 else right

    near_one = xentlab.probe(wrong_near_one, lang="en")
    assert "y = [0.99999, 5e-06, 5e-06], t = [1, 0, 0]" in near_one.feedback, near_one.feedback
    from xentlab.display import exact

    assert exact([1000.0, -999.0, 0.59999, 1e-05]) == "[1000, -999, 0.59999, 1e-05]"
