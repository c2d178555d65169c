"""A derive-lines answer (several lines) against the reference derivation a key stores: one
Verdict, for `check --key` and `grade`. Never raises on what the student typed."""

from __future__ import annotations

from xentlab.model import Verdict
from xentlab.steps.model import CREDITED


TIME_LIMIT = 20.0  # seconds for one derivation (a whole class is graded row by row)


def check_lines(reference: str, text: str) -> Verdict:
    """The answer against a key's reference derivation (its first line the start, its last the
    target, one step per line between): see check_between."""
    lines = [row for row in reference.splitlines() if row.strip()]
    return check_between(lines[0], lines[-1], len(lines) - 1, text)


def check_between(start: str, target: str, steps: int, text: str) -> Verdict:
    """Correct when every line holds, the last reaches `target`, and the lines show the derivation:
    at least half of its `steps` (rounded up), and at least two when it has two or more, as lines
    that apply a named rule, since the question asks for one step per line and two rules in one
    line are commonly accepted. The score counts
    the lines that hold up to the first wrong one plus those that follow from it, over at least
    `steps` lines, and is at most the share of the steps shown. A derivation that takes longer than
    TIME_LIMIT is `invalid` (timeout), so one answer never holds up a class."""
    from xentlab.check import CheckTimeout, time_limit

    try:
        with time_limit(TIME_LIMIT):
            return _check_between(start, target, steps, text)
    except CheckTimeout:
        return Verdict("invalid", expected=target, message="timeout", detail={"seconds": TIME_LIMIT})


def _check_between(start: str, target: str, steps: int, text: str) -> Verdict:
    from xentlab.steps.engine import check

    if not text.strip():
        return Verdict("invalid", expected=target, message="empty")
    report = check(text + "\n" + target, start=start)  # the target last: is it the same as the student's last line?
    probe, written = report.lines[-1], [line for line in report.lines[:-1] if line.n != 0]
    shown = _plain(probe) or target
    if not written or all(line.relation == "unreadable" for line in written):
        first = (written[0].message if written else None) or {"code": "syntax", "offset": None, "reason": "no equation"}
        return Verdict("invalid", expected=shown, message="parse_error", detail=dict(first))
    reached = probe.relation in ("ok", "ok_if") and not probe.rules
    wrong = next((line for line in written if line.relation == "wrong"), None)
    unreadable = next((line for line in written if line.relation == "unreadable"), None)
    credited = sum(line.relation in CREDITED for line in written)
    # Lines that apply a named rule: repeating a line, or the target copied from the question in one
    # go, shows no derivation (a repeated line names no rule; the target alone is one line).
    steps_shown = sum(1 for line in written if line.relation in CREDITED and line.rules)
    enough = steps_shown >= max(min(steps, 2), (steps + 1) // 2)
    score = round(min(credited / max(len(written), steps), 1.0 if enough else steps_shown / max(steps, 1)), 4)
    correct = wrong is None and unreadable is None and reached and enough
    first_error = wrong or unreadable
    detail = {"first_error": first_error.n if first_error else None, "reached": reached, "lines": len(written),
              "credited": credited, "unreadable": unreadable is not None and wrong is None,
              "steps_shown": steps_shown, "steps": steps}
    codes = tuple(c for c in (wrong.diagnosis if wrong else []) if c != "cited_rule_mismatch")
    return Verdict("correct" if correct else "incorrect", codes, shown, 1.0 if correct else score, "derivation", detail)


def _plain(line) -> str | None:
    """The target line in one-line Unicode (for feedback), from what the parser read."""
    from xentlab.printing import to_unicode
    from xentlab.steps.report import _decimals

    if line.lhs is None or line.rhs is None:
        return None
    try:
        return f"{to_unicode(_decimals(line.lhs))} = {to_unicode(_decimals(line.rhs))}"
    except Exception:  # noqa: BLE001 - the LaTeX as stored is shown instead
        return None
