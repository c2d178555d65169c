"""What the Python API returns: small objects that show themselves in a notebook.

Each has to_json(), to_markdown() and to_latex() (the CLI's own renderings where the CLI has
them), and _repr_mimebundle_ with text/plain, text/markdown and, for a derivation, a worked
solution, a verdict and a probe verdict, text/html (display.py). No rendering happens before it
is asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class Result:
    """The notebook protocol shared by every API result."""

    lang: str

    def to_json(self) -> str:
        raise NotImplementedError

    def to_markdown(self) -> str:
        raise NotImplementedError

    def to_latex(self) -> str:
        raise NotImplementedError

    def to_text(self) -> str:
        return self.to_markdown()

    def to_html(self) -> str | None:
        return None

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        bundle = {"text/plain": self.to_text(), "text/markdown": self.to_markdown()}
        page = self.to_html()
        if page is not None:
            bundle["text/html"] = page
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle


def _lang_modules(lang: str, fmt: str) -> dict:
    from xentlab.render import language_module

    return {"T": language_module("labels", fmt, lang)}


@dataclass
class Derived(Result):
    """xentlab.derive(...): a derivation whose every step is proved."""

    derivation: Any
    lang: str

    @property
    def kind(self) -> str:
        return self.derivation.kind

    @property
    def steps(self):
        return self.derivation.steps

    @property
    def result(self):
        """The derived loss (a SymPy expression)."""
        return self.derivation.result

    def to_json(self) -> str:
        from xentlab.render import render_derivation

        return render_derivation(self.derivation, "json", self.lang)

    def to_markdown(self) -> str:
        from xentlab.render import render_derivation

        return render_derivation(self.derivation, "md", self.lang)

    def to_latex(self) -> str:
        from xentlab.render import render_derivation

        return render_derivation(self.derivation, "tex", self.lang)

    def to_text(self) -> str:
        from xentlab.render import render_derivation

        return render_derivation(self.derivation, "text", self.lang)

    def to_html(self) -> str:
        from xentlab import display

        return display.render("derivation.html.j2", self.lang, d=self.derivation, K=display.module("kinds", self.lang),
                              S=display.module("steps", self.lang), T=display.module("labels", self.lang))

    def __repr__(self) -> str:
        return f"<xentlab derivation {self.kind}: {len(self.steps)} steps, every one proved>"


@dataclass
class Solved(Result):
    """xentlab.solve(...): a worked numeric solution."""

    solution: Any
    lang: str

    @property
    def value(self) -> float:
        return self.solution.value

    def to_json(self) -> str:
        from xentlab.render import render_solution

        return render_solution(self.solution, "json", self.lang)

    def to_markdown(self) -> str:
        from xentlab.render import render_solution

        return render_solution(self.solution, "md", self.lang)

    def to_latex(self) -> str:
        from xentlab.render import render_solution

        return render_solution(self.solution, "tex", self.lang, figures=[])

    def to_text(self) -> str:
        from xentlab.render import render_solution

        return render_solution(self.solution, "text", self.lang)

    def svgs(self) -> list[dict]:
        """The figures ({"name", "svg", "caption"}): the −log p curve, and for softmax the bars."""
        from xentlab.render import solution_svgs

        return solution_svgs(self.solution, self.lang)

    def to_html(self) -> str:
        from xentlab import display

        return display.render("solution.html.j2", self.lang, s=self.solution, figures=self.svgs(),
                              W=display.module("solve", self.lang), T=display.module("labels", self.lang))

    def __repr__(self) -> str:
        return f"<xentlab solution {self.solution.kind}: {self.solution.value!r} {self.solution.unit}>".replace("  ", " ")


@dataclass
class Checked(Result):
    """xentlab.check(...): one answer's verdict, as `xentlab check` gives it."""

    verdict: Any
    lang: str

    status = property(lambda self: self.verdict.status)
    diagnosis = property(lambda self: self.verdict.diagnosis)
    score = property(lambda self: self.verdict.score)
    expected = property(lambda self: self.verdict.expected)
    correct = property(lambda self: self.verdict.status == "correct")

    @property
    def feedback(self) -> str:
        from xentlab.render import verdict_feedback

        return verdict_feedback(self.verdict, self.lang)

    def to_json(self) -> str:
        from xentlab.render import render_verdict

        return render_verdict(self.verdict, "json", self.lang)

    def to_markdown(self) -> str:
        from xentlab.render import render_verdict

        return render_verdict(self.verdict, "md", self.lang)

    def to_text(self) -> str:
        from xentlab.render import render_verdict

        return render_verdict(self.verdict, "text", self.lang)

    def to_latex(self) -> str:
        from xentlab.encode import typed_text_encoded
        from xentlab.render import environment, language_module, verdict_feedback

        feedback = verdict_feedback(typed_text_encoded(self.verdict, "tex"), self.lang, "tex")  # a typed \input stays text
        return environment().get_template("display/verdict.tex.j2").render(
            v=self.verdict, T=language_module("labels", "tex", self.lang), feedback=feedback)

    def to_html(self) -> str:
        from xentlab import display

        return display.render("verdict.html.j2", self.lang, v=self.verdict, T=display.module("labels", self.lang), feedback=self.feedback)

    def __repr__(self) -> str:
        return f"<xentlab verdict {self.status}{' ' + ','.join(self.diagnosis) if self.diagnosis else ''}>"


ARG_NAMES = {"cross-entropy": ("y", "t"), "binary-cross-entropy": ("y", "t"), "softmax-cross-entropy": ("z", "t"),
             "sse": ("y", "t"), "token-loss": ("p",)}


@dataclass
class Probed(Result):
    """xentlab.probe(fn, ...): the verdict on a student's loss function."""

    verdict: Any
    lang: str

    status = property(lambda self: self.verdict.status)
    diagnosis = property(lambda self: self.verdict.diagnosis)
    score = property(lambda self: self.verdict.score)
    correct = property(lambda self: self.verdict.status == "correct")
    failing = property(lambda self: self.verdict.failing)

    @property
    def expected(self):
        return None if self.verdict.failing is None else self.verdict.failing["expected"]

    @property
    def actual(self):
        return None if self.verdict.failing is None else self.verdict.failing["actual"]

    def _call(self) -> dict | None:
        """The failing call, with each input named and every number formatted for a reader."""
        from xentlab import display

        failing = self.verdict.failing
        if failing is None:
            return None
        names = list(ARG_NAMES[self.verdict.kind])
        if self.verdict.targets == "labels":
            names[1] = "labels"
        args = list(zip(names, (display.exact(a) for a in failing["args"])))
        if self.verdict.target_first:
            args.reverse()
        actual, expected = ("", display.array(failing["expected"])) if failing["actual"] is None else \
            display.differing(failing["actual"], failing["expected"])
        return {"args": args, "inputs": ", ".join(f"{name} = {value}" for name, value in args),
                "expected": expected, "actual": actual,
                "error": failing["error"], "detail": failing["detail"]}

    def _feedback(self, fmt: str) -> str:
        from xentlab.render import language_module

        words = language_module("probe", fmt, self.lang) if fmt != "html" else _html_module("probe", self.lang)
        shared = language_module("feedback", fmt if fmt != "html" else "md", self.lang)
        phrases = [str((getattr(words, f"phrase_{code}", None) or getattr(shared, f"phrase_{code}"))()) for code in self.diagnosis]
        return " ".join(str(words.feedback(self.verdict, phrases, self._call())).split())

    @property
    def feedback(self) -> str:
        return self._feedback("text")

    def to_json(self) -> str:
        document = {"kind": self.verdict.kind, "targets": self.verdict.targets, "output": self.verdict.output,
                    "status": self.status, "diagnosis": list(self.diagnosis), "score": self.score,
                    "feedback": self.feedback, "failing": self.verdict.failing, "cases": list(self.verdict.results)}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        from xentlab.render import environment, language_module

        return environment().get_template("display/probe.md.j2").render(
            v=self.verdict, T=language_module("labels", "md", self.lang), P=language_module("probe", "md", self.lang),
            feedback=self._feedback("md"), call=self._call(), cell=_md_cell)

    def to_text(self) -> str:
        from xentlab.render import language_module

        label = str(language_module("labels", "text", self.lang).verdict_label(self.status))
        codes = f" [{', '.join(self.diagnosis)}]" if self.diagnosis else ""
        return f"{label}{codes}\n{self.feedback}\n"

    def to_latex(self) -> str:
        from xentlab.render import environment, language_module, tex_escape

        return environment().get_template("display/probe.tex.j2").render(
            v=self.verdict, T=language_module("labels", "tex", self.lang), feedback=self._feedback("tex"), esc=tex_escape)

    def to_html(self) -> str:
        from xentlab import display

        return display.render("probe.html.j2", self.lang, v=self.verdict, T=display.module("labels", self.lang),
                              P=display.module("probe", self.lang), feedback=self._feedback("html"), call=self._call())

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"<xentlab probe {self.verdict.kind} {self.status}{' ' + ','.join(self.diagnosis) if self.diagnosis else ''}>"


def _html_module(name: str, lang: str):
    from xentlab import display

    return display.module(name, lang)


def _md_cell(text: str) -> str:
    """A value inside a Markdown table cell: pipes and backticks cannot break the table."""
    return str(text).replace("|", "\\|").replace("`", "'")


@dataclass
class Sheet(Result):
    """xentlab.worksheet(...): a worksheet, its answer key and key.json."""

    sheet: Any
    lang: str
    _texts: dict = field(default_factory=dict, repr=False)

    def _render(self, fmt: str) -> tuple[str, str]:
        if fmt not in self._texts:
            from xentlab.worksheet import render

            self._texts[fmt] = render(self.sheet, fmt, self.lang)
        return self._texts[fmt]

    @property
    def key(self) -> dict:
        """key.json as a dict (what xentlab.check(key=..., item=...) and xentlab.grade take)."""
        from xentlab.worksheet import key

        return key(self.sheet, self.lang, "md")

    @property
    def items(self):
        return self.sheet.items

    def to_json(self) -> str:
        from xentlab.worksheet import key_json

        return key_json(self.sheet, self.lang, "md")

    def to_markdown(self, answers: bool = False) -> str:
        return self._render("md")[1 if answers else 0]

    def to_latex(self, answers: bool = False) -> str:
        return self._render("tex")[1 if answers else 0]

    def __repr__(self) -> str:
        return f"<xentlab worksheet seed={self.sheet.seed}: {len(self.sheet.items)} items>"


@dataclass
class Graded(Result):
    """xentlab.grade(...): every response with its verdict (as graded.csv has them), and the class summary."""

    graded: Any  # grading.Graded: the rows as read, one result per row, the summary
    lang: str

    @property
    def verdicts(self) -> list:
        """One per row: .status, .diagnosis, .score, .feedback (superseded rows say so)."""
        return self.graded.results

    @property
    def summary(self) -> dict:
        return self.graded.summary

    def to_json(self) -> str:
        from xentlab.grading import ADDED

        header = [str(name) for name in self.graded.header]
        rows = [{**{name: cell for name, cell in zip(header, cells)}, **dict(zip(ADDED, added))}
                for cells, added in zip(self.graded.rows, self.graded.added())]
        summary = {**self.summary, "invalid": [row._asdict() for row in self.summary["invalid"]]}
        return json.dumps({"responses": rows, "summary": summary}, ensure_ascii=False, indent=2, default=str) + "\n"

    def to_csv(self) -> str:
        """graded.csv's text (RFC 4180, formula cells neutralised), without the BOM the file gets."""
        from xentlab.grading import ADDED
        from xentlab.tables import csv_chunks

        g = self.graded
        return "".join(csv_chunks(g.header, g.rows, list(ADDED), g.added(), g.width))

    def to_markdown(self) -> str:
        from xentlab.render import render_grade_report

        return render_grade_report(self.summary, self.lang)

    def to_latex(self) -> str:
        from xentlab.render import environment, language_module, tex_escape

        return environment().get_template("display/grade.tex.j2").render(
            r=self.summary, G=language_module("grade", "tex", self.lang), esc=tex_escape)

    def __repr__(self) -> str:
        return f"<xentlab grades: {len(self.graded.rows)} responses from {len(self.summary['students'])} students>"
