"""Worksheets and answer keys: seed → items → rendered texts and the key. Writes no files.

Seeding (a public contract, recorded in key.json):
  * item i (1-based) of a sheet with seed S draws everything from verify.rng_for(S, i); a draw
    that repeats an earlier item of the sheet is resampled from the same generator;
  * variant v (1-based) of `--variants` is the sheet whose seed is variant_seed(S, v), the first
    draw of rng_for(S, 1000 + v) in [0, 2**31), so `xentlab worksheet --seed <that seed>`
    rebuilds it exactly.
Items cycle through the selected types in order (the --types order, or ORDER by default); when a
type has no new question left (derive-step and log-rule have only a few dozen), that item takes
the next type in the cycle that still has one. A log-rule item never shows lines of a derivation that
a derive-step item on the same sheet asks for, nor the other way round (modules declare this with
an optional reveals(params)).

The student sheet carries a sheet code in place of the seed (sheet_code): anyone with the seed
could rebuild the key, so the seed appears only in the teacher's answer key and key.json, which
map the code back to it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from xentlab import names
from xentlab.errors import InputError, UsageError
from xentlab.problems import Answer, problem_type, registry

VERSION = 1
MAX_COUNT = 200
MAX_VARIANTS = 100
DIFFICULTIES = (1, 2, 3)
DEFAULT_DIFFICULTY = 2
FORMATS = ("md", "tex")
VARIANT_KEY = 1000  # variant v's seed comes from rng_for(seed, VARIANT_KEY + v)
MAX_RESAMPLES = 100
DEFAULT_SPACE = 4  # lines of answer space under a question in the LaTeX worksheet
# The teaching order of the default sheet (names.PROBLEM_TYPES); types added later follow in registry order.
ORDER = names.PROBLEM_TYPES
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
CODE_WORK = 20_000  # PBKDF2 rounds: ~5 ms per sheet; 2**31 seeds take a CPU ~4 months to try for one code


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    params: dict
    answer: Answer

    @property
    def rounded(self) -> str:
        """A number answer as the sheet asks for it: 3 significant figures, half-up on the exact
        decimal value where there is one (xentlab.precise)."""
        if self.answer.kind != "number":
            return str(self.answer.value)
        from xentlab.precise import rounded

        return rounded(self.kind, self.params, self.answer.value, 3)

    @property
    def letter(self) -> str:
        return "ABCDEFGH"[self.answer.choices.index(self.answer.value)] if self.answer.kind == "choice" else ""


@dataclass(frozen=True)
class Sheet:
    seed: int
    difficulty: int
    types: tuple[str, ...]
    items: tuple[Item, ...]
    variant: int | None = None
    base_seed: int | None = None
    origin: str | None = None  # what else drew items (a notebook's derivations): part of the code

    @cached_property
    def code(self) -> str:
        types = self.types if self.origin is None else (*self.types, self.origin)
        return sheet_code(self.seed, len(self.items), types, self.difficulty)


@lru_cache(maxsize=256)
def sheet_code(seed: int, count: int, types: tuple[str, ...], difficulty: int) -> str:
    """The code printed on the student sheet instead of the seed: 8 characters (XXXX-XXXX) from a
    slow key-derivation function of everything that makes the sheet, so that a student cannot
    work back to the seed, while the teacher's key.json maps the code to it."""
    import hashlib

    material = json.dumps([seed, count, list(types), difficulty]).encode()
    digest = hashlib.pbkdf2_hmac("sha256", material, b"xentlab sheet code", CODE_WORK)
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(CODE_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


# --- options --------------------------------------------------------------------------------


def all_types() -> tuple[str, ...]:
    """The default --types. A type that sets OPT_IN (derive-lines) is only drawn when named."""
    known = registry()
    extra = tuple(k for k in known if k not in ORDER and not getattr(known[k], "OPT_IN", False))
    return tuple(k for k in ORDER if k in known and not getattr(known[k], "OPT_IN", False)) + extra


def parse_types(text: str | None) -> tuple[str, ...]:
    """'a,b' → ('a', 'b') in the given order (old names read as their new ones), duplicates
    dropped; None or '' → every type."""
    if text is None or not text.strip():
        return all_types()
    chosen: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        canonical = names.problem_type(name)
        if canonical not in registry():
            raise names.unknown("type", name, all_types(), names.TYPE_ALIASES)
        if canonical not in chosen:
            chosen.append(canonical)
    if not chosen:
        raise UsageError(key="types_empty", choices=all_types())
    return tuple(chosen)


def check_options(count: int, difficulty: int, variants: int | None, fmt: str, lang: str) -> None:
    from xentlab.render import check_lang

    if not 1 <= count <= MAX_COUNT:
        raise UsageError(key="out_of_range", option="--count", low=1, high=MAX_COUNT, value=str(count))
    if difficulty not in DIFFICULTIES:
        raise UsageError(key="out_of_range", option="--difficulty", low=1, high=3, value=str(difficulty))
    if variants is not None and not 1 <= variants <= MAX_VARIANTS:
        raise UsageError(key="out_of_range", option="--variants", low=1, high=MAX_VARIANTS, value=str(variants))
    names.choose("format", fmt, FORMATS)
    check_lang(lang)


def variant_seed(seed: int, variant: int) -> int:
    from xentlab.verify import rng_for

    return int(rng_for(seed, VARIANT_KEY + variant).integers(0, 2**31))


# --- building -------------------------------------------------------------------------------


def identity(kind: str, params: dict) -> str:
    """Two items ask the same question when these match (the order of choices does not count)."""
    return kind + json.dumps({k: v for k, v in params.items() if k != "choices"}, sort_keys=True)


def build(seed: int, count: int, types: tuple[str, ...], difficulty: int, variant: int | None = None,
          base_seed: int | None = None, *, after: tuple[Item, ...] = ()) -> Sheet:
    """`count` items drawn from `seed`; `after`: items already on the sheet (numbered 1…), which the
    new ones follow, repeat none of and give nothing away to."""
    from xentlab.verify import rng_for

    seen = {identity(item.kind, item.params) for item in after}
    shown = {tag: item.kind for item in after for tag in _reveals(item.kind, item.params)}  # derivation lines shown or asked for → the kind that did
    items = list(after)
    for index in range(len(after) + 1, len(after) + count + 1):
        rng = rng_for(seed, index)
        start = (index - 1) % len(types)
        for kind in types[start:] + types[:start]:  # a type with no new question left passes to the next
            params = _fresh(problem_type(kind), kind, rng, difficulty, seen, shown)
            if params is not None:
                break
        else:
            raise InputError(key="too_few_questions", count=count, types=tuple(types), difficulty=difficulty)
        seen.add(identity(kind, params))
        shown.update({tag: kind for tag in _reveals(kind, params)})
        items.append(Item(index, kind, params, problem_type(kind).answer(params)))
    return Sheet(seed, difficulty, tuple(types), tuple(items), variant, base_seed)


def _reveals(kind: str, params: dict) -> tuple[str, ...]:
    module = problem_type(kind)
    return module.reveals(params) if hasattr(module, "reveals") else ()


def _fresh(module, kind: str, rng, difficulty: int, seen: set[str], shown: dict[str, str]) -> dict | None:
    """A draw that repeats no earlier item and gives none away (shows no derivation lines another
    kind of item on the sheet asks for), or None when MAX_RESAMPLES draws all failed."""
    for _ in range(MAX_RESAMPLES):
        params = module.sample(rng, difficulty)
        if identity(kind, params) in seen:
            continue
        if any(tag in shown and (shown[tag] != kind or getattr(module, "ONE_PER_REVEAL", False)) for tag in _reveals(kind, params)):
            continue
        return params
    return None


def key(sheet: Sheet, lang: str, fmt: str) -> dict:
    """The machine-readable key (key.json): everything a grader needs, nothing that varies by run."""
    items = []
    for item in sheet.items:
        entry: dict[str, Any] = {
            "id": item.id,
            "kind": item.kind,
            "difficulty": sheet.difficulty,
            "question_params": item.params,
            **item.answer.to_json(),
            "tolerance": dict(item.answer.tolerance),
        }
        if item.answer.kind == "number":
            entry["unit"] = item.answer.unit
            entry["rounded"] = item.rounded
        if item.answer.kind == "choice":
            entry["choice_letter"] = item.letter
        items.append(entry)
    document: dict[str, Any] = {
        "version": VERSION,
        "seed": sheet.seed,
        "sheet_code": sheet.code,
        "lang": lang,
        "format": fmt,
        "difficulty": sheet.difficulty,
        "types": list(sheet.types),
        "count": len(sheet.items),
        "items": items,
    }
    if sheet.variant is not None:
        document["variant"] = sheet.variant
        document["base_seed"] = sheet.base_seed
    return document


def key_json(sheet: Sheet, lang: str, fmt: str) -> str:
    return json.dumps(key(sheet, lang, fmt), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# --- rendering ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _problem_module(kind: str, fmt: str, lang: str):
    from xentlab.render import language_module

    return language_module(f"problems/{kind}", fmt, lang)


@lru_cache(maxsize=8)
def _labels(fmt: str, lang: str):
    from xentlab.render import language_module

    return language_module("worksheet", fmt, lang)


@dataclass(frozen=True)
class _View:
    """What the layout sees of an item."""

    id: int
    kind: str
    params: dict
    answer: Answer
    rounded: str
    letter: str
    space: int
    sol: dict | None
    question: dict  # params, plus what the module's optional question_context(params) adds for the template


def _views(sheet: Sheet, with_solutions: bool) -> list[_View]:
    """What the layout sees of each item. The worked solutions (solve, proofs of every line) are
    built once per sheet: the key and its figures both need them."""
    if with_solutions and "_solved_views" in sheet.__dict__:
        return sheet.__dict__["_solved_views"]
    views = []
    for item in sheet.items:
        module = problem_type(item.kind)
        sol = module.solution(item.params) if with_solutions else None
        extra = module.question_context(item.params) if hasattr(module, "question_context") else {}
        views.append(_View(item.id, item.kind, item.params, item.answer, item.rounded, item.letter,
                           getattr(module, "WORK_SPACE", DEFAULT_SPACE), sol, {**item.params, **extra}))
    if with_solutions:
        sheet.__dict__["_solved_views"] = views  # a frozen dataclass may still cache in its __dict__
    return views


def render(sheet: Sheet, fmt: str, lang: str) -> tuple[str, str]:
    """(worksheet, answer key) in the format and language. The key carries a −log p curve for each
    item whose answer is the loss of a probability: inline pgfplots in tex, a linked SVG in md
    (the files come from answer_figures)."""
    from xentlab.render import language_module, render_template

    modules = {kind: _problem_module(kind, fmt, lang) for kind in sheet.types}
    texts = []
    for mode, with_solutions in (("worksheet", False), ("answers", True)):
        items = _views(sheet, with_solutions)
        figures = _figures(items, fmt, lang) if with_solutions else {}
        text = render_template(f"worksheet/{fmt}.j2", fmt, lang, mode=mode, sheet=sheet, pdf_id=pdf_id(sheet, mode, lang),
                               items=items, P=modules, WS=_labels(fmt, lang), figures=figures, pgfplots=bool(figures) and fmt == "tex",
                               F=language_module("figures", fmt, lang))
        texts.append(tidy(text, fmt))
    return texts[0], texts[1]


def _curve_solution(sol: dict | None):
    """The worked solution whose points go on the −log p curve, if the item has one."""
    from xentlab.solve import Solution

    solution = (sol or {}).get("s")
    return solution if isinstance(solution, Solution) and solution.points else None


def _figures(items: list[_View], fmt: str, lang: str) -> dict[int, dict]:
    """Per item id: for tex the plot itself, for md the SVG's file name and caption."""
    from xentlab.render import solution_plots, solution_svgs

    figures = {}
    for item in items:
        solution = _curve_solution(item.sol)
        if solution is None:
            continue
        if fmt == "tex":
            figures[item.id] = {"plot": solution_plots(solution)[0]["f"], "unit": solution.unit}
        else:
            svg = solution_svgs(solution, lang)[0]
            figures[item.id] = {"file": f"answers.item-{item.id:02d}.svg", "caption": svg["caption"], "svg": svg["svg"]}
    return figures


def answer_figures(sheet: Sheet, lang: str) -> list[tuple[str, str]]:
    """(file name, SVG) for every figure the Markdown answer key links."""
    figures = _figures(_views(sheet, True), "md", lang)
    return [(figure["file"], figure["svg"]) for _, figure in sorted(figures.items())]


def pdf_id(sheet: Sheet, mode: str, lang: str) -> str:
    """A fixed PDF /ID for this document (lualatex would derive one from the temporary file's path).
    From the sheet code, never the seed: a student's PDF must not give the seed away."""
    import hashlib

    return hashlib.md5(f"xentlab {sheet.code} {sheet.variant} {mode} {lang}".encode()).hexdigest().upper()


def tidy(text: str, fmt: str = "md") -> str:
    """At most one blank line in a row, no trailing spaces, one final newline; in LaTeX no blank
    line before a display (it would end the paragraph and leave an empty line above the formula)."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    if fmt == "tex":
        text = re.sub(r"\n\n(?=\\\[\n)", "\n", text)
    return text.strip("\n") + "\n"


def significant(value: float, figures: int = 3) -> str:
    """value rounded half-up to `figures` significant figures, in plain decimal notation."""
    from xentlab.rounding import round_significant

    return round_significant(value, figures)
