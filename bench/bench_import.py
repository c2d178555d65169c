"""`import xentlab` against a bare `import sympy`, each a fresh process (start-up included).

`import xentlab` loads the API names lazily (PEP 562): NumPy, SymPy and Jinja2 load on the first
call. Target: ≤ 0.3× `import sympy`, both measured here, side by side, as the best of 5 runs.
"""

from __future__ import annotations

import sys

from timing import best_subprocess_seconds

TARGET = 0.3


def main() -> None:
    print(__doc__.strip().splitlines()[0])
    sympy = best_subprocess_seconds([sys.executable, "-c", "import sympy"], 5)
    xentlab = best_subprocess_seconds([sys.executable, "-c", "import xentlab"], 5)
    bare = best_subprocess_seconds([sys.executable, "-c", "pass"], 5)
    ratio = xentlab / sympy
    print(f"  python -c pass             {bare * 1000:7.1f} ms")
    print(f"  python -c 'import sympy'   {sympy * 1000:7.1f} ms")
    print(f"  python -c 'import xentlab' {xentlab * 1000:7.1f} ms  = {ratio:.2f}× import sympy  (target ≤ {TARGET}×)  "
          f"{'PASS' if ratio <= TARGET else 'FAIL'}")
    print(f"targets: {int(ratio <= TARGET)}/1 met")


if __name__ == "__main__":
    main()
