"""parse_indexed: the language of derivation lines (indexed variables, Σ/Π over an index, an
ellipsis between written-out terms), its limits, and the hostile corpus.

Expected values are SymPy objects built by hand from xentlab.notation (trusted code)."""

import importlib.util
import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xentlab import notation as n
from xentlab.parse import ERROR_CODES, INDEXED_ERROR_CODES, AnswerParseError, Indexing, parse_expression, parse_indexed

BUDGET_SECONDS = 2.0
INDEXING = Indexing(
    bases={"y": n.y, "t": n.t, "z": n.z, "p": n.p},
    indices={s.name: s for s in (n.k, n.j, n.m, n.n, n.i, n.v, n.c)},
    sizes={s.name: s for s in (n.K, n.N, n.T, n.V)},
    upper={"k": "K", "j": "K", "m": "K", "c": "K", "n": "N", "i": "T", "v": "V"},
)
SYMBOLS = {"L": n.L, "E": n.E, "Esum": n.E_sum, "PPL": n.PPL, "y": n.y_scalar, "t": n.t_scalar}
y, t, z, p, k, m, i = n.y, n.t, n.z, n.p, n.k, n.m, n.i
K, N, T = n.K, n.N, n.T
log, exp = sp.log, sp.exp


def parse(text, evaluate=True):
    return parse_indexed(text, INDEXING, symbols=SYMBOLS, evaluate=evaluate)


def _load(name):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "data" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _load("hostile_inputs")
STEPS_HOSTILE = _load("hostile_steps")

CASES = [
    # seed 000, as the article typesets it
    (r"y_{1}^{t_{1}} \cdot y_{2}^{t_{2}} \cdot y_{3}^{t_{3}}", y[1] ** t[1] * y[2] ** t[2] * y[3] ** t[3]),
    (r"\prod_{k=1}^3 y_{k}^{t_{k}}", sp.Product(y[k] ** t[k], (k, 1, 3))),
    (r"\log (y_{1}^{t_{1}} \cdot y_{2}^{t_{2}})", log(y[1] ** t[1] * y[2] ** t[2])),
    (r"\log y_{1}^{t_{1}} + \log y_{2}^{t_{2}}", log(y[1] ** t[1]) + log(y[2] ** t[2])),
    (r"\sum_{k=1}^{3} t_{k} \log y_{k}", sp.Sum(t[k] * log(y[k]), (k, 1, 3))),
    (r"- \sum_{k=1}^{K} t_{k} \log y_{k}", -sp.Sum(t[k] * log(y[k]), (k, 1, K))),
    (r"- ( 1 \cdot \log 0.33 + 0 \cdot \log 0.32 + 0 \cdot \log 0.35)", -log(sp.Rational(33, 100))),
    # plain text and Unicode
    ("-(t1*log(y1) + t2*log(y2))", -(t[1] * log(y[1]) + t[2] * log(y[2]))),
    ("Σ_k t_k log y_k + 1", sp.Sum(t[k] * log(y[k]), (k, 1, K)) + 1),
    ("Σₖ tₖ log yₖ", sp.Sum(t[k] * log(y[k]), (k, 1, K))),
    ("∏_{k=1}^{K} y_k^{t_k}", sp.Product(y[k] ** t[k], (k, 1, K))),
    ("Π_{k=1}^{K} y_k^{t_k}", sp.Product(y[k] ** t[k], (k, 1, K))),
    ("sum_{k=1}^{K} t_k log(y_k)", sp.Sum(t[k] * log(y[k]), (k, 1, K))),
    ("y₁ + y₂", y[1] + y[2]),
    # Σ binds like a factor; nested sums; sums in functions
    (r"-\frac{1}{N}\sum_{n=1}^{N}\sum_{k=1}^{K} t_{nk} \log y_{nk}",
     -sp.Sum(t[n.n, k] * log(y[n.n, k]), (k, 1, K), (n.n, 1, N)) / N),
    (r"\sum_{n} \sum_{k} t_{n,k} \log y_{n,k}", sp.Sum(t[n.n, k] * log(y[n.n, k]), (k, 1, K), (n.n, 1, N))),
    (r"\log \sum_{m=1}^{K} e^{z_m}", log(sp.Sum(exp(z[m]), (m, 1, K)))),
    (r"z_k - \log \sum_m \exp z_m", z[k] - log(sp.Sum(exp(z[m]), (m, 1, K)))),
    (r"\sum^{K}_{k=1} t_k \cdot (-\log y_k)", sp.Sum(-t[k] * log(y[k]), (k, 1, K))),
    (r"\sum\limits_{k=1}^{K} t_k", sp.Sum(t[k], (k, 1, K))),
    (r"\left( \sum_{i=1}^{T} \log p_i \right)/T", sp.Sum(log(p[i]), (i, 1, T)) / T),
    (r"\sum t_k \log y_k", sp.Sum(t[k] * log(y[k]), (k, 1, K))),  # the index read off the summand
    # an ellipsis between written-out terms
    ("t1 log y1 + t2 log y2 + ... + tK log yK", sp.Sum(t[k] * log(y[k]), (k, 1, K))),
    (r"-t_1 \log y_1 - t_2 \log y_2 - \cdots - t_K \log y_K", sp.Sum(-t[k] * log(y[k]), (k, 1, K))),
    (r"y_1^{t_1} y_2^{t_2} \cdots y_K^{t_K}", sp.Product(y[k] ** t[k], (k, 1, K))),
    ("y1 + y2 + … + y6", sp.Sum(y[k], (k, 1, 6))),
    # names of the quantities, the binary case
    (r"E_{\mathrm{sum}}", n.E_sum),
    (r"\mathrm{PPL}", n.PPL),
    ("y^t (1-y)^{1-t}", n.y_scalar ** n.t_scalar * (1 - n.y_scalar) ** (1 - n.t_scalar)),
    (r"\log_{10} y_1", log(y[1]) / log(10)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_lines_as_students_write_them(text, expected):
    got = parse(text)
    assert got == expected or sp.simplify(got.doit() - expected.doit()) == 0


def test_unevaluated_keeps_the_shape_written():
    shape = parse(r"- ( 1 \cdot \log 0.33 + 0 \cdot \log 0.32)", evaluate=False)
    zero_term = sp.Mul(0, log(sp.Rational(8, 25), evaluate=False), evaluate=False)
    assert zero_term in shape.atoms(sp.Mul) or any(a == zero_term for a in sp.preorder_traversal(shape))
    assert parse("log(exp(z_k))", evaluate=False) == log(exp(z[k], evaluate=False), evaluate=False)
    assert parse("log(exp(z_k))") == z[k]  # evaluated, SymPy cancels it


def test_parse_expression_is_unchanged_by_the_indexed_language():
    with pytest.raises(AnswerParseError) as info:
        parse_expression(r"\sum y")
    assert info.value.code == "unknown_command"
    assert parse_expression("y_1 + y1") == 2 * sp.Symbol("y1", positive=True)


@pytest.mark.parametrize(("label", "text", "code"), STEPS_HOSTILE.INDEXED_HOSTILE,
                         ids=[c[0] for c in STEPS_HOSTILE.INDEXED_HOSTILE])
def test_bounds_clashes_and_ellipses_are_refused(label, text, code):
    start = time.perf_counter()
    with pytest.raises(AnswerParseError) as info:
        parse(text)
    assert time.perf_counter() - start < BUDGET_SECONDS
    assert info.value.code == code, (label, str(info.value))
    assert info.value.code in ERROR_CODES or info.value.code in INDEXED_ERROR_CODES
    assert "\n" not in str(info.value) and str(info.value).isprintable()


# In a derivation, square brackets group (−[t log y + …]), so "y1[0]" reads as y_1·(0): harmless maths.
MEANINGFUL_IN_DERIVATIONS = {"subscript": y[1] * 0}


@pytest.mark.parametrize(("label", "text", "code"), HOSTILE.HOSTILE, ids=[c[0] for c in HOSTILE.HOSTILE])
def test_the_answer_checkers_hostile_corpus_is_refused(label, text, code):
    start = time.perf_counter()
    if label in MEANINGFUL_IN_DERIVATIONS:
        assert parse(text) == MEANINGFUL_IN_DERIVATIONS[label]
        return
    with pytest.raises(AnswerParseError) as info:
        parse(text)
    assert time.perf_counter() - start < BUDGET_SECONDS
    assert info.value.code in ERROR_CODES or info.value.code in INDEXED_ERROR_CODES


@pytest.mark.parametrize(("label", "text"), HOSTILE.HEAVY, ids=[c[0] for c in HOSTILE.HEAVY])
def test_heavy_inputs_finish_in_budget(label, text):
    start = time.perf_counter()
    for evaluate in (True, False):
        try:
            parse(text, evaluate)
        except AnswerParseError:
            pass
    assert time.perf_counter() - start < 2 * BUDGET_SECONDS


def test_no_dangerous_entry_point_is_reached(monkeypatch):
    import tripwires

    calls = tripwires.arm(monkeypatch)
    texts = [c[0] for c in CASES] + [c[1] for c in STEPS_HOSTILE.INDEXED_HOSTILE] + [c[1] for c in HOSTILE.HOSTILE]
    for text in texts:
        for evaluate in (True, False):
            try:
                parse(text, evaluate)
            except AnswerParseError:
                pass
    monkeypatch.undo()
    assert calls == []


TOKENS = ["y_k", "t_k", "y_1", "t_{2}", "y_{n,k}", "z_j", "p_i", "\\sum_{k=1}^{K}", "\\sum_k", "Σ_{k=1}^{3}", "\\prod_k",
          "∏", "Σ", "\\cdots", "...", "…", "+", "-", "\\cdot", "(", ")", "{", "}", "^", "_", "\\log", "log", "\\frac",
          "1", "2", "0.5", "K", "N", "L", "E", " ", "=", ",", "\\limits", "\\mathrm{PPL}", "k", "e", "exp"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_fuzz_indexed_tokens(text):
    start = time.perf_counter()
    for evaluate in (True, False):
        try:
            result = parse(text, evaluate)
        except AnswerParseError as error:
            assert error.code in ERROR_CODES or error.code in INDEXED_ERROR_CODES
            assert "\n" not in str(error)
        else:
            assert isinstance(result, sp.Basic)
    assert time.perf_counter() - start < BUDGET_SECONDS


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_fuzz_any_unicode(text):
    try:
        parse(text)
    except AnswerParseError as error:
        assert error.code in ERROR_CODES or error.code in INDEXED_ERROR_CODES
