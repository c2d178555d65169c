"""`xentlab worksheet` end to end, as a teacher runs it (a fresh process each time).

Baseline: `python -c "import sympy, numpy, jinja2"`, the minimum of 3 runs.
Targets (PASS/FAIL is printed for each; the script exits 0 either way):
  * a 20-problem sheet with its key (worksheet.md, answers.md, key.json): ≤ 2.5× the baseline;
  * 1,000 problems (--variants 50 --count 20): ≤ 20× the baseline.
Each command is timed as the minimum of a few runs, into a fresh temporary directory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from timing import best_subprocess_seconds

CASES = [  # (label, worksheet arguments, target ratio, runs)
    ("20 problems + key", ["--count", "20", "--seed", "1"], 2.5, 3),
    ("1,000 problems (50 variants × 20)", ["--count", "20", "--seed", "1", "--variants", "50"], 20.0, 2),
]


def main() -> None:
    print(__doc__.strip().splitlines()[0])
    baseline = best_subprocess_seconds([sys.executable, "-c", "import sympy, numpy, jinja2"], 3)
    print(f"  baseline: import sympy, numpy, jinja2      {baseline:6.2f} s")
    met = 0
    for label, args, target, runs in CASES:
        with tempfile.TemporaryDirectory(prefix="xentlab-bench-") as tmp:
            out = str(Path(tmp) / "ws")
            seconds = best_subprocess_seconds([sys.executable, "-m", "xentlab", "worksheet", *args, "-o", out, "--force"], runs)
        ratio = seconds / baseline
        ok = ratio <= target
        met += ok
        print(f"  {label:<40s} {seconds:6.2f} s  = {ratio:5.2f}× baseline  (target ≤ {target}×)  {'PASS' if ok else 'FAIL'}")
    print(f"targets: {met}/{len(CASES)} met")


if __name__ == "__main__":
    main()
