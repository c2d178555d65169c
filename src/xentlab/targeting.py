"""Drawing items that can show a given skill: what follow-up sheets and practice sessions ask.

Every draw comes from the caller's generator (verify.rng_for of the user's seed), through the
problem types' own `sample`; an item is kept only when xentlab.discriminate says it can show what
is wanted. Which types can show a skill at all is found the same way, by sampling each type at a
fixed seed (`capability`), so a new problem type or a new mistake code needs no table here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from xentlab.discriminate import Shown, shown
from xentlab.problems import problem_type

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
def capability(kind: str, difficulty: int) -> frozenset[str]:
    """The skills items of this type and difficulty can show (sampled at a fixed seed)."""
    from xentlab.problems import registry
    from xentlab.verify import rng_for

    position = list(registry()).index(kind)
    rng = rng_for(CAPABILITY_SEED, position, difficulty)
    found: set[str] = set()
    module = problem_type(kind)
    for _ in range(CAPABILITY_DRAWS):
        found |= shown(kind, module.sample(rng, difficulty)).skills
    return frozenset(found)


def available_skills(kinds: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(capability(k, d) for k in kinds for d in DIFFICULTIES))


def _order(kinds: tuple[str, ...], rng) -> list[str]:
    """The kinds, rotated by one draw: the same seed asks the same types first. No kinds: no draw
    (a type list that cannot show the skill at this difficulty is tried at the next one)."""
    if not kinds:
        return []
    start = int(rng.integers(0, len(kinds)))
    return list(kinds[start:] + kinds[:start])


def _difficulties(preferred: int) -> list[int]:
    return sorted(DIFFICULTIES, key=lambda d: (abs(d - preferred), d))


def draw(rng, skill: str, wanted: frozenset[str], kinds: tuple[str, ...], difficulty: int, exclude: set[str]) -> Candidate | None:
    """One item that can show `skill` and, where some type can, every code in `wanted` (the
    student's own mistakes in that skill). The preferred difficulty first, then the nearest."""
    best: tuple[int, Candidate] | None = None
    for level in _difficulties(difficulty):
        for kind in _order(tuple(k for k in kinds if skill in capability(k, level)), rng):
            module = problem_type(kind)
            for _ in range(TRIES_PER_KIND):
                params = module.sample(rng, level)
                candidate = Candidate(kind, level, params, shown(kind, params))
                if skill not in candidate.shown.skills or candidate.identity in exclude:
                    continue
                covered = len(wanted & candidate.shown.codes)
                if covered == len(wanted):
                    return candidate
                if best is None or covered > best[0]:
                    best = (covered, candidate)
        if best is not None:
            return best[1]
    return None


def pool(rng, skills: frozenset[str], kinds: tuple[str, ...], difficulty: int, exclude: set[str], per_kind: int = 3) -> list[Candidate]:
    """Items that can show at least one of `skills`: `per_kind` of every type that can (each from at
    most TRIES_PER_KIND draws), at the preferred difficulty, else at the nearest that has any."""
    for level in _difficulties(difficulty):
        able = tuple(k for k in kinds if skills & capability(k, level))
        found = []
        for kind in _order(able, rng) if able else []:
            module = problem_type(kind)
            kept = 0
            for _ in range(TRIES_PER_KIND):
                params = module.sample(rng, level)
                candidate = Candidate(kind, level, params, shown(kind, params))
                if skills & candidate.shown.skills and candidate.identity not in exclude:
                    found.append(candidate)
                    kept += 1
                    if kept == per_kind:
                        break
        if found:
            return found
    return []
