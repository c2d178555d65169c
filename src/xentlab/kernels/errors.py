"""The errors every kernel raises: ValueError subclasses with a one-line message."""

from __future__ import annotations

from xentlab.errors import InputError


class InvalidInputError(InputError):
    """Input to a kernel failed validation (base of the kernel errors below)."""

class InvalidShapeError(InvalidInputError):
    """Wrong number of dimensions, empty input, or target/probability shapes that do not match."""

class InvalidValueError(InvalidInputError):
    """A value outside its domain: NaN/inf, a probability outside [0, 1], a row not summing to 1."""

class RowSumError(InvalidValueError):
    """A probability (or target) row whose sum is not 1 within ROW_SUM_TOL."""

class InvalidLabelError(InvalidInputError):
    """An integer class label that is out of range or not an integer."""

class InvalidOptionError(InvalidInputError):
    """An unknown reduction, base or loss kind."""
