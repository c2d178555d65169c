"""Student text + the right answer → Verdict. The one boundary that never raises on bad text.

Student text is parsed by xentlab.parse (ast whitelist, no eval/sympify/lambdify);
numbers are compared with a tolerance, and a wrong number is matched against the
misconception catalogue computed from the problem's own parameters.
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
import threading
import unicodedata
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

from xentlab.model import Verdict
from xentlab.problems import DEFAULT_TOLERANCE, Mistake

TIME_LIMIT = 2.0  # seconds for one check
EQUIVALENCE_POINTS = 10  # ≥ 8 agreeing random points
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class CheckTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt a runaway check (SIGALRM; only possible on the main thread, elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(check):
    """Typed failures become verdicts here, at one place: parse errors and time-outs are `invalid`."""

    def run(*args, **kwargs) -> Verdict:
        from xentlab.parse import AnswerParseError

        expected = kwargs.get("expected_display") or (args[1] if len(args) > 1 else kwargs.get("expected"))
        try:
            with time_limit(TIME_LIMIT):
                return check(*args, **kwargs)
        except AnswerParseError as error:
            detail = {**error.detail, "code": error.code, "offset": error.offset, "reason": str(error)}
            return Verdict("invalid", expected=expected, message="parse_error", detail=detail)
        except CheckTimeout:
            return Verdict("invalid", expected=expected, message="timeout", detail={"seconds": TIME_LIMIT})

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


# --- numbers -----------------------------------------------------------------------------------


def significant_figures(text: str) -> int | None:
    """Significant figures of a plain decimal as typed ("1.109" → 4, "0.0500" → 3), else None."""
    plain = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
    if not _PLAIN_DECIMAL.fullmatch(plain):
        return None
    mantissa = re.split("[eE]", plain)[0].lstrip("+-")
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0") or digits
    return len(digits) or None


def rounds_to(value: float, typed: float, figures: int) -> bool:
    """Is `typed` the value correctly rounded (half-up or half-even) to `figures` significant figures?"""
    if value == 0 or not math.isfinite(value):
        return typed == value
    try:
        exact = Decimal(repr(value))
        quantum = Decimal(1).scaleb(exact.adjusted() - figures + 1)
        candidates = {exact.quantize(quantum, rounding=mode) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}
        return Decimal(repr(typed)) in candidates
    except InvalidOperation:
        return False


def within(value: float, typed: float, tolerance: dict, text: str) -> bool:
    rtol, atol = float(tolerance.get("rtol", 0.005)), float(tolerance.get("atol", 0.0))
    if abs(typed - value) <= max(atol, rtol * abs(value)):
        return True
    figures = significant_figures(text)
    return figures is not None and figures >= int(tolerance.get("sig_figs", 3)) and rounds_to(value, typed, figures)


@guarded
def check_number(text: str, expected: float, mistakes: list[Mistake], tolerance: dict | None = None, base: str = "e") -> Verdict:
    """A numeric answer: correct within tolerance, else named by the mistake whose value it matches.
    `base` is the logarithm the right answer uses (the feedback says "with ln" only for e)."""
    from xentlab.parse import parse_number_detail

    tolerance = {**DEFAULT_TOLERANCE, **(tolerance or {})}
    typed, percent = parse_number_detail(text)
    if percent:
        typed /= 100
    if not math.isfinite(expected):
        return Verdict("incorrect", expected=expected, message="wrong", detail={"value": typed})
    if within(expected, typed, tolerance, text):
        return Verdict("correct", expected=expected, score=1.0, message="correct", detail={"value": typed})
    matches = [m for m in mistakes if within(m.value, typed, tolerance, text)]
    if matches:
        best = min(matches, key=lambda m: (len(m.codes), abs(m.value - typed)))
        return Verdict("incorrect", best.codes, expected, 0.0, "mistake", {"value": typed, "mistake_value": best.value, "base": base})
    return Verdict("incorrect", expected=expected, message="wrong", detail={"value": typed})


# --- expressions -------------------------------------------------------------------------------


def _sample_point(symbols, rng: np.random.Generator) -> dict:
    """Random valid values: probabilities in (0, 1), targets in [0, 1], logits real, sizes small ints."""
    point = {}
    for s in symbols:
        letter = s.name[0]
        if letter in "ypqL":
            point[s] = float(rng.uniform(0.05, 0.95))
        elif letter == "t":
            point[s] = float(rng.uniform(0.0, 1.0))
        elif letter in "NKT":
            point[s] = float(rng.integers(1, 7))
        else:
            point[s] = float(rng.normal(0.0, 2.0))
    return point


def agree(a, b, rng: np.random.Generator, points: int = EQUIVALENCE_POINTS) -> bool | None:
    """True if a == b at `points` random valid points; False at the first disagreement; None if too few
    points were defined for both (e.g. logs of non-positive values everywhere)."""
    from xentlab.parse import evaluate

    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreed = 0
    for _ in range(points * 4):
        point = _sample_point(symbols, rng)
        va, vb = evaluate(a, point), evaluate(b, point)
        if math.isnan(va) and math.isnan(vb):
            continue
        if math.isnan(va) or math.isnan(vb) or abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb)):
            return False
        agreed += 1
        if agreed >= points:
            return True
    return None


def symbolic_variants(expected):
    """(codes, expression) for the ways a derivation typically goes wrong: computed, not hand-written."""
    import sympy as sp

    def rebase(expr, base):
        return expr.replace(sp.log, lambda *args: sp.log(args[0]) / sp.log(base))

    variants = [(("sign_dropped",), -expected), (("log_base_10",), rebase(expected, 10)), (("log_base_2",), rebase(expected, 2)),
                (("log_base_10", "sign_dropped"), -rebase(expected, 10)), (("log_base_2", "sign_dropped"), -rebase(expected, 2))]
    names = {s.name: s for s in expected.free_symbols}
    swap = {}
    for name, s in names.items():
        twin = {"y": "t", "t": "y"}.get(name[0])
        if twin and twin + name[1:] in names:
            swap[s] = names[twin + name[1:]]
    if swap:
        variants.append((("swapped_t_y",), expected.xreplace(swap)))
    inner, sign = (-expected, -1) if expected.could_extract_minus_sign() else (expected, 1)
    terms = sp.Add.make_args(inner)
    if len(terms) > 1:
        for term in terms:
            complement = any(1 - s in term.atoms(sp.Add) for s in names.values())  # a (1 − t) or (1 − y) factor
            variants.append((("missing_complement" if complement else "dropped_term",), sign * (inner - term)))
    for size in ("N", "T", "K"):
        if size in names:
            variants += [(("sum_not_mean",), expected * names[size]), (("mean_not_sum",), expected / names[size])]
    return variants


@guarded
def check_expression(text: str, expected_text: str, *, seed: int = 0, expected_display: str | None = None) -> Verdict:
    """A typed formula: equal to the expected one at ≥ 8 random valid points (and symbolically where cheap)."""
    from xentlab.parse import parse_expression
    from xentlab.verify import rng_for

    expected = parse_expression(expected_text)
    answer = parse_expression(text)
    shown = expected_display or expected_text
    same = agree(answer, expected, rng_for(seed, 1))
    if same:
        return Verdict("correct", expected=shown, score=1.0, message="correct", detail={"symbolic": _symbolically_equal(answer, expected)})
    for codes, variant in symbolic_variants(expected):
        if agree(answer, variant, rng_for(seed, 2)):
            return Verdict("incorrect", codes, shown, 0.0, "mistake")
    return Verdict("incorrect", expected=shown, message="wrong")


def _symbolically_equal(a, b) -> bool:
    """Confirmation where cheap. equals() returning None is never read as 'equal'."""
    import sympy as sp

    diff = a - b
    if sp.count_ops(diff) > 60:
        return False
    return sp.simplify(sp.expand_log(diff, force=True)) == 0


# --- choices -----------------------------------------------------------------------------------


@guarded
def check_choice(text: str, expected: str, choices: tuple[str, ...]) -> Verdict:
    """A choice answered by its id ("log_power") or its letter ("B")."""
    typed = unicodedata.normalize("NFKC", text).strip()
    if not typed:
        return Verdict("invalid", expected=expected, message="empty")
    letters = {chr(ord("A") + i): c for i, c in enumerate(choices)}
    chosen = letters.get(typed.upper(), typed)
    if chosen not in choices:
        return Verdict("invalid", expected=expected, message="not_a_choice", detail={"value": typed[:40]})
    if chosen == expected:
        return Verdict("correct", expected=expected, score=1.0, message="correct")
    return Verdict("incorrect", expected=expected, message="wrong_choice", detail={"value": chosen})
