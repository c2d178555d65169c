"""key.json's "rounded" is the answer rounded half-up (四捨五入) on its exact decimal value: for the
sum of squared errors of 2-decimal numbers that value is a decimal (computed here with Fraction);
for the logs and exponentials it is computed here with mpmath to 60 digits. Never from the float."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import mpmath
import pytest

from xentlab import worksheet as ws
from xentlab.rounding import round_significant


def half_up(value: Decimal, figures: int = 3) -> str:
    """Textbook rounding, written out: keep `figures` significant digits, a 5 rounds away from zero."""
    exponent = value.adjusted() - figures + 1
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    if rounded.adjusted() > value.adjusted():
        rounded = value.quantize(Decimal(1).scaleb(exponent + 1), rounding=ROUND_HALF_UP)
    return format(rounded, "f")


def exact_sse(params) -> Fraction:
    total = sum((Fraction(str(y)) - Fraction(t)) ** 2 for y, t in zip(params["y"], params["t"]))
    return total / 2 if params["half"] else total


def test_the_tie_the_issue_found_rounds_up():
    sheet = ws.build(112, 12, ("sse",), 1)
    item = sheet.items[10]  # item 11
    assert exact_sse(item.params) == Fraction(1355, 1000)
    assert f"{item.answer.value:.20f}".startswith("1.35499999")  # the float sits just below the tie
    assert ws.key(sheet, "ja", "md")["items"][10]["rounded"] == "1.36"


def test_every_sse_answer_is_rounded_from_its_exact_decimal():
    ties = 0
    for seed in range(150):
        for difficulty in (1, 2, 3):
            sheet = ws.build(seed, 4, ("sse",), difficulty)
            for entry, item in zip(ws.key(sheet, "en", "md")["items"], sheet.items):
                exact = exact_sse(item.params)
                decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
                assert entry["rounded"] == half_up(decimal), (seed, difficulty, item.params)
                ties += len(str(decimal).replace(".", "").lstrip("0")) == 4 and str(decimal).endswith("5")
    assert ties > 50  # the ties are common: most of them used to round down


def precise(kind, p):
    mpmath.mp.dps = 60
    d = lambda v: mpmath.mpf(str(v))  # noqa: E731  the decimal the question prints
    if kind == "ce-single":
        return -mpmath.log(d(p["y"][p["true_class"] - 1]))
    if kind == "ce-compare":
        return mpmath.log(d(p["y_b"][p["true_class"] - 1])) - mpmath.log(d(p["y_a"][p["true_class"] - 1]))
    if kind == "ce-batch":
        losses = [-mpmath.log(d(row[c - 1])) for row, c in zip(p["y"], p["labels"])]
        return sum(losses) / (1 if p["reduction"] == "sum" else len(losses))
    if kind == "binary-cross-entropy":
        return sum(-mpmath.log(d(y) if t == 1 else 1 - d(y)) for y, t in zip(p["y"], p["t"])) / len(p["y"])
    if kind == "softmax-cross-entropy":
        return mpmath.log(sum(mpmath.exp(d(z)) for z in p["logits"])) - d(p["logits"][p["true_class"] - 1])
    if kind == "softmax-gradient":
        exps = [mpmath.exp(d(z)) for z in p["logits"]]
        return exps[p["j"] - 1] / sum(exps) - (1 if p["j"] == p["true_class"] else 0)
    if kind == "token-loss":
        loss = sum(-mpmath.log(d(v)) for v in p["p"]) / len(p["p"])
        return mpmath.exp(loss) if p["ask"] == "perplexity" else loss
    if kind == "inverse":
        return mpmath.exp(-d(p["loss"]))
    if kind == "units":
        ln = {"nats": 1, "bits": mpmath.log(2), "decimal": mpmath.log(10)}
        return d(p["value"]) * ln[p["from"]] / ln[p["to"]]
    raise AssertionError(kind)


NUMERIC = ["ce-single", "ce-compare", "ce-batch", "binary-cross-entropy", "softmax-cross-entropy", "softmax-gradient",
           "token-loss", "inverse", "units"]


@pytest.mark.parametrize("kind", NUMERIC)
def test_answers_from_logs_are_rounded_from_a_precise_value(kind):
    for seed in range(40):
        sheet = ws.build(seed, 3, (kind,), 1 + seed % 3)
        for entry, item in zip(ws.key(sheet, "en", "md")["items"], sheet.items):
            value = precise(kind, item.params)
            assert entry["rounded"] == half_up(Decimal(mpmath.nstr(value, 50, min_fixed=-100, max_fixed=100))), (seed, item.params)


@pytest.mark.parametrize(("value", "figures", "expected"), [
    (Fraction(1355, 1000), 3, "1.36"), (Fraction(-1355, 1000), 3, "-1.36"), (1.355, 3, "1.35"),  # the float 1.355 is below the tie
    (9.996, 3, "10.0"), (0.0012345, 2, "0.0012"), (Fraction(12345, 10**7), 4, "0.001235"), (2000.0, 4, "2000"),
    (0.5, 4, "0.5000"), (123456.0, 3, "123000"),
])
def test_round_significant(value, figures, expected):
    assert round_significant(value, figures) == expected
