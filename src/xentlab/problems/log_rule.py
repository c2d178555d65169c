"""log-rule (choice): which rule turns one line of a proved derivation into the next?

The lines are two consecutive steps of a derivation: a symbolic one (K, N, T as letters) or a
chain of xentlab.problems._chains with the size a number, written out or with Σ/Π; the choices
are rule ids, the distractors drawn from the other rules (never the correct rule read backwards,
nor any other rule that also justifies the step, which would make two choices right).
Difficulty 1: the multiclass derivation with 2..6 classes, and the binary one; 2: 5..8 classes,
K classes, the binary and the batch derivations; 3: softmax and perplexity, with the size a number
or a letter. Each difficulty has more than 40 distinct questions.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer, ParamError, _common
from xentlab.problems._chains import CHAIN_RULES, NOTATIONS

KIND = "log-rule"
RULES = ("take_log", "log_product_to_sum", "log_power", "negate", "log_quotient", "log_exp",
         "log_sum_to_product", "exp_log_power")
TWINS = {"log_product_to_sum": "log_sum_to_product", "log_sum_to_product": "log_product_to_sum",
         "log_power": "exp_log_power", "exp_log_power": "log_power"}
# Rules that also justify a step made by the key rule: log(e^z) = z is log_exp, and log_power too
# (z log e = z). They are never offered beside it, so the one right choice is the only right one.
ALSO = {"log_exp": ("log_power",)}
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
CHAIN_OF = {"multiclass": "multiclass", "softmax-gradient": "softmax", "token-average": "tokens"}
OFFSET = {"token-average": 2}  # the tokens chain starts at step 2 (the mean) of the symbolic derivation
SOURCES = {
    1: tuple(("multiclass", k, notation) for k in range(2, 7) for notation in NOTATIONS) + (("binary", None, "written"),),
    2: tuple(("multiclass", k, notation) for k in range(5, 9) for notation in NOTATIONS)
       + (("multiclass", None, "written"), ("binary", None, "written"), ("multiclass-batch", None, "written")),
    3: tuple((name, k, notation) for name in ("softmax-gradient", "token-average") for k in range(2, 7) for notation in NOTATIONS)
       + (("softmax-gradient", None, "written"), ("token-average", None, "written")),
}


def rules_of(name: str, classes: int | None) -> tuple:
    """The rule of each step, indexed as in the symbolic derivation (None before a chain starts)."""
    if classes is None:
        return STEP_RULES[name]
    return (None,) * OFFSET.get(name, 0) + CHAIN_RULES[CHAIN_OF[name]]


def candidates(difficulty: int) -> list[tuple[str, int | None, str, int]]:
    """(derivation, classes, notation, step index) of every step made by one of RULES."""
    return [(name, classes, notation, index) for name, classes, notation in SOURCES[difficulty]
            for index, rule in enumerate(rules_of(name, classes)) if index > 0 and rule in RULES]


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    pool = candidates(difficulty)
    name, classes, notation, index = pool[int(rng.integers(0, len(pool)))]
    rule = rules_of(name, classes)[index]
    others = [r for r in RULES if r not in (rule, TWINS.get(rule), *ALSO.get(rule, ()))]
    distractors = [str(r) for r in rng.choice(others, size=CHOICES - 1, replace=False)]
    choices = [str(c) for c in rng.permutation([rule, *distractors])]
    return {"derivation": name, "classes": classes, "step": index, "choices": choices, "notation": notation}


def check_params(params: dict) -> None:
    show = _common.show
    _common.fields(params, "derivation", "classes", "step", "choices", *(["notation"] if "notation" in params else []))
    name = _common.one_of(params["derivation"], "derivation", STEP_RULES)
    notation = params.get("notation", "written")
    if params["classes"] is not None:  # written for a number of classes (or tokens)
        if name not in CHAIN_OF:
            raise ParamError(f'"classes" must be null for the {name} derivation, got {show(params["classes"])}')
        _common.scalar(params["classes"], "classes", _common.Range(2, _common.MAX_WRITTEN_CLASSES, integer=True), "null or an integer")
        _common.one_of(notation, "notation", NOTATIONS)
    elif notation != "written":
        raise ParamError(f'"notation" must be "written" for the {name} derivation with letters, got {show(notation)}')
    table = rules_of(name, params["classes"])
    steps = [index for index, rule in enumerate(table) if index > 0 and rule in RULES]
    step = params["step"]
    if isinstance(step, bool) or not isinstance(step, int) or step not in steps:
        raise ParamError(f'"step" must be a step of {name} made by a log rule ({", ".join(map(str, steps))}), got {show(step)}')
    choices, rule = params["choices"], table[step]
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
    for also in ALSO.get(rule, ()):
        if also in choices:
            raise ParamError(f'"choices" must not offer "{also}" beside "{rule}" (either justifies the step)')


def reveals(params: dict) -> tuple[str, ...]:
    """The lines this question shows (a derive-step item on the same sheet must not ask for them)."""
    return (f"{params['derivation']}:{params['classes']}",)  # the same maths in either notation


def answer(params: dict) -> Answer:
    rule = rules_of(params["derivation"], params["classes"])[params["step"]]
    return Answer(kind="choice", value=rule, choices=tuple(params["choices"]))


def mistakes(params: dict) -> list:
    return []  # a choice item: every other choice is simply wrong


def derivation(params: dict):
    from xentlab.derivations import derive

    name, classes = params["derivation"], params["classes"]
    if classes is None:
        return derive(name)
    from xentlab.problems._chains import chain

    return chain(CHAIN_OF[name], classes, params.get("notation", "written"))


def _pair(params: dict):
    d = derivation(params)
    index = params["step"] - (OFFSET.get(params["derivation"], 0) if params["classes"] is not None else 0)
    return d, d.steps[index - 1], d.steps[index]


def question_context(params: dict) -> dict:
    """The two lines the question shows (SymPy), merged into p for the question template."""
    _, before, after = _pair(params)
    return {"before": before, "after": after}


def solution(params: dict) -> dict:
    d, before, after = _pair(params)
    if after.rule != answer(params).value:  # the table above must match the derivation
        raise AssertionError(f"{d.kind} step {params['step']} is {after.rule}, not {answer(params).value}")
    letter = "ABCDEFGH"[params["choices"].index(after.rule)]
    return {"derivation": d, "derivations": [d], "before": before, "after": after, "letter": letter}
