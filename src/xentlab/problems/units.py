"""units: convert a loss between nats (ln), bits (log2) and decimal units (log10).

log_b x = ln x / ln b, so E_bits = E_nats / ln 2 and E_nats = E_bits · ln 2.
The value is −log p in the source unit for a 2-decimal p, to 4 significant figures.
Difficulty 1: nats → bits; 2: nats ↔ bits; 3: any two of nats, bits and decimal units.

Mistake codes: log_base_10 / log_base_2 (ln 10 used where ln 2 belongs, or the reverse),
conversion_inverted (multiplied by the factor instead of dividing, or the reverse), percent_scale,
base_e_not_bits / base_e_not_decimal (the value in nats given unconverted).
"""

from __future__ import annotations

import math

import numpy as np

from xentlab.problems import ParamError, _common

KIND = "units"
UNITS = ("nats", "bits", "decimal")
BASE = {"nats": None, "bits": 2, "decimal": 10}
LN = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(10)}
WRONG_BASE = {"bits": ("decimal", "log_base_10"), "decimal": ("bits", "log_base_2")}
PAIRS = {
    1: (("nats", "bits"),),
    2: (("nats", "bits"), ("bits", "nats")),
    3: tuple((a, b) for a in UNITS for b in UNITS if a != b),
}


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    source, target = PAIRS[difficulty][int(rng.integers(0, len(PAIRS[difficulty])))]
    (percent,) = _common.distinct_values(rng, 1, 5, 95, exclude=(50,))
    value = -math.log(percent / 100) / LN[source]
    return {"value": float(f"{value:.4g}"), "from": source, "to": target}


def check_params(params: dict) -> None:
    _common.fields(params, "value", "from", "to")
    _common.scalar(params["value"], "value", _common.Range(0, _common.MAX_LOSS), "a loss")
    _common.one_of(params["from"], "from", UNITS)
    _common.one_of(params["to"], "to", UNITS)
    if params["to"] == params["from"]:
        raise ParamError(f'"to" must be a different unit from "from", got {_common.show(params["to"])} for both')


def convert(value: float, source: str, target: str) -> float:
    return value * LN[source] / LN[target]


def answer(params: dict):
    return _common.number(convert(params["value"], params["from"], params["to"]), params["to"])


def mistakes(params: dict):
    value, source, target = params["value"], params["from"], params["to"]
    truth = convert(value, source, target)
    starts = []
    for wrong_side in (None, "from", "to"):
        src, dst, codes = source, target, ()
        if wrong_side is not None and "nats" not in (source, target):
            continue  # bits ↔ decimal: swapping one base for the other is no conversion at all
        if wrong_side == "from" and source in WRONG_BASE:
            src, code = WRONG_BASE[source]
            codes = (code,)
        elif wrong_side == "to" and target in WRONG_BASE:
            dst, code = WRONG_BASE[target]
            codes = (code,)
        elif wrong_side is not None:
            continue
        starts.append((codes, convert(value, src, dst)))
        starts.append((codes + ("conversion_inverted",), convert(value, dst, src)))
    if source == "nats" and target != "nats":  # the nats value given as it is: ln where log2 or log10 belongs
        starts.append(({"bits": ("base_e_not_bits",), "decimal": ("base_e_not_decimal",)}[target], value))
    percent = [_common.IDENTITY, (("percent_scale",), lambda v: v * 100)]
    return _common.combine([(codes, v, [percent]) for codes, v in starts], truth)


def _log_of_base(unit: str):
    import sympy as sp

    return sp.log(sp.Integer(BASE[unit]), evaluate=False)


def conversion(source: str, target: str, amount):
    """amount · ln b_source / ln b_target, with ln e = 1 left out."""
    import sympy as sp

    factors = [amount]
    if source != "nats":
        factors.append(_log_of_base(source))
    if target != "nats":  # the reciprocal first, so the printer writes one fraction
        factors.insert(0, sp.Pow(_log_of_base(target), -1, evaluate=False))
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


SYMBOL = {"nats": "nat", "bits": "bit", "decimal": "Hart"}  # the unit symbols (IEC 80000-13) in E_nat, E_bit, E_Hart


def loss_symbol(unit: str):
    """E in a unit, named by the unit's symbol, as the text names the unit (ナット, ビット, ハートレー)."""
    import sympy as sp

    return sp.Symbol(f"E_{SYMBOL[unit]}", real=True)


def solution(params: dict) -> dict:
    """The change of base and the conversion, each line proved: the symbolic ones at random
    probabilities p (with E in each unit = −log p in that unit's base), the numeric ones against the answer."""
    import sympy as sp

    from xentlab import proved
    from xentlab.notation import log_base
    from xentlab.verify import Domain
    from xentlab.worked import exact, sig

    source, target = params["from"], params["to"]
    x = sp.Symbol("x", positive=True)
    e_from, e_to = loss_symbol(source), loss_symbol(target)
    value = convert(params["value"], source, target)
    non_natural = [u for u in (source, target) if u != "nats"]
    domain = Domain(sizes={}, sample=lambda rng, sizes, assume: {x: float(rng.uniform(0.01, 0.99))})

    def minus_log(unit):
        return sp.Mul(-1, sp.log(x) if unit == "nats" else sp.log(x) / sp.log(BASE[unit]), evaluate=False)

    given = {e_from: minus_log(source), e_to: minus_log(target)}
    return {
        "change_of_base": [proved.identity(log_base(x, sp.Integer(BASE[u])),
                                           sp.Mul(sp.log(x, evaluate=False), sp.Pow(_log_of_base(u), -1, evaluate=False), evaluate=False), domain)
                           for u in non_natural],
        "lines": [proved.identity(e_to, conversion(source, target, e_from), domain, given),
                  proved.value(e_to, conversion(source, target, exact(params["value"])), value),
                  proved.value(e_to, sig(value), value)],
        "logs": [proved.value(_log_of_base(u), sig(LN[u]), LN[u]) for u in non_natural],
        "value": value,
        "derivations": [],
    }
