"""Student text is data, at the checking boundary too: every hostile input becomes an `invalid`
or `incorrect` verdict within 2 s, never an exception, and no code runs."""

import builtins
import importlib
import importlib.util
import os
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xentlab.parse  # noqa: F401  (imported before the tripwires: importing a module runs exec)
from xentlab.check import check_choice, check_expression, check_number
from xentlab.mistakes import catalogue, expected_value
from xentlab.solve import Inputs

BUDGET = 2.0
DOG = Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0.0, 0.0]))
EXPECTED, MISTAKES = expected_value("cross-entropy", DOG), catalogue("cross-entropy", DOG)
FORMULA = "-(t1*log(y1)+t2*log(y2)+t3*log(y3))"


def corpus():
    spec = importlib.util.spec_from_file_location("hostile", Path(__file__).parent / "data" / "hostile_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [text for _, text, _ in module.HOSTILE] + [text for _, text in module.HEAVY]


HOSTILE = corpus()
CHECKS = {
    "number": lambda text: check_number(text, EXPECTED, MISTAKES),
    "formula": lambda text: check_expression(text, FORMULA),
    "choice": lambda text: check_choice(text, "log_power", ("log_product_to_sum", "log_power", "negate")),
}


def test_corpus_is_large():
    assert len(HOSTILE) >= 50


@pytest.mark.parametrize("how", CHECKS)
def test_every_hostile_input_gets_a_verdict_in_time(how):
    slow = []
    for text in HOSTILE:
        start = time.perf_counter()
        verdict = CHECKS[how](text)
        elapsed = time.perf_counter() - start
        assert verdict.status in ("invalid", "incorrect"), (text[:60], verdict)
        if elapsed > BUDGET:
            slow.append((text[:40], elapsed))
    assert slow == []


def test_no_code_runs_while_checking(tmp_path, monkeypatch):
    calls = []

    def tripwire(name):
        def fire(*args, **kwargs):
            calls.append(name)
            raise AssertionError(name)
        return fire

    for check in CHECKS.values():  # warm every lazy import first: importing a module runs exec
        check("-log(y1)")
    # and the happy path below: its symbolic confirmation runs in a worker process now, so the parent
    # no longer imports SymPy's simplify machinery (and what SymPy imports lazily) on an earlier answer
    assert check_expression("-log(y1**t1*y2**t2*y3**t3)", FORMULA).status == "correct"
    sympify_module = importlib.import_module("sympy.core.sympify")
    real_sympify = sympify_module.sympify

    def sympify_objects_only(a, *args, **kwargs):
        if isinstance(a, str):
            calls.append("sympify(str)")
            raise AssertionError("a string reached sympify")
        return real_sympify(a, *args, **kwargs)

    monkeypatch.setattr(sympify_module, "sympify", sympify_objects_only)
    monkeypatch.setattr(sp, "sympify", sympify_objects_only)
    monkeypatch.setattr(importlib.import_module("sympy.parsing.sympy_parser"), "parse_expr", tripwire("parse_expr"))
    monkeypatch.setattr(importlib.import_module("sympy.utilities.lambdify"), "lambdify", tripwire("lambdify"))
    monkeypatch.setattr(sp, "lambdify", tripwire("lambdify"))
    monkeypatch.setattr(builtins, "eval", tripwire("eval"))
    monkeypatch.setattr(builtins, "exec", tripwire("exec"))
    canary = tmp_path / "canary"
    payloads = [f"__import__('os').system('touch {canary}')", f"open('{canary}','w')", "__import__('os').environ.setdefault('XENTLAB_CANARY','1')"]
    for text in payloads + HOSTILE:
        for check in CHECKS.values():
            check(text)
    assert check_expression("-log(y1**t1*y2**t2*y3**t3)", FORMULA).status == "correct"  # the happy path, under the tripwires
    monkeypatch.undo()
    assert calls == []
    assert not canary.exists() and "XENTLAB_CANARY" not in os.environ


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_fuzzed_text_always_gets_a_verdict(text):
    for check in CHECKS.values():
        start = time.perf_counter()
        verdict = check(text)
        assert verdict.status in ("correct", "incorrect", "invalid")
        assert time.perf_counter() - start < BUDGET


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=list("yt123()+-*/^. log ln exp_{}\\,e"), max_size=80))
def test_fuzzed_formulas_always_get_a_verdict(text):
    verdict = check_expression(text, FORMULA)
    assert verdict.status in ("correct", "incorrect", "invalid")
