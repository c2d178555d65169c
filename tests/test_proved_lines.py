"""Every formula a reader sees is proved: the formula and substitution lines of solve, worked
solutions and answer keys. The values the lines are compared with here come from the math module
and mpmath, evaluating the printed decimals independently of xentlab.proved."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from conftest import run
from documents import SOLVE_CASES, inputs
from xentlab import proved
from xentlab.errors import VerificationError
from xentlab.notation import log_base


def evaluate(expr) -> float:
    """The printed numbers as decimals, in 50-digit arithmetic (0·log 0 = 0, as the kernels count)."""
    mpmath.mp.dps = 50
    if expr in (sp.oo, -sp.oo):
        return float(expr)
    if isinstance(expr, sp.Symbol):
        return mpmath.mpf(expr.name)
    if expr.is_Number:
        return mpmath.mpf(expr.p) / expr.q if expr.is_Rational else mpmath.mpf(str(expr))
    args = [evaluate(a) for a in expr.args]
    if expr.is_Add:
        return sum(args)
    if expr.is_Mul:
        return 0 if any(a == 0 for a in args) else math.prod(args)
    if expr.is_Pow:
        return args[0] ** args[1]
    if isinstance(expr, sp.log):
        return mpmath.log(args[0]) if args[0] > 0 else -mpmath.inf
    if isinstance(expr, log_base):
        return mpmath.log(args[0]) / mpmath.log(args[1]) if args[0] > 0 else -mpmath.inf
    if isinstance(expr, sp.exp):
        return mpmath.exp(args[0])
    raise TypeError(type(expr))


@pytest.mark.parametrize(("kind", "options"), SOLVE_CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SOLVE_CASES)])
def test_every_substitution_line_equals_the_value(kind, options):
    from xentlab.solve import solve

    solution = solve(kind, inputs(options))
    assert solution.formula and solution.substitution
    assert all(isinstance(line, proved.Line) for line in solution.formula + solution.substitution)
    for line in solution.substitution:
        value = solution.perplexity if line.lhs == sp.Symbol("PPL", positive=True) else solution.value
        shown = evaluate(line.rhs)
        if math.isinf(value):
            assert shown == mpmath.inf, line
            continue
        # a line of numbers as typed is exact; a line of 4-figure numbers is right to their precision
        tolerance = 2e-3 if line.rhs.atoms(proved.Rounded) else 1e-9
        assert abs(float(shown) - value) <= tolerance * max(1.0, abs(value)), (line, float(shown), value)


def test_a_line_that_fails_is_never_built_and_never_rendered():
    from xentlab.notation import E
    from xentlab.render import render_solution
    from xentlab.solve import Inputs, solve

    with pytest.raises(VerificationError):
        proved.value(E, sp.Symbol("0.5"), 0.6931)  # ln 2 is not 0.5
    with pytest.raises(VerificationError):  # 0.6931 printed to 4 figures stands for [0.69305, 0.69315]: not 0.6935
        proved.value(E, proved.Rounded("0.6931"), 0.6935)
    solution = solve("cross-entropy", Inputs(y=np.array([0.5, 0.5]), t=np.array([1.0, 0.0])))
    solution.substitution.append((E, sp.Symbol("0.5")))  # a pair nobody proved
    for fmt in ("md", "tex", "text", "json"):
        with pytest.raises(VerificationError):
            render_solution(solution, fmt, "en")


def test_a_formula_that_is_not_the_derived_expression_is_refused():
    from xentlab.derivations import derive
    from xentlab.notation import E, K, k, t, y

    d = derive("multiclass")
    wrong = -sp.Sum(y[k] * sp.log(t[k]), (k, 1, K))  # t and y swapped
    with pytest.raises(VerificationError):
        proved.formula(E, wrong, d.result, d.domain)
    assert proved.formula(E, d.result, d.result, d.domain).proof == "formula"


def test_the_summed_batch_loss_is_e_sum_minus_the_double_sum(capsys):
    """The issue's reproduction: it printed E = N·−(1/N)·Σ… and called the sum E."""
    code, out, err = run(capsys, "solve", "cross-entropy", "--y", "0.7,0.2,0.1;0.1,0.8,0.1", "--labels", "0,1",
                         "--reduction", "sum", "--format", "text", "--lang", "en")
    assert code == 0, err
    assert "    E_sum = −Σ_{n=1..N} Σ_{k=1..K} t_nk·log(y_nk)" in out
    assert "N·" not in out and "E_sum = 0.5798" in out  # −(ln 0.7 + ln 0.8) = 0.579818…
    assert -(math.log(0.7) + math.log(0.8)) == pytest.approx(0.579818, abs=1e-6)
    code, out, _ = run(capsys, "solve", "cross-entropy", "--y", "0.7,0.2,0.1;0.1,0.8,0.1", "--labels", "0,1",
                       "--reduction", "sum", "--format", "md", "--lang", "en")
    assert r"E_{\mathrm{sum}} = -\sum_{n=1}^{N} \sum_{k=1}^{K} t_{nk} \log y_{nk}" in out


def test_the_worksheet_names_the_summed_loss_as_its_question_does():
    from xentlab import worksheet as ws

    sheet = ws.build(11, 12, ws.all_types(), 3)
    (item,) = [i for i in sheet.items if i.kind == "ce-batch"]
    assert item.params["reduction"] == "sum"  # seed 11, difficulty 3, question 3: the example
    _, answers = ws.render(sheet, "md", "ja")
    section = answers.split("## 問 3")[1].split("## 問 4")[0]
    assert "総和 $E_{\\mathrm{sum}}$" in section
    assert "$$\nE_{\\mathrm{sum}} = -\\sum_{n=1}^{N} \\sum_{k=1}^{K} t_{nk} \\log y_{nk}\n$$" in section
    assert "N -\\frac" not in answers and "$$\nE = " not in section


def test_batch_bce_and_sse_show_the_batch_formula(capsys):
    code, out, err = run(capsys, "solve", "binary-cross-entropy", "--y", "0.9;0.2;0.6", "--t", "1;0;1", "--format", "json", "--lang", "en")
    assert code == 0, err  # a column is one number per sample (it used to fail with shapes (3, 1) and (3, 1))
    import json

    doc = json.loads(out)
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert doc["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["steps"][0]["latex"].startswith(r"E = -\frac{1}{N} \sum_{n=1}^{N}")
    code, listed, _ = run(capsys, "solve", "binary-cross-entropy", "--y", "0.9,0.2,0.6", "--t", "1,0,1", "--format", "json", "--lang", "en")
    assert json.loads(listed)["value"] == doc["value"]
    code, out, err = run(capsys, "solve", "sse", "--y", "0.1,0.9;0.3,0.7", "--t", "0,1;0,1", "--format", "json", "--lang", "en")
    doc = json.loads(out)
    assert doc["value"] == pytest.approx((0.01 + 0.01 + 0.09 + 0.09) / 2, rel=1e-12)
    assert doc["steps"][0]["latex"] == r"E = \frac{1}{N} \sum_{n=1}^{N} \sum_{k=1}^{K} \left(y_{nk} - t_{nk}\right)^{2}"


def test_softmax_gradient_step_6_brackets_the_sum_that_comes_out():
    from xentlab.derivations import derive
    from xentlab.printing import to_latex

    step = next(s for s in derive("softmax-gradient").steps if s.rule == "distribute")
    assert r"\left(\sum_{k=1}^{K} t_{k}\right) \log\left(\sum_{m=1}^{K} e^{z_{m}}\right)" in to_latex(step.expr)


def test_extreme_logits_substitute_the_logits_not_rounded_probabilities(capsys):
    """e^−2000 rounds to 0.0000: the probability line would claim E = ∞ for a loss of 2000."""
    code, out, err = run(capsys, "solve", "softmax-cross-entropy", "--logits", "1000,-1000,0", "--labels", "1", "--format", "text", "--lang", "en")
    assert code == 0, err
    assert "log(exp(1000) + exp(−1000) + exp(0))" in out and "E = 2000" in out and "log(0)" not in out
