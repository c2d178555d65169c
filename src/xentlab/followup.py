"""Follow-up sheets from a graded class: per student, items that can show that student's own mistakes.

For every student with a weak skill (mastery.StudentMastery.weak: got wrong at least once, not yet
mastered), the weakest skills (at most MAX_SKILLS) get ITEMS_PER_SHEET // skills items each, at least
two, interleaved: 4 to 8 items. Each item is drawn (targeting.draw) from
rng_for(seed, student key, slot), where the student key is a hash of the name, so a student's
sheet does not change when another student is added. An item is kept only when it shows the skill
to this student (discriminate.Shown.shows with the codes the student was seen with: their own
mistake can be made on it, and is shown), and a weak skill no item of the chosen types can show so
is no target. The class sheet does the same for the skills most students lack (each lacked by at
least two), with the codes any student was seen with.

Builds texts and key documents; writes no files (cli/followup.py does).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from xentlab.mastery import ClassMastery, StudentMastery, markdown_text, plain_name
from xentlab.skills import SKILL_OF

MAX_SKILLS = 4
MIN_ITEMS = 4
CLASS_SKILLS = 3
CLASS_KEY = 0  # the class sheet's rng path (a student's key is never 0)
VERSION = 1


@dataclass(frozen=True)
class SheetItem:
    id: int
    kind: str
    difficulty: int
    params: dict
    target: str
    codes: tuple[str, ...]  # the target skill's codes this item can show, those that decide it first
    seen: tuple[str, ...]  # the student's (the class's) own codes in the target skill: the item shows those it can make
    candidate: object  # targeting.Candidate


@dataclass
class FollowupSheet:
    student: str | None  # None: the class sheet
    folder: str  # relative to the output directory
    weak: list[dict]  # [{"skill", "p", "codes": {code: items}, "students"}]
    items: list[SheetItem] = field(default_factory=list)


def student_key(name: str) -> int:
    """A stable positive integer for a name (the rng path of that student's sheet)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()[:7], "big") + 1


def slots(skills: list[str]) -> list[str]:
    """Skill of each item, interleaved: 1 skill → 4 items, 2 → 4, 3 → 6, 4 → 8."""
    skills = skills[:MAX_SKILLS]
    each = max(2, math.ceil(MIN_ITEMS / len(skills)))
    return [skill for _ in range(each) for skill in skills]


def draw_items(seed: int, key: int, weak: list[tuple[str, frozenset[str]]], kinds: tuple[str, ...], difficulty: int) -> list[SheetItem]:
    from xentlab.targeting import draw
    from xentlab.verify import rng_for

    wanted = dict(weak)
    items: list[SheetItem] = []
    used: set[str] = set()
    for slot, skill in enumerate(slots([s for s, _ in weak]), start=1):
        candidate = draw(rng_for(seed, key, slot), skill, wanted[skill], kinds, difficulty, used)
        if candidate is None:
            continue
        used.add(candidate.identity)
        deciding = candidate.shown.deciding(skill, wanted[skill])
        shown_codes = [c for c in candidate.shown.codes if SKILL_OF.get(c) == skill]
        codes = sorted(shown_codes, key=lambda c: (c not in deciding, c))  # those that make it show the skill first
        items.append(SheetItem(len(items) + 1, candidate.kind, candidate.difficulty, candidate.params, skill, tuple(codes),
                               tuple(sorted(wanted[skill])), candidate))
    return items


def plan(mastery: ClassMastery, seed: int, kinds: tuple[str, ...], difficulty: int) -> tuple[list[FollowupSheet], FollowupSheet | None, dict]:
    """(student sheets, the class sheet or None, folder of each student with a sheet)."""
    from xentlab.targeting import available_skills, own_codes

    folders = student_folders([s.student for s in mastery.students])
    sheets = []
    for student in mastery.students:
        able = available_skills(kinds, student.seen)  # a skill no item of these types can show this student: not a target
        weak = [s for s in student.weak() if s in able][:MAX_SKILLS]
        if not weak:
            continue
        sheet = FollowupSheet(student.student, f"students/{folders[student.student]}", [_weak_entry(student, s) for s in weak])
        wanted = [(s, own_codes(student.seen, s)) for s in weak]
        sheet.items = draw_items(seed, student_key(student.student), wanted, kinds, difficulty)
        sheets.append(sheet)
    everyone = Counter()
    for student in mastery.students:
        everyone.update(student.seen)
    able = available_skills(kinds, everyone)
    lacking = [(skill, count) for skill, count in mastery.lacking() if count >= 2 and skill in able][:CLASS_SKILLS]
    class_sheet = None
    if lacking:
        seen = Counter({c: n for c, n in everyone.items() if SKILL_OF.get(c) in dict(lacking)})
        weak = [{"skill": s, "p": None, "students": n, "wrong": sum(st.wrong[s] for st in mastery.students),
                 "codes": {c: k for c, k in sorted(seen.items()) if SKILL_OF[c] == s}} for s, n in lacking]
        class_sheet = FollowupSheet(None, "class", weak)
        wanted = [(s, frozenset(c for c in seen if SKILL_OF[c] == s)) for s, _ in lacking]
        class_sheet.items = draw_items(seed, CLASS_KEY, wanted, kinds, difficulty)
    return sheets, class_sheet, folders


def _weak_entry(student: StudentMastery, skill: str) -> dict:
    codes = {c: n for c, n in sorted(student.seen.items()) if SKILL_OF.get(c) == skill}
    return {"skill": skill, "p": student.p[skill], "codes": codes, "students": None, "wrong": student.wrong[skill]}


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def student_folders(names: list[str]) -> dict[str, str]:
    """A safe, unique folder name per student: letters, digits, - and _ only, at most 40 characters.
    A name that had to be changed (or would collide) gets 8 hex digits of its hash."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        safe = "".join(ch if (ch.isalnum() or ch in "-_") and ch.isprintable() else "_" for ch in unicodedata.normalize("NFC", name))[:40]
        safe = re.sub(r"_+", "_", safe).strip("_-.") or "student"
        if safe != name or safe.lower() in _RESERVED or safe.lower() in taken:
            safe = f"{safe[:31]}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
        folders[name] = safe
        taken.add(safe.lower())
    return folders


# --- rendering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """What the layout sees of an item (the fields worksheet labels read, plus the target)."""

    id: int
    kind: str
    params: dict
    answer: object
    rounded: str
    letter: str
    space: int
    sol: dict | None
    question: dict
    target: str
    witnesses: list


def _views(sheet: FollowupSheet, with_solutions: bool) -> list[_View]:
    from xentlab.problems import problem_type
    from xentlab.worksheet import DEFAULT_SPACE, significant

    views = []
    for item in sheet.items:
        module = problem_type(item.kind)
        answer = module.answer(item.params)
        extra = module.question_context(item.params) if hasattr(module, "question_context") else {}
        letter = "ABCDEFGH"[answer.choices.index(answer.value)] if answer.kind == "choice" else ""
        witnesses = [item.candidate.shown.witnesses[c] for c in item.codes[:2]]
        views.append(_View(item.id, item.kind, item.params, answer, significant(answer.value) if answer.kind == "number" else str(answer.value),
                           letter, getattr(module, "WORK_SPACE", DEFAULT_SPACE), module.solution(item.params) if with_solutions else None,
                           {**item.params, **extra}, item.target, witnesses))
    return views


def render(sheet: FollowupSheet, seed: int, fmt: str, lang: str) -> tuple[str, str]:
    """(the student's sheet, its answer key with worked solutions and what each item targets)."""
    from xentlab.render import language_module, render_template, tex_escape
    from xentlab.skills import formulas
    from xentlab.worksheet import tidy

    name = None if sheet.student is None else (markdown_text(sheet.student) if fmt == "md" else tex_escape(plain_name(sheet.student)))
    kinds = sorted({item.kind for item in sheet.items})
    context = dict(sheet=sheet, who=name, seed=seed, sheet_code=sheet_code(sheet, seed), P={k: language_module(f"problems/{k}", fmt, lang) for k in kinds},
                   WS=language_module("worksheet", fmt, lang), FU=language_module("followup", fmt, lang),
                   K=language_module("skills", fmt, lang), F=language_module("feedback", fmt, lang), KF=formulas(),
                   pdf_id=hashlib.md5(f"xentlab followup {seed} {sheet.folder} {lang}".encode()).hexdigest().upper())
    texts = []
    for mode, with_solutions in (("worksheet", False), ("answers", True)):
        texts.append(tidy(render_template(f"followup/{fmt}.j2", fmt, lang, mode=mode, items=_views(sheet, with_solutions), **context), fmt))
    return texts[0], texts[1]


def sheet_code(sheet: FollowupSheet, seed: int) -> str:
    """The code the student's sheet carries in place of the seed: its key.json's "sheet_code"."""
    from xentlab import worksheet as ws

    # the folder is part of what the code names: two students' sheets (or a student's and the class's)
    # may share a seed, a length and kinds, but never a code
    return ws.sheet_code(seed, len(sheet.items), (*sorted({i.kind for i in sheet.items}), f"followup/{sheet.folder}"), 2)


def key_document(sheet: FollowupSheet, seed: int, lang: str, fmt: str) -> dict:
    """key.json: the worksheet key format (so `xentlab check --key` and `grade --key` read it), and
    for each item the skill it targets with the proof that it can show it."""
    from xentlab import worksheet as ws
    from xentlab.problems import problem_type

    items = tuple(ws.Item(i.id, i.kind, i.params, problem_type(i.kind).answer(i.params)) for i in sheet.items)
    document = ws.key(ws.Sheet(seed, 2, tuple(sorted({i.kind for i in items})), items), lang, fmt)
    for entry, item in zip(document["items"], sheet.items):
        entry["difficulty"] = item.difficulty
        entry["target"] = {"skill": item.target, "codes": list(item.codes), "seen_codes": list(item.seen),
                           "proof": [item.candidate.shown.witnesses[c].to_json() for c in item.codes]}
    document.pop("difficulty", None)
    document["sheet_code"] = sheet_code(sheet, seed)  # the code the sheet prints (it names the student's folder too)
    document["followup"] = {"version": VERSION, "student": None if sheet.student is None else plain_name(sheet.student, 200),
                            "weak_skills": [{**w, "codes": dict(w["codes"])} for w in sheet.weak]}
    return document


def key_json(sheet: FollowupSheet, seed: int, lang: str, fmt: str) -> str:
    return json.dumps(key_document(sheet, seed, lang, fmt), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def left_out(mastery: ClassMastery, kinds: tuple[str, ...]) -> list[str]:
    """Weak skills (of anyone) that no item of these types can show that student, so no sheet practises them."""
    from xentlab.skills import SKILLS
    from xentlab.targeting import available_skills

    missing = {skill for student in mastery.students for skill in set(student.weak()) - available_skills(kinds, student.seen)}
    return [skill for skill in SKILLS if skill in missing]


def index(mastery: ClassMastery, sheets: list[FollowupSheet], class_sheet: FollowupSheet | None, fmt: str, lang: str,
          kinds: tuple[str, ...] = ()) -> tuple[str, str]:
    """(followup.md, followup.json): every student, their weak skills and their sheet's file."""
    from xentlab.render import language_module, render_template
    from xentlab.worksheet import all_types

    files = {sheet.student: f"{sheet.folder}/worksheet.{fmt}" for sheet in sheets}
    lacking = [(w["skill"], w["students"]) for w in class_sheet.weak] if class_sheet is not None else []
    rows = [{"name": markdown_text(s.student), "weak": [(k, s.p[k]) for k in s.weak()], "sheet": files.get(s.student)} for s in mastery.students]
    text = render_template("followup/index.md.j2", "md", lang, rows=rows, lacking=lacking,
                           left_out=left_out(mastery, kinds or all_types()),
                           FU=language_module("followup", "md", lang), K=language_module("skills", "md", lang))
    document = {
        "version": VERSION,
        "students": [{"student": plain_name(s.student, 200), "weak_skills": [{"skill": k, "p_mastered": round(s.p[k], 6)} for k in s.weak()],
                      "mistakes": dict(sorted(s.seen.items())), "sheet": files.get(s.student),
                      "key": files[s.student].rsplit("/", 1)[0] + "/key.json" if s.student in files else None}
                     for s in mastery.students],
        "class": {"skills": [{"skill": k, "students": n} for k, n in lacking],
                  "sheet": f"class/worksheet.{fmt}" if class_sheet is not None else None},
        "attempts": "attempts.csv",
    }
    return text, json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
