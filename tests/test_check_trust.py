"""No forged, no lost verdict (issue 11): formulas at points nobody can know in advance, high precision
where float64 loses the answer, a time limit that holds off the main thread, one failure one row."""

import json
import math
import threading

import numpy as np
import pytest
import sympy as sp

from conftest import one_line_error, run
from xentlab import answerkey, equivalence
from xentlab.check import check_expression, check_number

FORMULA = "-(t1*log(y1)+t2*log(y2)+t3*log(y3))"


def old_points(item: int, count: int = 40) -> list[float]:
    """y1 at the points the old checker drew for `item` (rng_for(item, 1), y uniform in (0.05, 0.95),
    symbols in name order t1 t2 t3 y1 y2 y3): anyone could compute them from the item id."""
    rng = np.random.default_rng(np.random.SeedSequence(item, spawn_key=(1,)))
    values = []
    for _ in range(count):
        point = {}
        for name in ("t1", "t2", "t3", "y1", "y2", "y3"):
            point[name] = float(rng.uniform(0.0, 1.0)) if name[0] == "t" else float(rng.uniform(0.05, 0.95))
        values.append(point["y1"])
    return values


def test_a_formula_built_from_predictable_points_is_not_accepted():
    # 1e14 · Π (y1 − a_i) vanishes at the old checker's first ten points of item 3 and nowhere near them
    factors = "*".join(f"(y1-{a!r})" for a in old_points(3)[:10])
    forged = f"{FORMULA}+10^14*{factors}"
    verdict = check_expression(forged, FORMULA, seed=3)
    assert verdict.status == "incorrect", verdict
    # the points come from the answer text too: the same answer always gets the same verdict
    assert check_expression(forged, FORMULA, seed=3) == verdict


def test_points_depend_on_answer_expected_and_item():
    seeds = {equivalence.point_seed(a, e, i) for a in ("y1", "y1 ") for e in ("y1", "y2") for i in (1, 2)}
    assert len(seeds) == 8


@pytest.mark.parametrize("text", [
    "log(y1^(1000 t1) y2^(1000 t2) y3^(1000 t3))/(-1000)",  # y^(1000 t) underflows float64
    FORMULA + " + (y1 + 10^16)^2 - y1^2 - 2*10^16*y1 - 10^32",  # the extra terms are 0; float64 loses y1 beside 10^32
])
def test_float64_losing_the_answer_is_not_a_wrong_answer(text):
    assert check_expression(text, FORMULA).status == "correct"


def test_a_tiny_real_difference_is_still_found():
    # agrees to about 1e-13 in float64 at every point, but is not the same function
    verdict = check_expression(FORMULA + " + 10^(-13)*(y1 + 10^16)^2 - 10^19 - 10^(-13)*y1^2", FORMULA)
    assert verdict.status == "incorrect"


@pytest.fixture
def slow_simplify(monkeypatch):
    """A symbolic confirmation that never ends in time: the worker (forked after the patch) sleeps."""
    import time

    from xentlab import limits

    def never_in_time(a_text, b_text):
        time.sleep(30)
        return True

    limits.stop_worker()
    monkeypatch.setattr(equivalence, "symbolically_equal", never_in_time)
    monkeypatch.setattr(equivalence, "SYMBOLIC_SECONDS", 0.3)
    yield
    limits.stop_worker()  # the next test forks a worker with the real function


def test_symbolic_confirmation_out_of_time_is_still_correct(slow_simplify, capsys):
    verdict = check_expression("-log(y1^t1 y2^t2 y3^t3)", FORMULA)
    assert (verdict.status, verdict.detail["confirmed"]) == ("correct", "numeric"), verdict
    code, out, err = run(capsys, "check", "--expect", FORMULA, "--answer", "-log(y1^t1 y2^t2 y3^t3)", "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["status"] == "correct" and document["confirmed"] == "numeric", (out, err)


def test_symbolic_confirmation_when_it_finishes(capsys):
    code, out, _ = run(capsys, "check", "--expect", FORMULA, "--answer", "-log(y1^t1 y2^t2 y3^t3)", "--format", "json")
    assert json.loads(out)["confirmed"] == "symbolic"


def test_the_time_limit_holds_off_the_main_thread(monkeypatch):
    import xentlab.check as check_module

    monkeypatch.setattr(check_module, "TIME_LIMIT", 0.0)  # every checkpoint is already past the deadline
    verdicts = []
    thread = threading.Thread(target=lambda: verdicts.append(check_expression("-log(y1^t1 y2^t2 y3^t3)", FORMULA)))
    thread.start()
    thread.join(timeout=60)
    assert verdicts and (verdicts[0].status, verdicts[0].message) == ("invalid", "timeout")


def test_a_worker_that_never_answers_is_killed_in_time():
    import time

    from xentlab.limits import CheckTimeout, run_in_worker

    start = time.monotonic()
    with pytest.raises(CheckTimeout):
        run_in_worker("time", "sleep", 30, timeout=0.5)
    assert time.monotonic() - start < 10  # killed at the deadline, not after 30 s
    assert run_in_worker("math", "sqrt", 4.0, timeout=30) == 2.0  # a fresh worker takes over


def test_any_exception_while_checking_is_an_invalid_verdict(monkeypatch):
    import xentlab.answers as answers

    def broken(text):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(answers, "read_number", broken)
    verdict = check_number("1.109", 1.1087, [])
    assert (verdict.status, verdict.message, verdict.detail["error"]) == ("invalid", "unchecked", "ZeroDivisionError")


def test_a_key_formula_that_breaks_a_variant_does_not_break_the_check():
    # rebasing log(log(2)) for the log2 variant gives log(1)/log(2) = 0 in a denominator
    assert check_expression("y1", "y1/log(log(2))").status in ("incorrect", "correct")
    assert check_expression("y1/log(log(2))", "y1/log(log(2))").status == "correct"


def test_a_key_formula_not_finite_at_valid_points_is_refused(tmp_path):
    params = {"derivation": "multiclass", "classes": 2, "to": "E"}
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"items": [{"id": 1, "kind": "derive-step", "question_params": params, "answer": "log(t1-2)"}]}), "utf-8")
    with pytest.raises(answerkey.InputError) as caught:
        answerkey.load(key)
    assert "not a finite number at valid points" in str(caught.value)


@pytest.mark.parametrize(("args", "needle"), [
    (["--expect", "log((", "--answer", "y1"], "--expect is not a formula"),
    (["--expect", "log(t1-2)", "--answer", "y1"], "is not a finite number at valid points"),
])
def test_a_bad_expect_is_a_command_error(capsys, args, needle):
    code, out, err = run(capsys, "check", *args, "--lang", "en")
    one_line_error(code, err, needle)
    assert out == ""


@pytest.mark.parametrize("option", [("--rtol", "inf"), ("--rtol", "1e6"), ("--rtol", "0.6"), ("--atol", "-1"), ("--atol", "nan"), ("--sig-figs", "0")])
def test_tolerances_on_the_command_line_are_bounded(capsys, option):
    code, _, err = run(capsys, "check", "--kind", "cross-entropy", "--y", "0.3,0.7", "--t", "1,0", "--answer", "1.2", *option, "--lang", "en")
    one_line_error(code, err, option[0])


@pytest.mark.parametrize("tolerance", [{"rtol": 1e6}, {"rtol": float("inf")}, {"atol": 0.51}, {"rtol": -0.1}, {"sig_figs": 0}, {"sig_figs": 2.5}])
def test_tolerances_in_a_key_are_bounded(tmp_path, tolerance):
    item = {"id": 1, "kind": "inverse", "question_params": {"loss": math.log(4)}, "answer": 0.25, "tolerance": tolerance}
    (tmp_path / "key.json").write_text(json.dumps({"items": [item]}), "utf-8")
    with pytest.raises(answerkey.InputError) as caught:
        answerkey.load(tmp_path / "key.json")
    assert "tolerance" in str(caught.value)


def test_a_large_k_with_labels_needs_no_k_by_k_matrix(tmp_path):
    """K = 60,000 with a label: the old one-hot (np.eye(K)[labels]) wanted 26.8 GiB. Under a 1.5 GiB
    address-space limit the check still gives its verdict."""
    import subprocess
    import sys

    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))\n"
        "from xentlab.cli import main\n"
        "K = 60000\n"
        "y = ','.join(['0.00001'] * (K - 1) + [repr(1 - 0.00001 * (K - 1))])\n"
        "main(['check', '--kind', 'cross-entropy', '--y', y, '--labels', str(K - 1), '--answer', '0.5', '--format', 'json'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    expected = -math.log(1 - 0.00001 * 59999)  # −ln 0.40001
    assert json.loads(proc.stdout)["expected"] == pytest.approx(expected, rel=1e-9)


def test_a_key_larger_than_the_limit_is_refused(tmp_path, capsys):
    items = [{"id": i, "kind": "inverse", "question_params": {"loss": math.log(4)}, "answer": 0.25} for i in range(1, 10_002)]
    (tmp_path / "key.json").write_text(json.dumps({"items": items}), "utf-8")
    code, _, err = run(capsys, "check", "--key", str(tmp_path / "key.json"), "--item", "1", "--answer", "0.25", "--lang", "en")
    one_line_error(code, err, "more than 1000 items")


def test_check_key_computes_only_the_item_asked(tmp_path, monkeypatch):
    computed = []
    real = answerkey._computed.__wrapped__

    def counting(kind, params):
        computed.append(kind)
        return real(kind, params)

    monkeypatch.setattr(answerkey, "_computed", counting)
    items = [{"id": i, "kind": "inverse", "question_params": {"loss": round(0.1 * i, 4)}, "answer": math.exp(-round(0.1 * i, 4))}
             for i in range(1, 201)]
    (tmp_path / "key.json").write_text(json.dumps({"items": items}), "utf-8")
    loaded = answerkey.load(tmp_path / "key.json", only=7)
    assert computed == ["inverse"] and loaded[7].answer == pytest.approx(math.exp(-0.7)) and loaded[8] is None
    assert len(loaded) == 200


def test_symbolic_variants_are_finite_or_skipped():
    expected = sp.log(sp.Symbol("y1", positive=True))
    assert check_expression("log10(y1)", "log(y1)").diagnosis == ("log_base_10",)
    assert all(codes for codes, _ in equivalence.symbolic_variants(expected))
