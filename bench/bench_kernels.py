"""xentlab.kernels against hand-written NumPy, SciPy, scikit-learn and torch.

Every number in a table is the minimum over several calls, measured in one run
on the same arrays; kernel, hand and scipy calls are interleaved (in rotating
order) so that load from other processes falls on all of them alike; torch and
sklearn are timed on their own.  Kernel times include their input validation.

Targets (PASS/FAIL is printed for each; the script exits 0 either way):
  * cross_entropy (labels, one-hot) and softmax_cross_entropy (labels, one-hot):
    ≤ 1.3× the hand-written NumPy baseline.  For one-hot probabilities the
    baseline is the faster of −Σ t·log y and −Σ xlogy(t, y).
  * lambdify_loss("multiclass", 10): ≤ 1.3× that one-hot baseline (K = 10 only).
  * every kernel with a log-loss equivalent: faster than sklearn.metrics.log_loss.
"""

from __future__ import annotations

import importlib
import sys
import time
import timeit

import numpy as np

from xentlab import kernels as xk

TARGET = 1.3
CONFIGS = [  # (N, K, dtype, repeats)
    (100_000, 10, np.float64, 40),
    (100_000, 10, np.float32, 40),
    (2048, 50257, np.float32, 5),
]


def _optional(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


special = _optional("scipy.special")
sk_metrics = _optional("sklearn.metrics")
torch = _optional("torch")


def best(fn, repeat: int) -> float:
    """Minimum wall time of one call, in seconds (after one warm-up call)."""
    fn()
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def best_interleaved(fns: dict, repeat: int) -> dict:
    """Minimum wall time of one call of each function, the calls taken in turn
    (kernel, hand, scipy, then hand, scipy, kernel, …: the order rotates) so that
    a change in machine load hits all alike."""
    timer = timeit.default_timer
    for fn in fns.values():
        fn()
    names = list(fns)
    times = {name: float("inf") for name in names}
    for r in range(repeat):
        for name in names[r % len(names):] + names[: r % len(names)]:
            t0 = timer()
            fns[name]()
            times[name] = min(times[name], timer() - t0)
    return times


def make_data(n: int, k: int, dtype, rng):
    z = (2.0 * rng.standard_normal((n, k), dtype=np.float32 if dtype == np.float32 else np.float64)).astype(
        dtype, copy=False
    )
    e = np.exp(z - z.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    del e
    lab = rng.integers(0, k, n)
    onehot = np.zeros((n, k), dtype=dtype)
    onehot[np.arange(n), lab] = 1
    return z, y, lab, onehot


def hand_softmax_labels(z, lab):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return (lse - np.take_along_axis(z, lab[:, None], axis=1)[:, 0]).mean()


def hand_softmax_onehot(z, t):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return (lse * t.sum(axis=1) - (t * z).sum(axis=1)).mean()


class Case:
    def __init__(self, name, kernel, hand, *, scipy=None, sklearn=None, torch=None, target=False, either=False, note=""):
        self.name, self.kernel, self.hand = name, kernel, hand
        self.scipy, self.sklearn, self.torch = scipy, sklearn, torch
        self.target = target  # the ≤1.3× hand-NumPy target applies
        self.either = either  # the baseline is the faster of the hand and scipy columns
        self.note = note


def cases_for(n, k, dtype, z, y, lab, onehot, rng):
    labels = np.arange(k)
    cases = [
        Case(
            "cross_entropy labels",
            lambda: xk.cross_entropy(y, lab),
            lambda: -np.log(np.take_along_axis(y, lab[:, None], axis=1)).mean(),
            sklearn=sk_metrics and (lambda: sk_metrics.log_loss(lab, y, labels=labels)),
            torch=torch and (lambda Y=torch.from_numpy(y), L=torch.from_numpy(lab): torch.nn.functional.nll_loss(Y.log(), L)),
            target=True,
            note="validating reads all N*K values (row sums, >= 0); the hand gather reads N" if k > 64 else "",
        ),
        Case(
            "  same, check_sum=False",
            lambda: xk.cross_entropy(y, lab, check_sum=False),
            lambda: -np.log(np.take_along_axis(y, lab[:, None], axis=1)).mean(),
            note="info: validates range/finite only, no row sums",
        ),
        Case(
            "  same, validate=False",
            lambda: xk.cross_entropy(y, lab, validate=False),
            lambda: -np.log(np.take_along_axis(y, lab[:, None], axis=1)).mean(),
            target=True,
            note="the trusted hot path: labels range-checked, probabilities not",
        ),
        Case(
            "cross_entropy one-hot",
            lambda: xk.cross_entropy(y, onehot),
            lambda: -(onehot * np.log(y)).sum(axis=1).mean(),
            scipy=special and (lambda: -special.xlogy(onehot, y).sum(axis=1).mean()),
            sklearn=sk_metrics and (lambda: sk_metrics.log_loss(onehot, y)),
            torch=torch and (lambda Y=torch.from_numpy(y), T=torch.from_numpy(onehot): -(T * Y.log()).sum(1).mean()),
            target=True,
            either=True,
            note="hand = -sum(t*log(y)), scipy = -sum(xlogy(t, y)); k/hand is against the faster",
        ),
        Case(
            "softmax_xent labels",
            lambda: xk.softmax_cross_entropy(z, lab),
            lambda: hand_softmax_labels(z, lab),
            scipy=special
            and (lambda: (special.logsumexp(z, axis=1) - np.take_along_axis(z, lab[:, None], axis=1)[:, 0]).mean()),
            sklearn=sk_metrics and special and (lambda: sk_metrics.log_loss(lab, special.softmax(z, axis=1), labels=labels)),
            torch=torch
            and (lambda Z=torch.from_numpy(z), L=torch.from_numpy(lab): torch.nn.functional.cross_entropy(Z, L)),
            target=True,
        ),
        Case(
            "softmax_xent one-hot",
            lambda: xk.softmax_cross_entropy(z, onehot),
            lambda: hand_softmax_onehot(z, onehot),
            scipy=special and (lambda: -(onehot * special.log_softmax(z, axis=1)).sum(axis=1).mean()),
            sklearn=sk_metrics and special and (lambda: sk_metrics.log_loss(onehot, special.softmax(z, axis=1))),
            torch=torch
            and (lambda Z=torch.from_numpy(z), T=torch.from_numpy(onehot): torch.nn.functional.cross_entropy(Z, T)),
            target=True,
        ),
    ]
    onehot_case = next(c for c in cases if c.name == "cross_entropy one-hot")
    if k <= 64:  # the K = 10 configurations: lambdify, binary kernels, sse
        try:
            f = xk.lambdify_loss("multiclass", k)
        except Exception as exc:  # derivations not available yet, or broken: report, do not crash the run
            print(f"  lambdify_loss('multiclass', {k}) unavailable: {type(exc).__name__}: {exc}")
        else:
            cases.append(
                Case(
                    f"lambdify_loss K={k}",
                    lambda: f(y, onehot).mean(),
                    onehot_case.hand,
                    scipy=onehot_case.scipy,
                    sklearn=onehot_case.sklearn,
                    target=True,
                    either=True,
                    note="baseline: the one-hot cross_entropy row's",
                )
            )
        # binary kernels on N·K independent samples; sse and token_loss for information
        zb = z.reshape(-1)
        yb = (1.0 / (1.0 + np.exp(-zb))).astype(dtype, copy=False)
        tb = (rng.random(zb.size) < 0.5).astype(dtype)
        cases += [
            Case(
                "binary_xent (N*K)",
                lambda: xk.binary_cross_entropy(yb, tb),
                lambda: -(tb * np.log(yb) + (1 - tb) * np.log(1 - yb)).mean(),
                sklearn=sk_metrics and (lambda: sk_metrics.log_loss(tb, yb, labels=[0, 1])),
                torch=torch
                and (lambda Y=torch.from_numpy(yb), T=torch.from_numpy(tb): torch.nn.functional.binary_cross_entropy(Y, T)),
            ),
            Case(
                "binary_xent_logits (N*K)",
                lambda: xk.binary_cross_entropy_with_logits(zb, tb),
                lambda: (np.logaddexp(0, zb) - tb * zb).mean(),
                sklearn=sk_metrics and special and (lambda: sk_metrics.log_loss(tb, special.expit(zb), labels=[0, 1])),
                torch=torch
                and (
                    lambda Z=torch.from_numpy(zb), T=torch.from_numpy(tb): torch.nn.functional.binary_cross_entropy_with_logits(Z, T)
                ),
            ),
            Case("sse", lambda: xk.sse(y, onehot), lambda: ((y - onehot) ** 2).sum()),
        ]
    p = np.take_along_axis(y, lab[:, None], axis=1)[:, 0].copy()
    cases.append(
        Case(
            "token_loss (N tokens)",
            lambda: xk.token_loss(p),
            lambda: (lambda nll: (nll.mean(), np.exp(nll.mean())))(-np.log(p)),
        )
    )
    return cases


def _ms(sec):
    return "     -  " if sec is None else f"{sec * 1e3:8.2f}"


def _value(out):
    return float(out[0] if isinstance(out, tuple) else out)


def run_config(n, k, dtype, repeat, rng, results):
    name = np.dtype(dtype).name
    print(f"\nN={n} K={k} {name}   (ms, min of {repeat} calls; kernel times include validation)")
    t0 = time.perf_counter()
    z, y, lab, onehot = make_data(n, k, dtype, rng)
    cases = cases_for(n, k, dtype, z, y, lab, onehot, rng)
    header = f"  {'case':26s} {'kernel':>8s} {'hand':>8s} {'k/hand':>7s} {'scipy':>8s} {'sklearn':>8s} {'torch':>8s}  targets"
    print(header)
    print("  " + "-" * (len(header) + 20))
    sk_repeat = 1 if n * k > 10_000_000 else max(3, repeat // 3)
    for case in cases:
        fns = {"kernel": case.kernel, "hand": case.hand, "scipy": case.scipy}
        times = best_interleaved({name: fn for name, fn in fns.items() if fn}, repeat)
        tk, th, ts = (times.get(name) for name in ("kernel", "hand", "scipy"))
        # torch and sklearn on their own: torch's worker threads keep spinning for a
        # while after each call and would slow down whatever runs next
        tt = best(case.torch, repeat) if case.torch else None
        tsk = best(case.sklearn, sk_repeat) if case.sklearn else None
        ratio = tk / (min(th, ts) if case.either and ts is not None else th)
        marks = []
        if case.target:
            ok = ratio <= TARGET
            results.append((f"{case.name} @ N={n} K={k} {name}: {ratio:.2f}x hand (<= {TARGET}x)", ok))
            marks.append(f"<={TARGET}x {'PASS' if ok else 'FAIL'}")
        if tsk is not None:
            ok = tk < tsk
            results.append((f"{case.name} @ N={n} K={k} {name}: {tk * 1e3:.2f} ms vs sklearn {tsk * 1e3:.2f} ms", ok))
            marks.append(f"<sklearn {'PASS' if ok else 'FAIL'}")
        agree = np.isclose(_value(case.kernel()), _value(case.hand()), rtol=1e-4 if dtype == np.float32 else 1e-9)
        if not agree:
            marks.append("VALUE MISMATCH")
        print(
            f"  {case.name:26s} {_ms(tk)} {_ms(th)} {ratio:7.2f} {_ms(ts)} {_ms(tsk)} {_ms(tt)}  {'  '.join(marks) or 'info'}"
        )
        if case.note:
            print(f"  {'':26s} ({case.note})")
    print(f"  [config done in {time.perf_counter() - t0:.1f} s]")
    del z, y, lab, onehot, cases


def main():
    print(__doc__.strip().splitlines()[0])
    versions = []
    for label, mod in (("scipy", "scipy"), ("scikit-learn", "sklearn"), ("torch", "torch")):
        m = sys.modules.get(mod)
        versions.append(f"{label} {m.__version__}" if m else f"{label} not installed (column skipped)")
    print("; ".join(versions))
    if torch is not None:
        print(f"torch uses {torch.get_num_threads()} threads; numpy kernels and hand code run on one")
    rng = np.random.default_rng(20240601)
    results: list[tuple[str, bool]] = []
    for n, k, dtype, repeat in CONFIGS:
        run_config(n, k, dtype, repeat, rng, results)
    met = sum(ok for _, ok in results)
    print()
    for text, ok in results:
        if not ok:
            print(f"  FAIL  {text}")
    print(f"targets: {met}/{len(results)} met")


if __name__ == "__main__":
    main()
