"""log-rule (choice): which rule turns one line of a proved derivation into the next?

The lines are two consecutive steps of a derivation; the choices are rule ids, the
distractors drawn from the other rules (never the correct rule read backwards, which
would make two choices right). Difficulty 1: the 3-class derivation of seed 000 and the binary one; 2: the 4-class and the
general K-class derivations; 3: softmax, perplexity and batch steps. (Each is a derivation
another type at that difficulty uses too, so a sheet proves fewer derivations.)
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer, ParamError, _common

KIND = "log-rule"
RULES = ("take_log", "log_product_to_sum", "log_power", "negate", "log_quotient", "log_exp",
         "log_sum_to_product", "exp_log_power")
TWINS = {"log_product_to_sum": "log_sum_to_product", "log_sum_to_product": "log_product_to_sum",
         "log_power": "exp_log_power", "exp_log_power": "log_power"}
CHOICES = 4
MAX_CHOICES = 8  # letters A to H
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


def check_params(params: dict) -> None:
    show = _common.show
    _common.fields(params, "derivation", "classes", "step", "choices")
    name = _common.one_of(params["derivation"], "derivation", STEP_RULES)
    if params["classes"] is not None:  # only the multiclass derivation may be written out for K classes
        if name != "multiclass":
            raise ParamError(f'"classes" must be null for the {name} derivation, got {show(params["classes"])}')
        _common.scalar(params["classes"], "classes", _common.Range(2, _common.MAX_WRITTEN_CLASSES, integer=True), "null or an integer")
    steps = [index for index, rule in enumerate(STEP_RULES[name]) if index > 0 and rule in RULES]
    step = params["step"]
    if isinstance(step, bool) or not isinstance(step, int) or step not in steps:
        raise ParamError(f'"step" must be a step of {name} made by a log rule ({", ".join(map(str, steps))}), got {show(step)}')
    choices, rule = params["choices"], STEP_RULES[name][step]
    if not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES:
        raise ParamError(f'"choices" must be a list of 2 to {MAX_CHOICES} rule ids, got {show(choices)}')
    for position, choice in enumerate(choices, start=1):
        if not isinstance(choice, str) or choice not in RULES:
            raise ParamError(f'"choices" must hold rule ids ({", ".join(RULES)}); value {position} is {show(choice)}')
    if len(set(choices)) < len(choices):
        raise ParamError(f'"choices" must not repeat a rule, got {show(choices)}')
    if rule not in choices:
        raise ParamError(f'"choices" must include "{rule}", the rule of step {step}, got {show(choices)}')
    if TWINS.get(rule) in choices:
        raise ParamError(f'"choices" must not offer "{TWINS[rule]}" beside "{rule}" (either would be right)')


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
