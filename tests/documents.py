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
