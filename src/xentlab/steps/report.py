"""A checked derivation as text, md, tex and json, in ja or en. The words come from
templates/<lang>/lines.j2; the layout from templates/steps/<fmt>.j2. What the student typed is
encoded for where it lands (terminal, Markdown table cell, LaTeX)."""

from __future__ import annotations

import json

import sympy as sp

from xentlab.steps.lines import MAX_EQUATIONS, MAX_ROWS, MAX_TEXT
from xentlab.steps.model import LineResult, Report

FORMATS = ("text", "md", "tex", "json")
LIMITS = {"equations": MAX_EQUATIONS, "rows": MAX_ROWS, "characters": MAX_TEXT}  # named when a derivation is cut


def _decimals(expr):
    """33/100 → 0.33 for display (a decimal the student typed became an exact fraction)."""
    from xentlab.notation import numeral

    mapping = {}
    for r in expr.atoms(sp.Rational):
        q = int(r.q)
        while q % 2 == 0:
            q //= 2
        while q % 5 == 0:
            q //= 5
        if q == 1 and r.q != 1:
            mapping[r] = numeral(float(r))
    if not mapping:
        return expr
    with sp.evaluate(False):  # xreplace rebuilds the tree: evaluating would show −log 0.33 for −(1 log 0.33 + 0 log 0.32)
        return expr.xreplace(mapping)


def term_text(line: LineResult) -> str | None:
    if line.term_expr is None:
        return None
    from xentlab.printing import to_unicode

    try:
        return to_unicode(_decimals(line.term_expr))[:200]
    except Exception:  # noqa: BLE001 - a term we cannot print is left out, the verdict stands
        return None


def _words(lang: str, fmt: str):
    from xentlab.render import language_module

    return language_module("lines", fmt, lang)


def _name(module, prefix: str, key: str | None) -> str | None:
    if not key:
        return None
    macro = getattr(module, f"{prefix}_{key}", None)
    return str(macro()).strip() if macro is not None else key


def feedback(line: LineResult, words) -> str:
    rules = [_name(words, "rule", r) for r in line.rules]
    phrases = [_name(words, "wrong", c) for c in line.diagnosis if c != "cited_rule_mismatch"]
    condition = _name(words, "condition", line.condition)
    cited = _name(words, "rule", line.cited_rule)
    term = term_text(line) if line.relation == "wrong" else None
    return " ".join(str(words.feedback(line, rules, phrases, condition, cited, term)).split())


def document(report: Report, lang: str) -> dict:
    """The public JSON shape (a contract): status, lines, first_error, score."""
    words = _words(lang, "md")
    lines = []
    for line in report.lines:
        lines.append({
            "n": line.n,
            "text": line.text,
            "relation": line.relation,
            "rules": list(line.rules),
            "step_size": line.step_size,
            "condition": line.condition,
            "diagnosis": list(line.diagnosis),
            "term": term_text(line) if line.relation == "wrong" else None,
            "counterexample": line.counterexample,
            "cited_rule": line.cited_rule,
            "feedback": feedback(line, words),
        })
    return {"status": report.status, "lines": lines, "first_error": report.first_error, "score": report.score}


def render(report: Report, fmt: str, lang: str) -> str:
    from xentlab.render import check_format, check_lang, render_template

    check_format(fmt, FORMATS)
    check_lang(lang)
    if fmt == "json":
        return json.dumps(document(report, lang), ensure_ascii=False, indent=2) + "\n"
    words = _words(lang, fmt)
    rows = [_view(line, report, words, fmt) for line in report.lines]
    first_line = report.first_error
    return render_template(f"steps/{fmt}.j2", fmt, lang, report=report, rows=rows, L=words,
                           summary=" ".join(str(words.summary(report, first_line, LIMITS)).split()),
                           trailing=[_typed(t, fmt) for t in report.trailing])


def _view(line: LineResult, report: Report, words, fmt: str) -> dict:
    return {
        "n": line.n,
        "mark": line.mark,
        "relation": line.relation,
        "verdict": _name(words, "relation", line.relation),
        "codes": list(line.diagnosis),
        "typed": _typed(line.text, fmt),
        "math": _math(line) if fmt == "tex" else None,
        "feedback": _escape_prose(feedback(line, words), fmt),
        "prose": [_typed(p, fmt) for p in report.prose.get(line.n, [])] if line.n in report.prose else [],
    }


def _math(line: LineResult):
    if line.lhs is None or line.rhs is None:
        return None
    try:
        return sp.Eq(_decimals(line.lhs), _decimals(line.rhs), evaluate=False)
    except Exception:  # noqa: BLE001 - shown as typed only
        return None


def _typed(text: str, fmt: str) -> str:
    """What the student typed, made safe for the format it lands in."""
    from xentlab.encode import for_terminal

    if fmt == "text":
        return for_terminal(text, limit=200)
    if fmt == "md":
        return _md_code(for_terminal(text, limit=300))
    from xentlab.render import tex_escape

    return r"\texttt{" + tex_escape(for_terminal(text, limit=300)) + "}"


def _md_code(text: str) -> str:
    """An inline code span that no backtick, pipe or HTML in the text can break out of."""
    text = text.replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    return f"{fence} {text} {fence}"


def _escape_prose(text: str, fmt: str) -> str:
    if fmt == "md":
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    if fmt == "tex":
        from xentlab.render import tex_escape

        return tex_escape(text)
    return text
