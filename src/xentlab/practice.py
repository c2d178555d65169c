"""An adaptive practice session: the next item comes from the weakest skill, and can show it.

The session is a pure function of its settings and the lines the student typed, in order:
item n is drawn from verify.rng_for(seed, n) among the items that can show the weakest skill
(ties: every skill at the lowest P). Among those it is the one that shows the most of the weakest
skills; then the one whose first weakest skill comes first in the order a student meets them
(skills.SKILLS: untried skills are explored from the natural log on, not as the draw falls); then
the one whose skills are least certain (the sum of 1 − P(mastered) over the target skills it can
show, plus one for each code the student got wrong earlier in the session). The weakest skill is looked for first among the skills the
student got wrong in this session and has not mastered since: a mistake seen is practised until it
is gone before untried skills are explored (the student's own mistakes come first).

An item shows a skill as discriminate.Shown.shows says, with the codes the student was diagnosed
with so far in the session: before any, every mistake of the skill that can be made on the item
must show; after, the student's own. P(mastered) is traced again from the first answer after every
answer, with the codes known by then (as mastery.trace_class does for a graded class), so a right
answer counts for a skill only on an item where the student's own mistake would have shown. So
the state file stores the settings and the typed lines, and resuming replays them: the same seed
and the same answers give the same items, and a state file edited by hand cannot claim a mastery
its answers do not give.

Every answer goes through the checker of `xentlab check --key` (answerkey.check_item). A line
`?` shows the worked solution; it counts as a wrong answer for the item's target skill. An answer
the checker cannot read is not counted: the same item is asked again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from xentlab import bkt
from xentlab.errors import InputError, UsageError
from xentlab.skills import SKILLS, skill_of

VERSION = 1
REVEAL = "?"
DEFAULT_MAX = 40
MAX_ITEMS = 200
MAX_LINE = 2000  # characters kept of one typed line (the checker reads at most 1,000)


@dataclass(frozen=True)
class Settings:
    seed: int
    skills: tuple[str, ...]
    max_items: int = DEFAULT_MAX
    difficulty: int = 2
    types: tuple[str, ...] = ()
    lang: str = "ja"

    def to_json(self) -> dict:
        return {"seed": self.seed, "skills": list(self.skills), "max": self.max_items, "difficulty": self.difficulty,
                "types": list(self.types), "lang": self.lang}


@dataclass
class Asked:
    """One item of the session and how it ended."""

    number: int
    kind: str
    difficulty: int
    params: dict
    target: str
    shows: tuple[str, ...]  # the target skills this item can show (to this student, when it was chosen)
    status: str = ""  # correct | incorrect | revealed
    diagnosis: tuple[str, ...] = ()
    evidence: dict[str, bool] = field(default_factory=dict)  # as traced after the latest answer


@dataclass
class Outcome:
    """What one typed line did: a verdict (or a revealed solution, or nothing readable)."""

    item: Asked
    verdict: object | None  # model.Verdict
    revealed: bool
    counted: bool
    before: dict[str, float]
    after: dict[str, float]


class Session:
    def __init__(self, settings: Settings):
        from xentlab.targeting import available_skills
        from xentlab.worksheet import all_types, parse_types

        self.settings = settings
        self.kinds = parse_types(",".join(settings.types)) if settings.types else all_types()
        able = available_skills(self.kinds)
        self.targets = tuple(s for s in settings.skills if s in able)
        self.unavailable = tuple(s for s in settings.skills if s not in able)
        if not self.targets:
            raise UsageError(key="practice_no_skill", skills=settings.skills)
        self.p = {s: bkt.params_for(s).prior for s in self.targets}
        self.asked: list[Asked] = []
        self.lines: list[str] = []
        self.attempts: list[bkt.Attempt] = []
        self.wrong_codes: Counter = Counter()
        self.missed: Counter = Counter()  # skill → wrong observations in this session
        self.current: Asked | None = None
        self._key_item = None

    # --- choosing -------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return len(self.asked) >= self.settings.max_items or all(self.p[s] >= bkt.MASTERED for s in self.targets)

    def next_item(self) -> Asked | None:
        """The item being asked (drawn once, then kept until it is answered or revealed)."""
        if self.current is not None or self.done:
            return self.current
        from xentlab.targeting import pool
        from xentlab.verify import rng_for

        number = len(self.asked) + 1
        open_skills = [s for s in self.targets if self.p[s] < bkt.MASTERED]
        missed = [s for s in open_skills if self.missed[s]]
        tier = missed or open_skills  # the student's own mistakes first, then the rest
        lowest = min(self.p[s] for s in tier)
        weakest = frozenset(s for s in tier if self.p[s] <= lowest + 1e-12)
        asked = {_identity(a.kind, a.params) for a in self.asked}
        rng = rng_for(self.settings.seed, number)
        found = pool(rng, weakest, self.kinds, self.settings.difficulty, asked, self.wrong_codes)
        if not found:  # no item left that shows the weakest skill to this student: any open target skill will do
            found = pool(rng, frozenset(open_skills), self.kinds, self.settings.difficulty, asked, self.wrong_codes)
        if not found:
            return None
        best = max(found, key=lambda candidate: self._score(candidate, weakest))  # the first of equal scores: the draw order decides
        showable = [s for s in SKILLS if s in best.shown.skills_for(self.wrong_codes) and s in self.p]
        target = min((s for s in showable if s in weakest), default=None, key=lambda s: (self.p[s], SKILLS.index(s))) \
            or min(showable, key=lambda s: (self.p[s], SKILLS.index(s)))
        self.current = Asked(number, best.kind, best.difficulty, best.params, target, tuple(showable))
        self._key_item = None
        return self.current

    def _score(self, candidate, weakest: frozenset[str]) -> tuple[int, int, float]:
        able = candidate.shown.skills_for(self.wrong_codes)
        skills = [s for s in SKILLS if s in able and s in self.p]  # table order: the same float sum every run
        first = min((SKILLS.index(s) for s in skills if s in weakest), default=len(SKILLS))
        return (sum(1 for s in skills if s in weakest), -first,
                sum(1 - self.p[s] for s in skills) + sum(1 for c in candidate.shown.codes if self.wrong_codes[c]))

    # --- answering ------------------------------------------------------------------------------

    def key_item(self):
        """The current item as answerkey reads a key.json entry (validated like any key)."""
        if self._key_item is None:
            from xentlab import answerkey
            from xentlab.problems import problem_type

            item = self.current
            answer = problem_type(item.kind).answer(item.params)
            raw = {"id": item.number, "kind": item.kind, "question_params": item.params, **answer.to_json(),
                   "tolerance": dict(answer.tolerance)}
            _, self._key_item = answerkey.parse_item(raw, f"practice item {item.number}")
        return self._key_item

    def respond(self, line: str) -> Outcome:
        """One typed line for the current item."""
        from xentlab import answerkey

        item = self.next_item()
        if item is None:
            raise UsageError("the session is over")
        # a terminal hands undecodable bytes over as lone surrogates: they become U+FFFD, so the state
        # file is always valid UTF-8
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in line.rstrip("\r\n")[:MAX_LINE])
        self.lines.append(text)
        before = dict(self.p)
        if text.strip() == REVEAL:
            verdict, revealed = None, True
            item.status = "revealed"
        else:
            verdict = answerkey.check_item(self.key_item(), text)
            if verdict.status not in ("correct", "incorrect"):
                return Outcome(item, verdict, False, False, before, before)
            revealed = False
            item.status, item.diagnosis = verdict.status, tuple(verdict.diagnosis)
            for code in verdict.diagnosis:
                if skill_of(code):
                    self.wrong_codes[code] += 1
        self.asked.append(item)
        self.current = None
        self._trace()
        return Outcome(item, verdict, revealed, True, before, dict(self.p))

    def _trace(self) -> None:
        """P(mastered) from the first answer, each answer's evidence judged with every code the
        student was diagnosed with so far (a revealed solution: wrong for the item's target)."""
        from xentlab.discriminate import shown
        from xentlab.mastery import observe

        self.p = {s: bkt.params_for(s).prior for s in self.targets}
        self.attempts, self.missed = [], Counter()
        for item in self.asked:
            if item.status == "revealed":
                evidence = {item.target: False}
            else:
                evidence = observe(shown(item.kind, item.params), item.status, item.diagnosis, self.wrong_codes)
            item.evidence = {s: ok for s, ok in evidence.items() if s in self.p}
            for skill, right in item.evidence.items():
                self.missed[skill] += not right
                self.attempts.append(bkt.Attempt(len(self.attempts) + 1, "student", skill, right))
                self.p[skill] = bkt.update(self.p[skill], right, bkt.params_for(skill))

    # --- saving and resuming ----------------------------------------------------------------------

    def to_json(self) -> dict:
        """The state file: settings and typed lines (what resuming replays), then a summary to read."""
        return {
            "version": VERSION,
            "settings": self.settings.to_json(),
            "answers": list(self.lines),
            "summary": {
                "items": len(self.asked),
                "mastery": {s: round(self.p[s], 6) for s in self.targets},
                "mastered": [s for s in self.targets if self.p[s] >= bkt.MASTERED],
                "mistakes": dict(sorted(self.wrong_codes.items())),
                "done": self.done,
                "asked": [{"n": a.number, "kind": a.kind, "target": a.target, "status": a.status,
                           "diagnosis": list(a.diagnosis)} for a in self.asked],
            },
        }


def _identity(kind: str, params: dict) -> str:
    from xentlab.worksheet import identity

    return identity(kind, params)


MAX_STATE_BYTES = 2_000_000


def settings_from_json(document) -> Settings:
    """Settings from a state file (untrusted: every field checked)."""
    if not isinstance(document, dict) or document.get("version") != VERSION or not isinstance(document.get("settings"), dict):
        raise InputError(key="practice_state_invalid", detail="version/settings")
    raw = document["settings"]

    def integer(name, low, high):
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(key="practice_state_invalid", detail=name)
        return value

    def names(name, allowed):
        value = raw.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
            raise InputError(key="practice_state_invalid", detail=name)
        return tuple(value)

    from xentlab.problems import registry

    lang = raw.get("lang")
    if lang not in ("ja", "en"):
        raise InputError(key="practice_state_invalid", detail="lang")
    skills = names("skills", SKILLS)
    if not skills:
        raise InputError(key="practice_state_invalid", detail="skills")
    return Settings(integer("seed", 0, 2**63 - 1), skills, integer("max", 1, MAX_ITEMS), integer("difficulty", 1, 3),
                    names("types", set(registry())), lang)


def resume(document) -> Session:
    """Rebuild a session from its state file by replaying the typed lines."""
    settings = settings_from_json(document)
    lines = document.get("answers")
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines) or len(lines) > 20 * MAX_ITEMS:
        raise InputError(key="practice_state_invalid", detail="answers")
    session = Session(settings)
    for line in lines:
        if session.done or session.next_item() is None:
            break
        session.respond(line)
    return session
