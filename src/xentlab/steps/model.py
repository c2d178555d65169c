"""What checking a derivation produces: plain data, no prose (the templates write the words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RELATIONS = ("given", "ok", "ok_big_step", "ok_if", "wrong", "ok_from_wrong", "unreadable")
MARKS = {"given": "✓", "ok": "✓", "ok_big_step": "✓!", "ok_if": "⚠", "ok_from_wrong": "⚠", "wrong": "✗",
         "unreadable": "?"}
MAX_STEP = 3  # rules in one step; more is ok_big_step
CREDITED = frozenset({"ok", "ok_big_step", "ok_if", "ok_from_wrong"})


@dataclass
class LineResult:
    """One equation of the derivation, as the public JSON shows it (plus what rendering needs)."""

    n: int  # the line of the input it is on (0: the start line given with --start)
    text: str
    relation: str
    rules: list[str] = field(default_factory=list)
    condition: str | None = None
    diagnosis: list[str] = field(default_factory=list)
    term: str | None = None
    counterexample: dict | None = None
    cited_rule: str | None = None
    claim: str = ""  # the justification text before it, as typed
    message: dict | None = None  # unreadable: {"code", "offset", "reason"}; or {"key": …} for other notes
    lhs: Any = None
    rhs: Any = None
    term_expr: Any = None
    rhs_text: str = ""  # the right-hand side as typed, '=' spellings (≈, ≒) already read

    @property
    def step_size(self) -> int:
        return len(self.rules)

    @property
    def mark(self) -> str:
        return MARKS[self.relation]


@dataclass
class Report:
    lines: list[LineResult]
    kind: str
    prose: dict[int, list[str]] = field(default_factory=dict)  # line n → justification rows before it
    trailing: list[str] = field(default_factory=list)  # notes after the last equation
    truncated: bool = False

    @property
    def first_error(self) -> int | None:
        for line in self.lines:
            if line.relation in ("wrong", "unreadable"):
                return line.n
        return None

    @property
    def status(self) -> str:
        relations = [line.relation for line in self.lines]
        if "wrong" in relations:
            return "incorrect"
        if not relations or "unreadable" in relations or all(r == "given" for r in relations) or self.truncated:
            return "invalid"  # truncated: the lines past the limits were never checked
        return "correct"

    @property
    def score(self) -> float:
        """Lines that hold up to the first wrong one, plus those that follow from it, over the
        lines to grade (the given line is not graded)."""
        graded = [line for line in self.lines if line.relation != "given" and line.n != 0]
        if not graded:
            return 0.0
        return round(sum(line.relation in CREDITED for line in graded) / len(graded), 4)
