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
    """UTF-8 with or without BOM (Excel's export), columns student, item, answer (any order, any case)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"responses are not UTF-8 (byte {error.start}); save the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in (h.lower() for h in header)]
    if missing:
        raise InputError(f"responses CSV lacks the column(s) {', '.join(missing)}; it needs student, item, answer")
    rename = {h: h.strip().lower() if h.strip().lower() in REQUIRED else h.strip() for h in reader.fieldnames}
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise InputError(f"responses CSV has more than {MAX_ROWS} rows")
        rows.append({rename.get(k, k) if k is not None else "extra": (v if v is not None else "") for k, v in row.items()})
    return [rename[h] for h in reader.fieldnames], rows


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
        item = str(row.get("item", "")).strip()
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


def graded_csv(header: list[str], rows: list[dict], verdicts: list[Verdict], feedback: list[str]) -> str:
    out = io.StringIO()
    extra = ["status", "diagnosis", "score", "feedback"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header + extra)
    for row, verdict, text in zip(rows, verdicts, feedback):
        writer.writerow([row.get(h, "") for h in header] + [verdict.status, ";".join(verdict.diagnosis), f"{verdict.score:g}", text])
    return out.getvalue()
