"""A class's responses against a key: every row kept, in order, with a verdict; one verdict per
(student, item) counted; a summary a teacher can read.

Rows are graded once each (identical answers to the same item share one check), a row's failure
is that row's `invalid` verdict, and a row whose check hit the time limit is counted. What a row
keeps per row is one shared `Result`, so memory grows with the rows themselves, not with checks.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from xentlab.answerkey import KeyItem, check_item
from xentlab.answers import read_item_id
from xentlab.encode import without_controls
from xentlab.errors import InputError
from xentlab.model import Verdict

ATTEMPTS = ("last", "first", "best")
COLUMNS = {  # the columns a responses sheet needs, and the names a Japanese sheet may use
    "student": ("student", "学生", "氏名", "名前"),
    "item": ("item", "問題", "問題番号", "設問"),
    "answer": ("answer", "解答", "答え", "回答"),
    "variant": ("variant", "バージョン"),
}
ADDED = ["status", "diagnosis", "score", "feedback"]
CACHE_LIMIT = 20_000  # distinct (variant, item, answer) checks remembered at once


@dataclass(frozen=True)
class Result:
    """A row's verdict as graded.csv and the report need it (shared by rows with the same answer)."""

    status: str
    diagnosis: tuple[str, ...]
    score: float
    feedback: str
    message: str
    hit_limit: bool = False  # the check (or its symbolic confirmation) ran out of time


class InvalidRow(NamedTuple):
    row: int  # as a spreadsheet numbers it: the header is row 1
    student: str
    item: str
    reason: str


@dataclass
class Graded:
    header: list
    rows: list[list]
    results: list[Result]  # one per row, after --attempts (superseded rows say so)
    counted: np.ndarray  # for each row, the row that counts for its (student, item), or -1
    width: int
    summary: dict = field(default_factory=dict)

    def added(self):
        """The cells appended to each row: status, diagnosis, score, feedback."""
        for result in self.results:
            yield [result.status, ";".join(result.diagnosis), f"{result.score:g}", result.feedback]


def find_columns(header: list, needs_variant: bool) -> dict[str, int]:
    """Column positions by role (the first match, any case, surrounding spaces ignored)."""
    names = {str(name).strip().lstrip("\ufeff").casefold(): position for position, name in reversed(list(enumerate(header)))}
    where = {}
    for role, aliases in COLUMNS.items():
        found = [names[a.casefold()] for a in aliases if a.casefold() in names]
        if found:
            where[role] = min(found)
    missing = [role for role in ("student", "item", "answer") if role not in where]
    if missing:
        raise InputError(key="responses_columns", missing=", ".join(missing))
    if needs_variant and "variant" not in where:
        raise InputError(key="responses_no_variant_column")
    return where


def cell_text(cells: list, position: int | None, number_text: dict | None = None, row: int = 0) -> str:
    if position is None or position >= len(cells):
        return ""
    value = cells[position]
    if isinstance(value, str):
        return value
    if number_text and (row, position) in number_text:
        return number_text[(row, position)]
    return "" if value is None else str(value)


def read_variant(text: str) -> int | None:
    """"2", "02", "variant-02" → 2."""
    plain = text.strip()
    if plain.lower().startswith("variant-"):
        plain = plain[len("variant-"):]
    return read_item_id(plain)


class Grader:
    """Grades rows against keys ({variant or None: items}); remembers identical checks."""

    def __init__(self, keys: dict, feedback, lang: str):
        self.keys = keys
        self.feedback = feedback  # verdict → its sentence (render.verdict_feedback, bound to a language)
        self.lang = lang
        self.cache: dict = {}
        self.sentences: dict = {}
        self.variants = sorted(v for v in keys if v is not None)

    def result(self, verdict: Verdict) -> Result:
        # rows whose sentences are the same share one: the typed number and the mistake's value never
        # appear in it, but a typed text does ("Z" is not one of the choices) and must stay the row's own
        signature = (verdict.status, verdict.message, verdict.diagnosis, repr(verdict.expected),
                     repr(sorted((k, v) for k, v in verdict.detail.items()
                                 if not (k in ("value", "mistake_value") and not isinstance(v, str)))))
        sentence = self.sentences.get(signature)
        if sentence is None:
            sentence = self.sentences.setdefault(signature, self.feedback(verdict))
        hit = verdict.message == "timeout" or bool(verdict.detail.get("confirm_timed_out"))
        return Result(verdict.status, verdict.diagnosis, verdict.score, sentence, verdict.message, hit)

    def invalid(self, message: str, **detail) -> Result:
        return self.result(Verdict("invalid", message=message, detail=detail))

    def grade_row(self, student: str, item_text: str, answer: str, variant_text: str | None) -> tuple[Result, int | None]:
        """(result, item id or None when the row names no usable item)."""
        if variant_text is None:
            items = self.keys[None]
        else:
            variant = read_variant(variant_text)
            if variant not in self.keys:
                return self.invalid("no_variant", variant=without_controls(variant_text.strip())[:20], variants=", ".join(map(str, self.variants))), None
            items = self.keys[variant]
        if not item_text.strip():
            return self.invalid("no_item"), None
        item_id = read_item_id(item_text)
        if item_id is None:
            return self.invalid("bad_item", item=without_controls(item_text.strip())[:20]), None
        if item_id not in items:
            return self.invalid("unknown_item", item=str(item_id)), None
        if not student.strip():
            return self.invalid("no_student"), item_id
        key = (variant_text is not None and read_variant(variant_text), item_id, answer)
        result = self.cache.get(key)
        if result is None:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            try:
                verdict = check_item(items[item_id], answer)
            except Exception as error:  # a bug outside the checker's own guard: this row, not the class
                verdict = Verdict("invalid", message="unchecked", detail={"error": type(error).__name__})
            result = self.cache[key] = self.result(verdict)
        return result, item_id


def grade(table, keys: dict, feedback, lang: str, attempts: str = "last", progress=None) -> Graded:
    """Every row graded; then one row per (student, item) counts, as `attempts` says."""
    if attempts not in ATTEMPTS:
        raise InputError(key="grade_bad_attempts", value=str(attempts)[:20], choices=", ".join(ATTEMPTS))
    needs_variant = None not in keys
    where = find_columns(table.header, needs_variant)
    grader = Grader(keys, feedback, lang)
    results: list[Result] = []
    names: dict[str, int] = {}  # student → a small number; per row only numbers are kept
    student_of, item_of = array("q"), array("q")  # 8 bytes everywhere ("l" is 4 on Windows, where np.int_ is 8)
    for index, cells in enumerate(table.rows):
        student = cell_text(cells, where["student"], table.number_text, index).strip()
        item_text = cell_text(cells, where["item"], table.number_text, index)
        answer = cell_text(cells, where["answer"], table.number_text, index)
        variant = cell_text(cells, where.get("variant"), table.number_text, index) if needs_variant else None
        result, item_id = grader.grade_row(student, item_text, answer, variant)
        results.append(result)
        counts = bool(student) and item_id is not None and result.message != "no_variant"
        student_of.append(names.setdefault(student, len(names)) if counts else -1)
        item_of.append(item_id if counts else -1)
        if progress:
            progress(1)
    student_of, item_of = np.frombuffer(student_of, dtype=np.int64), np.frombuffer(item_of, dtype=np.int64)
    counted = _choose_attempts(student_of, item_of, np.array([r.score for r in results]), attempts)
    for index in np.flatnonzero((counted >= 0) & (counted != np.arange(len(results)))):
        results[index] = _superseded(grader, results[index], int(counted[index]), attempts)
    width = max([len(table.header)] + [len(cells) for cells in table.rows])
    graded = Graded(table.header, table.rows, results, counted, width)
    graded.summary = summarise(graded, list(names), student_of, item_of, keys, table, where)
    return graded


def _choose_attempts(student_of: np.ndarray, item_of: np.ndarray, scores: np.ndarray, attempts: str) -> np.ndarray:
    """For each row, the row that counts for its (student, item): the last (default), the first, or
    the best score (among equal scores, the latest); -1 for rows that name no student or item."""
    rows = np.flatnonzero(student_of >= 0)
    counted = np.full(len(student_of), -1)
    if rows.size == 0:
        return counted
    rank = {"last": rows, "first": -rows, "best": rows}[attempts]
    order = np.lexsort((rank, scores[rows] if attempts == "best" else np.zeros(rows.size), item_of[rows], student_of[rows]))
    ordered = rows[order]  # grouped by (student, item); the row that counts is last in its group
    new_pair = (student_of[ordered][1:] != student_of[ordered][:-1]) | (item_of[ordered][1:] != item_of[ordered][:-1])
    group = np.concatenate(([0], np.cumsum(new_pair)))
    last = np.flatnonzero(np.concatenate((new_pair, [True])))  # the position of each group's last row
    counted[ordered] = ordered[last[group]]
    return counted


def _superseded(grader: Grader, result: Result, counted_row: int, attempts: str) -> Result:
    note = grader.result(Verdict("superseded", result.diagnosis, message="superseded",
                                 detail={"row": counted_row + 2, "attempts": attempts, "own": result.status}))
    return Result("superseded", result.diagnosis, 0.0, note.feedback, "superseded", result.hit_limit)


def summarise(graded: Graded, names: list[str], student_of, item_of, keys: dict, table, where: dict) -> dict:
    """Per item (expected answer, correct rate, most common mistake), per student (score, missing
    items, superseded rows), the class mean and median, and every invalid row with its reason."""
    items = _all_items(keys)
    column = {item: position for position, item in enumerate(sorted(items))}
    answered = np.zeros((len(names), len(column)), dtype=bool)  # student × item: a counted, non-empty answer
    students = [{"score": 0.0, "correct": 0, "invalid": 0, "superseded": 0} for _ in names]
    per_item: dict[int, Counter] = defaultdict(Counter)
    item_mistakes: dict[int, Counter] = defaultdict(Counter)
    codes: Counter = Counter()
    code_items: dict[str, set] = defaultdict(set)
    invalid = []
    for index, result in enumerate(graded.results):
        who = int(student_of[index])
        if who >= 0:
            student = students[who]
            if result.status == "superseded":
                student["superseded"] += 1
                continue
            item = int(item_of[index])
            student["score"] += result.score
            student["correct"] += result.status == "correct"
            student["invalid"] += result.status == "invalid"
            if result.message != "empty":
                answered[who, column[item]] = True
            per_item[item][result.status] += 1
            if result.diagnosis:
                item_mistakes[item][";".join(result.diagnosis)] += 1
            for code in result.diagnosis:
                codes[code] += 1
                code_items[code].add(item)
        if result.status == "invalid":
            cells = graded.rows[index]
            invalid.append(InvalidRow(index + 2, cell_text(cells, where["student"]).strip(),
                                      cell_text(cells, where["item"], table.number_text, index).strip(), result.feedback))
    possible = max((len(v) for v in keys.values()), default=0)
    class_size = len(students)
    item_rows = []
    for item in sorted(items):
        counts = per_item.get(item, Counter())
        common = item_mistakes[item].most_common(1)
        item_rows.append({"item": str(item), "number": item, "kind": items[item].kind, "expected": _expected(items[item], len(keys) > 1),
                          "responses": sum(counts.values()), "correct": counts["correct"],
                          "rate": counts["correct"] / class_size if class_size else 0.0,
                          "mistake": common[0][0].split(";") if common else [], "mistake_count": common[0][1] if common else 0})
    numbers = sorted(items)
    student_rows = sorted(({"student": name, "score": s["score"], "answered": int(answered[who].sum()), "correct": s["correct"],
                            "invalid": s["invalid"], "superseded": s["superseded"],
                            "missing": [numbers[c] for c in np.flatnonzero(~answered[who])]}
                           for who, (name, s) in enumerate(zip(names, students))), key=lambda row: row["student"])
    scores = [s["score"] for s in student_rows]
    return {
        "students": student_rows,
        "items": item_rows,
        "mistakes": [{"code": code, "count": count, "items": [str(i) for i in sorted(code_items[code])]}
                     for code, count in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))],
        "responses": len(graded.rows),
        "counted": int(answered.sum()),
        "possible": possible,
        "mean": statistics.fmean(scores) if scores else 0.0,
        "median": statistics.median(scores) if scores else 0.0,
        "invalid": invalid,
        "superseded": sum(s["superseded"] for s in students),
        "variants": sorted(v for v in keys if v is not None),
        "hit_limit": sum(r.hit_limit for r in graded.results),
    }


def _all_items(keys: dict) -> dict[int, KeyItem]:
    """Item number → the item (of the first variant that has it)."""
    items: dict[int, KeyItem] = {}
    for variant in sorted(keys, key=lambda v: -1 if v is None else v):
        for number, item in keys[variant].items():
            items.setdefault(number, item)
    return items


def _expected(item: KeyItem, varies: bool) -> dict:
    if varies:
        return {"kind": "varies"}
    if item.answer_kind == "choice":
        return {"kind": "choice", "letter": "ABCDEFGH"[item.choices.index(item.answer)], "choice": item.answer, "problem": item.kind}
    return {"kind": item.answer_kind, "value": item.answer}
