"""`xentlab grade` on a 100,000-row class, and a 100,000-answer soak.

Targets (PASS/FAIL is printed for each; the script exits 0 either way):
  * throughput: `xentlab grade` end to end (a fresh process, start-up included, best of 2 runs) on
    5,000 students × 20 items = 100,000 rows: at least 3,000 rows per second;
  * memory: the peak of Python allocations while reading, grading and writing graded.csv (tracemalloc,
    in this process, caches warm) at most 2× what the CSV's rows themselves take once read;
  * soak: 100,000 generated answers (tests/data/grading_corpus.py: the hostile corpus, CR/LF/quotes/NUL,
    formula cells, odd item numbers, short and long rows, 100 KB cells): 0 crashes, 0 rows lost or
    moved (graded.csv read back cell by cell), 0 checks over the per-answer time limit.
"""

from __future__ import annotations

import csv
import gc
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from timing import best_subprocess_seconds

ROOT = Path(__file__).resolve().parents[1]
STUDENTS, ROWS_PER_S, MEMORY_RATIO = 5_000, 3_000, 2.0


def _class_rows(key: dict) -> list[list[str]]:
    """A class as it comes back from a quiz: half right (3 to 5 significant figures), a fifth
    typical slips (sign, log10, percent, a class's probability), a fifth numbers of their own (almost
    all different), and the rest unreadable or empty; formulas and choices as students type them."""
    rng = np.random.default_rng(0)
    rows = [["student", "item", "answer"]]
    for s in range(STUDENTS):
        for item in key["items"]:
            answer, roll = item["answer"], rng.random()
            if item["answer_kind"] == "choice":
                letter = "ABCDEFGH"[item["choices"].index(answer)] if roll < 0.6 else "ABCD"[int(rng.integers(4))]
                text = ["({})", "（{}）", "{}"][int(rng.integers(3))].format(letter)
            elif item["answer_kind"] == "expression":
                text = [answer, "-(" + answer + ")", answer.replace("log", "log10"), answer.replace("*", " "), "log(("][int(rng.integers(5))]
            elif roll < 0.5:
                text = f"{answer:.{int(rng.integers(3, 6))}g}"
            elif roll < 0.7:
                text = f"{answer * float(rng.choice([-1.0, 1 / np.log(10), 100.0, 2.0])):.4g}"
            elif roll < 0.9:
                text = f"{answer * rng.uniform(0.3, 3.0):.5g}"
            else:
                text = "log((" if roll < 0.95 else ""
            rows.append([f"s{s:05d}", str(item["id"]), text])
    return rows


def _write(rows: list[list[str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def _memory(key_path: Path, csv_path: Path, workdir: Path) -> tuple[float, float]:
    """(MB the rows take once read, MB of the pipeline's peak), both traced in this process."""
    from xentlab import files, grading, tables
    from xentlab.answerkey import load_variants
    from xentlab.render import verdict_feedback

    keys = load_variants(key_path)

    def feedback(verdict):
        return verdict_feedback(verdict, "ja", "text")

    def pipeline() -> None:
        table = tables.read(csv_path)
        graded = grading.grade(table, keys, feedback, "ja")
        chunks = tables.csv_chunks(graded.header, graded.rows, list(grading.ADDED), graded.added(), graded.width)
        files.write_stream(workdir / "graded.csv", (c.encode("utf-8") for c in chunks), force=True)

    pipeline()  # warm: templates compiled, key items' arrays built
    gc.collect()
    text = csv_path.read_bytes().decode("utf-8")
    tracemalloc.start()
    header, rows = tables.parse_csv(text)
    rows_size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del header, rows, text
    gc.collect()
    tracemalloc.start()
    pipeline()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows_size / 1e6, peak / 1e6


def _corpus():
    spec = importlib.util.spec_from_file_location("grading_corpus", ROOT / "tests" / "data" / "grading_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    print(__doc__.strip().splitlines()[0])
    exe = [sys.executable, "-m", "xentlab"]
    with tempfile.TemporaryDirectory(prefix="xentlab-bench-grade-") as tmp:
        tmp = Path(tmp)
        subprocess.run([*exe, "worksheet", "--count", "20", "--seed", "11", "-o", str(tmp / "ws")], check=True, capture_output=True)
        key_path = tmp / "ws" / "key.json"
        key = json.loads(key_path.read_text("utf-8"))
        rows = _class_rows(key)
        _write(rows, tmp / "class.csv")
        distinct = len({(r[1], r[2]) for r in rows[1:]})
        count = len(rows) - 1
        seconds = best_subprocess_seconds([*exe, "grade", "--key", str(key_path), "--responses", str(tmp / "class.csv"),
                                           "-o", str(tmp / "graded.csv"), "--force"], runs=2)
        rate = count / seconds
        print(f"  class: {count:,} rows, {distinct:,} distinct (item, answer) pairs, {(tmp / 'class.csv').stat().st_size / 1e6:.1f} MB")
        print(f"  throughput: {seconds:6.2f} s end to end = {rate:8,.0f} rows/s   (target >= {ROWS_PER_S:,})   {'PASS' if rate >= ROWS_PER_S else 'FAIL'}")
        rows_mb, peak_mb = _memory(key_path, tmp / "class.csv", tmp)
        ratio = peak_mb / rows_mb
        print(f"  memory: rows {rows_mb:.1f} MB; read + grade + write peak {peak_mb:.1f} MB = {ratio:.2f}x   "
              f"(target <= {MEMORY_RATIO:.0f}x)   {'PASS' if ratio <= MEMORY_RATIO else 'FAIL'}")
        corpus = _corpus()
        soak_rows = corpus.responses(key, 100_000, seed=2026)
        start = time.perf_counter()
        result = corpus.soak(key_path, soak_rows, tmp)
        elapsed = time.perf_counter() - start
        ok = result["crashes"] == 0 and result["lost_or_moved"] == 0 and result["over_limit"] == 0 and result["rows"] >= 100_000
        print(f"  soak: {result['rows']:,} answers, {result['checks']:,} distinct checks in {elapsed:.0f} s; crashes {result['crashes']}, "
              f"rows lost or moved {result['lost_or_moved']}, over the time limit {result['over_limit']} "
              f"(slowest check {result['slowest']:.2f} s)   {'PASS' if ok else 'FAIL'}")
        print(f"        verdicts: {', '.join(f'{k} {v:,}' for k, v in result['statuses'].items())}")
        met = (rate >= ROWS_PER_S) + (ratio <= MEMORY_RATIO) + ok
    print(f"targets: {met}/3 met")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
