"""A class's responses against a key: every row kept, in order, with a verdict."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from xentlab.answerkey import KeyItem, check_item
from xentlab.errors import InputError
from xentlab.model import Verdict

REQUIRED = ("student", "item", "answer")
MAX_ROWS = 200_000


@dataclass
class Graded:
    header: list[str]
    rows: list[dict]
    verdicts: list[Verdict]
    summary: dict = field(default_factory=dict)


def read_responses(data: bytes) -> tuple[list[str], list[dict]]:
    """UTF-8 with or without BOM (Excel's export), columns student, item, answer (any order, any case).
    Each row keeps its raw cells (`_cells`) so the graded CSV gives back exactly what came in."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"responses are not UTF-8 (byte {error.start}); save the CSV as UTF-8") from None
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError(f"responses are not a readable CSV ({error})") from None
    if not table:
        raise InputError("responses CSV is empty; it needs the columns student, item, answer")
    header = table[0]
    where = {name.strip().lower(): position for position, name in reversed(list(enumerate(header)))}
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        raise InputError(f"responses CSV lacks the column(s) {', '.join(missing)}; it needs student, item, answer")
    if len(table) - 1 > MAX_ROWS:
        raise InputError(f"responses CSV has more than {MAX_ROWS} rows")
    rows = []
    for cells in table[1:]:
        row = {name: (cells[where[name]] if where[name] < len(cells) else "") for name in REQUIRED}
        rows.append({**row, "_cells": cells})
    return header, rows


def grade(items: dict[int, KeyItem], rows: list[dict], progress=None) -> list[Verdict]:
    verdicts = []
    for row in rows:
        verdicts.append(_grade_row(items, row))
        if progress:
            progress(1)
    return verdicts


def _grade_row(items, row) -> Verdict:
    raw_item = str(row.get("item", "")).strip()
    answer = row.get("answer", "")
    answer = answer if isinstance(answer, str) else ""
    try:
        item = items[int(raw_item)]
    except (ValueError, KeyError):
        return Verdict("invalid", message="unknown_item", detail={"item": raw_item[:20]})
    if not answer.strip():
        return Verdict("invalid", expected=item.answer, message="empty")
    return check_item(item, answer)


def summarise(rows: list[dict], verdicts: list[Verdict], items: dict[int, KeyItem]) -> dict:
    """Per-student totals, per-item correct rates, and mistake codes by count with the items they appeared in."""
    students: dict[str, dict] = defaultdict(lambda: {"score": 0.0, "answered": 0, "correct": 0, "invalid": 0})
    per_item: dict[str, Counter] = defaultdict(Counter)
    codes: Counter = Counter()
    code_items: dict[str, set] = defaultdict(set)
    for row, verdict in zip(rows, verdicts):
        who = str(row.get("student", "")).strip() or "?"
        item = _item_label(row.get("item", ""), items)
        students[who]["answered"] += 1
        students[who]["score"] += verdict.score
        students[who]["correct"] += verdict.status == "correct"
        students[who]["invalid"] += verdict.status == "invalid"
        per_item[item][verdict.status] += 1
        for code in verdict.diagnosis:
            codes[code] += 1
            code_items[code].add(item)
    item_rates = []
    for item in sorted(per_item, key=lambda i: (not i.isdigit(), int(i) if i.isdigit() else 0, i)):
        counts = per_item[item]
        total = sum(counts.values())
        kind = items[int(item)].kind if item.isdigit() and int(item) in items else ""
        item_rates.append({"item": item, "kind": kind, "responses": total, "correct": counts["correct"], "rate": counts["correct"] / total})
    mistakes = [{"code": code, "count": count, "items": sorted(code_items[code], key=lambda i: (len(i), i))}
                for code, count in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "students": [{"student": name, **stats} for name, stats in sorted(students.items())],
        "items": item_rates,
        "mistakes": mistakes,
        "responses": len(rows),
        "possible": len(items),
    }


def _item_label(raw: str, items: dict) -> str:
    """'1', '01' and '１' are all item 1; anything else is shown as typed, made table-safe."""
    try:
        number = int(str(raw).strip())
    except ValueError:
        number = None
    if number in items:
        return str(number)
    return (str(raw).strip()[:20] or "?").replace("|", "/").replace("<", "‹").replace(">", "›")


def graded_csv(header: list[str], rows: list[dict], verdicts: list[Verdict], feedback: list[str]) -> str:
    out = io.StringIO()
    extra = ["status", "diagnosis", "score", "feedback"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + extra)
    for row, verdict, text in zip(rows, verdicts, feedback):
        cells = list(row["_cells"]) + [""] * (len(header) - len(row["_cells"]))  # short rows padded, long rows kept
        writer.writerow(cells + [verdict.status, ";".join(verdict.diagnosis), f"{verdict.score:g}", text])
    return out.getvalue()
