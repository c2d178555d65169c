"""Moodle XML quiz export: the worksheet's items, as Moodle questions. Writes no files and builds
no XML: this module assembles the questions as data, and templates/moodle/quiz.xml.j2 writes the
XML, escaping every piece of text (names with |e, HTML inside CDATA with |cdata).

Selection is exactly `xentlab worksheet`'s: worksheet.build with the same count, seed, types and
difficulty; with --variants V, variant v is the sheet of seed worksheet.variant_seed(S, v), as
worksheet writes to variant-0v/. Every question goes into the category $course$/xentlab/<kind>,
so a random question drawn from that category gives each student a different variant.

Question types:
  * number answers → numerical. The correct answer has fraction 100 and the tolerance
    0.005·|answer|. xentlab accepts 0.5 % relative error (or a correctly rounded value with at
    least 3 significant figures, which always lies inside that interval), while Moodle's
    numerical tolerance is absolute (± tolerance): so each answer gets its own absolute tolerance.
    Each computed mistake (the problem's mistakes(params)) becomes a 0 % answer with the same rule,
    0.005·|value|, as `xentlab check` matches mistakes; its feedback is templates/<lang>/feedback.j2's
    sentence. Two answers never conflict: a mistake whose interval overlaps the correct answer's or
    a kept mistake's is dropped (the one with fewer codes is kept). A final "*" catches the rest.
    Numbers are written to 12 significant figures (no float noise such as 0.7249999999999999), and
    the intervals are computed from the numbers as written, which are what Moodle reads.
  * choice answers (log-rule) → multichoice, one right choice, the other rules as distractors, in
    the item's own order (the worked solution names the letter, so Moodle must not reshuffle them).
  * expression answers (derive-step) → multichoice: the correct final expression and the
    variants check.symbolic_variants computes (sign dropped, log10, t and y swapped, a term
    dropped…), each shown as TeX and proved different from the answer at random points.

Text (moodle_prose.py) is rendered by the language's own macros (problems/<kind>.j2 question and solution,
feedback.j2, worksheet.j2 labels, moodle.j2) in their Markdown form, with every formula kept
aside as a marker; the markers and the few Markdown blocks the macros use (paragraphs, tables,
**bold**, `code`) are read back into blocks of nodes, which the template turns into HTML with
the formulas between Moodle's TeX delimiters \\( … \\) and \\[ … \\].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xentlab.moodle_prose import Blocks, Prose
from xentlab.problems import DEFAULT_TOLERANCE, problem_type

RTOL = DEFAULT_TOLERANCE["rtol"]  # 0.005: xentlab's default relative tolerance
DIGITS = 12  # significant figures of the numbers written into the file
# Moodle widens every numerical interval by 10^-precision · max(1, |answer|) (PHP precision 14,
# MDL-3225); intervals are kept apart by this larger margin so that none can ever touch.
SLACK = 1e-12
MAX_DISTRACTORS = 4  # derive-step: at most 4 wrong expressions beside the right one
# Which computed variant of an expression makes the best distractor, best first.
DISTRACTOR_CODES = ("sign_dropped", "log_base_10", "swapped_t_y", "missing_complement", "dropped_term", "log_base_2")



@dataclass(frozen=True)
class Answer:
    """One <answer>: `text` is the number (or "*") for numerical, HTML blocks for multichoice."""

    fraction: int
    feedback: Blocks
    text: str = ""
    tolerance: str = ""
    choice: Blocks = field(default_factory=list)
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    type: str  # numerical | multichoice
    name: str
    kind: str
    item: int
    variant: int | None
    seed: int
    params: dict
    text: Blocks
    general: Blocks
    answers: tuple[Answer, ...]
    shuffle: bool = False


@dataclass(frozen=True)
class Category:
    kind: str
    path: str
    info: Blocks
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Quiz:
    lang: str
    categories: tuple[Category, ...]
    notes: tuple[tuple[str, dict], ...] = ()  # (message key, params): one line each, for stderr


# --- numbers -----------------------------------------------------------------------------------


def number_text(value: float) -> str:
    """`value` to DIGITS significant figures in plain decimal notation (Moodle reads it as text;
    no exponent): 1.07880966137, and 0.725 rather than float noise like 0.7249999999999999."""
    import numpy as np

    return np.format_float_positional(float(value), precision=DIGITS, unique=False, fractional=False, trim="-")


@dataclass(frozen=True)
class Number:
    """A number as written into the file, and its tolerance as written: what Moodle will read."""

    text: str
    tolerance_text: str

    @property
    def value(self) -> float:
        return float(self.text)

    @property
    def tolerance(self) -> float:
        return float(self.tolerance_text)

    def interval(self) -> tuple[float, float]:
        """The values Moodle accepts, widened by SLACK (more than Moodle's own margin)."""
        margin = self.tolerance + SLACK * max(1.0, abs(self.value))
        return self.value - margin, self.value + margin

    def overlaps(self, other: "Number") -> bool:
        (low_a, high_a), (low_b, high_b) = self.interval(), other.interval()
        return low_a <= high_b and low_b <= high_a


def written(value: float) -> Number:
    """`value` as written, with Moodle's absolute tolerance for xentlab's relative one: 0.005 · |value|."""
    text = number_text(value)
    return Number(text, number_text(RTOL * abs(float(text))))


def kept_mistakes(truth: Number, mistakes) -> list[tuple[Any, Number]]:
    """(mistake, as written): fewer codes first; a mistake whose interval touches the truth's or
    a kept one's is dropped, so no two answers Moodle receives can match the same response."""
    kept: list[tuple[Any, Number]] = []
    for mistake in sorted(mistakes, key=lambda m: len(m.codes)):  # stable: the catalogue's order breaks ties
        if not math.isfinite(mistake.value):
            continue
        number = written(mistake.value)
        if number.overlaps(truth) or any(number.overlaps(other) for _, other in kept):
            continue
        kept.append((mistake, number))
    return kept


# --- questions -----------------------------------------------------------------------------------


def sheets(seed: int, count: int, types: tuple[str, ...], difficulty: int, variants: int | None):
    """The worksheets `xentlab worksheet` builds for the same arguments, with their variant numbers."""
    from xentlab import worksheet as ws

    if variants is None:
        return [ws.build(seed, count, types, difficulty)]
    return [ws.build(ws.variant_seed(seed, v), count, types, difficulty, variant=v, base_seed=seed) for v in range(1, variants + 1)]


def build(seed: int, count: int, types: tuple[str, ...], difficulty: int, variants: int | None, lang: str) -> Quiz:
    unsupported = [kind for kind in types if getattr(problem_type(kind), "MOODLE", True) is False]
    if unsupported:  # issue 14: derive-lines is checked line by line by xentlab; a Moodle question cannot do that
        from xentlab.errors import UsageError

        raise UsageError(key="moodle_unsupported_type", kind=unsupported[0])
    prose = Prose(lang)
    notes: list[tuple[str, dict]] = []
    width = max(2, len(str(count)))
    vwidth = max(2, len(str(variants or 0)))
    by_kind: dict[str, list[Question]] = {}
    for sheet in sheets(seed, count, types, difficulty, variants):
        for item in sheet.items:
            name = f"{item.kind} {item.id:0{width}d}" + (f"-{sheet.variant:0{vwidth}d}" if sheet.variant is not None else "")
            by_kind.setdefault(item.kind, []).append(question(item, sheet, name, prose, notes))
    categories = []
    for kind in [k for k in types if k in by_kind]:
        questions = tuple(sorted(by_kind[kind], key=lambda q: (q.item, q.variant or 0)))
        title = prose.call(f"problems/{kind}", "title")
        numerical = any(q.type == "numerical" for q in questions)
        info = prose.render("moodle", "category_info", kind, title, seed, difficulty, variants, len(questions), numerical)
        categories.append(Category(kind, f"$course$/xentlab/{kind}", info, questions))
    unique = {(key, tuple(sorted(params.items()))): (key, params) for key, params in notes}
    return Quiz(lang, tuple(categories), tuple(unique.values()))


def question(item, sheet, name: str, prose: Prose, notes: list[tuple[str, dict]]) -> Question:
    module = problem_type(item.kind)
    page = f"problems/{item.kind}"
    extra = module.question_context(item.params) if hasattr(module, "question_context") else {}
    context = {**item.params, **extra}
    general = prose.render(page, "solution", item.params, module.solution(item.params))
    if item.answer.kind == "number":  # the other solutions end with their answer already
        general += [{"t": "p", "c": [{"t": "strong", "c": block["c"]}]} for block in prose.render("worksheet", "answer_line", item, False)]
    common = {"name": name, "kind": item.kind, "item": item.id, "variant": sheet.variant, "seed": sheet.seed,
              "params": item.params, "general": general}
    if item.answer.kind == "number":
        text = prose.render(page, "question", context) + prose.render("moodle", "number_prompt", item.answer.unit)
        return Question("numerical", text=text, answers=numerical_answers(item, module.mistakes(item.params), prose, notes), **common)
    if item.answer.kind == "choice":
        text = prose.render(page, "question", {**context, "choices": []})  # Moodle lists the choices itself
        return Question("multichoice", text=text, answers=rule_choices(item, prose), shuffle=False, **common)
    shown = module.question_context(item.params)  # the likelihood, and log L = log Π … when the item starts there
    text = prose.render("moodle", "derive_step_question", item.params, shown["given"], shown["start"])
    return Question("multichoice", text=text, answers=expression_choices(item, prose), shuffle=True, **common)


def _feedback(prose: Prose, verdict) -> Blocks:
    phrases = [prose.call("feedback", f"phrase_{code}") for code in verdict.diagnosis]
    return prose.blocks(prose.call("feedback", "feedback", verdict, phrases).strip())


def numerical_answers(item, mistakes, prose: Prose, notes: list[tuple[str, dict]]) -> tuple[Answer, ...]:
    from xentlab.model import Verdict

    truth = written(item.answer.value)
    answers = [Answer(100, _feedback(prose, Verdict("correct", expected=item.answer.value, score=1.0, message="correct")),
                      truth.text, truth.tolerance_text)]
    usable = []
    for mistake in mistakes:
        missing = [code for code in mistake.codes if not prose.has("feedback", f"phrase_{code}")]
        if missing:
            notes.extend(("missing_phrase", {"kind": item.kind, "language": prose.lang, "code": code}) for code in missing)
            continue
        usable.append(mistake)
    for mistake, number in kept_mistakes(truth, usable):
        verdict = Verdict("incorrect", mistake.codes, item.answer.value, 0.0, "mistake")
        answers.append(Answer(0, _feedback(prose, verdict), number.text, number.tolerance_text, codes=mistake.codes))
    answers.append(Answer(0, _feedback(prose, Verdict("incorrect", expected=item.answer.value, message="wrong")), "*", "0"))
    return tuple(answers)


def rule_choices(item, prose: Prose) -> tuple[Answer, ...]:
    from xentlab.model import Verdict

    page = f"problems/{item.kind}"
    right = item.answer.value
    answers = []
    for rule in item.answer.choices:
        if rule == right:
            feedback = _feedback(prose, Verdict("correct", score=1.0, message="correct"))
        else:
            feedback = prose.render("moodle", "wrong_rule", prose.call(page, "rule_text", rule), prose.call(page, "rule_text", right))
        answers.append(Answer(100 if rule == right else 0, feedback, choice=prose.render(page, "rule_text", rule), codes=(rule,)))
    return tuple(answers)


def distractors(expected) -> list[tuple[tuple[str, ...], Any, Any]]:
    """(codes, variant, display) for the wrong final expressions of a derive-step item: one of each
    single misconception that check.symbolic_variants computes, best first, each proved different
    from the answer and from the others at random points. `display` writes log10 as log_10 and is
    proved equal to the variant. A sign flip is offered only when the answer has a minus to drop."""
    import sympy as sp

    from xentlab.check import agree, symbolic_variants
    from xentlab.notation import log_base
    from xentlab.verify import rng_for

    def as_logs(expr):
        return expr.replace(log_base, lambda a, b: sp.log(a) / sp.log(b))

    found: dict[str, tuple] = {}
    for codes, variant in symbolic_variants(expected):
        if len(codes) == 1 and codes[0] in DISTRACTOR_CODES and codes[0] not in found:
            found[codes[0]] = (codes, variant)
    chosen: list[tuple] = []
    for code in DISTRACTOR_CODES:
        if code not in found or (code == "sign_dropped" and not expected.could_extract_minus_sign()):
            continue
        codes, variant = found[code]
        base = {"log_base_10": 10, "log_base_2": 2}.get(code)
        display = expected.replace(sp.log, lambda a, b=base: log_base(a, b)) if base else variant
        if agree(as_logs(display), variant, rng_for(0, 1)) is not True:
            raise AssertionError(f"derive-step: the display of {code} is not the variant it names")
        if agree(variant, expected, rng_for(0, 2)) is not False or any(agree(variant, other, rng_for(0, 3)) is not False for _, other, _ in chosen):
            continue
        chosen.append((codes, variant, display))
        if len(chosen) == MAX_DISTRACTORS:
            break
    return chosen


def expression_choices(item, prose: Prose) -> tuple[Answer, ...]:
    from xentlab.model import Verdict
    from xentlab.parse import parse_expression

    expected = parse_expression(item.answer.value)
    shown = prose.inline(expected)  # the right expression, as the feedback sentences quote it
    answers = [Answer(100, _feedback(prose, Verdict("correct", expected=shown, score=1.0, message="correct")),
                      choice=prose.math(expected))]
    for codes, _, display in distractors(expected):
        answers.append(Answer(0, _feedback(prose, Verdict("incorrect", codes, shown, 0.0, "mistake")),
                              choice=prose.math(display), codes=codes))
    return tuple(answers)


# --- XML -----------------------------------------------------------------------------------------


def cdata(html: str) -> str:
    """A CDATA section holding `html` exactly: a "]]>" inside is split across two sections."""
    return "<![CDATA[" + str(html).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@lru_cache(maxsize=1)
def environment():
    """render's environment plus the cdata filter (its own filters dict: render's stays as it is)."""
    from xentlab.render import environment as base

    env = base().overlay()
    env.filters = {**env.filters, "cdata": cdata}
    return env


def render_quiz(quiz: Quiz) -> str:
    return environment().get_template("moodle/quiz.xml.j2").render(quiz=quiz)
