"""A class's responses as a hostile world writes them, for the grading soak (tests/test_grade_soak.py,
bench/bench_grade.py): names and answers with CR, LF, quotes, commas, NUL and formula starts, the
hostile answer corpus, odd item numbers, short and long rows, 100 KB cells, and ordinary answers
(right, typical mistakes, random numbers, units, percent, ∞, choices, formulas).

Everything is drawn from a NumPy generator seeded by the caller. No expected verdict is computed
here: the soak checks that every row comes back in place and every check ends in time.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent

NAMES = ["mallory\rbob", "line\nbreak", 'quote"d', "comma,name", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@SUM(A1)",
         "\ttab", "\rcr", "<img src=x onerror=alert(1)>", "<script>x</script>", "<!--", "a|b", "**bold**", "nul\x00byte",
         "山田 花子", "‮evil", " spaced ", ""]
ITEMS = ["①", "1_0", "", " 1 ", "99", "３", "1.0", "-1", "=1", "item"]
FORMULA_CELLS = ["=1+1", "=cmd|' /C calc'!A0", "+0.755", "-0.755", "@x", "\t0.755", "\r0.755", "-log(0.47)", "'quoted", '"', ",", "\r\n"]
UNIT_WORDS = [" nats", " nat", "ナット", " bits", " ビット", " hartleys", "%", " %", "％"]
CHOICE_FORMS = ["({})", "（{}）", "{}", "{}.", "[{}]"]


def _hostile() -> list[str]:
    spec = importlib.util.spec_from_file_location("hostile", HERE / "hostile_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts = [text for _, text, _ in module.HOSTILE] + [text for _, text in module.HEAVY]
    return [text for text in texts if _encodable(text)]  # a lone surrogate never comes out of a decoded file


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def responses(key: dict, count: int, seed: int = 0, big_cells: int = 3) -> list[list[str]]:
    """`count` rows after the header ["student", "item", "answer"]."""
    rng = np.random.default_rng(seed)
    hostile = _hostile()
    items = key["items"]
    rows = [["student", "item", "answer"]]
    for n in range(count):
        item = items[int(rng.integers(len(items)))]
        roll = rng.random()
        student = NAMES[int(rng.integers(len(NAMES)))] if roll < 0.05 else f"s{int(rng.integers(count // 20 + 1)):05d}"
        number = ITEMS[int(rng.integers(len(ITEMS)))] if rng.random() < 0.03 else str(item["id"])
        row = [student, number, _answer(item, rng, hostile)]
        shape = rng.random()
        if shape < 0.02:
            row = row[: int(rng.integers(0, 3))]  # short
        elif shape < 0.04:
            row += [FORMULA_CELLS[int(rng.integers(len(FORMULA_CELLS)))] for _ in range(int(rng.integers(1, 4)))]  # long
        rows.append(row)
    for position in rng.choice(np.arange(1, count + 1), size=min(big_cells, count), replace=False):
        rows[int(position)][-1:] = ["x" * 100_000]  # a 100 KB cell
    return rows


def _answer(item: dict, rng: np.random.Generator, hostile: list[str]) -> str:
    roll = rng.random()
    answer = item["answer"]
    if roll < 0.08:
        return hostile[int(rng.integers(len(hostile)))]
    if roll < 0.11:
        return FORMULA_CELLS[int(rng.integers(len(FORMULA_CELLS)))]
    if roll < 0.13:
        return ["∞", "inf", "oo", "無限大", "", " ", "\x00", "1e999", "NaN"][int(rng.integers(9))]
    if item["answer_kind"] == "choice":
        letter = "ABCDEFGH"[item["choices"].index(answer)] if rng.random() < 0.6 else "ABCD"[int(rng.integers(4))]
        form = CHOICE_FORMS[int(rng.integers(len(CHOICE_FORMS)))]
        return form.format(letter if rng.random() < 0.5 else letter.lower()) if rng.random() < 0.8 else str(rng.choice(item["choices"]))
    if item["answer_kind"] == "expression":
        pieces = [answer, answer.replace("log", "log10"), "-(" + answer + ")", answer.replace("*", " "), answer + f"+{rng.integers(9)}*y1"]
        return pieces[int(rng.integers(len(pieces)))]
    if roll < 0.45:
        text = f"{answer:.{int(rng.integers(2, 6))}g}"
    elif roll < 0.6:
        text = f"{answer * float(rng.choice([-1, 100, 1 / np.log(10), 2, 0.5])):.4g}"
    else:
        text = f"{answer * rng.uniform(0.2, 3):.{int(rng.integers(3, 7))}g}"  # mostly unique
    if rng.random() < 0.1:
        text += UNIT_WORDS[int(rng.integers(len(UNIT_WORDS)))]
    return text


def spreadsheet_safe(cell: str) -> str:
    """What graded.csv must hold for a cell (issue 11, after OWASP): an apostrophe before =, +, -, @,
    tab or CR, unless the cell is a plain number."""
    import re

    plain = re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", cell)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not plain else cell


def soak(key_path: Path, rows: list[list[str]], workdir: Path, limit: float | None = None) -> dict:
    """Grade `rows` in this process as `xentlab grade` does, timing every check, write graded.csv
    through files.write_stream, read it back with the csv module and compare cell by cell.
    Returns counts: rows, checks, crashes, lost_or_moved, over_limit, slowest (s)."""
    import csv
    import io
    import time

    from xentlab import files, grading, tables
    from xentlab.answerkey import load_variants
    from xentlab.check import TIME_LIMIT
    from xentlab.render import verdict_feedback

    limit = TIME_LIMIT if limit is None else limit
    source = workdir / "soak.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    timings: list[float] = []
    real = grading.check_item

    def timed(item, text):
        start = time.perf_counter()
        try:
            return real(item, text)
        finally:
            timings.append(time.perf_counter() - start)

    grading.check_item = timed
    crashes = 0
    try:
        table = tables.read(source)
        graded = grading.grade(table, load_variants(key_path), lambda v: verdict_feedback(v, "ja", "text"), "ja")
        chunks = tables.csv_chunks(graded.header, graded.rows, list(grading.ADDED), graded.added(), graded.width)
        files.write_stream(workdir / "graded.csv", (c.encode("utf-8") for c in chunks), force=True)
    except Exception:  # the soak counts it; a traceback is what a teacher would have met
        crashes += 1
        raise
    finally:
        grading.check_item = real
    previous = csv.field_size_limit()
    csv.field_size_limit(2**24)
    try:
        back = list(csv.reader(io.StringIO((workdir / "graded.csv").read_bytes().decode("utf-8"), newline="")))
    finally:
        csv.field_size_limit(previous)
    width = graded.width
    lost = abs(len(back) - len(rows))
    for original, written in zip(rows[1:], back[1:]):
        expected = [spreadsheet_safe(c) for c in original] + [""] * (width - len(original))
        if written[:width] != expected or written[width] not in ("correct", "incorrect", "invalid", "superseded"):
            lost += 1
    return {"rows": len(rows) - 1, "checks": len(timings), "crashes": crashes, "lost_or_moved": lost,
            "over_limit": sum(t > limit for t in timings), "slowest": max(timings, default=0.0),
            "statuses": {s: sum(r.status == s for r in graded.results) for s in ("correct", "incorrect", "invalid", "superseded")}}
