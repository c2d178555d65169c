"""derive-step (symbolic): from the likelihood L, write log L or the loss E (seed 000's derivation).

Each asks for log L or for E. Difficulty 1: K = 2 or 3; 2: K = 3 or 4; 3: K = 5 or 6, or the
binary (Bernoulli) likelihood. The answer is an expression string in y1, y2, …, t1, t2, …
(y, t for the binary case) that xentlab.parse.parse_expression reads, taken from the
proved derivation itself.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer, ParamError, _common

KIND = "derive-step"
CLASSES = {1: (2, 3), 2: (3, 4), 3: (5, 6)}  # the K of ce-single at the same difficulty, so the proofs are shared
TARGET_STEP = {"log_L": 3, "E": 4}  # index of the step that states log L = Σ t log y, and E = −Σ …
WORK_SPACE = 8  # lines of answer space in the LaTeX worksheet


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    target = str(rng.choice(["log_L", "E"]))
    if difficulty == 3 and rng.integers(0, 5) == 0:
        return {"derivation": "binary", "classes": None, "to": target}
    return {"derivation": "multiclass", "classes": int(rng.choice(CLASSES[difficulty])), "to": target}


def check_params(params: dict) -> None:
    _common.fields(params, "derivation", "classes", "to")
    if _common.one_of(params["derivation"], "derivation", ("multiclass", "binary")) == "binary":
        if params["classes"] is not None:
            raise ParamError(f'"classes" must be null for the binary derivation, got {_common.show(params["classes"])}')
    else:
        _common.scalar(params["classes"], "classes", _common.Range(2, _common.MAX_WRITTEN_CLASSES, integer=True), "an integer")
    _common.one_of(params["to"], "to", TARGET_STEP)


def derivation(params: dict):
    from xentlab.derivations import derive

    if params["derivation"] == "binary":
        return derive("binary")
    return derive("multiclass", classes=params["classes"])


def plain(expr):
    """y[1] → y1, t[2] → t2: the names a student types (and the safe parser reads)."""
    import sympy as sp

    from xentlab import rules

    return rules.rewrite(expr, lambda e: isinstance(e, sp.Indexed),
                         lambda e: sp.Symbol(f"{e.base.label}{e.indices[0]}", **e.base.label.assumptions0))


def symbols(params: dict) -> tuple[str, ...]:
    if params["derivation"] == "binary":
        return ("y", "t")
    classes = params["classes"]
    return tuple(f"y{q}" for q in range(1, classes + 1)) + tuple(f"t{q}" for q in range(1, classes + 1))


def reveals(params: dict) -> tuple[str, ...]:
    """The derivation whose lines this question asks for: a log-rule item on the same sheet must not show them."""
    return (f"{params['derivation']}:{params['classes']}",)


def answer(params: dict) -> Answer:
    from xentlab.printing import to_str

    target = derivation(params).steps[TARGET_STEP[params["to"]]]
    return Answer(kind="expression", value=to_str(plain(target.expr)), symbols=symbols(params))


def mistakes(params: dict) -> list:
    return []  # symbolic: the checker compares expressions (sign, base, dropped term) itself


def solution(params: dict) -> dict:
    d = derivation(params)
    last = TARGET_STEP[params["to"]]
    return {"derivation": d, "derivations": [d], "given": d.steps[0], "steps": list(d.steps[1:last + 1]),
            "target": d.steps[last], "typed": answer(params).value}
