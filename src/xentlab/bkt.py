"""Bayesian knowledge tracing (Corbett & Anderson, 1995), per (student, skill). No dependencies.

A skill is either mastered or not. Before the first item it is mastered with probability
`prior`; after every item a student who has not mastered it learns it with probability `learn`.
A student who has mastered it still answers wrongly with probability `slip`, and one who has not
still answers rightly with probability `guess`. After each observation:

    P(L | right) = P(L)(1 − slip) / [P(L)(1 − slip) + (1 − P(L)) guess]
    P(L | wrong) = P(L) slip      / [P(L) slip      + (1 − P(L))(1 − guess)]
    P(L next)    = P(L | obs) + (1 − P(L | obs)) learn        (no forgetting)

A skill counts as mastered at P(L) ≥ MASTERED = 0.95, the threshold of the cognitive tutors.

Defaults (documented, not fitted): prior 0.3, learn 0.1, slip 0.1, guess 0.1. Guess is low because
every item xentlab picks for a skill is a discriminating one: a number to three significant
figures, or a formula, cannot be hit by chance. The exception is `log_rules`, shown by choosing one
rule among four: guess 0.25. With these, a student who answers right from the start reaches 0.95
after 2 items (3 for log_rules); one whose answers were wrong 5 times needs 3 right ones.

The attempt log has pyBKT's column names (`order_id, user_id, skill_name, correct`), so a course
that collects enough of them can fit its own parameters with pyBKT and pass them in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

MASTERED = 0.95
LOG_COLUMNS = ("order_id", "user_id", "skill_name", "correct")


@dataclass(frozen=True)
class Params:
    prior: float = 0.3
    learn: float = 0.1
    slip: float = 0.1
    guess: float = 0.1

    def __post_init__(self):
        for name in ("prior", "learn", "slip", "guess"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"BKT {name} must be in [0, 1], got {value!r}")
        if self.slip + self.guess >= 1.0:  # otherwise a right answer would be evidence against mastery
            raise ValueError("BKT slip + guess must be below 1")


DEFAULT = Params()
PER_SKILL = {"log_rules": Params(guess=0.25)}


def params_for(skill: str) -> Params:
    return PER_SKILL.get(skill, DEFAULT)


def posterior(p: float, correct: bool, params: Params) -> float:
    """P(mastered | this observation), before any learning."""
    if correct:
        known, unknown = p * (1 - params.slip), (1 - p) * params.guess
    else:
        known, unknown = p * params.slip, (1 - p) * (1 - params.guess)
    return known / (known + unknown) if known + unknown > 0 else p


def update(p: float, correct: bool, params: Params = DEFAULT) -> float:
    """P(mastered) before the next item, after observing one answer."""
    after = posterior(p, correct, params)
    return after + (1 - after) * params.learn


def trace(observations: Iterable[bool], params: Params = DEFAULT) -> float:
    """P(mastered) after a sequence of right (True) and wrong (False) answers, in order."""
    p = params.prior
    for correct in observations:
        p = update(p, correct, params)
    return p


@dataclass(frozen=True)
class Attempt:
    """One observation of one skill: a row of the attempt log (pyBKT's columns)."""

    order_id: int
    user_id: str
    skill_name: str
    correct: bool


def mastery(attempts: Iterable[Attempt]) -> dict[tuple[str, str], float]:
    """P(mastered) per (user_id, skill_name) after all its attempts, taken in order_id order."""
    state: dict[tuple[str, str], float] = {}
    for attempt in sorted(attempts, key=lambda a: a.order_id):
        pair = (attempt.user_id, attempt.skill_name)
        params = params_for(attempt.skill_name)
        state[pair] = update(state.get(pair, params.prior), attempt.correct, params)
    return state


def attempts_csv(attempts: Iterable[Attempt]) -> str:
    """The attempt log as CSV (RFC 4180: CRLF, quoted where needed), readable by pyBKT's fit(data=…).
    user_id is text a teacher typed: a cell a spreadsheet would run as a formula gets a leading '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for a in attempts:
        writer.writerow([a.order_id, spreadsheet_safe(a.user_id), a.skill_name, int(a.correct)])
    return out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """OWASP CSV-injection guidance: a cell starting with = + - @ tab or CR gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
