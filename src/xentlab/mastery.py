"""Mastery per (student, skill) from a graded class: graded.csv (or .xlsx) + the key → BKT.

Evidence, one verdict at a time, in the order of the rows (xentlab.bkt traces it):
  * `correct`: right for every skill the item can show for this student (xentlab.discriminate:
    Shown.shows with the codes the student was diagnosed with anywhere in the class's rows, so a
    right answer counts only on an item where the student's own mistake would have shown);
  * `incorrect` with diagnosis codes: wrong for each code's skill, right for the other skills the
    item can show (the answer was explained by those codes alone, so the rest was done right);
  * `incorrect` without a code: evidence only on a choice item (a wrong rule is a wrong rule);
    elsewhere nothing is known about which skill failed;
  * `invalid` and `superseded` rows, rows of unknown items, and codes this version does not know
    give no evidence. Where a (student, item) pair still has several rows, the last one counts.

A skill is *weak* for a student when it was wrong at least once and P(mastered) < bkt.MASTERED:
follow-up practice targets the student's own mistakes, not skills merely seen too rarely.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from xentlab import bkt
from xentlab.errors import InputError
from xentlab.skills import SKILL_OF, SKILLS

MAX_GRADED_BYTES = 200_000_000
MAX_ROWS = 200_000
FIELD_LIMIT = 16_000_000  # a cell may hold a long answer kept exactly (100 KB and more)
REQUIRED = ("student", "item", "status", "diagnosis")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Outcome:
    """One graded row, as far as mastery needs it."""

    order: int
    student: str
    item: str
    variant: str
    status: str
    codes: tuple[str, ...]


# --- reading graded.csv / graded.xlsx ----------------------------------------------------------


def unneutralise(cell: str) -> str:
    """graded.csv writes a formula-looking cell with one leading ' (OWASP); take exactly that one off."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1:2] in _FORMULA_START else cell


def read_graded(path: Path) -> list[Outcome]:
    path = Path(path)
    if not path.is_file():
        raise InputError(key="graded_missing", path=str(path))
    if path.stat().st_size > MAX_GRADED_BYTES:
        raise InputError(key="graded_too_large", path=str(path), limit=MAX_GRADED_BYTES)
    table = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    if not table:
        raise InputError(key="graded_columns", path=str(path), columns=", ".join(REQUIRED))
    header = [unicodedata.normalize("NFKC", str(h)).strip().lower() for h in table[0]]
    where = {name: position for position, name in reversed(list(enumerate(header)))}
    if any(name not in where for name in REQUIRED):
        raise InputError(key="graded_columns", path=str(path), columns=", ".join(REQUIRED))
    if len(table) - 1 > MAX_ROWS:
        raise InputError(key="graded_too_many_rows", path=str(path), limit=MAX_ROWS)

    def cell(cells, name):
        position = where.get(name)
        return unneutralise(str(cells[position])) if position is not None and position < len(cells) and cells[position] is not None else ""

    outcomes = []
    for order, cells in enumerate(table[1:], start=1):
        codes = tuple(c.strip() for c in cell(cells, "diagnosis").split(";") if c.strip())
        outcomes.append(Outcome(order, cell(cells, "student").strip(), cell(cells, "item").strip(), cell(cells, "variant").strip(),
                                cell(cells, "status").strip().lower(), codes))
    return outcomes


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(key="graded_not_utf8", path=str(path))
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError(key="graded_not_csv", path=str(path), detail=str(error)[:80]) from None


def _xlsx_rows(path: Path) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise InputError(key="xlsx_needs_openpyxl", path=str(path)) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as error:  # a damaged or foreign file: say so in one line
        raise InputError(key="graded_not_xlsx", path=str(path), detail=type(error).__name__) from None


# --- keys: one key.json, or a worksheet directory with variant-NN/key.json ----------------------


@dataclass(frozen=True)
class KeyEntry:
    item: object  # answerkey.KeyItem
    params: dict
    difficulty: int

    @cached_property
    def shown(self):
        from xentlab.discriminate import of_key_item

        return of_key_item(self.item, self.params)


@dataclass
class Keys:
    by_variant: dict[int | None, dict[int, KeyEntry]]
    difficulty: int = 2

    def entry(self, variant: str, item: str) -> KeyEntry | None:
        number = _small_int(item)
        if number is None:
            return None
        wanted = _variant_number(variant)
        if wanted is not None and wanted in self.by_variant:
            key = self.by_variant[wanted]
        elif not variant.strip() and None in self.by_variant:
            key = self.by_variant[None]
        elif not variant.strip() and len(self.by_variant) == 1:
            key = next(iter(self.by_variant.values()))
        else:
            return None
        return key.get(number)


def _small_int(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip()
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def _variant_number(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    match = re.fullmatch(r"(?:variant-?)?([0-9]{1,3})", text)
    return int(match.group(1)) if match else None


def load_keys(path: Path) -> Keys:
    path = Path(path)
    files: dict[int | None, Path] = {}
    if path.is_dir():
        if (path / "key.json").is_file():
            files[None] = path / "key.json"
        for folder in sorted(path.iterdir()):
            match = re.fullmatch(r"variant-([0-9]{1,3})", folder.name)
            if match and (folder / "key.json").is_file():
                files[int(match.group(1))] = folder / "key.json"
        if not files:
            raise InputError(key="followup_no_key", path=str(path))
    else:
        files[None] = path
    keys, difficulties = {}, []
    for variant, file in files.items():
        keys[variant], difficulty = _load_key(file)
        difficulties.append(difficulty)
    return Keys(keys, difficulties[0] if difficulties else 2)


def _load_key(path: Path) -> tuple[dict[int, KeyEntry], int]:
    from xentlab import answerkey

    items = answerkey.load(path)  # validated field by field: beyond this point the JSON is trusted
    document = json.loads(path.read_text(encoding="utf-8-sig"))
    top = document.get("difficulty")
    default = top if isinstance(top, int) and not isinstance(top, bool) and top in (1, 2, 3) else 2
    entries = {}
    for raw in document["items"]:
        difficulty = raw.get("difficulty")
        difficulty = difficulty if isinstance(difficulty, int) and not isinstance(difficulty, bool) and difficulty in (1, 2, 3) else default
        entries[raw["id"]] = KeyEntry(items[raw["id"]], raw["question_params"], difficulty)
    return entries, default


# --- evidence and tracing ------------------------------------------------------------------------


def observe(shown, status: str, codes, known=()) -> dict[str, bool]:
    """The evidence one verdict gives: skill → answered right (True) or wrong (False). `known`: the
    student's own diagnosis codes (discriminate.Shown.shows)."""
    wrong = {SKILL_OF[c] for c in codes if c in SKILL_OF}
    able = shown.skills_for(known)
    if status == "correct":
        return {skill: True for skill in SKILLS if skill in able}
    if status != "incorrect":
        return {}
    if wrong:  # in table order, so the attempt log is the same bytes in every run
        return {skill: skill not in wrong for skill in SKILLS if skill in wrong or skill in able}
    if shown.choice_skill:
        return {shown.choice_skill: False}
    return {}


@dataclass
class StudentMastery:
    student: str
    p: dict[str, float] = field(default_factory=dict)  # skills with evidence only
    wrong: Counter = field(default_factory=Counter)  # skill → wrong observations
    seen: Counter = field(default_factory=Counter)  # diagnosis code → items it appeared in

    def weak(self) -> list[str]:
        """Skills got wrong at least once and not yet mastered, weakest first."""
        found = [s for s in self.p if self.wrong[s] and self.p[s] < bkt.MASTERED]
        return sorted(found, key=lambda s: (self.p[s], SKILLS.index(s)))


@dataclass
class ClassMastery:
    students: list[StudentMastery]
    attempts: list[bkt.Attempt]
    skipped: int = 0  # graded rows that gave no evidence because their item is not in the key

    def skills(self) -> list[str]:
        """Skills with evidence for anyone, in table order."""
        present = {s for st in self.students for s in st.p}
        return [s for s in SKILLS if s in present]

    def lacking(self) -> list[tuple[str, int]]:
        """(skill, students for whom it is weak), most first; skills nobody lacks left out."""
        counts = Counter(s for st in self.students for s in st.weak())
        return sorted(counts.items(), key=lambda kv: (-kv[1], SKILLS.index(kv[0])))


def latest(outcomes: list[Outcome]) -> list[Outcome]:
    """One outcome per (student, variant, item): the last row that is not superseded."""
    last: dict[tuple[str, str, str], int] = {}
    for position, o in enumerate(outcomes):
        if o.status != "superseded" and o.student:
            last[(o.student, o.variant, o.item)] = position
    keep = set(last.values())
    return [o for position, o in enumerate(outcomes) if position in keep]


def trace_class(outcomes: list[Outcome], keys: Keys) -> ClassMastery:
    """Two passes: the codes each student was diagnosed with, then the evidence of every verdict
    with those codes known (so a row's evidence does not depend on the order of the rows before it)."""
    attempts: list[bkt.Attempt] = []
    students: dict[str, StudentMastery] = {}
    skipped = 0
    counted = []
    for o in latest(outcomes):
        student = students.setdefault(o.student, StudentMastery(o.student))
        if o.status not in ("correct", "incorrect"):
            continue
        entry = keys.entry(o.variant, o.item)
        if entry is None:
            skipped += 1
            continue
        for code in dict.fromkeys(o.codes):
            if code in SKILL_OF:
                student.seen[code] += 1
        counted.append((o, entry, student))
    for o, entry, student in counted:
        for skill, right in observe(entry.shown, o.status, o.codes, student.seen).items():
            attempts.append(bkt.Attempt(len(attempts) + 1, o.student, skill, right))
            student.wrong[skill] += not right
    for (who, skill), p in bkt.mastery(attempts).items():
        students[who].p[skill] = p
    return ClassMastery([students[name] for name in sorted(students)], attempts, skipped)


# --- text a teacher reads: names are untrusted ----------------------------------------------------

# CommonMark's punctuation with a meaning inline, plus $ (math in GitHub, Jupyter and pandoc, and
# the sheets are read with math on) and ^ (pandoc's superscript): a backslash makes each literal.
_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def plain_name(text: str, limit: int = 60) -> str:
    """One line of printable text: controls and bidi overrides dropped, whitespace collapsed, cut."""
    kept = "".join(" " if ch in "\t\r\n" else ch for ch in unicodedata.normalize("NFC", text)
                   if ch in "\t\r\n" or unicodedata.category(ch) not in _UNSAFE)
    line = " ".join(kept.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def markdown_text(text: str) -> str:
    """Inline Markdown that renders as exactly these characters, and as no HTML: one line of
    the name, escaped by the output boundary's own encoder."""
    from xentlab.encode import for_markdown

    return for_markdown(plain_name(text))


def report_section(mastery: ClassMastery, lang: str) -> str:
    """The mastery table (students × skills, P(mastered)) and the class line, as Markdown."""
    from xentlab.render import language_module, render_template

    return render_template("grade/mastery.md.j2", "md", lang, M=mastery, K=language_module("skills", "md", lang),
                           G=language_module("mastery", "md", lang), esc=markdown_text, mastered=bkt.MASTERED)


def from_graded(table, graded) -> list[Outcome]:
    """grade's own rows and results as outcomes (for the report, without writing graded.csv first)."""
    from xentlab.grading import cell_text, find_columns

    where = find_columns(graded.header, needs_variant=False)

    def cell(cells, index, role):
        return cell_text(cells, where.get(role), table.number_text, index).strip()

    return [Outcome(index + 1, cell(cells, index, "student"), cell(cells, index, "item"), cell(cells, index, "variant"),
                    result.status, tuple(result.diagnosis))
            for index, (cells, result) in enumerate(zip(graded.rows, graded.results))]


def grade_report_section(table, graded, key_path, lang: str) -> str:
    """The hook `grade --report` calls: grade's own table and results, and the key it graded with."""
    return report_section(trace_class(from_graded(table, graded), load_keys(key_path)), lang)
