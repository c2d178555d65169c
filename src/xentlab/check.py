"""Student text + the right answer → Verdict. The one boundary that never raises on bad text.

Student text is read by xentlab.answers (units, percent, ∞, choice letters) and xentlab.parse
(ast whitelist, no eval/sympify/lambdify); numbers are compared with a tolerance, and a wrong
number is matched against the misconception catalogue computed from the problem's own
parameters: the closest explanation wins. Formulas are compared by xentlab.equivalence.
Any failure while checking one answer becomes the verdict `invalid`, never an exception.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

from xentlab.equivalence import agree, symbolic_variants  # noqa: F401  (moodle builds its choices with them)
from xentlab.limits import CheckTimeout, time_limit
from xentlab.model import Verdict
from xentlab.problems import DEFAULT_TOLERANCE, Mistake

TIME_LIMIT = 2.0  # seconds for one check, on any thread (see xentlab.limits)
EXACT = 1e-12  # relative difference below which a typed value *is* the expected one
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def guarded(check):
    """Typed failures become verdicts here, at one place: parse errors, time-outs and anything
    unexpected are `invalid` (with a reason), so one bad answer never stops a class."""

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
        except RecursionError:
            return Verdict("invalid", expected=expected, message="unchecked", detail={"error": "RecursionError"})
        except Exception as error:  # a bug or a pathological input: this row is not checked, the class goes on
            return Verdict("invalid", expected=expected, message="unchecked", detail={"error": type(error).__name__})

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


def _relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def within(value: float, typed: float, tolerance: dict, figures: int | str | None) -> bool:
    """Inside the tolerance, or the value correctly rounded to at least sig_figs figures.
    (`figures` may still be given as the typed text, as before.)"""
    if isinstance(figures, str):
        figures = significant_figures(figures)
    rtol, atol = float(tolerance.get("rtol", 0.005)), float(tolerance.get("atol", 0.0))
    if abs(typed - value) <= max(atol, rtol * abs(value)):
        return True
    return figures is not None and figures >= int(tolerance.get("sig_figs", 3)) and rounds_to(value, typed, figures)


def _too_coarse(value: float, typed: float, tolerance: dict, figures: int | None) -> bool:
    """The value rounded to fewer significant figures than asked (and not simply equal to it)."""
    asked = int(tolerance.get("sig_figs", 3))
    if figures is None or figures >= asked or _relative(value, typed) <= EXACT:
        return False
    return rounds_to(value, typed, figures) or abs(typed - value) <= float(tolerance.get("rtol", 0.005)) * abs(value)


def _is_correct(value: float, typed: float, tolerance: dict, figures: int | None) -> bool:
    if _relative(value, typed) <= EXACT:
        return True
    return within(value, typed, tolerance, figures) and not _too_coarse(value, typed, tolerance, figures)


_VALUES: dict[int, tuple] = {}  # id of a key item's mistakes → (the tuple itself, its values as an array)


def _values(mistakes) -> np.ndarray:
    """The mistakes' values as one array, kept for tuples (a key item's catalogue lives as long as
    the key); a list is converted each time."""
    cached = _VALUES.get(id(mistakes))
    if cached is not None and cached[0] is mistakes:
        return cached[1]
    values = np.fromiter((m.value for m in mistakes), dtype=float, count=len(mistakes))
    if isinstance(mistakes, tuple):
        if len(_VALUES) > 10_000:
            _VALUES.clear()
        _VALUES[id(mistakes)] = (mistakes, values)
    return values


def _near(mistakes, typed: float, tolerance: dict, figures: int | None) -> list[Mistake]:
    """The mistakes `within` could accept, found with one array comparison: inside the tolerance,
    or inside ten units of the typed number's last significant figure (a superset of rounding)."""
    if not mistakes:
        return []
    values = _values(mistakes)
    bound = np.maximum(float(tolerance.get("atol", 0.0)), float(tolerance.get("rtol", 0.005)) * np.abs(values))
    if figures is not None and typed != 0:
        bound = np.maximum(bound, 10.0 ** (math.floor(math.log10(abs(typed))) - figures + 2))
    with np.errstate(invalid="ignore"):
        close = np.flatnonzero(np.isfinite(values) & (np.abs(values - typed) <= bound * (1 + 1e-9)))
    return [mistakes[i] for i in close]


@guarded
def check_number(text: str, expected: float, mistakes: list[Mistake], tolerance: dict | None = None, base: str = "e",
                 unit: str | None = None) -> Verdict:
    """A numeric answer: correct within tolerance, else named by the closest explanation: a mistake
    of the catalogue, the right value rounded too coarsely, a percent, a wrong unit. `base` is the
    logarithm the right answer uses (the feedback says "with ln" only for e); `unit` the unit the
    question asks for ("nats", "bits", "decimal", "" for none, None for not checked)."""
    from xentlab.answers import read_number

    tolerance = {**DEFAULT_TOLERANCE, **(tolerance or {})}
    reading = read_number(text)
    typed = reading.value / 100 if reading.percent else reading.value
    detail = {"value": typed, "base": base, "asked_figures": int(tolerance["sig_figs"])}
    extra: tuple[str, ...] = ()
    if reading.unit is not None and unit is not None and reading.unit != unit:
        extra += ("unit_mismatch",)
        detail.update(typed_unit=reading.unit, asked_unit=unit)
    if reading.percent:
        extra += ("percent_scale",)  # no quantity a sheet asks for is a percentage
    if math.isnan(expected):
        return Verdict("incorrect", extra, expected, 0.0, "mistake" if extra else "wrong", detail)
    if math.isinf(expected) or math.isinf(typed):
        if typed == expected:
            return Verdict("incorrect", extra, expected, 0.0, "mistake", detail) if extra else \
                Verdict("correct", expected=expected, score=1.0, message="correct", detail=detail)
        return Verdict("incorrect", extra, expected, 0.0, "mistake" if extra else "wrong", detail)
    figures = significant_figures(reading.text)
    if _is_correct(expected, typed, tolerance, figures) or (extra and _too_coarse(expected, typed, tolerance, figures)):
        if extra:  # the right value, written as a percent or with another unit: that is the mistake
            return Verdict("incorrect", extra, expected, 0.0, "mistake", detail)
        return Verdict("correct", expected=expected, score=1.0, message="correct", detail=detail)
    explanations = [(_relative(m.value, typed), len(m.codes), m.codes, m.value) for m in _near(mistakes, typed, tolerance, figures)
                    if within(m.value, typed, tolerance, figures)]
    if _too_coarse(expected, typed, tolerance, figures):
        explanations.append((_relative(expected, typed), 1, ("too_few_sig_figs",), expected))
        detail["typed_figures"] = figures
    if explanations:
        _, _, codes, value = min(explanations, key=lambda e: e[:2])  # the closest; then the fewest codes
        if codes != ("too_few_sig_figs",):
            detail.pop("typed_figures", None)
        codes = tuple(dict.fromkeys(codes + extra))
        return Verdict("incorrect", codes, expected, 0.0, "mistake", {**detail, "mistake_value": value})
    return Verdict("incorrect", extra, expected, 0.0, "mistake" if extra else "wrong", detail)


# --- expressions -------------------------------------------------------------------------------


@guarded
def check_expression(text: str, expected_text: str, *, seed: int = 0, expected_display: str | None = None) -> Verdict:
    """A typed formula: equal to the expected one at random valid points drawn from a hash of
    (answer, expected, item `seed`), re-evaluated at high precision where float64 loses it, and
    confirmed symbolically where SymPy manages within its share of the time limit."""
    from xentlab.equivalence import confirm, parsed, point_rng
    from xentlab.parse import parse_expression

    expected = parsed(expected_text)
    answer = parse_expression(text)
    shown = expected_display or expected_text
    if agree(answer, expected, point_rng(text, expected_text, seed, 1)):
        confirmed, timed_out = confirm(text, expected_text)  # numbers decided it; SymPy may only add a proof
        detail = {"confirmed": confirmed, **({"confirm_timed_out": True} if timed_out else {})}
        return Verdict("correct", expected=shown, score=1.0, message="correct", detail=detail)
    for codes, variant in symbolic_variants(expected):
        if agree(answer, variant, point_rng(text, expected_text, seed, 2)):
            return Verdict("incorrect", codes, shown, 0.0, "mistake")
    return Verdict("incorrect", expected=shown, message="wrong")


# --- choices -----------------------------------------------------------------------------------


@guarded
def check_choice(text: str, expected: str, choices: tuple[str, ...], kind: str | None = None) -> Verdict:
    """A choice answered as printed: "(C)", "（C）", "C", "c", its id ("log_power") or its text.
    `kind` (the problem type) lets the feedback name the choice as the sheet prints it."""
    from xentlab.answers import LETTERS, printed_choices, read_choice
    from xentlab.encode import without_controls

    typed = unicodedata.normalize("NFKC", text).strip()
    if not typed:
        return Verdict("invalid", expected=expected, message="empty")
    index = read_choice(text, choices, printed_choices(kind, choices) if kind else None)
    right = choices.index(expected) if expected in choices else None
    detail = {"kind": kind, "expected_letter": LETTERS[right] if right is not None else None}
    if index is None:
        return Verdict("invalid", expected=expected, message="not_a_choice", detail={**detail, "value": without_controls(typed)[:40]})
    detail.update(letter=LETTERS[index], choice=choices[index])
    if index == right:
        return Verdict("correct", expected=expected, score=1.0, message="correct", detail=detail)
    return Verdict("incorrect", expected=expected, message="wrong_choice", detail=detail)
