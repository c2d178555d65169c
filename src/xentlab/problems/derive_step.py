"""derive-step (symbolic): from the likelihood L (or from log L = log Π …), write log L or the loss E.

The lines come from the proved chains of xentlab.problems._chains: K classes written out
(y_1^{t_1} y_2^{t_2} …) or as Π_{k=1}^{K} with K a number, or the binary (Bernoulli) likelihood.
Difficulty 1: K = 2..6; 2: K = 3..8; 3: K = 4..8 or binary. Each difficulty has more than 40
distinct questions (K × notation × start × target). The answer is the target written out, an
expression string in y1, y2, …, t1, t2, … (y, t for binary) that xentlab.parse.parse_expression reads.
"""

from __future__ import annotations

import numpy as np

from xentlab.problems import Answer, ParamError, _common

KIND = "derive-step"
CLASSES = {1: (2, 3, 4, 5, 6), 2: (3, 4, 5, 6, 7, 8), 3: (4, 5, 6, 7, 8)}
STARTS = {"L": 0, "log_L": 1}  # the likelihood, or log L = log Π y^t
TARGET_STEP = {"log_L": 3, "E": 4}  # log L = Σ t log y, and E = −Σ …
NOTATIONS = ("written", "sigma")
WORK_SPACE = 8  # lines of answer space in the LaTeX worksheet
OPTIONAL = {"from": "L", "notation": "written"}  # keys older keys did not have


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    target = str(rng.choice(list(TARGET_STEP)))
    start = str(rng.choice(list(STARTS)))
    if difficulty == 3 and rng.integers(0, 6) == 0:
        return {"derivation": "binary", "classes": None, "to": target, "from": start, "notation": "written"}
    classes = int(rng.choice(CLASSES[difficulty]))
    return {"derivation": "multiclass", "classes": classes, "to": target, "from": start,
            "notation": str(rng.choice(NOTATIONS))}


def _filled(params: dict) -> dict:
    return {**OPTIONAL, **params}


def check_params(params: dict) -> None:
    present = [name for name in ("derivation", "classes", "to", "from", "notation") if name in params or name not in OPTIONAL]
    _common.fields(params, *present)
    params = _filled(params)
    if _common.one_of(params["derivation"], "derivation", ("multiclass", "binary")) == "binary":
        if params["classes"] is not None:
            raise ParamError(f'"classes" must be null for the binary derivation, got {_common.show(params["classes"])}')
        if params["notation"] != "written":
            raise ParamError(f'"notation" must be "written" for the binary derivation, got {_common.show(params["notation"])}')
    else:
        _common.scalar(params["classes"], "classes", _common.Range(2, _common.MAX_WRITTEN_CLASSES, integer=True), "an integer")
        _common.one_of(params["notation"], "notation", NOTATIONS)
    _common.one_of(params["to"], "to", TARGET_STEP)
    _common.one_of(params["from"], "from", STARTS)


def derivation(params: dict):
    """The proved chain the question is taken from (its first step is the likelihood)."""
    params = _filled(params)
    if params["derivation"] == "binary":
        from xentlab.derivations import derive

        return derive("binary")
    from xentlab.problems._chains import chain

    return chain("multiclass", params["classes"], params["notation"])


def plain(expr):
    """y[1] → y1, t[2] → t2, any Σ/Π with a number as bound written out: what a student types."""
    import sympy as sp

    from xentlab import rules

    written = rules.write_out(expr)
    return rules.rewrite(written, lambda e: isinstance(e, sp.Indexed),
                         lambda e: sp.Symbol(f"{e.base.label}{e.indices[0]}", **e.base.label.assumptions0))


def symbols(params: dict) -> tuple[str, ...]:
    if params["derivation"] == "binary":
        return ("y", "t")
    classes = params["classes"]
    return tuple(f"y{q}" for q in range(1, classes + 1)) + tuple(f"t{q}" for q in range(1, classes + 1))


def reveals(params: dict) -> tuple[str, ...]:
    """The lines this question asks for: a log-rule item on the same sheet must not show them."""
    params = _filled(params)
    return (f"{params['derivation']}:{params['classes']}",)  # the same maths in either notation


def answer(params: dict) -> Answer:
    from xentlab.printing import to_str

    target = derivation(params).steps[TARGET_STEP[params["to"]]]
    return Answer(kind="expression", value=to_str(plain(target.expr)), symbols=symbols(params))


def mistakes(params: dict) -> list:
    return []  # symbolic: the checker compares expressions (sign, base, dropped term) itself


def question_context(params: dict) -> dict:
    """The lines the question shows: the likelihood, and log L = log Π … when the question starts there."""
    params = _filled(params)
    d = derivation(params)
    return {"given": d.steps[0], "start": d.steps[STARTS[params["from"]]]}


def solution(params: dict) -> dict:
    params = _filled(params)
    d = derivation(params)
    last = TARGET_STEP[params["to"]]
    first = STARTS[params["from"]]
    return {"derivation": d, "derivations": [d], "given": d.steps[first], "steps": list(d.steps[first + 1:last + 1]),
            "target": d.steps[last], "typed": answer(params).value}
