"""Notebook assignments (`xentlab notebook`): the worksheet's items and "implement the loss"
exercises as an Otter-Grader master notebook or an nbgrader source notebook, plus the student's
version and key.json. Builds nbformat objects and returns text; writes no files.

Items, in order:
  * the worksheet items exactly as `xentlab worksheet --count N --seed S` draws them (numbers,
    formulas and choices), each checked by xentlab.check against its key.json entry, which lives
    only in a hidden test;
  * with `derivations`, derive-lines items after them (drawn from the same seed, one per
    derivation, repeating and giving away nothing of the items before): the student writes the
    derivation as a string, one line per step; a public test grades it from what the question
    shows (xentlab.steps.check_between: each line as `xentlab check --steps` checks it, the target
    reached, the steps written out), showing the line-by-line report when a line is wrong, and the
    hidden test grades it the same way against the key's reference derivation;
  * one exercise per loss in `implement` (a function to write), checked by xentlab.probe: one
    test per family of mistakes, each with the mistake's name as its failure message.

The same arguments give the same bytes: cell ids are numbered, nothing depends on time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

FORMATS = ("otter", "nbgrader")
DEFAULT_IMPLEMENT = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy")
# what students implement: (loss, output) → function name, and the reference solution (our code)
FUNCTIONS = {
    ("cross-entropy", "loss"): ("cross_entropy", "y, t", ["y = np.clip(y, 1e-12, 1.0)", "return -np.sum(t * np.log(y), axis=-1).mean()"]),
    ("binary-cross-entropy", "loss"): ("binary_cross_entropy", "y, t",
                                       ["y = np.clip(y, 1e-12, 1.0 - 1e-12)", "return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))"]),
    ("softmax-cross-entropy", "loss"): ("softmax_cross_entropy", "z, t",
                                        ["z = z - np.max(z, axis=-1, keepdims=True)",
                                         "log_y = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))",
                                         "return -np.sum(t * log_y, axis=-1).mean()"]),
    ("softmax-cross-entropy", "gradient"): ("softmax_cross_entropy_gradient", "z, t",
                                            ["e = np.exp(z - np.max(z, axis=-1, keepdims=True))", "y = e / np.sum(e, axis=-1, keepdims=True)",
                                             "n = z.shape[0] if z.ndim == 2 else 1", "return (y - t) / n"]),
    ("sse", "loss"): ("sum_squared_error", "y, t", ["return np.sum((y - t) ** 2)"]),
    ("token-loss", "loss"): ("token_loss", "p", ["return -np.mean(np.log(np.clip(p, 1e-12, 1.0)))"]),
    ("token-loss", "perplexity"): ("perplexity", "p", ["return np.exp(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))"]),
}
# one test per family of mistakes; its failure message names them
MISTAKE_FAMILIES = {
    ("cross-entropy", "loss"): [("log_base_10", "log_base_2"), ("sign_dropped",),
                                ("sum_not_mean", "mean_over_all_elements", "wrong_axis", "not_reduced", "one_sample_divided_by_k"),
                                ("no_epsilon",), ("epsilon_too_large", "eps_added_in_log"), ("wrong_class", "swapped_t_y", "one_hot_treated_as_labels")],
    ("binary-cross-entropy", "loss"): [("log_base_10", "log_base_2"), ("sign_dropped",), ("missing_complement",), ("sum_not_mean", "not_reduced"),
                                       ("no_epsilon",), ("epsilon_too_large", "eps_added_in_log")],
    ("softmax-cross-entropy", "loss"): [("log_base_10", "log_base_2"), ("sign_dropped",), ("softmax_missing",),
                                        ("sum_not_mean", "mean_over_all_elements", "wrong_axis", "not_reduced"), ("softmax_not_stabilised",)],
    ("softmax-cross-entropy", "gradient"): [("gradient_sign",), ("sum_not_mean",), ("wrong_axis", "softmax_missing"), ("softmax_not_stabilised",)],
    ("sse", "loss"): [("half_extra",), ("mean_not_sum", "mean_over_all_elements", "not_reduced")],
    ("token-loss", "loss"): [("log_base_10", "log_base_2"), ("sign_dropped",), ("sum_not_mean", "not_reduced")],
    ("token-loss", "perplexity"): [("loss_not_perplexity",), ("sign_dropped",), ("sum_not_mean",)],
}
MAX_DERIVATIONS = 3  # derive-lines draws one item per derivation, and each difficulty has three
IMPLEMENTABLE = tuple(dict.fromkeys(kind for kind, _ in FUNCTIONS))


@dataclass
class Test:
    """One test: Python statements (our code), a failure message (prose), hidden or public."""

    name: str
    lines: list[str]
    args: tuple[str, ...]  # the notebook names the statements use (Otter passes them by name)
    message: str
    hidden: bool = False
    points: float = 0.0


@dataclass
class Question:
    name: str
    heading: str
    prompt: list[str]  # Markdown paragraphs
    solution: list[str]  # code lines; the solution region is between the markers below
    region: tuple[int, int]  # [start, end) of the lines students write
    tests: list[Test] = field(default_factory=list)
    # nbgrader puts two statements where its region was, Otter `...`: a region inside brackets suits Otter only
    nbgrader_region: tuple[int, int] | None = None


def _words(lang: str):
    from xentlab.render import language_module

    return language_module("notebook", "md", lang)


def _say(macro, *args) -> str:
    return " ".join(str(macro(*args)).split())


def worksheet_items(sheet, lang: str) -> list[Question]:
    """The worksheet's items: question text from the problem templates, the answer in a hidden test."""
    from xentlab import worksheet as ws
    from xentlab.problems import problem_type
    from xentlab.render import language_module

    words = _words(lang)
    key_items = {entry["id"]: entry for entry in ws.key(sheet, lang, "md")["items"]}
    out = []
    for item in sheet.items:
        module = problem_type(item.kind)
        extra = module.question_context(item.params) if hasattr(module, "question_context") else {}
        texts = language_module(f"problems/{item.kind}", "md", lang)
        var = f"q{item.id}"
        kind = item.answer.kind
        key = {"items": [json.loads(json.dumps(key_items[item.id], sort_keys=True))]}
        public = [f"assert {var} is not None and {var} is not ..., {_say(words.not_answered, var)!r}"]
        if kind == "number":
            public += ["import numbers", f"assert isinstance({var}, numbers.Real), {_say(words.not_a_number, var)!r}"]
        else:
            public.append(f"assert isinstance({var}, str), {_say(words.not_text, var)!r}")
        # a derivation's lines are counted from its first written line, not from the newline after the opening quotes
        answer_text = f"{var}.strip('\\n')" if kind == "lines" else var
        hidden = ["import xentlab", f"verdict = xentlab.check({answer_text}, key={key!r}, item={item.id}, lang={lang!r})",
                  "assert verdict.correct, verdict.feedback"]
        tests = [Test(f"{var}_answered", public, (var,), _say(words.not_answered, var))]
        if kind == "lines":
            tests.append(_lines_test(var, item, lang, words))
        tests.append(Test(f"{var}_value", hidden, (var,), _say(words.wrong_value), hidden=True, points=1.0))
        prompt = [str(texts.question({**item.params, **extra})).strip(), _say(words.answer_instructions, kind, var)]
        heading = _say(words.question_heading, item.id, str(texts.title()).strip())
        if kind == "lines":
            solution = _lines_solution(var, item.answer.value.splitlines()[1:])  # the first line is the question's start
            out.append(Question(var, heading, prompt, solution, (1, len(solution) - 1), tests, nbgrader_region=(0, len(solution))))
            continue
        answer = repr(float(item.answer.value)) if kind == "number" else json.dumps(item.answer.value if kind == "expression" else item.letter)
        out.append(Question(var, heading, prompt, [f"{var} = {answer}"], (0, 1), tests))
    return out


def _lines_solution(var: str, lines: list[str]) -> list[str]:
    """`var = (` one string literal per line, joined by newlines `)`: a statement whose middle
    lines Otter can replace by `...` and still leave Python."""
    body = [f"    {_literal(line)} \"\\n\"" for line in lines]
    return [f"{var} = (", *body, ")"]


def _literal(line: str) -> str:
    """A raw string where it reads as the line (LaTeX keeps its backslashes), repr otherwise."""
    raw = f'r"{line}"'
    return raw if '"' not in line and not line.endswith("\\") and "\n" not in line and "\r" not in line else repr(line)


def _lines_test(var: str, item, lang: str, words) -> Test:
    """Public: the derivation graded as the hidden test grades it, from what the question shows (its
    start, its target, how many steps): every line holds (xentlab.steps, as `xentlab check --steps`),
    the last reaches the target, and the steps are written out. A failure shows the verdict and the
    line-by-line report, naming the first wrong line and its mistake."""
    lines = item.answer.value.splitlines()
    start, target = lines[0], lines[-1]
    text = f"{var}.strip('\\n')"
    code = ["from xentlab import steps",
            f"assert isinstance({var}, str) and {var}.strip(), {_say(words.not_answered, var)!r}",
            f"assert not steps.lost_backslashes({var}), {_say(words.raw_string_hint, var)!r}",
            f"verdict = steps.check_between({text}, start={start!r}, target={target!r}, steps={len(lines) - 1}, lang={lang!r})",
            f"report = steps.check({text}, start={start!r})",  # line by line, shown when a line is wrong
            f"assert verdict.correct, verdict.feedback + ('\\n\\n' + steps.render(report, 'text', {lang!r}) if report.first_error else '')"]
    return Test(f"{var}_lines", code, (var,), _say(words.derivation_not_done))


def implement_items(implement: tuple[tuple[str, str], ...], lang: str, first: int = 1) -> list[Question]:
    """One exercise per (loss, output): write the function; xentlab.probe names its mistakes."""
    from xentlab.render import language_module

    words = _words(lang)
    probe_words = language_module("probe", "text", lang)
    shared = language_module("feedback", "text", lang)
    out = []
    for n, (kind, output) in enumerate(implement, start=first):
        fname, params, body = FUNCTIONS[(kind, output)]
        call = f"verdict = xentlab.probe({fname}, kind={kind!r}, output={output!r}, lang={lang!r})"
        tests = [Test(f"{fname}_defined", [f"assert callable({fname}), {_say(words.not_a_function, fname)!r}"], (fname,),
                      _say(words.not_a_function, fname))]
        for codes in MISTAKE_FAMILIES[(kind, output)]:
            phrases = [_say(getattr(probe_words, f"phrase_{c}", None) or getattr(shared, f"phrase_{c}")) for c in codes]
            tests.append(Test(f"{fname}_{codes[0]}", ["import xentlab", call, f"assert not set(verdict.diagnosis) & {{{', '.join(map(repr, codes))}}}, verdict.feedback"],
                              (fname,), _failure(phrases, lang)))
        tests.append(Test(f"{fname}_correct", ["import xentlab", call, "assert verdict.correct, verdict.feedback"], (fname,),
                          _say(words.not_right_everywhere), points=1.0))
        solution = [f"def {fname}({params}):", *(f"    {line}" for line in body)]
        prompt = [_say(words.implement_prompt, kind, output, fname), _say(words.probe_note)]
        heading = _say(words.implement_heading, n, _say(words.implement_topic, kind, output))
        out.append(Question(fname, heading, prompt, solution, (1, len(solution)), tests))
    return out


def _failure(phrases: list[str], lang: str) -> str:
    """Failure messages name the mistakes; Otter copies them into a double-quoted Python string."""
    text = ("。または、" if lang == "ja" else "; or ").join(phrases)
    return text.replace("\\", "/").replace('"', "'")


def parse_implement(text: str | None) -> tuple[tuple[str, str], ...]:
    """'cross-entropy,softmax-cross-entropy:gradient' → ((loss, output), …); None → the default three; '' → none."""
    from xentlab.errors import UsageError

    if text is None:
        return tuple((kind, "loss") for kind in DEFAULT_IMPLEMENT)
    chosen = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, _, output = part.partition(":")
        if (kind, output or "loss") not in FUNCTIONS:
            valid = tuple(k if o == "loss" else f"{k}:{o}" for k, o in FUNCTIONS)  # not text: a list of choices is never cut
            from xentlab.names import suggest

            raise UsageError(key="notebook_implement", value=part, choices=valid, suggestion=suggest(part, valid))
        if (kind, output or "loss") not in chosen:
            chosen.append((kind, output or "loss"))
    return tuple(chosen)


@dataclass(frozen=True)
class Assignment:
    title: str
    intro: str
    setup: list[str]
    questions: tuple[Question, ...]
    key_json: str


def build(count: int, seed: int, *, types: tuple[str, ...] | None = None, difficulty: int = 2, lang: str = "ja",
          implement: tuple[tuple[str, str], ...] | None = None, derivations: int = 0) -> Assignment:
    from dataclasses import replace

    from xentlab import worksheet as ws

    implement = parse_implement(None) if implement is None else implement
    sheet = ws.build(seed, count, types or ws.all_types(), difficulty)
    if derivations:
        from xentlab.errors import InputError

        try:
            drawn = ws.build(seed, derivations, ("derive-lines",), difficulty, after=sheet.items)
        except InputError as error:
            if error.key != "too_few_questions":
                raise
            raise InputError(key="notebook_too_few_derivations", count=derivations, difficulty=difficulty) from None
        sheet = replace(drawn, types=(*sheet.types, "derive-lines"), origin="notebook")  # its own code: no worksheet draws these items
    words = _words(lang)
    questions = tuple(worksheet_items(sheet, lang) + implement_items(implement, lang))
    intro = _say(words.intro, count, derivations, len(implement), sheet.code)  # never the seed: with it anyone rebuilds the key
    return Assignment(_say(words.title), intro, ["import numpy as np", "import xentlab"], questions, ws.key_json(sheet, lang, "md"))


def render(assignment: Assignment, fmt: str, lang: str) -> tuple[str, str]:
    """(the instructor's notebook, the student's notebook) as .ipynb text."""
    from xentlab import notebook_formats

    if fmt not in FORMATS:
        from xentlab.errors import UsageError

        from xentlab.names import suggest

        raise UsageError(key="notebook_format", value=fmt, choices=", ".join(FORMATS), suggestion=suggest(fmt, FORMATS))
    words = _words(lang)
    master = notebook_formats.otter_master if fmt == "otter" else notebook_formats.nbgrader_source
    student = notebook_formats.otter_student if fmt == "otter" else notebook_formats.nbgrader_student
    return (notebook_formats.dumps(master(assignment, _say(words.setup_heading))),
            notebook_formats.dumps(student(assignment, _say(words.setup_heading))))
