"""The answer parser on well-behaved input: what it accepts and what it means.

Expected values are SymPy objects built by hand here (trusted code), so
comparing with == / simplify is fine.
"""

import math
import pickle
import statistics
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xentlab.errors import InputError
from xentlab.parse import (
    DEFAULT_SYMBOLS,
    ERROR_CODES,
    AnswerParseError,
    evaluate,
    parse_expression,
    parse_number,
    parse_number_detail,
)

# The default symbols, as documented: y/p/q/L positive, the rest real.
y, y1, y2, y3, y12, p, q, L = sp.symbols("y y1 y2 y3 y12 p q L", positive=True)
t, t1, t2, t3, t12, z, z1, z2, N, K, T, E = sp.symbols("t t1 t2 t3 t12 z z1 z2 N K T E", real=True)
log, exp, sqrt = sp.log, sp.exp, sp.sqrt


def same(got, expected) -> bool:
    return got == expected or sp.simplify(got - expected) == 0


EXPRESSIONS = [
    # the cross-entropy, as students type it
    ("-(t1*log(y1)+t2*log(y2)+t3*log(y3))", -(t1 * log(y1) + t2 * log(y2) + t3 * log(y3))),
    ("-log(y1**t1*y2**t2*y3**t3)", -log(y1**t1 * y2**t2 * y3**t3)),
    (r"-\log(y_1^{t_1} y_2^{t_2})", -log(y1**t1 * y2**t2)),
    (r"t_1\log y_1 + t_2\log y_2", t1 * log(y1) + t2 * log(y2)),
    (r"-(t1 log(y1))", -t1 * log(y1)),
    ("-(t log(y) + (1-t) log(1-y))", -(t * log(y) + (1 - t) * log(1 - y))),
    (r"-\frac{1}{N}\left(t_1\log y_1 + t_2\log y_2\right)", -(t1 * log(y1) + t2 * log(y2)) / N),
    (r"\frac{1}{N}", 1 / N),
    (r"\frac{\frac{1}{2}}{y}", 1 / (2 * y)),
    (r"\dfrac{t_1}{y_1}", t1 / y1),
    # numbers
    ("１．１０９", sp.Rational(1109, 1000)),
    ("1.1e-3", sp.Rational(11, 10000)),
    (".5", sp.Rational(1, 2)),
    ("5.", sp.Integer(5)),
    ("007", sp.Integer(7)),
    ("2^-1", sp.Rational(1, 2)),
    ("-2^2", sp.Integer(-4)),
    ("2*-3", sp.Integer(-6)),
    ("+y", y),
    ("--y", y),
    # Unicode operators and full-width forms
    ("y1×t1", y1 * t1),
    ("y1·t1", y1 * t1),
    ("y1⋅t1", y1 * t1),
    ("y1∙t1", y1 * t1),
    ("y1 ÷ t1", y1 / t1),
    ("−y1", -y1),
    ("－y1", -y1),
    ("‐y1", -y1),
    ("–y1", -y1),
    ("（ｙ１＋ｔ１）", y1 + t1),
    ("ｌｏｇ（ｙ）", log(y)),
    ("y²", y**2),
    ("y₁", y1),
    ("e⁻ᵗ", exp(-t)),
    ("y\u00a0+\u3000t", y + t),  # no-break and ideographic spaces
    # functions and constants
    ("ln(y)", log(y)),
    ("log10(y)", log(y) / log(10)),
    ("log2(y)", log(y) / log(2)),
    ("log(y, 2)", log(y) / log(2)),
    ("log(y, 10)", log(y) / log(10)),
    ("log(y, e)", log(y)),
    ("exp(t)", exp(t)),
    ("sqrt(y)", sqrt(y)),
    ("e", sp.E),
    ("e^{-t}", exp(-t)),
    ("pi", sp.pi),
    ("2π", 2 * sp.pi),
    ("E", E),  # capital E is a variable (documented); e is Euler's number
    # LaTeX subset
    (r"\ln y", log(y)),
    (r"\exp(t)", exp(t)),
    (r"\sqrt{y}", sqrt(y)),
    (r"\sqrt y", sqrt(y)),
    (r"\log y_{1}", log(y1)),
    (r"\log y_1^{t_1}", log(y1**t1)),
    (r"\log\log y", log(log(y))),
    (r"\log_2 y", log(y) / log(2)),
    (r"\log_{10} y", log(y) / log(10)),
    (r"\log_e y", log(y)),
    ("log_2(y)", log(y) / log(2)),
    (r"\left( y_1 \right)", y1),
    (r"y_1 \cdot y_2", y1 * y2),
    (r"y_1 \times y_2", y1 * y2),
    (r"y_1 \div y_2", y1 / y2),
    (r"t_1\,\log y_1", t1 * log(y1)),
    (r"t_1 \! y_1", t1 * y1),
    (r"y_{12} + t_{12}", y12 + t12),
    ("{y+1}^2", (y + 1) ** 2),
    (r"\pi", sp.pi),
    # implicit multiplication
    ("2y1", 2 * y1),
    ("2(y+1)", 2 * (y + 1)),
    ("(y1)(y2)", y1 * y2),
    ("y1(t1+1)", y1 * (t1 + 1)),
    ("t1 y1", t1 * y1),
    ("2log(y)", 2 * log(y)),
    ("log(y1)log(y2)", log(y1) * log(y2)),
    ("y^t1 y^t2", y**t1 * y**t2),
    ("1/2y", y / 2),  # implicit products bind like '*' (documented)
    ("log y1", log(y1)),
    # the rest of the default names
    ("p q L K T z z1 z2", p * q * L * K * T * z * z1 * z2),
    # whitespace around the answer is not part of it
    ("  y1 \n", y1),
    ("\ty1\t+\tt1", y1 + t1),
]


@pytest.mark.parametrize("text,expected", EXPRESSIONS, ids=[text for text, _ in EXPRESSIONS])
def test_expression_means_what_it_says(text, expected):
    got = parse_expression(text)
    assert isinstance(got, sp.Expr)
    assert same(got, expected), f"{text!r} -> {got}, expected {expected}"


def test_default_symbols_and_their_assumptions():
    assert DEFAULT_SYMBOLS["y1"] is parse_expression("y1")  # cached: same object each time
    for name in ("y", "y1", "p3", "q", "L"):
        assert DEFAULT_SYMBOLS[name].is_positive, name
    for name in ("t", "t12", "z2", "N", "K", "T", "E"):
        assert DEFAULT_SYMBOLS[name].is_real and DEFAULT_SYMBOLS[name].is_positive is None, name
    assert "y100" not in DEFAULT_SYMBOLS and "x" not in DEFAULT_SYMBOLS and "e" not in DEFAULT_SYMBOLS
    assert len(list(DEFAULT_SYMBOLS)) == len(DEFAULT_SYMBOLS) == 1110


def test_caller_symbols_replace_the_defaults():
    x = sp.Symbol("x")
    logit = sp.Symbol("logit", real=True)
    assert parse_expression("2x + logit", symbols={"x": x, "logit": logit}) == 2 * x + logit
    assert parse_expression("x(x+1)", symbols={"x": x}) == x * (x + 1)
    with pytest.raises(AnswerParseError) as info:
        parse_expression("y1", symbols={"x": x})
    assert info.value.code == "unknown_name"
    with pytest.raises(AnswerParseError) as info:
        parse_expression("y", symbols={})
    assert info.value.code == "unknown_name"


@pytest.mark.parametrize("bad", [{"log": sp.Symbol("a")}, {"e": sp.Symbol("a")}, {"y_1": sp.Symbol("a")},
                                 {"if": sp.Symbol("a")}, {"x": 1.5}])
def test_caller_symbols_are_validated(bad):
    with pytest.raises(ValueError) as info:
        parse_expression("1", symbols=bad)
    assert not isinstance(info.value, AnswerParseError)  # a caller bug, not a student error


# (text, code, offset into the original text)
ERRORS = [
    ("", "empty", None),
    ("   ", "empty", None),
    ("y1 + os", "unknown_name", 5),
    ("ｙ１＋ｏｓ", "unknown_name", 3),  # full-width: offsets count original characters
    ("  y1 + x", "unknown_name", 7),
    ("y² + x", "unknown_name", 5),
    (r"\frac{1}{x}", "unknown_name", 9),
    ("log(y1, 3)", "bad_log_base", 8),
    (r"\log_3 y", "bad_log_base", 0),
    ("exp(y, 2)", "bad_arity", 0),
    ("log(y, 2, 3)", "bad_arity", 0),
    ("log()", "bad_arity", 0),
    ("2 + log", "bad_arity", 4),
    ("sin(y)", "unknown_function", 0),
    (r"y + \sum y", "unknown_command", 4),
    ("1,5", "unexpected_comma", 1),
    ("2 3", "syntax", 2),
    ("(y", "syntax", 0),
    ("y)", "syntax", 1),
    ("(y}", "syntax", 2),
    ("1 + ", "syntax", 3),
    ("y^", "syntax", 2),
    ("50%", "percent_sign", 2),
    ("y^200", "exponent_too_large", 1),
    ("2^(50+60)", "exponent_too_large", 1),
    ("y^(t^2)", "exponent_too_large", 4),
    ("1/0", "undefined", 1),
    ("log(0)", "undefined", 0),
    ("y!", "bad_character", 1),
    ("y\u202e", "bad_character", 1),
    ("1" * 16, "number_too_large", 0),
    ("y" * 1001, "too_long", None),
    ("(" * 41 + "y" + ")" * 41, "too_deep", 40),
]


@pytest.mark.parametrize("text,code,offset", ERRORS, ids=[f"{code}:{text[:20]}" for text, code, _ in ERRORS])
def test_errors_have_a_code_and_an_offset_into_the_original(text, code, offset):
    with pytest.raises(AnswerParseError) as info:
        parse_expression(text)
    error = info.value
    assert error.code == code
    assert error.offset == offset
    assert code in ERROR_CODES
    message = str(error)
    assert "\n" not in message and message.isprintable()
    if offset is None:
        assert "column" not in message
    else:
        assert message.endswith(f"at column {offset + 1}")


def test_error_message_and_detail():
    with pytest.raises(AnswerParseError) as info:
        parse_expression("y1 + sin(y2) + os")
    assert info.value.code == "unknown_function"
    assert info.value.detail == {"name": "sin"}
    assert str(info.value) == "unknown function 'sin' at column 6"
    with pytest.raises(AnswerParseError) as info:
        parse_expression("y1 + os")
    assert str(info.value) == "unknown name 'os' at column 6"
    assert info.value.detail == {"name": "os"}


def test_bad_character_names_invisible_characters_instead_of_printing_them():
    with pytest.raises(AnswerParseError) as info:
        parse_expression("y1\u202e+t1")
    error = info.value
    assert error.detail["codepoint"] == "U+202E"
    assert error.detail["char_name"] == "RIGHT-TO-LEFT OVERRIDE"
    assert "\u202e" not in str(error) and "char" not in error.detail


def test_answer_parse_error_is_an_input_error_and_pickles():
    with pytest.raises(InputError) as info:
        parse_expression("y1 + os")
    error = info.value
    assert isinstance(error, ValueError) and error.exit_code == 2
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.code, clone.offset, clone.detail, str(clone)) == (error.code, error.offset, error.detail, str(error))


NUMBERS = [
    ("-log(0.33)", -math.log(0.33)),
    ("1.109", 1.109),
    ("１．１０９", 1.109),
    ("－0.48", -0.48),
    ("−0.48", -0.48),
    ("1.1e-3", 1.1e-3),
    ("ln(3)", math.log(3)),
    ("exp(-1)", math.exp(-1)),
    ("sqrt(2)", math.sqrt(2)),
    ("e", math.e),
    ("pi", math.pi),
    ("2^10", 1024.0),
    ("1/3", 1 / 3),
    ("0.1+0.2", 0.3),  # exact decimals: 3/10, not 0.30000000000000004
    ("1e-400", 0.0),
]


@pytest.mark.parametrize("text,expected", NUMBERS, ids=[text for text, _ in NUMBERS])
def test_parse_number_matches_the_math_module(text, expected):
    got = parse_number(text)
    assert type(got) is float
    assert got == expected


@pytest.mark.parametrize("text,expected", [
    ("-(0.2*log(0.5) + 0.8*log(0.25))", -(0.2 * math.log(0.5) + 0.8 * math.log(0.25))),
    ("log10(1000)", 3.0),
    ("log2(8)", 3.0),
    (r"-\frac{1}{2}(\log 0.5 + \log 0.25)", -(math.log(0.5) + math.log(0.25)) / 2),
])
def test_parse_number_close_to_the_math_module(text, expected):
    assert math.isclose(parse_number(text), expected, rel_tol=1e-14)


def test_percent_is_reported_not_guessed():
    assert parse_number_detail("50%") == (50.0, True)
    assert parse_number_detail("０．５") == (0.5, False)
    assert parse_number_detail(" 12.5 ％ ") == (12.5, True)
    for text in ("50%", "5%0", "50%%"):
        with pytest.raises(AnswerParseError) as info:
            parse_number(text) if text == "50%" else parse_number_detail(text)
        assert info.value.code == "percent_sign"


@pytest.mark.parametrize("text,code", [
    ("log(-1)", "not_a_number"),
    ("sqrt(-4)", "not_a_number"),
    ("exp(1000)", "not_a_number"),
    ("y1", "unknown_name"),
    ("1/0", "undefined"),
])
def test_parse_number_rejects_what_is_not_a_real_number(text, code):
    with pytest.raises(AnswerParseError) as info:
        parse_number(text)
    assert info.value.code == code


def test_parse_number_round_trips_float_reprs():
    for value in (0.1, 1 / 3, 2.5e-300, 1.7976931348623157e308, 123456.789, 5e-324):
        assert parse_number(repr(value)) == value
        assert parse_number(repr(-value)) == -value


def test_evaluate_at_a_point():
    expr = parse_expression("-(t1*log(y1) + t2*log(y2))")
    assert evaluate(expr, {t1: 1.0, t2: 0.0, y1: 0.2, y2: 0.8}) == pytest.approx(-math.log(0.2), rel=1e-15)
    softmax = parse_expression("exp(z1)/(exp(z1)+exp(z2))")
    assert evaluate(softmax, {z1: 1.0, z2: 2.0}) == pytest.approx(1 / (1 + math.e), rel=1e-15)


@pytest.mark.parametrize("text", [text for text, _ in EXPRESSIONS])
def test_evaluate_agrees_with_sympy(text):
    """Cross-check the fast evaluator against SymPy's own (trusted) evalf."""
    expr = parse_expression(text)
    point = {s: 0.3 + 0.1 * i for i, s in enumerate(sorted(expr.free_symbols, key=lambda s: s.name))}
    reference = complex(expr.evalf(30, subs=point))
    got = evaluate(expr, point)
    if abs(reference.imag) > 1e-12:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(reference.real, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("text,point", [
    ("log(y)", {y: -1.0}),
    ("sqrt(t)", {t: -4.0}),
    ("1/t", {t: 0.0}),
    ("exp(t)", {t: 1000.0}),
    ("t^(1/3)", {t: -8.0}),
    ("log(t)", {t: 0.0}),
    ("t^t", {t: -0.5}),
])
def test_evaluate_gives_nan_where_there_is_no_finite_real_value(text, point):
    assert math.isnan(evaluate(parse_expression(text), point))


def test_evaluate_refuses_what_it_cannot_know():
    with pytest.raises(KeyError):
        evaluate(parse_expression("y1 + y2"), {y1: 0.5})
    with pytest.raises(TypeError):
        evaluate(sp.sin(y), {y: 0.5})
    assert math.isnan(evaluate(sp.I * y, {y: 1.0}))


def _median_seconds(fn, repeat: int) -> float:
    fn()  # warm SymPy's caches, as a long-running checker would be
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_parse_expression_is_fast_on_a_typical_answer():
    text = r"-(t1*log(y1) + t2*log(y2) + t3*log(y3)) + 0.5*sqrt(y1)/N"
    assert 50 <= len(text) <= 70
    assert _median_seconds(lambda: parse_expression(text), 50) < 0.002


def test_evaluate_is_fast():
    expr = parse_expression(r"-(t1*log(y1) + t2*log(y2) + t3*log(y3)) + 0.5*sqrt(y1)/N")
    assert 15 <= sum(1 for _ in sp.preorder_traversal(expr)) <= 30
    point = {t1: 1.0, t2: 0.0, t3: 0.0, y1: 0.2, y2: 0.3, y3: 0.5, N: 4.0}
    assert _median_seconds(lambda: evaluate(expr, point), 200) < 0.0005


# --- property: random formulas, written four ways, mean what a float computation says ----------

_LEAF = st.one_of(
    st.integers(0, 20).map(lambda n: ("num", str(n))),
    st.sampled_from(["0.5", "1.25", "3e-1", ".75"]).map(lambda s: ("num", s)),
    st.sampled_from(["y1", "y2", "t1", "t2", "e", "pi"]).map(lambda s: ("sym", s)),
)
_EXPONENT = st.sampled_from([("num", "2"), ("num", "3"), ("num", "0.5"), ("sym", "t1"), ("sym", "y2"),
                             ("neg", ("num", "1"))])
_FUNCTIONS = {"log": math.log, "ln": math.log, "exp": math.exp, "sqrt": math.sqrt, "log2": math.log2,
              "log10": math.log10}
_TREES = st.recursive(_LEAF, lambda kids: st.one_of(
    st.tuples(st.just("bin"), st.sampled_from("+-*/"), kids, kids),
    st.tuples(st.just("pow"), kids, _EXPONENT),
    st.tuples(st.just("call"), st.sampled_from(sorted(_FUNCTIONS)), kids),
    st.tuples(st.just("neg"), kids),
), max_leaves=8)
_POINT = {"y1": 0.3, "y2": 0.7, "t1": 0.6, "t2": -1.4, "e": math.e, "pi": math.pi}
_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _render(node, style: str) -> str:
    """Fully bracketed text for a tree, in one of four input styles."""
    kind = node[0]
    if kind == "num":
        return node[1].translate(_FULLWIDTH) if style == "unicode" else node[1]
    if kind == "sym":
        name = node[1]
        if style == "latex":
            return "\\pi" if name == "pi" else f"{name[0]}_{{{name[1:]}}}" if name[0] in "yt" else name
        return name
    if kind == "neg":
        return ("−" if style == "unicode" else "-") + "(" + _render(node[1], style) + ")"
    if kind == "bin":
        op, a, b = node[1], _render(node[2], style), _render(node[3], style)
        if style == "latex" and op == "/":
            return f"\\frac{{{a}}}{{{b}}}"
        if style == "latex" and op == "*":
            return f"\\left({a}\\right) \\cdot \\left({b}\\right)"
        if style == "implicit" and op == "*":
            return f"(({a})({b}))"
        if style == "unicode":
            op = {"*": "×", "/": "÷", "-": "−"}.get(op, op)
        return f"({a} {op} {b})"
    if kind == "pow":
        a, b = _render(node[1], style), _render(node[2], style)
        return f"{{{a}}}^{{{b}}}" if style in ("latex", "implicit") else f"({a})**({b})"
    name, a = node[1], _render(node[2], style)
    if style == "latex" and name == "sqrt":
        return f"\\sqrt{{{a}}}"
    if style == "latex" and name in ("log", "ln", "exp"):
        return f"\\{name}\\left({a}\\right)"
    return f"{name}({a})"


def _oracle(node) -> float:
    kind = node[0]
    if kind == "num":
        return float(Fraction(node[1]))
    if kind == "sym":
        return _POINT[node[1]]
    if kind == "neg":
        return -_oracle(node[1])
    if kind == "bin":
        a, b = _oracle(node[2]), _oracle(node[3])
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[node[1]]()
    if kind == "pow":
        return math.pow(_oracle(node[1]), _oracle(node[2]))
    return _FUNCTIONS[node[1]](_oracle(node[2]))


def _call_depth(node) -> int:
    if node[0] in ("num", "sym"):
        return 0
    below = max(_call_depth(child) for child in node[1:] if isinstance(child, tuple))
    return below + (node[0] == "call")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, st.sampled_from(["python", "latex", "unicode", "implicit"]))
def test_random_formulas_parse_to_what_they_mean(tree, style):
    text = _render(tree, style)
    try:
        expr = parse_expression(text)
    except AnswerParseError as error:
        if error.code == "too_deep":
            assert _call_depth(tree) > 4, text
        else:  # e.g. (y1 - y1)^-1: SymPy sees the zero exactly
            assert error.code == "undefined", (text, str(error))
        return
    try:
        want = _oracle(tree)
    except (ValueError, ZeroDivisionError, OverflowError):
        return  # no real value at this point: nothing to compare
    if not math.isfinite(want) or abs(want) > 1e12:
        return
    got = evaluate(expr, {s: _POINT[s.name] for s in expr.free_symbols})
    assert math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-7), (text, str(expr), got, want)
