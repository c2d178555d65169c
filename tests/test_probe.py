"""xentlab.probe names the mistake in a student's loss function.

The corpus (tests/data/student_losses.py) holds the wrong functions with the codes a person reads
off their code, and right ones that must pass. The cases' expected values are checked against
mpmath, the math module and scikit-learn, independently of the kernels that produce them.
"""

import math
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))
import student_losses as corpus  # noqa: E402

from xentlab.probing import cases as probe_cases  # noqa: E402
from xentlab.probing import probe  # noqa: E402

mpmath.mp.dps = 40


def _id(entry):
    return entry[0].__name__


@pytest.mark.parametrize("entry", corpus.WRONG, ids=_id)
def test_probe_names_the_mistake(entry):
    fn, options, expected = entry
    verdict = probe(fn, **options)
    assert verdict.status == "incorrect"
    assert set(verdict.diagnosis) == expected, (verdict.diagnosis, verdict.failing)
    assert verdict.failing is not None


@pytest.mark.parametrize("entry", corpus.RIGHT, ids=_id)
def test_probe_passes_right_functions(entry):
    fn, options = entry
    verdict = probe(fn, **options)
    assert verdict.status == "correct", (verdict.diagnosis, verdict.failing)
    assert verdict.diagnosis == () and verdict.failing is None and all(r["passed"] for r in verdict.results)


def test_corpus_size():
    assert len(corpus.WRONG) >= 40 and len(corpus.RIGHT) >= 15


def test_seed_functions_failing_probe_shows_expected_and_actual_by_hand():
    """Seed 001's function on the first batch: the mean of −ln 0.6 and −ln 0.2 is expected, their sum comes back."""
    verdict = probe(corpus.cross_entropy_error)
    failing = verdict.failing
    assert failing["case"] == "batch_2x3"
    assert failing["expected"] == pytest.approx((-math.log(0.6) - math.log(0.2)) / 2, rel=1e-12)
    assert failing["actual"] == pytest.approx(-math.log(0.6) - math.log(0.2), rel=1e-12)
    assert failing["args"][0] == [[0.25, 0.60, 0.15], [0.20, 0.30, 0.50]]
    # seed 002 takes (y_true, y_pred): the probe reads the names and passes the target first
    assert probe(corpus.cross_entropy_loss).target_first
    assert not verdict.target_first


def test_exception_is_the_students_error():
    verdict = probe(corpus.ce_typo)
    assert verdict.failing["error"] == "raised_exception"
    assert verdict.failing["detail"].startswith("AttributeError") and "lg" in verdict.failing["detail"]


def test_timeout_stops_a_runaway_loop_quickly():
    import time

    start = time.perf_counter()
    verdict = probe(corpus.ce_runs_forever, time_limit=0.1)
    assert verdict.diagnosis == ("timed_out",)
    assert time.perf_counter() - start < 5


def test_timeout_off_the_main_thread():
    import threading

    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("v", probe(corpus.ce_runs_forever, time_limit=0.1)))
    worker.start()
    worker.join(30)
    assert box["v"].diagnosis == ("timed_out",)


def test_student_cannot_swallow_the_timeout():
    def stubborn(y, t):
        while True:
            try:
                while True:
                    pass
            except Exception:
                pass

    assert probe(stubborn, time_limit=0.1).diagnosis == ("timed_out",)


def test_a_number_as_text_is_not_a_number():
    """A loss returned as text (str(loss), f"{loss:.4f}") is not a number, even when NumPy would
    parse it: the right value 0.356675 (= -ln 0.7, seed 002's first example) as a string fails."""
    def as_text(y, t):
        return str(-np.mean(np.sum(t * np.log(np.clip(y, 1e-12, 1.0)), axis=-1)))

    assert math.isclose(float(as_text(np.array([0.7, 0.2, 0.1]), np.array([1, 0, 0]))), -math.log(0.7))
    verdict = probe(as_text)
    assert verdict.status == "incorrect" and verdict.diagnosis == ("not_a_number",)
    assert verdict.failing["detail"] == "str"


def test_sys_exit_in_the_function_is_the_students_error():
    def quits(y, t):
        sys.exit(3)

    verdict = probe(quits)
    assert verdict.diagnosis == ("raised_exception",) and verdict.failing["detail"] == "SystemExit: 3"


def test_the_returned_objects_own_code_runs_under_the_time_limit():
    import time

    class Stuck:
        def __array__(self, dtype=None, copy=None):
            while True:
                pass

        def __float__(self):
            while True:
                pass

    start = time.perf_counter()
    assert probe(lambda y, t: Stuck(), time_limit=0.1).diagnosis == ("timed_out",)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("limit", [-1, 0, float("nan"), float("inf"), 1e12, True, "2"])
def test_a_bad_time_limit_is_the_callers_error_not_the_students(limit):
    """setitimer(-1) or setitimer(1e12) fails inside the call: that used to come back as the
    student's raised_exception (and 0 switched the limit off)."""
    def right(y, t):
        return -np.mean(np.sum(t * np.log(np.clip(y, 1e-12, 1.0)), axis=-1))

    with pytest.raises(ValueError, match="time_limit"):
        probe(right, time_limit=limit)


def test_a_harmless_epsilon_is_not_called_too_large_where_the_mistake_takes_log_0():
    """Labels used 1-based (labels - 1) pick class K for label 0; on the batch [[0, 1, 0], [0.5, 0.5, 0]]
    with labels [1, 0] both picked probabilities are 0, so that wrong formula is inf there, and
    the student's clip at 1e-12 (README's own ε) gives −ln 1e-12 ≈ 27.63 instead. That is the
    guard working, not an ε too large; a clip at 1e-2 is (−ln 0.01 ≈ 4.6 there, by hand)."""
    def one_based(eps):
        def f(y, labels):
            y, labels = np.atleast_2d(np.clip(y, eps, 1.0)), np.atleast_1d(labels)
            return -np.mean(np.log(y[np.arange(len(labels)), labels - 1]))
        return f

    assert probe(one_based(1e-12), targets="labels").diagnosis == ("wrong_class",)
    assert probe(one_based(1e-2), targets="labels").diagnosis == ("wrong_class", "epsilon_too_large")


def test_inputs_are_copies():
    def mutating(y, t):
        y[y == 0] = 1e-12
        y *= 1.0
        return -np.mean(np.sum(t * np.log(y), axis=-1))

    assert probe(mutating).status == "correct"
    first = probe_cases.cases(probe_cases.spec_for("cross-entropy"))[0]
    assert first.args[0].tolist() == [0.70, 0.20, 0.10]


def test_explicit_order_overrides_names():
    def reversed_names(t, y):
        return -np.mean(np.sum(t * np.log(np.clip(y, 1e-12, 1)), axis=-1))

    assert probe(reversed_names).status == "correct"
    assert probe(reversed_names, order="pred,target").status == "incorrect"


def test_bad_arguments_are_developer_errors():
    with pytest.raises(ValueError):
        probe(corpus.ce_xlogy, kind="nonsense")
    with pytest.raises(ValueError):
        probe(corpus.ce_xlogy, kind="sse", targets="labels")
    with pytest.raises(TypeError):
        probe("not a function")


# --- the expected values, from independent sources -----------------------------------------------

def _mp_ce(y, t):
    rows_y, rows_t = np.atleast_2d(y), np.atleast_2d(t)
    total = mpmath.mpf(0)
    for ry, rt in zip(rows_y, rows_t):
        total -= sum(mpmath.mpf(float(tk)) * mpmath.log(mpmath.mpf(float(yk))) for yk, tk in zip(ry, rt) if tk)
    return total / len(rows_y)


def _mp_softmax(row):
    m = max(row)
    exps = [mpmath.exp(mpmath.mpf(float(z)) - mpmath.mpf(float(m))) for z in row]
    s = sum(exps)
    return [e / s for e in exps]


@pytest.mark.parametrize("options", [{}, {"targets": "labels"}, {"kind": "binary-cross-entropy"}, {"kind": "softmax-cross-entropy"},
                                     {"kind": "softmax-cross-entropy", "output": "gradient"}, {"kind": "sse"},
                                     {"kind": "sse", "half": True}, {"kind": "token-loss"}, {"kind": "token-loss", "output": "perplexity"}])
def test_case_expected_values_against_mpmath(options):
    spec = probe_cases.spec_for(options.pop("kind", "cross-entropy"), **options)
    for case in probe_cases.cases(spec):
        if spec.kind == "cross-entropy":
            y, target = case.args
            t = target if spec.targets == "one-hot" else np.eye(np.shape(y)[-1])[np.atleast_1d(target)].reshape(np.shape(y))
            truth = _mp_ce(y, t)
        elif spec.kind == "binary-cross-entropy":
            y, t = case.args
            truth = -sum(mpmath.log(mpmath.mpf(float(v)) if tn else 1 - mpmath.mpf(float(v))) for v, tn in zip(y, t)) / len(y)
        elif spec.kind == "softmax-cross-entropy":
            z, t = case.args
            rows_z, rows_t = np.atleast_2d(z), np.atleast_2d(t)
            probs = [_mp_softmax(r) for r in rows_z]
            if spec.output == "gradient":
                grad = np.array([[float((p - int(tk)) / len(rows_z)) for p, tk in zip(pr, rt)] for pr, rt in zip(probs, rows_t)])
                np.testing.assert_allclose(case.expected, grad[0] if np.ndim(z) == 1 else grad, rtol=1e-12, atol=1e-15)
                continue
            truth = -sum(mpmath.log(pr[int(np.argmax(rt))]) for pr, rt in zip(probs, rows_t)) / len(rows_z)
        elif spec.kind == "sse":
            y, t = case.args
            truth = (0.5 if spec.half else 1.0) * math.fsum((float(a) - float(b)) ** 2 for a, b in zip(np.ravel(y), np.ravel(t)))
        else:
            (p,) = case.args
            mean = -sum(mpmath.log(mpmath.mpf(float(v))) for v in p) / len(p)
            truth = mpmath.exp(mean) if spec.output == "perplexity" else mean
        assert float(case.expected) == pytest.approx(float(truth), rel=1e-12, abs=1e-15), case.name


def test_seed_values_by_hand():
    """The articles' own numbers: seed 001's 0.252 and 2.0651 (sse), −ln 0.8 and −ln 0.2 (its
    calculator), seed 002's 0.3567 and 2.3026."""
    by_name = {c.name: float(c.expected) for c in probe_cases.cases(probe_cases.spec_for("sse"))}
    assert by_name["seed001_good"] == pytest.approx(0.252) and by_name["seed001_bad"] == pytest.approx(2.0651)
    by_name = {c.name: float(c.expected) for c in probe_cases.cases(probe_cases.spec_for("binary-cross-entropy"))}
    assert by_name["seed001_calc_08"] == pytest.approx(0.22314355, rel=1e-7)
    assert by_name["seed001_calc_02"] == pytest.approx(1.60943791243, rel=1e-10)
    by_name = {c.name: float(c.expected) for c in probe_cases.cases(probe_cases.spec_for("cross-entropy"))}
    assert round(by_name["seed002_cat"], 4) == 0.3567 and round(by_name["seed002_bad_cat"], 4) == 2.3026


def test_batch_values_against_scikit_learn():
    from sklearn.metrics import log_loss

    for case in probe_cases.cases(probe_cases.spec_for("cross-entropy")):
        y, t = case.args
        if np.ndim(y) == 2 and not case.edge:
            assert float(case.expected) == pytest.approx(log_loss(t, y), rel=1e-9)
    for case in probe_cases.cases(probe_cases.spec_for("binary-cross-entropy")):
        y, t = case.args
        if not case.edge and len(set(t.tolist())) == 2:
            assert float(case.expected) == pytest.approx(log_loss(t, y), rel=1e-9)
