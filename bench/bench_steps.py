"""Checking a student's derivation line by line (`xentlab check --steps`): the time to check a
6-line derivation, warm (imports done, templates loaded), median and 95th percentile.

Targets: median <= 0.3 s, p95 <= 1 s. Each timed check starts with the engine's own caches
cleared (canonical forms, parsed left-hand sides, expanded definitions), so a derivation is
never timed against the leftovers of its own earlier run; the process is warm, as it is while
grading a class. The machine's load average is printed beside the numbers.
"""

from __future__ import annotations

import os
import statistics
import time

# Six equations each, as students write them: plain text and LaTeX, correct and wrong, several kinds.
DERIVATIONS = [
    "L = y_1^{t_1} y_2^{t_2} y_3^{t_3}\nlog L = log y_1^{t_1} + log y_2^{t_2} + log y_3^{t_3}\n"
    "= t_1 log y_1 + t_2 log y_2 + t_3 log y_3\n= Σ_{k=1}^{3} t_k log y_k\nE = −log L\n= −Σ_{k=1}^{3} t_k log y_k",
    "L = \\prod_{k=1}^{K} y_k^{t_k}\n\\log L = \\log \\prod_{k=1}^{K} y_k^{t_k}\n= \\sum_{k=1}^{K} \\log y_k^{t_k}\n"
    "= \\sum_{k=1}^{K} t_k \\log y_k\nE = -\\log L\n= -\\sum_{k=1}^{K} t_k \\log y_k",
    "L = y^t (1-y)^(1-t)\nlog L = log y^t + log (1-y)^(1-t)\n= t log y + (1-t) log(1-y)\n"
    "E = -(t log y + (1-t) log(1-y))\n= -t log y - (1-t) log(1-y)\n= -t log y + (1-t) log(1-y)",
    "y_k = exp(z_k) / sum_m exp(z_m)\nlog y_k = z_k - log(sum_m exp(z_m))\nE = -sum_k t_k log y_k\n"
    "= -sum_k t_k z_k + log(sum_m exp(z_m))\ndE/dz_j = -t_j + exp(z_j)/sum_m exp(z_m)\n= y_j - t_j",
    "E = -(t_1 log y_1 + t_2 log y_2 + t_3 log y_3)\n= -(1 log 0.33 + 0 log 0.32 + 0 log 0.35)\n= -log 0.33\n"
    "= 1.109\n= -0.481486\n= 0.4815",
    "E = -(1/T) sum_{i=1}^{T} log p_i\nPPL = exp(E)\n= exp(-(1/T) sum_{i=1}^{T} log p_i)\n"
    "= exp(-(1/T) log(prod_{i=1}^{T} p_i))\n= (prod_{i=1}^{T} p_i)^(-1/T)\n= (prod_{i=1}^{T} p_i)^(1/T)",
    "L = Π_n Π_k y_{nk}^{t_{nk}}\nlog L = Σ_n Σ_k t_{nk} log y_{nk}\nE_{sum} = −Σ_n Σ_k t_{nk} log y_{nk}\n"
    "E = −(1/N) Σ_n Σ_k t_{nk} log y_{nk}\n= −(1/N) Σ_n Σ_k log y_{nk}\n= −(1/N) Σ_k Σ_n log y_{nk}",
    "E = \\frac{1}{2}\\sum_{k=1}^{K}(y_k - t_k)^2\n\\frac{\\partial E}{\\partial y_j} = \\frac{1}{2} \\cdot 2 (y_j - t_j)\n"
    "= y_j - t_j\n= t_j - y_j\n= -(y_j - t_j)\n= y_j - t_j",
]
REPEATS = 5


def _clear_caches() -> None:
    from xentlab.steps import canon, names, truth

    canon.canonical.cache_clear()
    names.parse_lhs.cache_clear()
    truth._expand.cache_clear()
    truth._free.cache_clear()


def main() -> None:
    from xentlab import steps

    for text in DERIVATIONS:  # warm: imports, templates, the kinds' definitions
        steps.render(steps.check(text), "text", "ja")
    load_before = os.getloadavg()
    times = []
    for _ in range(REPEATS):
        for text in DERIVATIONS:
            _clear_caches()
            start = time.perf_counter()
            report = steps.check(text)
            times.append(time.perf_counter() - start)
            assert len(report.lines) == 6, [line.text for line in report.lines]
    load_after = os.getloadavg()
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"check a 6-line derivation, warm ({len(DERIVATIONS)} derivations x {REPEATS}, engine caches cleared each time)")
    print(f"  median {median:.3f} s   target <= 0.3 s   {'PASS' if median <= 0.3 else 'FAIL'}")
    print(f"  p95    {p95:.3f} s   target <= 1 s     {'PASS' if p95 <= 1.0 else 'FAIL'}")
    print(f"  fastest {times[0]:.3f} s, slowest {times[-1]:.3f} s")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min; nproc={os.cpu_count()})")


if __name__ == "__main__":
    main()
