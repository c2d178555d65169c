"""xentlab check --steps and xentlab.steps: the seed article as acceptance test (ja and en),
the public JSON shape, every output format, the command line (files, stdin, errors), hostile
derivations, and the proved moves and wrong rules the engine is built from.

Expected values come from the seed article, hand calculation, SymPy's own evaluation or the
math/mpmath modules — never from the code under test."""

import io
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import lualatex_or_skip, one_line_error, run
from xentlab import notation as n
from xentlab import rules, steps
from xentlab.steps import catalogue
from xentlab.steps.model import RELATIONS

DATA = Path(__file__).parent / "data"
SEED = DATA / "derivations" / "seed000_article.tex"
BUDGET_SECONDS = 5.0
LINE_FIELDS = {"n", "text", "relation", "rules", "step_size", "condition", "diagnosis", "term", "counterexample",
               "cited_rule", "feedback"}


def _load(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _load("hostile_inputs")
STEPS_HOSTILE = _load("hostile_steps")


# --- seed 000: the acceptance test ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_seed_000_block_as_pasted(capsys, lang):
    code, out, err = run(capsys, "check", "--steps", str(SEED), "--format", "json", "--lang", lang)
    assert code == 0 and err == ""
    doc = json.loads(out)
    relations = [line["relation"] for line in doc["lines"]]
    last_ok = max(i for i, line in enumerate(doc["lines"]) if line["text"].startswith("E = - \\sum"))
    assert relations[0] == "given" and all(r == "ok" for r in relations[1:last_ok + 1])
    by_row = {line["n"]: line for line in doc["lines"]}
    assert by_row[14]["rules"] == ["log_product_to_sum"] and by_row[14]["cited_rule"] == "log_product_to_sum"
    assert by_row[17]["rules"] == ["log_power"] and by_row[17]["cited_rule"] == "log_power"
    assert "cited_rule_mismatch" not in by_row[14]["diagnosis"] + by_row[17]["diagnosis"]
    wrong = doc["lines"][-1]
    assert wrong["text"] == "= -0.481486" and wrong["relation"] == "wrong"
    assert wrong["diagnosis"] == ["log_base_10", "sign_dropped"]
    # the counterexample is the article's own point: E = −ln 0.33 = 1.10866… against −0.481486
    assert wrong["counterexample"]["lhs"] == pytest.approx(-math.log(0.33), rel=1e-5)
    assert wrong["counterexample"]["rhs"] == pytest.approx(-0.481486)
    assert doc["status"] == "incorrect" and doc["first_error"] == 42
    assert doc["score"] == pytest.approx(11 / 12, abs=1e-4)


def test_seed_000_text_reads_naturally_in_both_languages(capsys):
    _, ja, _ = run(capsys, "check", "--steps", str(SEED), "--lang", "ja")
    assert "積の対数は対数の和（公式①）。書いてある公式と一致しています。" in ja
    assert "指数を対数の前に出す（公式②）。書いてある公式と一致しています。" in ja
    assert "誤り [log_base_10, sign_dropped]：常用対数（log10）を使いました" in ja
    assert "マイナスの符号が抜けています" in ja and "42 行目に最初の誤りがあります。" in ja
    _, en, _ = run(capsys, "check", "--steps", str(SEED), "--lang", "en")
    assert "The log of a product is a sum of logs (log rule 1). This agrees with the rule you cite." in en
    assert "wrong [log_base_10, sign_dropped]: You used the common logarithm (log10)" in en
    assert "The first mistake is on line 42." in en


def test_json_shape_is_the_public_contract():
    doc = steps.document(steps.check(SEED.read_text(encoding="utf-8")), "en")
    assert set(doc) == {"status", "lines", "first_error", "score"}
    for line in doc["lines"]:
        assert set(line) == LINE_FIELDS
        assert line["relation"] in RELATIONS and line["step_size"] == len(line["rules"])
        assert isinstance(line["feedback"], str) and line["feedback"]
    json.dumps(doc)  # plain JSON all the way down


def test_the_same_text_gives_the_same_bytes():
    text = SEED.read_text(encoding="utf-8")
    for fmt in ("json", "text", "md", "tex"):
        assert steps.render(steps.check(text), fmt, "ja") == steps.render(steps.check(text), fmt, "ja")


# --- formats and the output boundary ------------------------------------------------------------


def test_markdown_table_cells_cannot_be_broken_by_what_the_student_typed():
    import re

    text = "E = -sum_k t_k log y_k\n= |y| <script>alert(1)</script> `x`"
    out = steps.render(steps.check(text), "md", "en")
    row = next(line for line in out.splitlines() if line.startswith("| 2 "))
    assert len(re.split(r"(?<!\\)\|", row)) == 7  # five cells: no pipe of the student's splits one
    typed = re.split(r"(?<!\\)\|", row)[3].strip()
    assert typed.startswith("``") and typed.endswith("``")  # inside a code span, <script> is text
    assert "(at character 3)" in row  # the position in the line as typed


def test_terminal_text_never_carries_control_characters():
    out = steps.render(steps.check("E = -log L\n\x1b[31m= -t_1 log y_1\u202e"), "text", "en")
    assert "\x1b" not in out and "\u202e" not in out


def test_tex_output_escapes_typed_text_and_compiles(tmp_path):
    report = steps.check(SEED.read_text(encoding="utf-8") + "\n\\input{/etc/passwd} & 100% $x$ #1 ~\n")
    tex = steps.render(report, "tex", "ja")
    assert "\\input{/etc/passwd}" not in tex.replace("\\textbackslash{}input", "")
    assert tex.rstrip().endswith("\\end{document}")
    exe = lualatex_or_skip()
    (tmp_path / "check.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "check.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:]


# --- the command line -----------------------------------------------------------------------------


def test_steps_from_stdin(capsys, monkeypatch):
    text = "L = y_1^{t_1} y_2^{t_2}\nlog L = log y_1^{t_1} + log y_2^{t_2}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code, out, err = run(capsys, "check", "--steps", "-", "--format", "json")
    assert code == 0
    assert [line["relation"] for line in json.loads(out)["lines"]] == ["given", "ok"]


def test_values_start_and_kind_options(capsys, tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("= -(0 log 0.2 + 1 log 0.7 + 0 log 0.1)\n= 0.357\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--steps", str(path), "--start", "E = -(t_1 log y_1 + t_2 log y_2 + t_3 log y_3)",
                       "--y", "0.2,0.7,0.1", "--t", "0,1,0", "--kind", "cross-entropy", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and [line["relation"] for line in doc["lines"]] == ["given", "ok", "ok"]
    assert doc["lines"][0]["n"] == 0  # the teacher's start line
    path.write_text("= -log 0.2\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "--steps", str(path), "--start", "E = -(t_1 log y_1 + t_2 log y_2 + t_3 log y_3)",
                    "--y", "0.2,0.7,0.1", "--t", "0,1,0", "--format", "json")
    assert json.loads(out)["lines"][1]["diagnosis"] == ["wrong_class"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_command_errors_are_one_keyed_line(capsys, tmp_path, lang):
    code, _, err = run(capsys, "check", "--steps", str(tmp_path / "missing.txt"), "--lang", lang)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "missing.txt" in err and "Traceback" not in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"E = \xff\xfe\xfa log y")
    code, _, err = run(capsys, "check", "--steps", str(bad), "--lang", lang)
    assert code == 2 and "bad.txt" in err and len(err.strip().splitlines()) == 1
    big = tmp_path / "big.txt"
    big.write_text("E = -log L\n" * 20000, encoding="utf-8")
    code, _, err = run(capsys, "check", "--steps", str(big), "--lang", lang)
    assert code == 2 and "100000" in err


def test_steps_cannot_be_mixed_with_other_modes(capsys):
    code, _, err = run(capsys, "check", "--steps", str(SEED), "--answer", "1", "--lang", "en")
    one_line_error(code, err, "--answer")
    code, _, err = run(capsys, "check", "--steps", str(SEED), "--kind", "softmax-regression", "--lang", "en")
    one_line_error(code, err, "softmax-regression")
    code, _, err = run(capsys, "check", "--steps", str(SEED), "--format", "xml")
    assert code == 2 and "xml" in err
    code, _, err = run(capsys, "check", "--steps", str(SEED), "--y", "0.2,nan", "--lang", "en")
    assert code == 2 and "--y" in err
    code, _, err = run(capsys, "check", "--lang", "en")
    one_line_error(code, err, "--answer")


def test_importing_steps_does_not_import_sympy():
    code = "import sys, xentlab, xentlab.steps; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- hostile derivations ---------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "text"), STEPS_HOSTILE.HOSTILE_DERIVATIONS,
                         ids=[c[0] for c in STEPS_HOSTILE.HOSTILE_DERIVATIONS])
def test_hostile_derivations_come_back_as_reports(label, text):
    start = time.perf_counter()
    report = steps.check(text)
    assert time.perf_counter() - start < BUDGET_SECONDS
    for fmt in ("json", "text", "md", "tex"):
        steps.render(report, fmt, "ja")
    assert all(line.relation in RELATIONS for line in report.lines)
    assert len(report.lines) <= 40


def test_bounds_clashes_and_nesting_are_unreadable_lines():
    report = steps.check("log L = \\sum_{k=1}^{10^9} t_k \\log y_k\nE = \\sum_k \\sum_k y_k\n"
                         "E = \\sum_{k=1}^{2}\\sum_{j=1}^{2}\\sum_{m=1}^{2}\\sum_{n=1}^{2} y_k")
    assert [(line.relation, line.message["code"]) for line in report.lines] == [
        ("unreadable", "bad_bounds"), ("unreadable", "index_clash"), ("unreadable", "too_deep")]


@pytest.mark.parametrize(("label", "text", "code"), HOSTILE.HOSTILE, ids=[c[0] for c in HOSTILE.HOSTILE])
def test_the_answer_checkers_hostile_corpus_holds_on_steps(label, text, code):
    start = time.perf_counter()
    report = steps.check("L = y_1^{t_1} y_2^{t_2}\nE = " + text)
    assert time.perf_counter() - start < BUDGET_SECONDS
    line = report.lines[-1]
    assert line.relation in RELATIONS
    if line.relation == "unreadable":
        assert "\n" not in line.message["reason"]


def test_no_dangerous_entry_point_is_reached_while_checking(monkeypatch):
    import tripwires

    calls = tripwires.arm(monkeypatch)
    texts = [SEED.read_text(encoding="utf-8")] + [t for _, t in STEPS_HOSTILE.HOSTILE_DERIVATIONS]
    texts += ["E = " + t for _, t, _ in HOSTILE.HOSTILE[:40]]
    for text in texts:
        steps.check(text)
    monkeypatch.undo()
    assert calls == []


LINE_TOKENS = ["L", "E", "log L", " = ", "=", "\n", "y_1", "t_1", "y_k", "t_k", "\\sum_{k=1}^{K}", "Σ_k", "\\prod_k", "^",
               "+", "-", "(", ")", "\\log", "log", "\\frac{1}{N}", "\\cdot", "\\cdots", "0.33", "1", "より", "by the rule",
               "\\\\", "&", "$$", "\\begin{aligned}", "E_{sum}", "∂E/∂z_j", "z_j", "exp", " "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINE_TOKENS), max_size=30).map("".join))
def test_fuzz_derivations_never_raise(text):
    report = steps.check(text)
    assert all(line.relation in RELATIONS for line in report.lines)
    json.dumps(steps.document(report, "en"))


# --- the moves the engine is built from are proved ------------------------------------------------


def _value(expr, point):
    """SymPy's own evaluation (doit, subs, evalf): independent of xentlab's evaluators."""
    integers = {s: sp.Integer(v) for s, v in point.items() if s in (n.K, n.N, n.c, n.j)}
    values = {s: v for s, v in point.items() if s not in integers}
    return complex(sp.N(expr.xreplace(integers).doit().subs(values), 30))


def _point(seed, classes=3):
    import random

    rng = random.Random(seed)
    point = {n.K: classes, n.c: 2}
    for q in range(1, classes + 1):
        point[n.y[q]] = rng.uniform(0.1, 0.9)
        point[n.t[q]] = rng.uniform(0.0, 1.0)
    return point


SUM = sp.Sum(n.t[n.k] * sp.log(n.y[n.k]), (n.k, 1, n.K))
WRITTEN = n.t[1] * sp.log(n.y[1]) + n.t[2] * sp.log(n.y[2]) + n.t[3] * sp.log(n.y[3])


@pytest.mark.parametrize(("name", "before", "move"), [
    ("write_out", -SUM, lambda e: rules.write_out(e, {n.K: 3})),
    ("fold", -WRITTEN, lambda e: rules.fold(e, n.k)),
    ("fold_to_K", -WRITTEN, lambda e: rules.fold(e, n.k, n.K)),
    ("distribute", n.t[1] * (sp.log(n.y[1]) - sp.log(n.y[2])), rules.distribute),
])
def test_new_rules_keep_the_value(name, before, move):
    after = move(before)
    assert after != before
    for seed in range(8):
        point = _point(seed)
        assert _value(after, point) == pytest.approx(_value(before, point), rel=1e-12)


def test_conditional_rules_hold_exactly_where_their_condition_does():
    point = _point(1)
    one_hot = {**point, n.t[1]: 0, n.t[2]: 1, n.t[3]: 0}
    selected = rules.select_one_hot(-SUM, n.c)
    assert selected == -sp.log(n.y[n.c])
    assert _value(selected, one_hot) == pytest.approx(_value(-SUM, one_hot))
    assert _value(selected, point) != pytest.approx(_value(-SUM, point))
    summed = sp.Sum(n.t[n.k], (n.k, 1, n.K)) * sp.log(n.y[1])
    assert sp.simplify(rules.sum_to_one(summed) - sp.log(n.y[1])) == 0
    soft = {**point, n.t[1]: 0.2, n.t[2]: 0.5, n.t[3]: 0.3}
    assert _value(rules.sum_to_one(summed), soft) == pytest.approx(_value(summed, soft))


# --- the wrong rules do what their formulas say -----------------------------------------------------

a, b = sp.symbols("a b", positive=True)


@pytest.mark.parametrize(("rule", "before", "after"), [
    (catalogue.log_of_sum_split, sp.log(a + b), sp.log(a) + sp.log(b)),
    (catalogue.log_product_as_product, sp.log(a * b), sp.log(a) * sp.log(b)),
    (catalogue.power_outside_log, sp.log(a ** b, evaluate=False), sp.log(a) ** b),
    (catalogue.exponent_dropped, sp.log(a ** b, evaluate=False), sp.log(a)),
    (catalogue.minus_not_distributed, sp.Mul(-1, sp.Add(a, b), evaluate=False), -a + b),
    (catalogue.log_base_10, sp.log(a), sp.log(a) / sp.log(10)),
    (catalogue.log_base_2, sp.log(a), sp.log(a) / sp.log(2)),
    (catalogue.swapped_t_y, n.t[1] * sp.log(n.y[1]), n.y[1] * sp.log(n.t[1])),
    (catalogue.t_dropped, n.t[1] * sp.log(n.y[1]), sp.log(n.y[1])),
    (catalogue.sum_product_confused, sp.log(sp.Product(n.y[n.k], (n.k, 1, n.K))),
     sp.Product(sp.log(n.y[n.k]), (n.k, 1, n.K))),
    (catalogue.sum_not_mean, SUM / n.N, SUM),
])
def test_each_wrong_rule_is_its_formula(rule, before, after):
    results = [result for result, _ in rule(before, {})]
    assert any(sp.simplify(result - after) == 0 for result in results), results


def test_gradient_rules_apply_only_to_gradients():
    gradient = {"lhs": sp.Derivative(n.E, n.z[n.j])}
    expr = n.y[n.j] - n.t[n.j]
    assert [r for r, _ in catalogue.gradient_sign(expr, gradient)] == [n.t[n.j] - n.y[n.j]]
    assert catalogue.gradient_sign(expr, {"lhs": n.E}) == []
    assert catalogue.sign_dropped(expr, gradient) == []
    every_k, only_j = [r for r, _ in catalogue.softmax_diagonal_only(expr, gradient)]
    # by hand at K = 2, j = 1: −(t1/y1 + t2/y2)·y1(1 − y1) and −t1(1 − y1)
    point = {n.K: 2, n.j: 1, n.y[1]: 0.3, n.y[2]: 0.7, n.t[1]: 1.0, n.t[2]: 0.0}
    assert _value(every_k, point) == pytest.approx(-(1.0 / 0.3 + 0.0 / 0.7) * 0.3 * 0.7)
    assert _value(only_j, point) == pytest.approx(-1.0 * 0.7)


def test_mpmath_settles_what_double_precision_cannot():
    from xentlab.steps.truth import compare

    y1 = n.y[1]
    lhs, rhs = (sp.Integer(10) ** 8 + y1) - sp.Integer(10) ** 8, y1
    same, _, _ = compare(sp.Add(sp.Integer(10) ** 8, y1, -sp.Integer(10) ** 8, evaluate=False), rhs, {}, {y1: 0.123456789})
    assert same is True
    differs, _, _ = compare(lhs + sp.Rational(1, 10 ** 7), rhs, {}, {y1: 0.123456789})
    assert differs is False


def test_lost_backslashes_spots_latex_typed_without_r():
    """Strings as Python makes them of LaTeX typed without r (written here with their escapes)."""
    from xentlab.steps import lost_backslashes

    eaten = ["\x0crac{1}{2}", "\x08eta", "\x07lpha", "\x0bec z", "\\left(y\right)", "a \times b", "\theta", "E = \nabla z", "a \neq b"]
    kept = [r"\frac{1}{2} \times \right) \nabla \neq", "log L = a\r\n= b", "\tlog L = a", "a\n= b", "x\n  = y", ""]
    assert all(lost_backslashes(text) for text in eaten)
    assert not any(lost_backslashes(text) for text in kept)


def test_the_tex_report_shows_a_line_as_written_not_simplified():
    """Substituting seed 000's numbers, a student writes −(1 log 0.33 + 0 log 0.32 + 0 log 0.35); the
    report's formula must show those terms, not the −log 0.33 they simplify to."""
    from xentlab import steps

    text = "E = -(t_1 log y_1 + t_2 log y_2 + t_3 log y_3)\n= -(1 log 0.33 + 0 log 0.32 + 0 log 0.35)\n= -log 0.33"
    tex = steps.render(steps.check(text), "tex", "en")
    assert r"E = -\left(1 \log 0.33 + 0 \log 0.32 + 0 \log 0.35\right)" in tex
    assert r"E = - \log 0.33" in tex
