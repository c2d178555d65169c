"""derive-lines: write the derivation from a given line to a target, one line per step.

The key stores the reference derivation (every step proved; the lines as LaTeX the safe parser
reads). A student's answer is checked line by line by xentlab.steps against the reference's
first line (the start) and its last line (the target): the score is partial, by the lines that
hold up to the first wrong one plus those that follow from it, over at least as many lines as
the reference has steps. Difficulty 1: the 2- or 3-class likelihood to log L or E, and the binary
one to E; 2: 4 classes or K classes, from L or log L, and the binary mean; 3: the batch mean,
the softmax gradient, perplexity.

Opt-in: not in the default --types (Moodle cannot check a derivation line by line).
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer, ParamError, _common

KIND = "derive-lines"
OPT_IN = True  # not in the default --types
MOODLE = False  # `xentlab moodle --types derive-lines` is refused: Moodle cannot check a derivation line by line
WORK_SPACE = 14
# Two items of one derivation overlap (1→3 is 0→3 without its first step; 0→4 holds 0→3): one per sheet
ONE_PER_REVEAL = True
# derivation → (starts, targets) as step indices of the proved derivation
SPANS = {
    "multiclass": ((0, 1), (3, 4)),
    "binary": ((0, 1), (4, 5)),
    "multiclass-batch": ((0,), (5,)),
    "softmax-gradient": ((0, 4), (8,)),
    "token-average": ((2,), (5,)),
}
SOURCES = {
    1: (("multiclass", 2), ("multiclass", 3), ("binary", None)),
    2: (("multiclass", 4), ("multiclass", None), ("binary", None)),
    3: (("multiclass-batch", None), ("softmax-gradient", None), ("token-average", None)),
}
LHS_LATEX = {"L": "L", "log(L)": r"\log L", "E": "E", "E_sum": r"E_{\mathrm{sum}}", "PPL": r"\mathrm{PPL}"}


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    name, classes = SOURCES[difficulty][int(rng.integers(0, len(SOURCES[difficulty])))]
    starts, targets = SPANS[name]
    if name == "binary" and difficulty == 1:
        targets = (4,)
    start = int(rng.choice(starts))
    return {"derivation": name, "classes": classes, "from": start, "to": int(rng.choice(targets))}


def check_params(params: dict) -> None:
    _common.fields(params, "derivation", "classes", "from", "to")
    name = _common.one_of(params["derivation"], "derivation", SPANS)
    if params["classes"] is not None:
        if name != "multiclass":
            raise ParamError(f'"classes" must be null for the {name} derivation, got {_common.show(params["classes"])}')
        _common.scalar(params["classes"], "classes", _common.Range(2, _common.MAX_WRITTEN_CLASSES, integer=True),
                       "null or an integer")
    starts, targets = SPANS[name]
    for field, allowed in (("from", starts), ("to", targets)):
        value = params[field]
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ParamError(f'"{field}" must be one of {", ".join(map(str, allowed))} for {name}, got {_common.show(value)}')


def derivation(params: dict):
    from xentlab.derivations import derive

    if params["derivation"] == "multiclass":
        return derive("multiclass", classes=params["classes"])
    return derive(params["derivation"])


def reveals(params: dict) -> tuple[str, ...]:
    return (f"{params['derivation']}:{params['classes']}",)


def line(step) -> str:
    """One step as the student would write it, in LaTeX the checker reads."""
    from xentlab.printing import to_latex

    return f"{to_latex(step.lhs)} = {to_latex(step.expr)}"


def reference(params: dict) -> str:
    steps = derivation(params).steps[params["from"]:params["to"] + 1]
    return "\n".join(line(step) for step in steps)


def answer(params: dict) -> Answer:
    return Answer(kind="lines", value=reference(params))


def mistakes(params: dict) -> list:
    return []  # the checker names the wrong rule line by line


def question_context(params: dict) -> dict:
    d = derivation(params)
    return {"start": d.steps[params["from"]], "target": d.steps[params["to"]]}


def solution(params: dict) -> dict:
    d = derivation(params)
    return {"derivation": d, "derivations": [d], "steps": list(d.steps[params["from"] + 1:params["to"] + 1]),
            "given": d.steps[params["from"]], "reference": reference(params)}
