"""Drawing items that can show a given skill: what follow-up sheets and practice sessions ask.

Every draw comes from the caller's generator (verify.rng_for of the user's seed), through the
problem types' own `sample`; an item is kept only when xentlab.discriminate says it shows what is
wanted (Shown.shows, with the student's own codes where they are known). Which types can show a
skill at all is found the same way, on items of each type sampled at a fixed seed (`samples`), so a
new problem type or a new mistake code needs no table here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from xentlab.discriminate import Shown, shown
from xentlab.problems import problem_type
from xentlab.skills import SKILL_OF

DIFFICULTIES = (1, 2, 3)
CAPABILITY_SEED = 15  # fixed: which skills a type can show does not depend on the user's seed
CAPABILITY_DRAWS = 12
TRIES_PER_KIND = 12


@dataclass(frozen=True)
class Candidate:
    kind: str
    difficulty: int
    params: dict
    shown: Shown

    @property
    def identity(self) -> str:
        from xentlab.worksheet import identity

        return identity(self.kind, self.params)


@lru_cache(maxsize=256)
def samples(kind: str, difficulty: int) -> tuple[Shown, ...]:
    """What items of this type and difficulty show, sampled at a fixed seed."""
    from xentlab.problems import registry
    from xentlab.verify import rng_for

    position = list(registry()).index(kind)
    rng = rng_for(CAPABILITY_SEED, position, difficulty)
    module = problem_type(kind)
    return tuple(shown(kind, module.sample(rng, difficulty)) for _ in range(CAPABILITY_DRAWS))


def own_codes(codes, skill: str) -> frozenset[str]:
    """The student's codes (an iterable or a Counter of them) that belong to `skill`."""
    return frozenset(c for c in codes if SKILL_OF.get(c) == skill)


@lru_cache(maxsize=4096)
def _can(kind: str, difficulty: int, skill: str, own: frozenset[str]) -> bool:
    return any(item.shows(skill, own) for item in samples(kind, difficulty))


def can_show(kind: str, difficulty: int, skill: str, known=()) -> bool:
    """Whether items of this type and difficulty can show `skill` (for a student with these codes)."""
    return _can(kind, difficulty, skill, own_codes(known, skill))


def available_skills(kinds: tuple[str, ...], known=()) -> frozenset[str]:
    """The skills some item of these types can show (to a student with these codes)."""
    from xentlab.skills import SKILLS

    return frozenset(s for s in SKILLS if any(can_show(k, d, s, known) for k in kinds for d in DIFFICULTIES))


def _order(kinds: tuple[str, ...], rng) -> list[str]:
    """The kinds, rotated by one draw: the same seed asks the same types first. No kinds: no draw
    (a type list that cannot show the skill at this difficulty is tried at the next one)."""
    if not kinds:
        return []
    start = int(rng.integers(0, len(kinds)))
    return list(kinds[start:] + kinds[:start])


def _difficulties(preferred: int) -> list[int]:
    return sorted(DIFFICULTIES, key=lambda d: (abs(d - preferred), d))


def draw(rng, skill: str, known, kinds: tuple[str, ...], difficulty: int, exclude: set[str]) -> Candidate | None:
    """One item that shows `skill` to a student with these codes (`known`: the student's own, or
    none): the preferred difficulty first, then the nearest."""
    own = own_codes(known, skill)
    for level in _difficulties(difficulty):
        for kind in _order(tuple(k for k in kinds if _can(k, level, skill, own)), rng):
            module = problem_type(kind)
            for _ in range(TRIES_PER_KIND):
                params = module.sample(rng, level)
                candidate = Candidate(kind, level, params, shown(kind, params))
                if candidate.shown.shows(skill, own) and candidate.identity not in exclude:
                    return candidate
    return None


def pool(rng, skills: frozenset[str], kinds: tuple[str, ...], difficulty: int, exclude: set[str], known=(),
         per_kind: int = 3) -> list[Candidate]:
    """Items that show at least one of `skills` to a student with these codes: `per_kind` of every
    type that can (each from at most TRIES_PER_KIND draws), at the preferred difficulty, else at
    the nearest that has any."""
    known = frozenset(known)
    for level in _difficulties(difficulty):
        able = tuple(k for k in kinds if any(can_show(k, level, s, known) for s in skills))
        found = []
        for kind in _order(able, rng) if able else []:
            module = problem_type(kind)
            kept = 0
            for _ in range(TRIES_PER_KIND):
                params = module.sample(rng, level)
                candidate = Candidate(kind, level, params, shown(kind, params))
                if skills & candidate.shown.skills_for(known) and candidate.identity not in exclude:
                    found.append(candidate)
                    kept += 1
                    if kept == per_kind:
                        break
        if found:
            return found
    return []
