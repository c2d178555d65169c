"""Checking speed: one numeric check, one symbolic check, and grading 2,000 responses.

Targets: numeric ≤ 1 ms in-process; symbolic ≤ 20 ms at the median; `xentlab grade` on
2,000 responses ≤ 20× a bare `python -c "import sympy"` on the same machine.
"""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from timing import best_subprocess_seconds


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _class_csv(key: dict, path: Path, students: int = 100) -> int:
    rng = np.random.default_rng(0)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "item", "answer"])
        for s in range(students):
            for item in key["items"]:
                answer = item["answer"]
                roll = rng.random()
                if roll < 0.1:
                    text = "log(("  # unparsable
                elif isinstance(answer, (int, float)) and roll < 0.45:
                    text = f"{-answer:.4g}" if roll < 0.3 else f"{answer * 1.37:.4g}"
                else:
                    text = f"{answer:.4g}" if isinstance(answer, (int, float)) else str(answer)
                writer.writerow([f"s{s:03d}", item["id"], text])
                rows += 1
    return rows


def main() -> None:
    from xentlab.check import check_expression, check_number
    from xentlab.mistakes import catalogue, expected_value
    from xentlab.solve import Inputs

    inputs = Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0.0, 0.0]))
    expected, mistakes = expected_value("cross-entropy", inputs), catalogue("cross-entropy", inputs)
    check_number("1.109", expected, mistakes)  # warm imports
    answers = ["1.109", "-0.481486", "0.4815", "-log(0.33)", "2.5", "１．１０９"]
    numeric = statistics.median(_median_ms(lambda a=a: check_number(a, expected, mistakes), 200) for a in answers)
    catalogue_ms = _median_ms(lambda: catalogue("cross-entropy", inputs), 200)
    formula = "-(t1*log(y1)+t2*log(y2)+t3*log(y3))"
    typed = ["-log(y1**t1*y2**t2*y3**t3)", "t1*log(y1)+t2*log(y2)+t3*log(y3)", r"-\left(t_1 \log y_1 + t_2 \log y_2 + t_3 \log y_3\right)",
             "-(y1*log(t1)+y2*log(t2)+y3*log(t3))"]
    check_expression(typed[0], formula)
    symbolic = statistics.median(_median_ms(lambda a=a: check_expression(a, formula), 30) for a in typed)
    print(f"numeric check (median over {len(answers)} answers):  {numeric:.3f} ms   target <= 1 ms   {'PASS' if numeric <= 1 else 'FAIL'}")
    print(f"  (building the mistake catalogue once per item:     {catalogue_ms:.3f} ms, cached per key item when grading)")
    print(f"symbolic check (median over {len(typed)} answers):   {symbolic:.2f} ms   target <= 20 ms  {'PASS' if symbolic <= 20 else 'FAIL'}")

    exe = [sys.executable, "-m", "xentlab"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        made = subprocess.run([*exe, "worksheet", "--count", "20", "--seed", "11", "-o", str(tmp / "ws")], capture_output=True, text=True)
        if made.returncode != 0:
            print(f"grade: skipped (could not make a key: {made.stderr.strip()[:120]})")
            return
        key = json.loads((tmp / "ws" / "key.json").read_text(encoding="utf-8"))
        rows = _class_csv(key, tmp / "class.csv")
        baseline = best_subprocess_seconds([sys.executable, "-c", "import sympy"])
        grade = best_subprocess_seconds([*exe, "grade", "--key", str(tmp / "ws" / "key.json"), "--responses", str(tmp / "class.csv"),
                                           "-o", str(tmp / "graded.csv"), "--force"], runs=2)
    ratio = grade / baseline
    print(f"grade {rows} responses: {grade:.2f} s; bare import sympy {baseline:.2f} s; ratio {ratio:.1f}x   target <= 20x   {'PASS' if ratio <= 20 else 'FAIL'}")
