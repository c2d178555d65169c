"""Derivations: the required rules in order, every step proved, wrong steps rejected,
and the derived losses agree with values computed independently (math module, seeds)."""

import math

import pytest
import sympy as sp

from xentlab.derivations import KINDS, derive
from xentlab.errors import VerificationError
from xentlab.model import Step
from xentlab.notation import K, N, T, c, j, k, n, p, t, t_scalar, y, y_scalar, z
from xentlab.printing import to_str
from xentlab.verify import evaluate, prove_step, rng_for, verify

REQUIRED_RULES = {
    "multiclass": ["likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "one_hot"],
    "multiclass-batch": ["likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"],
    "binary": ["likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"],
    "softmax-gradient": ["softmax", "take_log", "log_quotient", "log_exp", "substitute", "distribute",
                         "sum_to_one", "differentiate", "substitute_softmax"],
    "token-average": ["token_cross_entropy", "one_hot", "mean", "perplexity", "log_sum_to_product", "exp_log_power"],
    "sse": ["sse_definition", "differentiate"],
    "entropy-kl": ["cross_entropy", "add_subtract", "log_quotient_reverse"],
}
VARIANTS = [(kind, {}) for kind in KINDS] + [
    ("multiclass", {"classes": 3}),
    ("multiclass", {"classes": 6}),
    ("sse", {"half": True}),
    ("sse", {"classes": 5}),
    ("entropy-kl", {"classes": 3}),
]


@pytest.mark.parametrize(("kind", "options"), VARIANTS, ids=lambda v: str(v))
def test_every_step_is_proved_at_eight_or_more_points(kind, options):
    d = derive(kind, **options)
    assert d.verified
    for step in d.steps:
        assert step.proof.numeric_points >= 8, step.rule


@pytest.mark.parametrize("kind", KINDS)
def test_rules_appear_in_the_required_order(kind):
    assert [s.rule for s in derive(kind).steps] == REQUIRED_RULES[kind]


def test_half_sse_adds_the_cancelling_step():
    assert [s.rule for s in derive("sse", half=True).steps] == ["sse_definition", "differentiate", "half_cancels"]


def test_concrete_classes_write_every_term_out():
    d = derive("multiclass", classes=3)
    likelihood, _, split, powered, loss, _ = d.steps
    assert not likelihood.expr.has(sp.Product)
    assert to_str(likelihood.expr) == "y[1]**t[1]*y[2]**t[2]*y[3]**t[3]"
    assert to_str(split.expr) == "log(y[1]**t[1]) + log(y[2]**t[2]) + log(y[3]**t[3])"
    assert to_str(powered.expr) == "t[1]*log(y[1]) + t[2]*log(y[2]) + t[3]*log(y[3])"
    assert to_str(loss.expr) == "-(t[1]*log(y[1]) + t[2]*log(y[2]) + t[3]*log(y[3]))"
    # written out, each log rule is also proved symbolically
    assert all(s.proof.symbolic for s in (split, powered, loss))


def test_general_result_string_matches_the_documented_form():
    assert to_str(derive("multiclass").result) == "-Sum(t[k]*log(y[k]), (k, 1, K))"


# --- the derived expressions against independent numbers -------------------------------------


def value(expr, ints=None, **floats):
    return evaluate(expr, ints or {}, floats).real


def test_dog_fox_wolf_loss_is_ln_not_log10():
    # seed 000 printed -0.481486: that is log10 with the minus sign dropped. With ln it is 1.1087.
    d = derive("multiclass", classes=3)
    point = {y[1]: 0.33, y[2]: 0.32, y[3]: 0.35, t[1]: 1.0, t[2]: 0.0, t[3]: 0.0}
    loss = evaluate(d.result, {}, point).real
    assert loss == pytest.approx(-math.log(0.33), rel=1e-12)
    assert loss == pytest.approx(1.1086626245216111, rel=1e-12)
    assert loss != pytest.approx(-0.481486, abs=1e-3)


def test_binary_matches_the_calculator_values_of_seed_001():
    d = derive("binary")
    assert evaluate(d.result, {}, {y_scalar: 0.8, t_scalar: 1.0}).real == pytest.approx(0.22314355131420976, rel=1e-12)
    assert evaluate(d.result, {}, {y_scalar: 0.2, t_scalar: 1.0}).real == pytest.approx(1.6094379124341003, rel=1e-12)
    assert evaluate(d.result, {}, {y_scalar: 0.2, t_scalar: 0.0}).real == pytest.approx(-math.log(0.8), rel=1e-12)


def test_sse_matches_seed_001():
    d = derive("sse", classes=5)
    target = [0, 1, 0, 1, 0]
    for preds, expected in (([0.01, 0.65, 0.13, 0.70, 0.15], 0.252), ([0.34, 0.21, 0.91, 0.33, 0.22], 2.0651)):
        point = {y[q + 1]: preds[q] for q in range(5)} | {t[q + 1]: float(target[q]) for q in range(5)}
        assert evaluate(d.result, {}, point).real == pytest.approx(expected, rel=1e-12)


def test_token_average_corrects_seed_002():
    # seed 002 listed 0.02 for p = 0.95: that is -log10(0.95) = 0.0223; with ln it is 0.0513,
    # so the sentence loss is 0.2104, not (0.36 + 0.02 + 0.22) / 3 = 0.20.
    d = derive("token-average")
    probs = [0.70, 0.95, 0.80]
    point = {p[q + 1]: probs[q] for q in range(3)}
    expected = -sum(math.log(q) for q in probs) / 3
    assert evaluate(d.result, {T: 3}, point).real == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.21037, abs=1e-5)
    perplexity = evaluate(d.steps[-1].expr, {T: 3}, point).real
    assert perplexity == pytest.approx(math.prod(probs) ** (-1 / 3), rel=1e-12)


def test_softmax_gradient_matches_a_finite_difference():
    logits, target = [0.5, -1.0, 2.0], [0.0, 1.0, 0.0]

    def loss(zs):
        lse = math.log(sum(math.exp(v) for v in zs))
        return -sum(tk * (zk - lse) for tk, zk in zip(target, zs))

    d = derive("softmax-gradient")
    denom = sum(math.exp(v) for v in logits)
    point = {y[q + 1]: math.exp(logits[q]) / denom for q in range(3)} | {t[q + 1]: target[q] for q in range(3)}
    for jj in (1, 2, 3):
        h = 1e-6
        up = [v + h * (q == jj - 1) for q, v in enumerate(logits)]
        down = [v - h * (q == jj - 1) for q, v in enumerate(logits)]
        numeric = (loss(up) - loss(down)) / (2 * h)
        assert evaluate(d.result, {K: 3, j: jj}, point).real == pytest.approx(numeric, rel=1e-6)


# --- a wrong step must be caught ---------------------------------------------------------------

WRONG_STEPS = {
    "log10 in place of ln": lambda s: -sp.Sum(t[k] * sp.log(y[k], 10), (k, 1, K)),
    "dropped minus sign": lambda s: sp.Sum(t[k] * sp.log(y[k]), (k, 1, K)),
    "t and y swapped": lambda s: -sp.Sum(y[k] * sp.log(t[k] + 1), (k, 1, K)),
    "exponent lost": lambda s: -sp.Sum(sp.log(y[k]), (k, 1, K)),
    "sum not mean": lambda s: s.claim * N,  # N is not even defined for one sample
}


@pytest.mark.parametrize("mistake", WRONG_STEPS)
def test_a_deliberately_wrong_step_is_rejected(mistake):
    d = derive("multiclass")
    negate = next(s for s in d.steps if s.rule == "negate")
    wrong = Step("negate", negate.lhs, WRONG_STEPS[mistake](negate), claim=negate.claim)
    assert prove_step(wrong, d.domain, rng_for(0)) is None
    broken = type(d)(d.kind, tuple(s if s is not negate else wrong for s in d.steps), d.result, d.domain)
    with pytest.raises(VerificationError, match="step 5"):
        verify(broken)


def test_wrong_gradient_sign_is_rejected():
    d = derive("softmax-gradient")
    last = d.steps[-1]
    wrong = Step(last.rule, last.lhs, t[j] - y[j], claim=last.claim)
    assert prove_step(wrong, d.domain, rng_for(0)) is None


def test_one_hot_remark_needs_its_assumption():
    # -log y_c equals the loss only for one-hot targets; without the assumption it must fail
    d = derive("multiclass")
    one_hot = d.steps[-1]
    unassumed = Step(one_hot.rule, one_hot.lhs, one_hot.expr, claim=one_hot.claim)
    assert prove_step(unassumed, d.domain, rng_for(0)) is None


def test_batch_mean_is_the_sum_over_n():
    d = derive("multiclass-batch")
    rows = [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]
    labels = [1, 0]
    point = {}
    for r, (row, label) in enumerate(zip(rows, labels), start=1):
        point |= {y[r, q + 1]: row[q] for q in range(3)} | {t[r, q + 1]: float(q == label) for q in range(3)}
    expected_mean = -(math.log(0.5) + math.log(0.6)) / 2
    assert evaluate(d.result, {N: 2, K: 3}, point).real == pytest.approx(expected_mean, rel=1e-12)
    total = next(s for s in d.steps if s.rule == "negate")
    assert evaluate(total.expr, {N: 2, K: 3}, point).real == pytest.approx(2 * expected_mean, rel=1e-12)


def test_unused_symbols_are_really_symbols():
    # guards the notation module against an accidental rename breaking templates
    assert {str(s) for s in (c, n, z, y, t, p)} == {"c", "n", "z", "y", "t", "p"}
