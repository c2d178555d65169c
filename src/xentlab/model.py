"""Plain data passed downstream: steps carry no prose, only what a template needs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Proof:
    """How a step was shown to follow from the one before it."""

    numeric_points: int  # random valid points at which both sides agreed
    symbolic: bool  # SymPy reduced the difference to exactly 0
    sizes: tuple[str, ...] = ()  # concrete sizes tried when the step is general, e.g. ("K = 2", "K = 3")

    @property
    def method(self) -> str:
        return "symbolic+numeric" if self.symbolic else "numeric"


@dataclass(frozen=True)
class Step:
    """One move of a derivation: `lhs = expr`, justified by `rule`.

    `claim` is what `expr` must equal, built mechanically from the previous step
    (log of it, its negation, its derivative…). None marks a definition.
    `assume` names a domain condition the claim needs (one-hot targets, Σt = 1…).
    """

    rule: str
    lhs: Any
    expr: Any
    claim: Any = None
    assume: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    proof: Proof | None = None

    @property
    def verified(self) -> bool:
        return self.proof is not None

    def proved(self, proof: Proof) -> Step:
        return replace(self, proof=proof)


@dataclass(frozen=True)
class Derivation:
    kind: str
    steps: tuple[Step, ...]
    result: Any  # the loss this kind derives (SymPy)
    domain: Any  # how to draw valid random points (see verify.Domain)
    params: dict[str, Any] = field(default_factory=dict)  # e.g. {"classes": 3, "half": False}

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.steps)

    @property
    def result_step(self) -> Step:
        """The step that states the result (later steps, like the one-hot remark, specialise it)."""
        return next(s for s in reversed(self.steps) if s.expr is self.result)


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer. `message` is a key the feedback templates explain."""

    status: str  # "correct" | "incorrect" | "invalid"
    diagnosis: tuple[str, ...] = ()
    expected: Any = None  # number, expression string, or choice id
    score: float = 0.0
    message: str = ""  # correct | mistake | wrong | parse_error | timeout | empty | wrong_choice
    detail: dict[str, Any] = field(default_factory=dict)
