"""Jinja environment and the math filters. Returns strings; never writes files.

Prose lives in templates/<lang>/; layout in templates/<command>/<fmt>.j2. Math
reaches a template only as SymPy objects, printed here by format, so no
template ever types LaTeX that Jinja could mangle.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2

LANGS = ("ja", "en")
FORMATS = ("md", "tex", "json", "text")


def templates_dir() -> Path:
    packaged = Path(__file__).parent / "templates"  # inside an installed wheel
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


def four_significant(value) -> str:
    """A number in prose or a table: 4 significant figures, half-up (as the worked lines round);
    plain decimals for moderate sizes; anything else as it is."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "∞" if value > 0 else ("−∞" if value < 0 else "nan")
        if value == 0 or 1e-4 <= abs(value) < 1e6:
            from xentlab.rounding import round_significant

            return round_significant(value, 4)
        return f"{value:#.4g}".rstrip(".")
    return str(value)


_TEX_SPECIALS = {c: "\\" + c for c in "_%&#$"} | {"{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def tex_escape(text) -> str:
    return "".join(_TEX_SPECIALS.get(ch, ch) for ch in str(text))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = _new_environment()
    env.filters["n4"] = four_significant
    env.filters["texesc"] = tex_escape
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates cached on disk (keyed by Jinja on each template's source), so a fresh
    process does not recompile ~20 templates. Skipped quietly where the cache dir is not writable."""
    import os

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xentlab" / "jinja"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(base))


def _new_environment() -> jinja2.Environment:
    from xentlab.figures import FONT_FAMILY, FONT_SIZE

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        comment_start_string="{##",  # LaTeX uses {# for macro parameters
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.globals.update(font_family=FONT_FAMILY, font_size=FONT_SIZE)
    return env


def check_lang(lang: str) -> None:
    from xentlab.names import choose

    choose("lang", lang, LANGS)


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> None:
    from xentlab.names import choose

    choose("format", fmt, allowed)


@dataclass(frozen=True)
class MathStyle:
    """How one output format shows inline and display math."""

    inline: Callable[[Any], str]
    display: Callable[[Any], str]


def _latex(expr) -> str:
    from xentlab.printing import to_latex

    return expr if isinstance(expr, str) else to_latex(expr)


def _unicode(expr) -> str:
    from xentlab.printing import to_unicode

    return expr if isinstance(expr, str) else to_unicode(expr)


MATH = {
    "md": MathStyle(inline=lambda e: f"${_latex(e)}$", display=lambda e: f"$$\n{_latex(e)}\n$$"),
    "tex": MathStyle(inline=lambda e: rf"\({_latex(e)}\)", display=lambda e: f"\\[\n{_latex(e)}\n\\]"),
    "text": MathStyle(inline=_unicode, display=lambda e: f"    {_unicode(e)}"),
}


CODE = {  # how a format shows a command-line flag or a line of code inside prose
    "md": lambda text: f"`{text}`",
    "tex": lambda text: rf"\texttt{{{tex_escape(text)}}}",
    "text": str,
}


def _math_globals(fmt: str) -> dict:
    import sympy as sp

    from xentlab import columns, notation, rules

    style = MATH["md" if fmt == "json" else fmt]
    eps = sp.Symbol("epsilon")
    return {
        "cells": columns.cells,
        "seq_expr": lambda base, count: _sequence(base, count, fmt),
        "width": display_width,
        "aligned": aligned,
        "same": columns.same,
        "same4": lambda values: columns.numerals(columns.computed_decimals(values)),
        "fixed": _fixed,
        "short": _short,
        "eps_interval": sp.Interval(eps, 1 - eps),
        "m": style.inline,
        "code": CODE["md" if fmt == "json" else fmt],
        "show": style.display,
        "Eq": lambda a, b: sp.Eq(a, b, evaluate=False),
        "log": lambda a: sp.log(a, evaluate=False),
        "neg": lambda a: sp.Mul(-1, a, evaluate=False),
        "pw": lambda a, b: sp.Pow(a, b, evaluate=False),
        "sym": notation,
        "formulas": rules.formulas(),
        "sig": _sig,
        "n4": four_significant,
        "g": lambda v: f"{v:.4g}",
    }


def _sequence(base, count: int, fmt: str) -> str:
    """y_1, y_2, …, y_K as one formula for m() (all terms when there are at most three): LaTeX,
    or one line of Unicode for the text format."""
    from xentlab.printing import to_latex, to_unicode

    terms = [base[q] for q in range(1, count + 1)] if count <= 3 else [base[1], base[2], None, base[count]]
    if fmt == "text":
        return ", ".join("…" if term is None else to_unicode(term) for term in terms)
    return ", ".join(r"\ldots" if term is None else to_latex(term) for term in terms)


def aligned(rows: list[list[str]]) -> list[str]:
    """A plain-text table: each column padded to its widest cell (Japanese counts two), " | " between."""
    widths = [max(display_width(row[col]) for row in rows) for col in range(len(rows[0]))]
    return [" | ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths)).rstrip() for row in rows]


def display_width(text) -> int:
    """Columns a terminal gives `text`: two for each wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def _fixed(value):
    from xentlab.worked import fixed

    return fixed(value)


def _short(value):
    """A probability on a figure: as typed when it has at most 4 decimals (0.78), else to 4 (0.9582);
    text already written for it (figures.probability_texts) as it is."""
    from xentlab import columns
    from xentlab.worked import exact, fixed

    if isinstance(value, str):
        import sympy as sp

        return sp.Symbol(value)
    return exact(value) if columns.decimals_needed(value) <= columns.COMPUTED_DECIMALS else fixed(value)


def _sig(value, exact=None):
    from xentlab.worked import sig

    return sig(value, exact)


def language_module(name: str, fmt: str, lang: str):
    """templates/<lang>/<name>.j2 as a module of macros, bound to the format's math."""
    check_lang(lang)
    template = environment().get_template(f"{lang}/{name}.j2")
    return template.make_module({"fmt": fmt, "lang": lang, **_math_globals(fmt)})


def render_template(name: str, fmt: str, lang: str, **context) -> str:
    """A layout template, with the language's prose modules bound as S (steps) and T (labels)."""
    template = environment().get_template(name)
    prose = {name: language_module(module, fmt, lang) for name, module in (("S", "steps"), ("T", "labels"), ("kinds", "kinds"), ("W", "solve"))}
    return template.render(fmt=fmt, lang=lang, **_math_globals(fmt), **prose, **context)


def render_derivation(derivation, fmt: str, lang: str) -> str:
    check_format(fmt)
    if not derivation.verified:  # an unproved step is a bug: never print it
        from xentlab.errors import VerificationError

        raise VerificationError(key="unverified", kind=derivation.kind)
    if fmt == "json":
        return derivation_json(derivation, lang)
    return render_template(f"derive/{fmt}.j2", fmt, lang, d=derivation)


def step_prose(derivation, lang: str, fmt: str = "md") -> list[dict]:
    """Title and explanation of every step, from the language's macros."""
    steps = language_module("steps", fmt, lang)
    return [
        {
            "title": str(getattr(steps, f"title_{step.rule}")(step, derivation)).strip(),
            "explanation": str(getattr(steps, f"explain_{step.rule}")(step, derivation)).strip(),
        }
        for step in derivation.steps
    ]


def derivation_json(derivation, lang: str) -> str:
    from xentlab.printing import to_latex, to_str

    prose = step_prose(derivation, lang)
    steps = [
        {
            "rule": step.rule,
            **words,
            "lhs": to_str(step.lhs),
            "expr": to_str(step.expr),
            "latex": to_latex(step.expr),
            "lhs_latex": to_latex(step.lhs),
            "verified": step.verified,
            "proof": {
                "method": step.proof.method,
                "numeric_points": step.proof.numeric_points,
                "sizes": list(step.proof.sizes),
                "symbolic": step.proof.symbolic,
            },
        }
        for step, words in zip(derivation.steps, prose, strict=True)
    ]
    from xentlab.names import derivation_name

    name = derivation_name(derivation.kind)
    params = dict(derivation.params)
    if name.startswith("cross-entropy"):
        params["batch"] = name.endswith("--batch")
    document = {
        "kind": name.split()[0],
        "lang": lang,
        "params": params,
        "steps": steps,
        "result": to_str(derivation.result),
        "result_latex": to_latex(derivation.result),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def kind_titles(lang: str) -> dict[str, str]:
    """One-line title per derivation, by the name `derive` takes, for `xentlab list` (no SymPy import)."""
    from xentlab.names import DERIVATIONS, derivation_name

    check_lang(lang)
    module = environment().get_template(f"{lang}/kinds.j2").module
    return {derivation_name(kind): str(getattr(module, "title_" + kind.replace("-", "_"))()).strip() for kind in DERIVATIONS.values()}


def render_solution(solution, fmt: str, lang: str, figures: list[dict] | None = None) -> str:
    """`figures`: for md, [{"file", "caption"}] of SVGs written beside it; for tex, plots drawn inline."""
    check_format(fmt)
    from xentlab.proved import require

    require([*solution.formula, *solution.substitution])  # every line proved, or nothing is rendered
    if fmt == "json":
        return solution_json(solution, lang)
    tex_figures = solution_plots(solution) if fmt == "tex" and figures is not None else []
    return render_template(f"solve/{fmt}.j2", fmt, lang, s=solution, figures=figures or [], plots=tex_figures,
                           F=language_module("figures", fmt, lang), pgfplots=bool(tex_figures))


def solution_json(solution, lang: str) -> str:
    from xentlab.printing import to_latex, to_str

    def number(v):
        return v if math.isfinite(v) else None  # JSON has no infinity; "infinite" says why

    words = language_module("solve", "md", lang)
    steps = [{"step": "formula", "lhs": to_str(l), "expr": to_str(r), "latex": to_latex(l) + " = " + to_latex(r)} for l, r in solution.formula]
    steps += [{"step": "substitution", "lhs": to_str(l), "expr": to_str(r), "latex": to_latex(l) + " = " + to_latex(r)} for l, r in solution.substitution]
    document = {
        "kind": solution.kind,
        "value": number(solution.value),
        "infinite": solution.infinite,
        "unit": solution.unit,
        "reduction": solution.reduction,
        "per_sample": [number(v) for v in solution.per_sample],
        "steps": steps,
        "notes": [{"key": key, "text": str(words.note(key, solution)).strip()} for key in solution.notes],
        "lang": lang,
    }
    if solution.perplexity is not None:
        document["perplexity"] = number(solution.perplexity)
    if solution.probabilities:
        document["probabilities"] = solution.probabilities
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def verdict_feedback(verdict, lang: str, fmt: str = "md") -> str:
    """The feedback sentence for a verdict, in the chosen language."""
    words = language_module("feedback", fmt, lang)
    phrases = [str(getattr(words, f"phrase_{code}")()) for code in verdict.diagnosis]
    return str(words.feedback(verdict, phrases)).strip()


def verdict_document(verdict, lang: str) -> dict:
    """The JSON shape of `xentlab check` (a public contract)."""
    expected = verdict.expected
    if isinstance(expected, float) and not math.isfinite(expected):
        expected = None  # JSON has no infinity
    document = {
        "status": verdict.status,
        "diagnosis": list(verdict.diagnosis),
        "feedback": verdict_feedback(verdict, lang),
        "expected": expected,
        "score": verdict.score,
    }
    if "confirmed" in verdict.detail:  # formulas: "symbolic" (SymPy proved it) or "numeric" (random points only)
        document["confirmed"] = verdict.detail["confirmed"]
    return document


def render_verdict(verdict, fmt: str, lang: str) -> str:
    check_format(fmt, ("json", "text", "md"))
    document = verdict_document(verdict, lang)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # the sentence in the document's own format: formulas as typed in text, student text inert in Markdown
    from xentlab.encode import typed_text_encoded

    feedback = verdict_feedback(typed_text_encoded(verdict, fmt), lang, fmt)
    return render_template(f"check/{fmt}.j2", fmt, lang, v=verdict, doc={**document, "feedback": feedback})


def render_grade_report(summary: dict, lang: str, figures: list[dict] | None = None) -> str:
    from xentlab.encode import for_markdown  # student text in the report is inert Markdown and HTML

    return render_template("grade/report.md.j2", "md", lang, r=summary, G=language_module("grade", "md", lang), figures=figures or [],
                           esc=for_markdown, F=language_module("feedback", "md", lang))


def error_text(error, lang: str) -> str:
    """A keyed error's one line in `lang`, from the macro named after its key in
    templates/<lang>/errors.j2. Every string parameter is made safe for a terminal first,
    because it may be text a user typed (a file name, a cell, an answer)."""
    return message_text(error.key, lang, **error.params)


def message_text(key: str, lang: str, *, cut: int = 200, **params) -> str:
    """One line in `lang` from templates/<lang>/errors.j2's macro `key` (errors, and the few
    messages that are not errors: "wrote FILE", notes). String params are made terminal-safe;
    tuples (lists of choices the program itself offers) are passed as they are."""
    from xentlab.encode import for_terminal

    if lang not in LANGS:
        lang = "en"
    module = environment().get_template(f"{lang}/errors.j2").module
    params = {name: for_terminal(value, cut) if isinstance(value, str) else value for name, value in params.items()}
    text = str(getattr(module, key)(**params))
    return " ".join(text.split()) if key != "note_prefix" else text


def error_prefix(lang: str) -> str:
    """What every error line starts with: `xentlab: error: ` in the user's language."""
    module = environment().get_template(f"{lang if lang in LANGS else 'en'}/errors.j2").module
    return str(module.prefix())


# The figures' SVG and plot data live in render_figures (imported last: it uses this module's environment).
from xentlab.render_figures import report_svgs, solution_plots, solution_svgs  # noqa: E402,F401
