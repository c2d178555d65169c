"""A derive-lines answer (several lines) against the reference derivation a key stores: one
Verdict, for `check --key` and `grade`. Never raises on what the student typed."""

from __future__ import annotations

from xentlab.model import Verdict


TIME_LIMIT = 20.0  # seconds for one derivation (a whole class is graded row by row)


def check_lines(reference: str, text: str) -> Verdict:
    """Correct when every line holds and the last reaches the reference's last line; the score
    counts the lines that hold up to the first wrong one plus those that follow from it, over at
    least as many lines as the reference has steps. A derivation that takes longer than
    TIME_LIMIT is `invalid` (timeout), so one answer never holds up a class."""
    from xentlab.check import CheckTimeout, time_limit

    try:
        with time_limit(TIME_LIMIT):
            return _check_lines(reference, text)
    except CheckTimeout:
        return Verdict("invalid", expected=reference.splitlines()[-1], message="timeout", detail={"seconds": TIME_LIMIT})


def _check_lines(reference: str, text: str) -> Verdict:
    from xentlab.steps.engine import check

    lines = [row for row in reference.splitlines() if row.strip()]
    start, target = lines[0], lines[-1]
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
    credited = sum(line.relation in ("ok", "ok_big_step", "ok_if", "ok_from_wrong") for line in written)
    score = round(credited / max(len(written), len(lines) - 1), 4)
    # The item asks for one step per line: fewer lines than the reference's steps, one of them a big
    # step (the target copied from the question, say), is true, as `check --steps` says, yet leaves
    # the derivation unwritten, so it is not full marks; the score above counts it as one line. As
    # many lines as the reference are never held back by a big step the engine merely cannot name.
    short = len(written) < len(lines) - 1
    big = next((line for line in written if line.relation == "ok_big_step"), None) if short else None
    correct = wrong is None and unreadable is None and reached and big is None
    first_error = wrong or unreadable
    detail = {"first_error": first_error.n if first_error else None, "reached": reached, "lines": len(written),
              "credited": credited, "unreadable": unreadable is not None and wrong is None,
              "big_step": big.n if big else None}
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
