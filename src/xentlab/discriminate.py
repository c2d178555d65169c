"""Which skills can an item show? An item shows a mistake when the mistake's answer cannot be taken
for the right one, nor for any other mistake — computed from the item's own numbers, never tagged
by hand.

A number is accepted within max(atol, rtol·|v|) of a value v (a correctly rounded answer always
lies inside that band). A diagnosis code c *can be made* on a numeric item when the item's
catalogue (`problem_type(kind).mistakes(params)`, computed with mistakes.every_value() so that no
value is dropped, not even one that gives the right answer back) has an entry whose codes are
exactly (c,). It *can be shown* when every such value — every reading of c: which class, which
sample — has a band that overlaps neither the right answer's band nor the band of any entry without
c (entries the checker accepts as right are never named, so they do not count). Then a student who
makes that one mistake is marked wrong and named by c, and no other mistake is. So sum and mean
cannot be told apart when N = 1 (the same value), a bce item with t = 1 cannot show a missing
complement, and log10 and ln agree when y = 1.

An item *shows a skill* (Shown.shows) when every code of that skill that can be made on it can be
shown — a student whose mistake in that skill is not known yet, whichever it is, is caught: a bce
item with t = 1 shows a swapped complement but not a missing one, so it does not show the
complement. Once the student's own codes in the skill are known (grade's diagnoses, earlier answers
in a practice session), the item must be able to make at least one of them, and show every one it
can make: an sse item cannot make ben's "summed where the mean was asked", so it does not show his
mean_vs_sum, though it shows a mean over the classes. Own codes no item witnesses (how an answer
was written, a derivation's steps: skills.WITHOUT_WITNESS) do not narrow the rule. Follow-up sheets,
practice and mastery evidence all use this one rule.

A formula item can make c when the checker has a variant with codes (c,) (xentlab.check.symbolic_variants)
and shows c when that variant differs from the answer and from every variant with other codes at
random valid points. A choice item shows the skill its choices test (skills.CHOICE_SKILL). A type
with another answer kind reports the codes itself with an optional `shows(params) -> iterable of
codes` in its module.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

from xentlab.problems import DEFAULT_TOLERANCE, Mistake, problem_type
from xentlab.skills import CHOICE_SKILL, SKILL_OF, SKILLS, WITHOUT_WITNESS


@dataclass(frozen=True)
class Witness:
    """Why an item shows `code`: the value (or formula) the mistake gives, and how far it is from
    the right answer and from the nearest explanation with other codes."""

    code: str
    values: tuple[float, ...] = ()  # numeric: every value of the mistake alone
    bands: tuple[tuple[float, float], ...] = ()  # the accepted band around each value
    answer_band: tuple[float, float] | None = None
    nearest: tuple[tuple[str, ...], float] | None = None  # the closest other explanation (codes, value)
    formula: str = ""  # formula items: the variant

    def to_json(self) -> dict:
        data: dict = {"code": self.code, "skill": SKILL_OF[self.code]}
        if self.values:
            data["values"] = [float(v) for v in self.values]
            data["bands"] = [[float(lo), float(hi)] for lo, hi in self.bands]
            data["answer_band"] = [float(x) for x in self.answer_band]
            if self.nearest is not None:
                data["nearest_other"] = {"codes": list(self.nearest[0]), "value": float(self.nearest[1])}
        if self.formula:
            data["formula"] = self.formula
        return data


@dataclass(frozen=True)
class Shown:
    """What one item can show: the codes it can show with their witnesses, the codes a student can
    make on it at all (`possible`, a superset), and a choice item's skill."""

    kind: str
    witnesses: dict[str, Witness] = field(default_factory=dict)
    choice_skill: str | None = None
    possible: frozenset[str] = frozenset()

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.witnesses)

    def deciding(self, skill: str, known=()) -> frozenset[str]:
        """The codes of `skill` that decide whether this item shows it: those a student can make
        here, or, where the student's own codes in the skill are known, those of them."""
        possible = frozenset(c for c in self.possible | self.codes if SKILL_OF.get(c) == skill)
        own = frozenset(c for c in known if SKILL_OF.get(c) == skill and c not in WITHOUT_WITNESS)
        return possible & own if own else possible

    def shows(self, skill: str, known=()) -> bool:
        """Whether this item can show `skill`: for a student whose mistakes in it are not known, every
        code of it that can be made here is shown; with the student's own codes (`known`, any
        skills'), at least one of them can be made here and every one that can is shown."""
        if skill == self.choice_skill:
            return True
        deciding = self.deciding(skill, known)
        return bool(deciding) and deciding <= self.codes

    def skills_for(self, known=()) -> frozenset[str]:
        return frozenset(s for s in SKILLS if self.shows(s, known))

    @property
    def skills(self) -> frozenset[str]:
        """The skills this item shows for a student whose mistakes are not known yet."""
        return self.skills_for(())


def band(value: float, tolerance: dict) -> tuple[float, float]:
    width = max(float(tolerance.get("atol", 0.0)), float(tolerance.get("rtol", 0.005)) * abs(value))
    return value - width, value + width


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def numeric(kind: str, answer: float, tolerance: dict, mistakes: list[Mistake] | tuple[Mistake, ...]) -> Shown:
    """The codes a numeric item can show, from its answer, tolerance and mistake catalogue."""
    tolerance = {**DEFAULT_TOLERANCE, **tolerance}
    right = band(answer, tolerance)
    entries = [(m.codes, m.value, band(m.value, tolerance)) for m in mistakes if math.isfinite(m.value)]
    possible = frozenset(m.codes[0] for m in mistakes if len(m.codes) == 1 and m.codes[0] in SKILL_OF)
    witnesses = {}
    for code in sorted(possible):
        alone = [(value, b) for codes, value, b in entries if codes == (code,)]
        others = [(codes, value, b) for codes, value, b in entries  # (c, x) = (c,) still names c;
                  if code not in codes and not right[0] <= value <= right[1]]  # a value accepted as right is never named
        if not alone:
            continue
        if any(_overlap(b, right) or any(_overlap(b, ob) for _, _, ob in others) for _, b in alone):
            continue
        nearest = min(others, key=lambda o: min(abs(o[1] - v) for v, _ in alone), default=None)
        witnesses[code] = Witness(code, tuple(v for v, _ in alone), tuple(b for _, b in alone), right,
                                  (nearest[0], nearest[1]) if nearest else None)
    return Shown(kind, witnesses, possible=possible)


def formula(kind: str, expected_text: str) -> Shown:
    """The codes a formula item can show: variants that differ from the answer and from every
    variant with other codes (the checker names the first variant that agrees with an answer)."""
    from xentlab.check import agree, symbolic_variants
    from xentlab.parse import parse_expression
    from xentlab.printing import to_str
    from xentlab.verify import rng_for

    expected = parse_expression(expected_text)
    variants = [(codes, expr) for codes, expr in symbolic_variants(expected)]
    possible = frozenset(codes[0] for codes, _ in variants if len(codes) == 1 and codes[0] in SKILL_OF)
    witnesses = {}
    for code in sorted(possible):
        alone = [expr for codes, expr in variants if codes == (code,)]
        others = [expr for codes, expr in variants if code not in codes]
        if all(agree(expr, other, rng_for(0, 15)) is False for expr in alone for other in [expected, *others]):
            witnesses[code] = Witness(code, formula=to_str(alone[0]))
    return Shown(kind, witnesses, possible=possible)


def shown(kind: str, params: dict, tolerance: dict | None = None) -> Shown:
    """What an item of this type with these question_params can show (cached: items repeat).
    `tolerance`: the key's, when it has its own."""
    return _shown(kind, json.dumps(params, sort_keys=True), json.dumps(tolerance, sort_keys=True))


@lru_cache(maxsize=4096)
def _shown(kind: str, params_json: str, tolerance_json: str) -> Shown:
    from xentlab.mistakes import every_value

    params, tolerance = json.loads(params_json), json.loads(tolerance_json)
    module = problem_type(kind)
    if hasattr(module, "shows"):  # a type with its own answer kind (derive-lines) says it itself
        codes = frozenset(c for c in module.shows(params) if c in SKILL_OF)
        return Shown(kind, {c: Witness(c) for c in sorted(codes)}, possible=codes)
    answer = module.answer(params)
    if answer.kind == "number":
        with every_value():  # also the values the catalogue drops: near another explanation, or the truth itself
            everything = module.mistakes(params)
        return numeric(kind, float(answer.value), tolerance or answer.tolerance, everything)
    return of_answer(kind, answer.kind, answer.value, answer.tolerance, (), len(answer.choices))


def of_answer(kind: str, answer_kind: str, value, tolerance: dict, mistakes, choices: int = 0) -> Shown:
    """What an item shows, from its answer and mistake values alone. For a number, `mistakes` must
    hold every value, also those near another explanation or the truth (see `shown`, which computes them)."""
    if answer_kind == "number":
        return numeric(kind, float(value), tolerance, mistakes)
    if answer_kind == "expression":
        return _formula_cached(kind, value)
    if answer_kind == "choice" and kind in CHOICE_SKILL and choices >= 2:
        return Shown(kind, choice_skill=CHOICE_SKILL[kind])
    return Shown(kind)


@lru_cache(maxsize=1024)
def _formula_cached(kind: str, expected_text: str) -> Shown:
    return formula(kind, expected_text)


def of_key_item(item, params: dict) -> Shown:
    """What a loaded key item (answerkey.KeyItem) with these question_params can show, with the
    key's own tolerance and, for a formula, the key's own answer."""
    if item.answer_kind == "number" or hasattr(problem_type(item.kind), "shows"):
        return shown(item.kind, params, dict(item.tolerance))
    return of_answer(item.kind, item.answer_kind, item.answer, item.tolerance, (), len(item.choices))
