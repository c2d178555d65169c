"""Skills: every diagnosis code belongs to exactly one skill. One table, here.

A diagnosis code names what a student did on one item (`log_base_10`); a skill names what the
student has to know so that the mistake goes away (use the natural logarithm). Mastery is traced
per skill (xentlab.bkt), follow-up sheets and practice target skills. The names and the
one-paragraph explanations a student reads live in templates/<lang>/skills.j2 (`name_<skill>`,
`explain_<skill>`), never here.

The table covers the codes of README's stable list, the codes grading adds for answers as students
write them (`unit_mismatch`, `percent_scale`, `too_few_sig_figs`, …) and the wrong rules of a
student's derivation (`log_of_sum_split`, …). tests/test_skills.py fails when a code some problem
type emits is missing here.
"""

from __future__ import annotations

from xentlab.errors import UsageError

# The order skills are listed in: the order a student meets them while computing a loss.
SKILLS = (
    "natural_log",       # ln, not log10 or log2, unless the question asks for another base
    "sign",              # the minus in E = −log p: a loss is never negative
    "one_hot",           # the one-hot target keeps only the true class's term
    "mean_vs_sum",       # the batch is reduced the way the question says
    "complement",        # binary cross-entropy has a (1 − t) log(1 − y) term
    "loss_formula",      # what the loss is: −Σ t log y, not p, not (y − t)², not y log t
    "squared_error",     # the sum of squared errors (a sum over the outputs, not their mean) and its factor ½
    "softmax_gradient",  # ∂E/∂z_j = y_j − t_j
    "chain_rule",        # differentiating through the softmax: every y_k depends on z_j
    "log_rules",         # log of a product, of a power, of a quotient …
    "units",             # nats, bits and hartleys, and converting between them
    "reading_question",  # the quantity, the form and the precision the question asks for
)

SKILL_OF: dict[str, str] = {
    # natural_log
    "log_base_10": "natural_log",
    "log_base_2": "natural_log",
    "mixed_base": "natural_log",
    # sign
    "sign_dropped": "sign",
    "minus_not_distributed": "sign",
    # one_hot
    "wrong_class": "one_hot",
    "t_dropped": "one_hot",
    # mean_vs_sum
    "sum_not_mean": "mean_vs_sum",
    "mean_not_sum": "mean_vs_sum",
    # complement
    "missing_complement": "complement",
    "complement_swapped": "complement",
    # loss_formula
    "probability_not_loss": "loss_formula",
    "sse_instead_of_ce": "loss_formula",
    "swapped_t_y": "loss_formula",
    "dropped_term": "loss_formula",
    # squared_error
    "half_missing": "squared_error",
    "half_extra": "squared_error",
    # the sum of squared errors divided by K: what the SSE is (a sum over the outputs), not how a batch
    # is reduced; an sse item cannot make "summed the samples where the mean was asked"
    "mean_over_classes": "squared_error",
    # softmax_gradient
    "gradient_sign": "softmax_gradient",
    # chain_rule
    "softmax_diagonal_only": "chain_rule",
    # log_rules
    "log_of_sum_split": "log_rules",
    "log_product_as_product": "log_rules",
    "power_outside_log": "log_rules",
    "exponent_dropped": "log_rules",
    "sum_product_confused": "log_rules",
    "cited_rule_mismatch": "log_rules",
    # units
    "conversion_inverted": "units",
    "unit_mismatch": "units",
    "base_e_not_bits": "units",
    "base_e_not_decimal": "units",
    # reading_question
    "percent_scale": "reading_question",
    "too_few_sig_figs": "reading_question",
    "perplexity_not_loss": "reading_question",
    "loss_not_perplexity": "reading_question",
}

# Codes no item's own numbers can witness (xentlab.discriminate): how an answer was written, the
# wrong rules of a derivation's steps, and mixed_base, which always comes with the base it used.
# A student's own code among these does not narrow which items show the skill.
# tests/test_skills.py checks that every other code is witnessed by some problem type, and these by none.
WITHOUT_WITNESS = frozenset({
    "too_few_sig_figs", "unit_mismatch", "mixed_base",
    "log_of_sum_split", "log_product_as_product", "power_outside_log", "exponent_dropped", "sum_product_confused",
    "cited_rule_mismatch", "minus_not_distributed", "t_dropped", "softmax_diagonal_only",
})

# Choice items have no diagnosis codes: any wrong choice shows the skill their choices test.
CHOICE_SKILL = {"log-rule": "log_rules"}


def skill_of(code: str) -> str | None:
    """The skill a diagnosis code belongs to; None for a code this table does not know
    (a graded.csv from a newer xentlab, or text that is not a code at all)."""
    return SKILL_OF.get(code)


def codes_of(skill: str) -> tuple[str, ...]:
    return tuple(code for code, owner in SKILL_OF.items() if owner == skill)


def parse_skills(text: str | None) -> tuple[str, ...]:
    """'sign,natural_log' → the skills in table order; None or '' → every skill."""
    if text is None or not text.strip():
        return SKILLS
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(SKILLS))
    if unknown or not chosen:
        from xentlab.names import suggest

        skill = (unknown[0] if unknown else text)[:40]
        raise UsageError(key="unknown_skill", skill=skill, skills=SKILLS, suggestion=suggest(skill, SKILLS))  # a tuple: never cut short
    return tuple(s for s in SKILLS if s in chosen)


def formulas() -> dict:
    """The formulas the skill explanations quote, as SymPy objects the templates print for their
    format (`explain_<skill>(f)`). tests/test_skills.py checks each identity numerically."""
    import sympy as sp

    from xentlab import notation as n
    from xentlab import rules

    def log(e):
        return sp.log(e, evaluate=False)

    def neg(e):
        return sp.Mul(-1, e, evaluate=False)

    b, x = sp.Symbol("b", positive=True), sp.Symbol("x", positive=True)
    y1, t1 = n.y_scalar, n.t_scalar
    def minus(a, b):
        return sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False)

    squares = sp.Sum(sp.Pow(minus(n.y[n.k], n.t[n.k]), 2, evaluate=False), (n.k, 1, n.K))
    return {
        **rules.formulas(),
        "ce": sp.Eq(n.E, neg(sp.Sum(n.t[n.k] * log(n.y[n.k]), (n.k, 1, n.K))), evaluate=False),
        "one_hot": sp.Eq(n.E, neg(log(n.y[n.c])), evaluate=False),
        "neg_log": sp.Eq(n.E, neg(log(n.p_scalar)), evaluate=False),
        "change_of_base": sp.Eq(n.log_base(x, b), log(x) / log(b), evaluate=False),
        "mean": sp.Eq(n.E, sp.Mul(1 / n.N, sp.Sum(n.E_i(n.n), (n.n, 1, n.N)), evaluate=False), evaluate=False),
        "bce": sp.Eq(n.E, neg(sp.Add(sp.Mul(t1, log(y1), evaluate=False), sp.Mul(minus(1, t1), log(minus(1, y1)), evaluate=False), evaluate=False)), evaluate=False),
        "bce_t1": sp.Eq(n.E, neg(log(y1)), evaluate=False),
        "bce_t0": sp.Eq(n.E, neg(log(minus(1, y1))), evaluate=False),
        "sse": sp.Eq(n.E, squares, evaluate=False),
        "sse_half": sp.Eq(n.E, sp.Mul(sp.Rational(1, 2), squares, evaluate=False), evaluate=False),
        "gradient": sp.Eq(sp.Derivative(n.E, n.z[n.j]), minus(n.y[n.j], n.t[n.j]), evaluate=False),
        "softmax_diagonal": sp.Eq(sp.Derivative(n.y[n.j], n.z[n.j]), sp.Mul(n.y[n.j], minus(1, n.y[n.j]), evaluate=False), evaluate=False),
        "softmax_off_diagonal": sp.Eq(sp.Derivative(n.y[n.k], n.z[n.j]), neg(sp.Mul(n.y[n.j], n.y[n.k], evaluate=False)), evaluate=False),
        "perplexity": sp.Eq(n.PPL, sp.exp(n.E, evaluate=False), evaluate=False),
    }
