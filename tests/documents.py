"""Every document xentlab writes for a person, in every format and language: derivations, worked
solutions, worksheets and answer keys (over many seeds and all three difficulties), the Moodle quiz,
figures, help and error messages. Shared by the forbidden-words and style tests."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from xentlab.names import DERIVATIONS

SOLVE_CASES = [
    ("cross-entropy", dict(y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("cross-entropy", dict(y=[[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], labels=[0, 1], reduction="sum")),
    ("cross-entropy", dict(y=[[0.7, 0.2, 0.1], [0.2, 0.3, 0.5]], t=[[1, 0, 0], [0.5, 0.5, 0]])),
    ("cross-entropy", dict(y=[0.01, 0.65, 0.13, 0.70, 0.15], t=[0, 1, 0, 1, 0], check_sum=False)),
    ("cross-entropy", dict(y=[0.0, 0.5, 0.5], labels=[0])),
    ("cross-entropy", dict(y=[0.33, 0.32, 0.35], t=[1, 0, 0], base="10", eps=0.1)),
    ("cross-entropy", dict(y=[0.1] * 10, labels=[3], base="2")),
    ("binary-cross-entropy", dict(y=[0.8], t=[1])),
    ("binary-cross-entropy", dict(y=[0.9, 0.2, 0.6], t=[1, 0, 1], reduction="sum")),
    ("softmax-cross-entropy", dict(logits=[2, 1, 0.1], labels=[0])),
    ("softmax-cross-entropy", dict(logits=[1000, -1000, 0], labels=[1])),
    ("softmax-cross-entropy", dict(logits=[[2, 1, 0.1], [0, 0.5, -1]], labels=[0, 2])),
    ("sse", dict(y=[0.1, 0.9], t=[0, 1])),
    ("sse", dict(y=[[0.1, 0.9], [0.35, 0.65]], t=[[0, 1], [1, 0]], half=True)),
    ("token-loss", dict(p=[0.7, 0.95, 0.8])),
    ("token-loss", dict(p=[0.0, 0.5])),
]
WORKSHEET_SEEDS = (0, 1, 2, 3, 7, 11, 112)
FORMATS = ("md", "tex", "text")
# Command lines that end in an error message: every kind of message a user can meet from these commands.
ERRORS = [
    ["derive", "cros-entropy"], ["derive", "binary", "--batch"], ["derive", "sse", "--classes", "99"], ["derive", "sse", "--classes", "x"],
    ["derive", "entropy-kl", "--half"], ["derive"], ["derive", "sse", "--format", "pdf"], ["nope"], ["solve", "sse", "--yy", "1"],
    ["solve", "bcee", "--y", "0.5"], ["solve", "cross-entropy", "--y", "0.5,0.5;"], ["solve", "cross-entropy", "--y", ""],
    ["solve", "cross-entropy", "--y", "0.5,abc", "--t", "1,0"], ["solve", "cross-entropy", "--y", "0.5,0.6", "--t", "1,0"],
    ["solve", "cross-entropy", "--y", "0.5,0.5;0.2,0.8", "--labels", "0,2"], ["solve", "cross-entropy", "--y", "0.5,0.5", "--t", "1,0,0"],
    ["solve", "cross-entropy", "--y", "0.5,0.5"], ["solve", "cross-entropy", "--y", "-0.1,1.1", "--t", "1,0"],
    ["solve", "sse", "--y", "0.5,0.5", "--t", "1,0", "--no-check-sum"], ["solve", "token-loss", "--p", "0.5", "--reduction", "sum"],
    ["solve", "binary-cross-entropy", "--y", "0.5,0.5", "--t", "1"], ["solve", "cross-entropy", "--y", "1", "--t", "1"],
    ["solve", "cross-entropy", "--y", "0.5,0.5", "--t", "1,0", "--eps", "0.7"], ["solve", "sse", "--y", "0.5,0.5;0.1,0.9", "--t", "1,0"],
    ["worksheet", "--seed", "1", "-o", "x"], ["worksheet", "--count", "0", "--seed", "1", "-o", "x"],
    ["worksheet", "--count", "2", "--seed", "-1", "-o", "x"], ["worksheet", "--count", "2", "--seed", "1", "--types", "ce-singel", "-o", "x"],
    ["worksheet", "--count", "2", "--seed", "1", "--pdf", "-o", "x"], ["worksheet", "--count", "2", "--seed", "1", "-o", "sheet.md"],
    ["worksheet", "--count", "9", "--seed", "0", "--types", "log-rule", "--difficulty", "1", "-o", "/nonexistent-dir/x"],
    ["moodle", "--count", "2", "--seed", "1", "--types", "unit"], ["derive", "sse", "extra"],
    ["practice", "--skills", "natral_log"], ["practice", "--max", "0"], ["notebook", "--count", "2", "--seed", "1", "--format", "otr", "-o", "x"],
    ["notebook", "--count", "2", "--seed", "1", "--format", "otter", "--implement", "cross-entropi", "-o", "x"],
    ["check", "--steps", "/nonexistent/derivation.txt"], ["check", "--steps", "-", "--answer", "1"],
    ["followup", "--graded", "/nonexistent/graded.csv", "--key", "/nonexistent/key.json", "-o", "x"],
    ["grade", "--key", "/nonexistent/key.json", "--responses", "/nonexistent/r.csv"],
]


def inputs(options: dict):
    from xentlab.solve import Inputs

    arrays = {k: np.array(v, dtype=float) for k, v in options.items() if k in ("y", "t", "logits", "p")}
    if "labels" in options:
        arrays["labels"] = np.array(options["labels"], dtype=np.intp)
    rest = {k: v for k, v in options.items() if k not in ("y", "t", "logits", "p", "labels")}
    return Inputs(**arrays, **rest)


@lru_cache(maxsize=2)
def documents(lang: str) -> dict[str, str]:
    """{name: text} of everything a person reads, in `lang`."""
    from xentlab import moodle
    from xentlab import worksheet as ws
    from xentlab.derivations import derive
    from xentlab.render import render_derivation, render_solution, solution_svgs
    from xentlab.solve import solve

    out: dict[str, str] = {}
    for internal in DERIVATIONS.values():
        options = [{}] + ([{"classes": 2}, {"classes": 3}] if internal in ("multiclass", "sse", "entropy-kl") else [])
        options += [{"half": True}] if internal == "sse" else []
        for option in options:
            for fmt in FORMATS:
                out[f"derive {internal} {option} {fmt}"] = render_derivation(derive(internal, **option), fmt, lang)
    for number, (kind, options) in enumerate(SOLVE_CASES):
        solution = solve(kind, inputs(options))
        for fmt in FORMATS:
            out[f"solve {number} {kind} {fmt}"] = render_solution(solution, fmt, lang, figures=[] if fmt == "tex" else None)
        for svg in solution_svgs(solution, lang):
            out[f"solve {number} {svg['name']} svg"] = svg["svg"]
            out[f"solve {number} {svg['name']} caption"] = svg["caption"]
    for seed in WORKSHEET_SEEDS:
        for difficulty in (1, 2, 3):
            sheet = ws.build(seed, 12, ws.all_types(), difficulty)
            for fmt in ("md", "tex"):
                worksheet, answers = ws.render(sheet, fmt, lang)
                out[f"worksheet {seed} {difficulty} {fmt}"] = worksheet
                out[f"answers {seed} {difficulty} {fmt}"] = answers
            for name, svg in ws.answer_figures(sheet, lang):
                out[f"answers {seed} {difficulty} {name}"] = svg
    out["moodle 7"] = moodle.render_quiz(moodle.build(7, 12, ws.all_types(), 2, None, lang))
    from xentlab.cli import cli

    for name in cli.commands:
        out[f"help {name} text"] = _run([name, "--help", "--lang", lang])
    out["help xentlab text"] = _run(["--help", "--lang", lang])
    for number, args in enumerate(ERRORS):
        out[f"error {number} text"] = _run([args[0], "--lang", lang, *args[1:]])
    return out


def _run(args: list[str]) -> str:
    """What `xentlab ARGS` prints (stdout and stderr), run in this process."""
    import contextlib
    import io

    from xentlab.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit:
            pass
    return out.getvalue() + err.getvalue()


# --- what the commands added since (issues 11, 12, 14, 15, 16) print or write for a person -----

DERIVATION_FILES = "derivations"  # tests/data/derivations: students' derivations, plain, Unicode and LaTeX
PRACTICE_ANSWERS = "0.1192\n?\n1.5\n(C)\n\n0.5\n-log(0.33)\n?\n2.0\n"
VERDICTS = [  # (answer, keyword arguments of xentlab.check): a verdict of every kind
    ("-0.481486", dict(kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("1.1", dict(kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("38%", dict(kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("1.109 ビット", dict(kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("abc(", dict(kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])),
    ("-(t1*log(y1))", dict(expect="-(t1*log(y1)+t2*log(y2))")),
    ("-log(y1^t1 y2^t2)", dict(expect="-(t1*log(y1)+t2*log(y2))")),
]


@lru_cache(maxsize=1)
def step_reports() -> dict:
    """{file name: steps.check report} for every derivation in tests/data/derivations."""
    from pathlib import Path

    from xentlab import steps

    folder = Path(__file__).parent / "data" / DERIVATION_FILES
    reports = {path.name: steps.check(path.read_text(encoding="utf-8")) for path in sorted(folder.iterdir()) if path.is_file()}
    return {name: _our_words_only(report) for name, report in reports.items()}


def _our_words_only(report):
    """The report with what the student typed (their lines, their justifications) replaced by a
    placeholder: the words and style under test are xentlab's, not the student's (seed 000's
    justification mentions サイコロ, and a student may write %} or ASCII punctuation)."""
    from dataclasses import replace

    lines = [replace(line, text="x = 1", claim="", rhs_text="1") for line in report.lines]
    return replace(report, lines=lines, prose={n: ["…"] for n in report.prose}, trailing=[])


@lru_cache(maxsize=2)
def new_documents(lang: str) -> dict[str, str]:
    """{name: text} of what the newer commands give a person: check --steps reports, derive-lines
    items, verdicts, probe feedback, the grade report, follow-up sheets, a practice session and the
    notebooks. Names of what a student is handed start with "worksheet" (the stricter rules)."""
    import json
    import tempfile
    from pathlib import Path

    import xentlab
    from xentlab import steps
    from xentlab import worksheet as ws

    out: dict[str, str] = {}
    for name, report in step_reports().items():
        for fmt in FORMATS:
            out[f"steps {name} {fmt}"] = steps.render(report, fmt, lang)
    for seed in (0, 5):
        for difficulty in (1, 2, 3):
            sheet = ws.build(seed, 3, ("derive-lines",), difficulty)  # one item per derivation: 3 at most
            for fmt in ("md", "tex"):
                student, answers = ws.render(sheet, fmt, lang)
                out[f"worksheet derive-lines {seed} {difficulty} {fmt}"] = student
                out[f"answers derive-lines {seed} {difficulty} {fmt}"] = answers
    for number, (answer, options) in enumerate(VERDICTS):
        verdict = xentlab.check(answer, lang=lang, **options)
        out[f"check {number} md"] = verdict.to_markdown()
        out[f"check {number} text"] = verdict.to_text()
    out.update(_probe_documents(lang))
    data = Path(__file__).parent / "data"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out["grade stderr text"] = _run(["grade", "--lang", lang, "--key", str(data / "class-key.json"), "--responses",
                                         str(data / "class.csv"), "-o", str(tmp / "graded.csv"), "--report", str(tmp / "report.md")])
        out["grade report md"] = (tmp / "report.md").read_text(encoding="utf-8")
        for fmt in ("md", "tex"):
            target = tmp / f"followup-{fmt}"
            out[f"followup {fmt} stderr text"] = _run(["followup", "--lang", lang, "--graded", str(tmp / "graded.csv"), "--key",
                                                       str(data / "class-key.json"), "-o", str(target), "--seed", "3", "--format", fmt])
            for path in sorted(target.rglob(f"*.{fmt}")):
                role = "worksheet" if path.stem == "worksheet" else "answers"
                out[f"{role} followup {path.relative_to(target)} {fmt}"] = path.read_text(encoding="utf-8")
        (tmp / "answers.txt").write_text(PRACTICE_ANSWERS, encoding="utf-8")
        out["practice text"] = _run(["practice", "--lang", lang, "--answers", str(tmp / "answers.txt"), "--seed", "1", "--max", "8"])
        for fmt in ("otter", "nbgrader"):
            target = tmp / f"notebook-{fmt}"
            out[f"notebook {fmt} stderr text"] = _run(["notebook", "--lang", lang, "--count", "13", "--seed", "7", "--format", fmt,
                                                       "--implement", "cross-entropy,softmax-cross-entropy:gradient,token-loss:perplexity",
                                                       "-o", str(target)])
            for which, role in (("student", "worksheet"), ("assignment", "answers")):
                cells = json.loads((target / f"{which}.ipynb").read_text(encoding="utf-8"))["cells"]
                out[f"{role} notebook {fmt} {which} md"] = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return out


def _probe_documents(lang: str) -> dict[str, str]:
    """The probe's verdicts on the students' wrong functions (tests/data/student_losses.py)."""
    import sys
    from pathlib import Path

    import xentlab

    sys.path.insert(0, str(Path(__file__).parent / "data"))
    try:
        from student_losses import WRONG
    finally:
        sys.path.pop(0)
    out = {}
    for number, (function, options, _) in enumerate(WRONG):
        verdict = xentlab.probe(function, lang=lang, **options)
        out[f"probe {number} text"] = verdict.feedback
        out[f"probe {number} md"] = verdict.to_markdown()
    return out
