"""Rounding as a teacher does it: half-up (四捨五入) on the exact decimal value.

A value computed from decimal inputs by +, −, × (the sum of squared errors of 2-decimal numbers)
has an exact decimal value: it is rounded from that (1.355 → 1.36, where the float 1.35499999…
would give 1.35). Any other value (logs, exponentials) is rounded from a value precise enough to
decide the digit: the float itself, unless it lies within a few units of its last place of a tie,
where a precise value (mpmath, 40 digits) decides. Imports no SymPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

_CONTEXT = Context(prec=60)
NEAR_TIE = 1e-12  # relative distance to a tie below which a float cannot decide the digit


def exact_decimal(value: float) -> Fraction:
    """The decimal a person typed for `value` (0.33, not 0.330000000000000015…): its shortest repr."""
    return Fraction(Decimal(repr(float(value))))


def _decimal(value) -> Decimal:
    if isinstance(value, Fraction):
        return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(value)  # the float's exact binary value
    if hasattr(value, "_mpf_"):  # an mpmath number: all the digits it carries
        from mpmath import nstr

        return Decimal(nstr(value, 50, strip_zeros=False, min_fixed=-1, max_fixed=-1))
    return Decimal(str(value))


def _place(value: Decimal, figures: int) -> int:
    """The exponent of the last kept digit for `figures` significant figures."""
    return value.adjusted() - figures + 1


def _near_tie(value: Decimal, figures: int) -> bool:
    unit = Decimal(1).scaleb(_place(value, figures))
    remainder = abs(value) % unit
    return abs(remainder - unit / 2) <= abs(value) * Decimal(NEAR_TIE)


def round_significant(value, figures: int, precise: Callable[[], object] | None = None) -> str:
    """`value` (float, Fraction, Decimal or mpmath number) to `figures` significant figures,
    half-up, in plain decimal notation (no exponent): 1.355 → '1.36', 9.996 → '10.0'.
    `precise()` gives a better value when a float lies too close to a tie to decide."""
    if isinstance(value, float) and (value == 0 or not math.isfinite(value)):
        return f"{value:g}"
    d = _decimal(value)
    if d == 0:
        return "0"
    if precise is not None and isinstance(value, float) and _near_tie(d, figures):
        d = _decimal(precise())
    place = _place(d, figures)
    rounded = d.quantize(Decimal(1).scaleb(place), rounding=ROUND_HALF_UP, context=_CONTEXT)
    if rounded.adjusted() > d.adjusted():  # 9.996 → 10.00: one digit fewer after the point
        rounded = d.quantize(Decimal(1).scaleb(place + 1), rounding=ROUND_HALF_UP, context=_CONTEXT)
    return _plain(rounded)


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    return "0" if text in ("-0", "0") else text


def fixed_places(value: float, places: int) -> str:
    """`value` with exactly `places` decimals, half-up on its shortest decimal form (0.0065)."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    return _plain(rounded) if rounded != 0 else f"{0:.{places}f}"
