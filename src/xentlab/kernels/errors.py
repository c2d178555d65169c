"""The errors every kernel raises: ValueError subclasses with a one-line English message.

They are Python API errors, so the message is English.  Every detail the message
names is also an attribute (``error.row``, ``error.value``, ...), and ``error.reason``
is a short code for what is wrong, so that a caller can phrase the same error in
another language without parsing the English.  The details live in ``error.params``
(as for every ``XentlabError``), which is what keeps them through pickling.
"""

from __future__ import annotations

from xentlab.errors import InputError


class InvalidInputError(InputError):
    """Input to a kernel failed validation (base of the kernel errors below).

    Attributes: ``reason`` (a short code) and ``name`` (what the message calls the
    input, e.g. ``"probabilities"``), plus the details listed by each subclass.
    """

    def __init__(self, message: str, /, **details):
        super().__init__(message, **details)

    def __getattr__(self, attribute: str):
        params = self.__dict__.get("params") or {}
        if attribute in params:
            return params[attribute]
        raise AttributeError(f"{type(self).__name__} has no attribute {attribute!r}")


class InvalidShapeError(InvalidInputError):
    """Wrong number of dimensions, empty input, or target/probability shapes that do not match.

    reason: ``"ragged"`` | ``"ndim"`` | ``"empty"`` | ``"mismatch"``; ``shape`` (what was
    given) and ``expected`` (a description of what fits).
    """


class InvalidValueError(InvalidInputError):
    """A value outside its domain, or values that are not plain real numbers.

    reason: ``"dtype"`` (bool, object, complex, text…; ``dtype`` says which),
    ``"masked"`` (a masked array), ``"not_finite"`` or ``"outside_unit_interval"``
    (``row``, ``column`` -- None for one value per row -- and ``value``).
    """


class RowSumError(InvalidValueError):
    """A probability (or target) row whose sum is not 1 within its tolerance.

    reason ``"row_sum"``; ``row``, ``total`` (the sum) and ``tolerance``.
    """


class InvalidLabelError(InvalidInputError):
    """An integer class label that is out of range or not an integer.

    reason: ``"dtype"`` (``dtype``), ``"not_integer"`` or ``"out_of_range"`` (``row``,
    ``value``; ``classes`` for a range).
    """


class InvalidOptionError(InvalidInputError):
    """An unknown reduction, base, loss kind or class count.

    reason ``"unknown_option"``; ``option`` (which argument), ``value`` and ``choices``.
    """
