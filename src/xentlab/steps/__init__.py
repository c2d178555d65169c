"""Check a student's own derivation, line by line: name each rule used, find the first wrong
line and name the mistake.

    from xentlab import steps
    report = steps.check(text, values={"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]})
    report.status, report.first_error, [line.relation for line in report.lines]
    print(steps.render(report, "text", "en"))

Importing this package is light; SymPy is loaded on the first check.
"""

from __future__ import annotations

__all__ = ["check", "render", "document"]


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
