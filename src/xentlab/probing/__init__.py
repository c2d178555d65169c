"""probe(fn, kind): call a student's NumPy loss function on chosen inputs and name its mistake.

1. Every case of the kind (cases.py) is run through the function (runner.py: fresh copies, a time
   limit, exceptions recorded as the student's).
2. The core cases are matched against the mistake models (models.py), fewest mistakes first: the
   first model that reproduces every core result names the formula's mistakes (none: the formula
   is right). A function that fails only on one sample (1-D input) is fitted on the batches.
3. If nothing fits, the function is tried with the other target format (labels for one-hot, or
   one-hot for labels): a fit there means it expects the other format.
4. The edge cases are then compared with what that model gives with exact logarithms: nan or inf
   (or an exception) where the loss is finite means no ε (or an unstabilised softmax); a value
   that np.clip with a large ε or np.log(y + ε) reproduces is named as such.

Nothing here imports SymPy. Expected values come from xentlab.kernels; models.py's formulas are
written independently of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from xentlab.probing import cases as _cases
from xentlab.probing import models as _models
from xentlab.probing.runner import TIME_LIMIT, Outcome, call, target_first

CORE_TOL = (1e-6, 1e-9)  # (rtol, atol) on ordinary inputs: the student's float arithmetic, not a guess
EDGE_TOL = (1e-4, 1e-11)  # near 0 and 1 a correct clip (ε ≤ 1e-5) stays inside this
EPS_CANDIDATES = tuple(10.0 ** -k for k in range(1, 16)) + (0.05, 0.2, 0.5e-2)
HARMLESS_EPS = 1e-5  # a clip at or below this stays within EDGE_TOL of the right value on every edge case
EDGE_CODES = {"zero": "no_epsilon", "small": "no_epsilon", "near_one": "no_epsilon", "overflow": "softmax_not_stabilised"}
CALL_ERRORS = ("raised_exception", "timed_out", "no_return_value", "not_a_number")
MAX_TIME_LIMIT = 86400.0  # a day: beyond any notebook's patience, and within every platform's timer


@dataclass(frozen=True)
class ProbeVerdict:
    """The verdict on a student's function. `failing` is the first case whose result is wrong:
    {"case", "edge", "args", "expected", "actual", "error", "detail"}."""

    kind: str
    targets: str
    output: str
    status: str  # "correct" | "incorrect"
    diagnosis: tuple[str, ...] = ()
    failing: dict | None = None
    results: tuple[dict, ...] = ()  # every case: {"case", "edge", "passed"}
    target_first: bool = False
    half: bool = False
    detail: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return 1.0 if self.status == "correct" else 0.0

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def probe(fn, kind: str = "cross-entropy", *, targets: str = "one-hot", output: str | None = None, half: bool = False,
          order: str = "auto", time_limit: float = TIME_LIMIT) -> ProbeVerdict:
    if not callable(fn):
        raise TypeError(f"probe: expected a function, got {type(fn).__name__}")
    if order not in ("auto", "pred,target", "target,pred"):
        raise ValueError("probe: order must be 'auto', 'pred,target' or 'target,pred'")
    # checked here: a bad limit would make the timer itself fail inside the call, reported as the student's error
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not 0 < time_limit <= MAX_TIME_LIMIT:
        raise ValueError(f"probe: time_limit must be a number of seconds above 0 and at most {MAX_TIME_LIMIT:g}, got {time_limit!r}")
    spec = _cases.spec_for(kind, targets=targets, output=output, half=half)
    swap = spec.arity == 2 and (target_first(fn) if order == "auto" else order == "target,pred")
    runs = _Runs(fn, swap, time_limit)
    fit = _fit(runs, spec)
    codes: tuple[str, ...] = ()
    if fit is None and spec.has_targets_choice:
        other = _cases.Spec(spec.kind, "labels" if spec.targets == "one-hot" else "one-hot", spec.output, spec.half)
        fit = _fit(runs, other)
        if fit is not None:
            codes = ("one_hot_treated_as_labels",) if spec.targets == "one-hot" else ("labels_treated_as_one_hot",)
    all_cases = _cases.cases(spec)
    if fit is None:
        return _unexplained(spec, runs, all_cases, swap)
    fit_spec, fit_codes, model, dims = fit
    codes += fit_codes
    edge_codes, edge_failures = _edges(runs, fit_spec, model, dims)
    codes = tuple(dict.fromkeys(codes + edge_codes))
    results = tuple({"case": c.name, "edge": c.edge, "passed": _passes(runs.get(c), c)} for c in all_cases)
    failing = next((_failure(c, runs.get(c), swap) for c in all_cases if not _passes(runs.get(c), c)), None)
    if not codes and failing is None:
        return ProbeVerdict(spec.kind, spec.targets, spec.output, "correct", (), None, results, swap, spec.half)
    return ProbeVerdict(spec.kind, spec.targets, spec.output, "incorrect", codes, failing, results, swap, spec.half,
                        {"unexplained_edges": edge_failures})


class _Runs:
    """The student's function, called at most once per case (in its own argument order)."""

    def __init__(self, fn, swap: bool, seconds: float):
        self.fn, self.swap, self.seconds = fn, swap, seconds
        self._done: dict[tuple, Outcome] = {}
        self.timed_out: Outcome | None = None

    def get(self, case: _cases.Case) -> Outcome:
        key = (case.name, tuple((np.asarray(a).dtype.str, np.shape(a), np.asarray(a).tobytes()) for a in case.args))
        if key not in self._done:
            if self.timed_out is not None:  # one runaway call is enough: do not wait for every case
                self._done[key] = self.timed_out
            else:
                args = tuple(reversed(case.args)) if self.swap else case.args
                self._done[key] = call(self.fn, args, self.seconds)
                if self._done[key].error == "timed_out":
                    self.timed_out = self._done[key]
        return self._done[key]


def _close(actual: np.ndarray | None, predicted, tol) -> bool:
    if actual is None:
        return False
    predicted = np.asarray(predicted, dtype=float)
    if actual.shape != predicted.shape:
        if not (actual.size == 1 and predicted.size == 1):
            return False
        actual, predicted = actual.reshape(()), predicted.reshape(())
    with np.errstate(all="ignore"):
        return bool(np.allclose(actual, predicted, rtol=tol[0], atol=tol[1], equal_nan=True))


def _passes(outcome: Outcome, case: _cases.Case) -> bool:
    return not outcome.error and _close(outcome.value, case.expected, EDGE_TOL if case.edge else CORE_TOL)


def _fit(runs: _Runs, spec: _cases.Spec):
    """(spec, codes, model, dims) for the first model that explains every core case, or None.
    dims is the input ranks the function handles: a function that fails on every one-sample (1-D)
    case, or on every batch (2-D) case, is fitted on the others alone and named for it."""
    core = [c for c in _cases.cases(spec) if not c.edge]
    outcomes = {c.name: runs.get(c) for c in core}
    failed = {c.name for c in core if outcomes[c.name].error}
    dims, codes = (1, 2), ()
    if failed:
        by_rank = {rank: {c.name for c in core if np.ndim(c.args[0]) == rank} for rank in (1, 2)}
        rank = next((r for r, names in by_rank.items() if names and failed == names and len(names) < len(core)), None)
        if rank is None:
            return None
        dims, codes = (3 - rank,), ("one_sample_not_supported",) if rank == 1 else ("batch_not_supported",)
        core = [c for c in core if np.ndim(c.args[0]) != rank]
    with np.errstate(all="ignore"):
        for model_codes, model in _models.models(spec):
            for guard in (("exact",), ("raw",)):  # they differ on core cases only where a log sees a value ≤ 0
                if all(_close(outcomes[c.name].value, model(c.args, guard), CORE_TOL) for c in core):
                    return spec, model_codes + codes, (lambda args, g, m=model, base=guard: m(args, base if g == ("exact",) else g)), dims
    return None


def _edges(runs: _Runs, spec: _cases.Spec, model, dims: tuple[int, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Codes the edge cases add, and the names of edge cases no known guard explains."""
    codes, unexplained = [], []
    for case in (c for c in _cases.cases(spec) if c.edge and np.ndim(c.args[0]) in dims):
        outcome = runs.get(case)
        with np.errstate(all="ignore"):
            predicted = np.asarray(model(case.args, ("exact",)), dtype=float)
            if outcome.error in ("timed_out", "no_return_value", "not_a_number"):
                codes.append(outcome.error)
            elif outcome.error or (not np.all(np.isfinite(outcome.value)) and np.all(np.isfinite(predicted))):
                codes.append(EDGE_CODES[case.edge])
            elif _close(outcome.value, predicted, EDGE_TOL):
                continue
            else:
                code, eps = _guard_code(outcome.value, case, model)
                if code is None:
                    unexplained.append(case.name)
                elif np.all(np.isfinite(predicted)) or eps > HARMLESS_EPS:
                    codes.append(code)
                # else: the fitted (wrong) formula takes log 0 here, so any guard gives a finite value
                # instead of inf; one with a harmless ε (1e-12) is what the student should write
    return tuple(codes), unexplained


def _guard_code(actual: np.ndarray, case: _cases.Case, model) -> tuple[str | None, float]:
    """The guard that reproduces `actual` here, and its ε (the smallest that does, per kind)."""
    for eps in sorted(EPS_CANDIDATES):
        if _close(actual, model(case.args, ("clip", eps)), EDGE_TOL):
            return "epsilon_too_large", eps
        if _close(actual, model(case.args, ("plus", eps)), EDGE_TOL):
            return "eps_added_in_log", eps
    return None, 0.0


def _unexplained(spec, runs: _Runs, all_cases, swap: bool) -> ProbeVerdict:
    """No model fits: report the first case that went wrong, and what went wrong with it."""
    results = tuple({"case": c.name, "edge": c.edge, "passed": _passes(runs.get(c), c)} for c in all_cases)
    first = next((c for c in all_cases if not _passes(runs.get(c), c)), all_cases[0])
    outcome = runs.get(first)
    codes: tuple[str, ...] = ()
    if outcome.error:
        codes = (outcome.error,)
    elif spec.output != "gradient" and outcome.value is not None and outcome.value.size > 1:
        codes = ("not_reduced",)
    elif spec.output == "gradient" and outcome.value is not None and outcome.value.shape != first.expected.shape:
        codes = ("wrong_shape",)
    return ProbeVerdict(spec.kind, spec.targets, spec.output, "incorrect", codes, _failure(first, outcome, swap), results, swap, spec.half)


def _number(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _plain(a):
    """An array as JSON-able lists of numbers (nan and ±inf as the strings "nan", "inf", "-inf")."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.tolist()
    if a.ndim == 0:
        return _number(float(a))
    return [_plain(x) for x in a]


def _failure(case: _cases.Case, outcome: Outcome, swap: bool) -> dict:
    return {"case": case.name, "edge": case.edge, "args": [_plain(a) for a in case.args],
            "expected": _plain(case.expected), "actual": None if outcome.value is None else _plain(outcome.value),
            "error": outcome.error, "detail": outcome.detail}
