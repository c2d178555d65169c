"""log-rule (choice): which rule turns one line of a proved derivation into the next?

The lines are two consecutive steps of a derivation; the choices are rule ids, the
distractors drawn from the other rules (never the correct rule read backwards, which
would make two choices right). Difficulty 1: the 3-class derivation of seed 000 and the binary one; 2: the 4-class and the
general K-class derivations; 3: softmax, perplexity and batch steps. (Each is a derivation
another type at that difficulty uses too, so a sheet proves fewer derivations.)
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer

KIND = "log-rule"
RULES = ("take_log", "log_product_to_sum", "log_power", "negate", "log_quotient", "log_exp",
         "log_sum_to_product", "exp_log_power")
TWINS = {"log_product_to_sum": "log_sum_to_product", "log_sum_to_product": "log_product_to_sum",
         "log_power": "exp_log_power", "exp_log_power": "log_power"}
CHOICES = 4
# The rule of every step, by derivation (checked against the derivations by the tests), so that
# sampling needs no SymPy.
STEP_RULES = {
    "multiclass": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "one_hot"),
    "binary": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"),
    "multiclass-batch": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"),
    "softmax-gradient": ("softmax", "take_log", "log_quotient", "log_exp", "substitute", "distribute",
                         "sum_to_one", "differentiate", "substitute_softmax"),
    "token-average": ("token_cross_entropy", "one_hot", "mean", "perplexity", "log_sum_to_product", "exp_log_power"),
}
SOURCES = {
    1: (("multiclass", 3), ("binary", None)),
    2: (("multiclass", 4), ("multiclass", None)),
    3: (("softmax-gradient", None), ("token-average", None), ("multiclass-batch", None)),
}


def candidates(difficulty: int) -> list[tuple[str, int | None, int]]:
    """(derivation, classes, step index) of every step made by one of RULES."""
    return [(name, classes, index) for name, classes in SOURCES[difficulty]
            for index, rule in enumerate(STEP_RULES[name]) if index > 0 and rule in RULES]


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    pool = candidates(difficulty)
    name, classes, index = pool[int(rng.integers(0, len(pool)))]
    rule = STEP_RULES[name][index]
    others = [r for r in RULES if r not in (rule, TWINS.get(rule))]
    distractors = [str(r) for r in rng.choice(others, size=CHOICES - 1, replace=False)]
    choices = [str(c) for c in rng.permutation([rule, *distractors])]
    return {"derivation": name, "classes": classes, "step": index, "choices": choices}


def reveals(params: dict) -> tuple[str, ...]:
    """The derivation whose lines this question shows (a derive-step item on the same sheet must not ask for them)."""
    return (f"{params['derivation']}:{params['classes']}",)


def answer(params: dict) -> Answer:
    rule = STEP_RULES[params["derivation"]][params["step"]]
    return Answer(kind="choice", value=rule, choices=tuple(params["choices"]))


def mistakes(params: dict) -> list:
    return []  # a choice item: every other choice is simply wrong


def derivation(params: dict):
    from xentlab.derivations import derive

    if params["derivation"] == "multiclass":
        return derive("multiclass", classes=params["classes"])
    return derive(params["derivation"])


def question_context(params: dict) -> dict:
    """The two lines the question shows (SymPy), merged into p for the question template."""
    d = derivation(params)
    return {"before": d.steps[params["step"] - 1], "after": d.steps[params["step"]]}


def solution(params: dict) -> dict:
    d = derivation(params)
    before, after = d.steps[params["step"] - 1], d.steps[params["step"]]
    if after.rule != answer(params).value:  # the table above must match the derivation
        raise AssertionError(f"{d.kind} step {params['step']} is {after.rule}, not {answer(params).value}")
    letter = "ABCDEFGH"[params["choices"].index(after.rule)]
    return {"derivation": d, "derivations": [d], "before": before, "after": after, "letter": letter}
