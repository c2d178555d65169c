"""Check a student's own derivation, line by line: name each rule used, find the first wrong
line and name the mistake.

    from xentlab import steps
    report = steps.check(text, values={"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]})
    report.status, report.first_error, [line.relation for line in report.lines]
    print(steps.render(report, "text", "en"))

Importing this package is light; SymPy is loaded on the first check.
"""

from __future__ import annotations

import re

__all__ = ["check", "render", "document", "check_between", "lost_backslashes"]


def check(text: str, *, values: dict | None = None, start: str | None = None, kind: str | None = None,
          seed: int | None = None):
    """The Report of a derivation (xentlab.steps.model.Report). Never raises on what the student typed."""
    from xentlab.steps.engine import check as run

    return run(text, values=values, start=start, kind=kind, seed=seed)


def render(report, fmt: str = "text", lang: str = "ja") -> str:
    """The report as text, md, tex or json, in ja or en."""
    from xentlab.steps.report import render as run

    return run(report, fmt, lang)


def document(report, lang: str = "ja") -> dict:
    """The public JSON shape: {"status", "lines": [...], "first_error", "score"}."""
    from xentlab.steps.report import document as run

    return run(report, lang)


def check_between(text: str, *, start: str, target: str, steps: int, lang: str = "ja"):
    """A derivation from `start` to `target` written one step per line (a derive-lines answer), as
    xentlab.check grades it against a key whose reference has `steps` steps: a verdict with
    .correct, .score and .feedback. For a notebook's public test: it needs no key."""
    from xentlab.results import Checked
    from xentlab.steps.grade import check_between as run

    return Checked(run(start, target, steps, text), lang)


# LaTeX typed into a Python string without r: \frac, \beta, \alpha, \vec, \right become control
# characters, and \times, \theta, \nabla, \neq a tab or a line break before the rest of the word.
_LOST = re.compile(r"[\a\b\f\v]|\r(?!\n)|\t(?:imes|ext|heta|au|o\b|ilde|op\b|riangle)|\n(?:abla|eq\b|eg\b|ot\b|ewline)")


def lost_backslashes(text: str) -> bool:
    """Did Python eat the backslashes of LaTeX in this string (it was written without r)?"""
    return isinstance(text, str) and _LOST.search(text) is not None
