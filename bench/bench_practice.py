"""Adaptive practice with simulated students (tests/simstudent.py: answers computed with the math module).

Each student has a fixed misconception; SEEDS sessions each. Targets (PASS/FAIL printed; exit 0 either way):
  * items to diagnosis: practice names every misconception of the student within 3 items;
  * items to mastery: when the misconception stops after item 5, the skill reaches P(mastered) ≥ 0.95
    within 8 more items;
  * a student with no misconception stops within 3 items per skill practised.
Also the time per practice item (choosing it and checking the answer), in-process, after warm-up.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

SEEDS = 10


def main() -> None:
    from xentlab.practice import Session, Settings
    from xentlab.skills import SKILLS

    import simstudent as sim  # the simulated students and their session driver, shared with tests/test_practice.py

    print(__doc__.strip().splitlines()[0])
    sim.simulate(frozenset(), 0)  # warm-up: imports, the sampled capability of every type
    print(f"  {'student':<24} {'to diagnosis (max, median)':>27} {'to mastery after item 5 (max, median)':>40}")
    worst_diagnosis = worst_mastery = 0
    items, seconds = 0, 0.0

    def timed(*args, **options):
        nonlocal items, seconds
        start = time.perf_counter()
        s, history = sim.simulate(*args, **options)
        seconds += time.perf_counter() - start
        items += len(s.asked)
        return s, history

    for name, mis in sim.STUDENTS.items():
        diagnosis, mastery = [], []
        for seed in range(SEEDS):
            s, _ = timed(mis, seed)
            diagnosis.append(sim.items_to_diagnosis(s, mis) or 99)
            _, history = timed(mis, seed, stop_after=5)
            mastery.append(sim.items_to_mastery(history, mis, 5) or 99)
        worst_diagnosis, worst_mastery = max(worst_diagnosis, max(diagnosis)), max(worst_mastery, max(mastery))
        print(f"  {name:<24} {max(diagnosis):>17} {statistics.median(diagnosis):>9.1f} {max(mastery):>30} {statistics.median(mastery):>9.1f}")
    print(f"  items to diagnosis ≤ 3 in every session: {'PASS' if worst_diagnosis <= 3 else 'FAIL'} (worst {worst_diagnosis})")
    print(f"  items to mastery ≤ 8 after the misconception stops: {'PASS' if worst_mastery <= 8 else 'FAIL'} (worst {worst_mastery})")
    totals = []
    for seed in range(SEEDS):
        s, _ = timed(frozenset(), seed)
        totals.append((len(s.asked), len(s.targets)))
    per_skill = [max(len(timed(frozenset(), seed, skills=(skill,))[0].asked) for seed in range(3))
                 for skill in Session(Settings(0, SKILLS, 40, 2, (), "en")).targets]
    worst_total = max(n / k for n, k in totals)
    print(f"  no misconception, all {totals[0][1]} skills: {min(n for n, _ in totals)}–{max(n for n, _ in totals)} items "
          f"({worst_total:.2f} per skill) ≤ 3 per skill: {'PASS' if worst_total <= 3 else 'FAIL'}")
    print(f"  no misconception, one skill at a time: at most {max(per_skill)} items ≤ 3: {'PASS' if max(per_skill) <= 3 else 'FAIL'}")
    print(f"  time per item (choose + check), in-process: {1000 * seconds / items:.1f} ms over {items} items")
