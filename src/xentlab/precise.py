"""Each numeric answer to as many digits as deciding its rounding needs.

The kernels compute answers in double precision, which is right to ~1e-16 but cannot tell a tie
(1.355) from a number just below it (1.35499999…). An answer key rounds half-up on the exact
value instead: for the sum of squared errors of 2-decimal numbers the exact value is a decimal
(a Fraction here); for the others (logs, exponentials) it is computed with mpmath to 40 digits,
from the decimals the question prints.
"""

from __future__ import annotations

from fractions import Fraction

from xentlab.rounding import exact_decimal, round_significant

DIGITS = 40


def _mp():
    from mpmath import mp

    return mp


def _d(value):
    """A parameter as the decimal the question prints (0.33 is 33/100, not the float near it)."""
    return _mp().mpf(repr(float(value)))


def _mean(values):
    return sum(values) / len(values)


def _ce_single(p):
    mp = _mp()
    return -mp.log(_d(p["y"][p["true_class"] - 1]))


def _ce_compare(p):
    mp = _mp()
    c = p["true_class"] - 1
    return mp.log(_d(p["y_b"][c])) - mp.log(_d(p["y_a"][c]))


def _ce_batch(p):
    mp = _mp()
    losses = [-mp.log(_d(row[label - 1])) for row, label in zip(p["y"], p["labels"])]
    return sum(losses) if p["reduction"] == "sum" else _mean(losses)


def _binary(p):
    mp = _mp()

    def loss(y, t):
        y, t = _d(y), _d(t)
        return -((t * mp.log(y) if t else 0) + ((1 - t) * mp.log(1 - y) if t != 1 else 0))

    return _mean([loss(y, t) for y, t in zip(p["y"], p["t"])])


def _sse(p) -> Fraction:
    total = sum((exact_decimal(y) - exact_decimal(t)) ** 2 for y, t in zip(p["y"], p["t"]))
    return total / 2 if p["half"] else total


def _softmax_ce(p):
    mp = _mp()
    z = [_d(v) for v in p["logits"]]
    return mp.log(sum(mp.exp(v) for v in z)) - z[p["true_class"] - 1]


def _softmax_gradient(p):
    mp = _mp()
    z = [_d(v) for v in p["logits"]]
    j = p["j"] - 1
    return mp.exp(z[j]) / sum(mp.exp(v) for v in z) - (1 if p["j"] == p["true_class"] else 0)


def _token_loss(p):
    mp = _mp()
    loss = _mean([-mp.log(_d(v)) for v in p["p"]])
    return mp.exp(loss) if p["ask"] == "perplexity" else loss


def _inverse(p):
    return _mp().exp(-_d(p["loss"]))


def _units(p):
    mp = _mp()
    ln = {"nats": mp.mpf(1), "bits": mp.log(2), "decimal": mp.log(10)}
    return _d(p["value"]) * ln[p["from"]] / ln[p["to"]]


PRECISE = {
    "ce-single": _ce_single,
    "ce-compare": _ce_compare,
    "ce-batch": _ce_batch,
    "binary-cross-entropy": _binary,
    "sse": _sse,
    "softmax-cross-entropy": _softmax_ce,
    "softmax-gradient": _softmax_gradient,
    "token-loss": _token_loss,
    "inverse": _inverse,
    "units": _units,
}


def precise_value(kind: str, params: dict):
    """The answer of a question from its params: a Fraction where it is an exact decimal, else an
    mpmath number to DIGITS digits. None for a type without a precise form."""
    from xentlab.names import problem_type

    function = PRECISE.get(problem_type(kind))
    if function is None:
        return None
    if function is _sse:
        return function(params)
    mp = _mp()
    with mp.workdps(DIGITS):
        return +function(params)


def rounded(kind: str, params: dict, value: float, figures: int) -> str:
    """`value` (the kernels' float answer) to `figures` significant figures, half-up, decided on the
    exact decimal value where there is one, and on the precise value wherever the float is too
    close to a tie to decide."""
    from xentlab.names import problem_type

    if problem_type(kind) == "sse":
        return round_significant(_sse(params), figures)
    return round_significant(float(value), figures, precise=lambda: precise_value(kind, params))
