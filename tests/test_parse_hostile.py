"""The answer parser under attack: every hostile input is rejected with the
expected AnswerParseError (never another exception), quickly, and without
any of the dangerous entry points ever being reached."""

import ast
import builtins
import importlib
import importlib.util
import math
import os
import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xentlab.parse as parse_module
import xentlab.parse.latex as parse_latex
import xentlab.parse.whitelist as parse_whitelist
from xentlab.parse import ERROR_CODES, AnswerParseError, evaluate, parse_expression, parse_number, parse_number_detail

BUDGET_SECONDS = 2.0  # a safety property, not a performance target


def _load_corpus():
    path = Path(__file__).parent / "data" / "hostile_inputs.py"
    spec = importlib.util.spec_from_file_location("xentlab_hostile_inputs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HOSTILE, module.HEAVY


HOSTILE, HEAVY = _load_corpus()


def _timed(fn, text):
    start = time.perf_counter()
    try:
        return fn(text), None, time.perf_counter() - start
    except AnswerParseError as error:
        return None, error, time.perf_counter() - start


def _assert_well_formed(error: AnswerParseError, text: str) -> None:
    assert error.code in ERROR_CODES
    assert error.offset is None or 0 <= error.offset <= len(text)
    message = str(error)
    assert message and "\n" not in message and message.isprintable()
    assert isinstance(error.detail, dict)


def test_corpus_is_big_and_distinct():
    assert len(HOSTILE) >= 60
    assert len({label for label, _, _ in HOSTILE}) == len(HOSTILE)
    assert len({text for _, text, _ in HOSTILE}) == len(HOSTILE)
    assert {code for _, _, code in HOSTILE} >= {
        "bad_character", "unknown_name", "unknown_function", "forbidden_syntax", "exponent_too_large",
        "number_too_large", "too_long", "too_deep", "too_many_nodes", "unknown_command", "syntax"}


@pytest.mark.parametrize("label,text,code", HOSTILE, ids=[label for label, _, _ in HOSTILE])
def test_hostile_input_is_rejected_quickly(label, text, code):
    for fn in (parse_expression, parse_number, parse_number_detail):
        result, error, seconds = _timed(fn, text)
        assert error is not None, f"{fn.__name__} accepted {label}: {result!r}"
        assert seconds < BUDGET_SECONDS, f"{fn.__name__} took {seconds:.2f}s on {label}"
        _assert_well_formed(error, text)
    # the symbol-free entry points may stop at a different check, parse_expression must not
    _, error, _ = _timed(parse_expression, text)
    assert error.code == code, f"{label}: {error.code} ({error})"


@pytest.mark.parametrize("label,text", HEAVY, ids=[label for label, _ in HEAVY])
def test_heavy_input_finishes_in_budget(label, text):
    assert len(text) <= parse_module.MAX_LENGTH
    for fn in (parse_expression, parse_number):
        result, error, seconds = _timed(fn, text)
        assert seconds < BUDGET_SECONDS, f"{fn.__name__} took {seconds:.2f}s on {label}"
        if error is not None:
            _assert_well_formed(error, text)
        elif fn is parse_number:
            assert math.isfinite(result)


def test_heavy_inputs_are_mostly_accepted():
    """They are meant to reach SymPy: if the limits rejected them all, the
    timing test above would prove nothing."""
    accepted = sum(_timed(parse_expression, text)[1] is None for _, text in HEAVY)
    assert accepted >= len(HEAVY) - 1


# --- canaries ---------------------------------------------------------------------------------


def _payloads(target: Path) -> list[str]:
    p = str(target)
    return [
        f"__import__('os').system('touch {p}')",
        f"open('{p}', 'w').write('x')",
        f"exec(\"open('{p}','w')\")",
        f"eval(\"open('{p}','w')\")",
        f"__import__('pathlib').Path('{p}').touch()",
        f"compile(\"open('{p}','w')\", 'x', 'exec')",
        f"\\input{{{p}}}",
        f"\\immediate\\write18{{touch {p}}}",
        "__import__('os').environ.__setitem__('XENTLAB_PWNED', '1')",
        "().__class__.__base__.__subclasses__()[0]",
        "y.__class__.__init__.__globals__",
        f"[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]('touch {p}', shell=True)",
    ]


class _Tripwire:
    """Replacement for a dangerous callable: records the call and refuses it."""

    def __init__(self, name: str, calls: list, passthrough=None):
        self.name, self.calls, self.passthrough = name, calls, passthrough

    def __call__(self, *args, **kwargs):
        if self.passthrough is not None:
            return self.passthrough(*args, **kwargs)
        self.calls.append(self.name)
        raise AssertionError(f"{self.name} was called")


def test_injection_payloads_have_no_effect(tmp_path, monkeypatch):
    target = tmp_path / "pwned"
    monkeypatch.delenv("XENTLAB_PWNED", raising=False)
    calls: list[str] = []

    sympify_module = importlib.import_module("sympy.core.sympify")  # sp.core.sympify is the function
    real_sympify = sympify_module.sympify

    def sympify_without_strings(a, *args, **kwargs):
        # SymPy calls sympify internally on its own objects; text must never get there.
        if isinstance(a, str):
            calls.append("sympify(str)")
            raise AssertionError("a string reached sympify")
        return real_sympify(a, *args, **kwargs)

    real_compile = builtins.compile

    def compile_ast_only(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse is compile(..., PyCF_ONLY_AST); anything producing code is refused.
        if not flags & ast.PyCF_ONLY_AST:
            calls.append("compile")
            raise AssertionError("compile to bytecode")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    # import_module: several of these packages re-export a function under the module's own name
    parser_module = importlib.import_module("sympy.parsing.sympy_parser")
    latex_module = importlib.import_module("sympy.parsing.latex")
    lambdify_module = importlib.import_module("sympy.utilities.lambdify")

    monkeypatch.setattr(sympify_module, "sympify", sympify_without_strings)
    monkeypatch.setattr(sp, "sympify", sympify_without_strings)
    monkeypatch.setattr(parser_module, "parse_expr", _Tripwire("parse_expr", calls))
    monkeypatch.setattr(latex_module, "parse_latex", _Tripwire("parse_latex", calls))
    monkeypatch.setattr(lambdify_module, "lambdify", _Tripwire("lambdify", calls))
    monkeypatch.setattr(sp, "lambdify", _Tripwire("lambdify", calls))
    monkeypatch.setattr(sp, "parse_expr", _Tripwire("parse_expr", calls), raising=False)
    monkeypatch.setattr(builtins, "eval", _Tripwire("eval", calls))
    monkeypatch.setattr(builtins, "exec", _Tripwire("exec", calls))
    monkeypatch.setattr(builtins, "compile", compile_ast_only)

    everything = _payloads(target) + [text for _, text, _ in HOSTILE] + [text for _, text in HEAVY]
    for text in everything:
        for fn in (parse_expression, parse_number, parse_number_detail):
            try:
                fn(text)
            except AnswerParseError:
                pass
    # the happy path runs under the tripwires too
    assert parse_expression("-(t1*log(y1) + t2*log(y2))") is not None
    monkeypatch.undo()

    assert calls == []
    assert not target.exists()
    assert "XENTLAB_PWNED" not in os.environ
    for text in _payloads(target):
        with pytest.raises(AnswerParseError):
            parse_expression(text)


def test_the_module_never_calls_dangerous_functions():
    """Static canary over every module of the parse package: none of these is called anywhere."""
    modules = sorted(Path(parse_module.__file__).parent.glob("*.py"))
    assert len(modules) >= 6
    for module in modules:
        _assert_no_dangerous_calls(module.read_text(encoding="utf-8"))


def _assert_no_dangerous_calls(source: str) -> None:
    forbidden = {"eval", "exec", "compile", "sympify", "parse_expr", "parse_latex", "lambdify", "getattr",
                 "__import__", "S", "N", "evalf", "setattr", "open", "simplify"}
    called = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            regex = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"
            if name in forbidden and not regex:  # re.compile builds a regex, not code
                called.add(f"{name} (line {node.lineno})")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                assert alias.name.split(".")[-1] not in forbidden, alias.name
    assert called == set()


# --- the whitelist walk, tested without the character filter in front of it -------------------

def _fake_source(text: str):
    return parse_latex.Source(text, list(range(len(text) + 1)), [0] * len(text), [text])


@pytest.mark.parametrize("python", [
    "y[0]", "[y for y in t]", "(y for y in t)", "{y: t}", "{y}", "lambda: 0", "(y := 2)", "f'{y}'", "'abc'",
    "b'abc'", "y if t else z", "y and t", "not y", "y < t", "y % t", "y // t", "y @ t", "y ^ t", "y | t",
    "y & t", "y << t", "~y", "y.real", "y.real(1)", "log(*y)", "log(**y)", "log(y, base=2)", "log(y)(t)",
    "await y", "...", "True", "None", "1j", "(y, t)", "[y]",
])
def test_whitelist_rejects_python_constructs(python):
    tree = ast.parse(python, mode="eval").body
    with pytest.raises(AnswerParseError) as info:
        parse_whitelist.validate(tree, _fake_source(python))
    assert info.value.code == ("unexpected_comma" if python == "(y, t)" else "forbidden_syntax")


def test_whitelist_accepts_the_language():
    for python in ("-(t1*log(y1) + t2*log(y2))", "y**2 / 3 - +t", "log(y, 2)", "exp(sqrt(y))"):
        parse_whitelist.validate(ast.parse(python, mode="eval").body, _fake_source(python))


# --- fuzzing ----------------------------------------------------------------------------------

def _parse_or_reject(text: str) -> None:
    result, error, seconds = _timed(parse_expression, text)
    assert seconds < BUDGET_SECONDS
    if error is not None:
        _assert_well_formed(error, text)
        return
    assert isinstance(result, sp.Expr)
    value = evaluate(result, {s: 0.37 for s in result.free_symbols})  # never raises on parser output
    assert isinstance(value, float)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MATHY_CHARS = "yt12() +-*/^._{}\\,e"
MATHY_TOKENS = ["y", "t", "y1", "t2", "1", "2", "0.5", "1e-3", "(", ")", "+", "-", "*", "/", "^", "**", ".", "_",
                "{", "}", "\\", ",", " ", "log", "ln", "exp", "sqrt", "e", "pi", "\\log", "\\frac", "\\sqrt",
                "\\left(", "\\right)", "\\cdot", "_{1}", "%", "−", "×", "²", "１", "log10", "log2", "\\,", "100"]


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_any_unicode(text):
    _parse_or_reject(text)


@FUZZ
@given(st.text(alphabet=MATHY_CHARS, max_size=120))
def test_fuzz_mathy_characters(text):
    _parse_or_reject(text)


@FUZZ
@given(st.lists(st.sampled_from(MATHY_TOKENS), max_size=60).map("".join))
def test_fuzz_mathy_tokens(text):
    _parse_or_reject(text)
    try:
        value = parse_number(text)
    except AnswerParseError as error:
        _assert_well_formed(error, text)
    else:
        assert math.isfinite(value)
