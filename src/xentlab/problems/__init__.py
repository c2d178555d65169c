"""Problem types for worksheets and answer keys. One module per type, found automatically.

A problem-type module defines:

    KIND: str                               # e.g. "ce-single" (the key.json "kind")
    def sample(rng, difficulty) -> dict     # JSON-able "nice" parameters, every draw from rng
    def check_params(params) -> None        # raises ParamError unless params fit the type (keys, types, ranges)
    def answer(params) -> Answer            # what a correct answer is
    def mistakes(params) -> list[Mistake]   # values typical misconceptions give (may be [])
    def solution(params) -> dict            # context for its solution template (numbers, SymPy objects)

and a template per language, templates/<lang>/problems/<kind>.j2, with macros
question(p) and solution(p, sol). `params` is exactly what key.json stores as
"question_params", so a grader can rebuild the answer and the mistakes from the key.
A key is untrusted data: check_params accepts everything sample draws (and a reasonable
superset of it) and refuses anything else with a one-line ParamError naming the param, so
answer and mistakes only ever see params of the right shape.
"""

from __future__ import annotations

import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from types import ModuleType

from xentlab.errors import InputError

DEFAULT_TOLERANCE = {"rtol": 0.005, "atol": 0.0, "sig_figs": 3}


class ParamError(InputError):
    """question_params that do not fit their problem type. The message names the param and its bad value."""


@dataclass(frozen=True)
class Answer:
    """kind: "number" (value: float), "expression" (value: str the safe parser reads), or "choice" (value: str id)."""

    kind: str
    value: float | str
    tolerance: dict = field(default_factory=lambda: dict(DEFAULT_TOLERANCE))
    choices: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()  # names an expression answer may use, e.g. ("y1", "t1", …)
    unit: str = ""

    def to_json(self) -> dict:
        data = {"answer": self.value, "answer_kind": self.kind}
        if self.kind == "number":
            data["tolerance"] = dict(self.tolerance)
            if self.unit:
                data["unit"] = self.unit
        if self.kind == "choice":
            data["choices"] = list(self.choices)
        if self.kind == "expression":
            data["symbols"] = list(self.symbols)
        return data


@dataclass(frozen=True)
class Mistake:
    """The value a student gets through the misconceptions `codes` (stable diagnosis codes)."""

    codes: tuple[str, ...]
    value: float


class _Registry(dict):
    """Problem types by canonical id; an old id (bce, softmax-ce) finds its type too, so keys
    written before the rename keep working. Iterating gives the canonical ids only."""

    def __missing__(self, kind):
        from xentlab.names import TYPE_ALIASES

        if kind in TYPE_ALIASES:
            return self[TYPE_ALIASES[kind]]
        raise KeyError(kind)

    def __contains__(self, kind) -> bool:
        from xentlab.names import TYPE_ALIASES

        return dict.__contains__(self, kind) or dict.__contains__(self, TYPE_ALIASES.get(kind, ""))


@lru_cache(maxsize=1)
def registry() -> dict[str, ModuleType]:
    modules = _Registry()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        modules[module.KIND] = module
    return modules


def problem_type(kind: str) -> ModuleType:
    """The module of problem type `kind` (its id, or an old alias of it)."""
    from xentlab import names

    types = registry()
    if kind not in types:
        raise names.unknown("type", kind, tuple(types), names.TYPE_ALIASES)
    return types[kind]
