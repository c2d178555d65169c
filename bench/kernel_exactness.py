"""The exactness sweep as a table: worst relative error per kernel, xentlab beside torch and scikit-learn.

The inputs are the sweep's seeded corner cases (tests/kernel_sweep.py) plus seeded
random draws around them; every library gets the same inputs, one sample at a time,
and every result is compared with the exact loss of the inputs as given (mpmath,
50 digits).  Columns per dtype: xentlab, torch, scikit-learn ("-": no equivalent).
scikit-learn has no loss of logits or of soft targets: its column takes log_loss of
scipy's softmax / expit for logits, and only hard targets.  Not a bench_*.py module:
bench_kernels.py prints it.
"""

from __future__ import annotations

import importlib
import math
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import kernel_sweep as ref  # noqa: E402  (the sweep's references and corners live with the tests)

from xentlab import kernels as xk  # noqa: E402


def _optional(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


torch = _optional("torch")
sk_metrics = _optional("sklearn.metrics")
special = _optional("scipy.special")
DTYPES = (np.float64, np.float32)


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def _sk_log_loss(labels, probs, classes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "y_prob values do not sum to one" for rows 1e-16 off
        return sk_metrics.log_loss(labels, probs, labels=list(range(classes)))


# --------------------------------------------------------------------------- the inputs


def logit_cases(rng):
    z, labels = ref.random_logit_rows(rng, 150, 5)
    rows = [(np.array(c[0]), c[1]) for c in ref.SOFTMAX_CORNERS] + list(zip(z, labels))
    soft = []
    for zi, c in rows:
        w = rng.random(len(zi)) * (rng.random(len(zi)) < 0.5)
        w[c] += 1.0
        soft.append(w / w.sum())
    return [(zi, c, t) for (zi, c), t in zip(rows, soft)]


def probability_cases(rng):
    y, labels = ref.random_probability_rows(rng, 150, 5)
    rows = [(np.array(c[0]), c[1]) for c in ref.PROBABILITY_CORNERS] + list(zip(y, labels))
    out = []
    for yi, c in rows:
        t = np.zeros(len(yi))
        t[c] = 1.0
        out.append((yi, c, t))
    for yi, ti in ref.SOFT_TARGET_CORNERS:
        out.append((np.array(yi), None, np.array(ti)))
    return out


def binary_cases(rng):
    yb, zb, tb = ref.random_binary(rng, 300)
    probs = [(y, t) for y in ref.BINARY_PROBS for t in ref.BINARY_TARGETS] + list(zip(yb, tb))
    logits = [(z, t) for z in ref.BINARY_LOGITS for t in ref.BINARY_TARGETS] + list(zip(zb, tb))
    return probs, logits


# --------------------------------------------------------------------------- one row of the table per kernel


def _kernels(rng):
    """[(name, cases, exact(case, dtype), {library: fn(case, dtype) or None})]"""
    logits, probs = logit_cases(rng), probability_cases(rng)
    bprobs, blogits = binary_cases(rng)
    hard = [case for case in probs if case[1] is not None]
    sse_rows = [(np.array([d, 0.0]), np.zeros(2)) for d in ref.SSE_DIFFS] + [
        (t + d, t) for t, d in zip(rng.uniform(-1, 1, (150, 4)), 10.0 ** rng.uniform(-150, 1.5, (150, 4)))
    ]
    tokens = [np.array([p]) for p in ref.TOKEN_PROBS] + [np.array([p]) for p in np.concatenate(
        [10.0 ** rng.uniform(-300, 0, 100), 1 - 10.0 ** rng.uniform(-16, -0.3, 100)])]
    F = torch.nn.functional if torch else None
    c = lambda a, d: np.asarray(a, dtype=d)  # noqa: E731
    lam = lambda kind, k=None: xk.lambdify_loss(kind, k)  # noqa: E731
    sk_hard = lambda t: t in (0.0, 1.0)  # noqa: E731

    return [
        ("cross_entropy labels", hard, lambda s, d: [ref.cross_entropy(c(s[0], d), s[2])], {
            "xentlab": lambda s, d: xk.cross_entropy(c(s[0], d), s[1], reduction="none"),
            "torch": F and (lambda s, d: F.nll_loss(torch.log(_t(c([s[0]], d))), _t(np.array([s[1]])), reduction="none")),
            "sklearn": sk_metrics and (lambda s, d: _sk_log_loss([s[1]], c([s[0]], d), len(s[0]))),
        }),
        ("cross_entropy soft", probs, lambda s, d: [ref.cross_entropy(c(s[0], d), c(s[2], d))], {
            "xentlab": lambda s, d: xk.cross_entropy(c(s[0], d), c(s[2], d), reduction="none"),
            "torch": F and (lambda s, d: -torch.special.xlogy(_t(c(s[2], d)), _t(c(s[0], d))).sum()),
            "sklearn": None,
        }),
        ("softmax_xent labels", logits, lambda s, d: [ref.softmax_cross_entropy(c(s[0], d), np.eye(len(s[0]))[s[1]])], {
            "xentlab": lambda s, d: xk.softmax_cross_entropy(c(s[0], d), s[1], reduction="none"),
            "torch": F and (lambda s, d: F.cross_entropy(_t(c([s[0]], d)), _t(np.array([s[1]])), reduction="none")),
            "sklearn": sk_metrics and special and (
                lambda s, d: _sk_log_loss([s[1]], special.softmax(c([s[0]], d), axis=1), len(s[0]))),
        }),
        ("softmax_xent soft", logits, lambda s, d: [ref.softmax_cross_entropy(c(s[0], d), c(s[2], d))], {
            "xentlab": lambda s, d: xk.softmax_cross_entropy(c(s[0], d), c(s[2], d), reduction="none"),
            "torch": F and (lambda s, d: F.cross_entropy(_t(c([s[0]], d)), _t(c([s[2]], d)), reduction="none")),
            "sklearn": None,
        }),
        ("log_softmax", logits, lambda s, d: ref.log_softmax(c(s[0], d)), {
            "xentlab": lambda s, d: xk.log_softmax(c(s[0], d)),
            "torch": F and (lambda s, d: F.log_softmax(_t(c(s[0], d)), dim=0)),
            "sklearn": None,
        }),
        ("softmax", logits, lambda s, d: ref.softmax(c(s[0], d)), {
            "xentlab": lambda s, d: xk.softmax(c(s[0], d)),
            "torch": F and (lambda s, d: F.softmax(_t(c(s[0], d)), dim=0)),
            "sklearn": None,
        }),
        ("binary_xent", bprobs, lambda s, d: [ref.binary(c(s[0], d), c(s[1], d))], {
            "xentlab": lambda s, d: xk.binary_cross_entropy(c(s[0], d), c(s[1], d), reduction="none"),
            "torch": F and (lambda s, d: F.binary_cross_entropy(_t(c([s[0]], d)), _t(c([s[1]], d)), reduction="none")),
            "sklearn": sk_metrics and (
                lambda s, d: _sk_log_loss([int(s[1])], c([s[0]], d), 2) if sk_hard(s[1]) else None),
        }),
        ("binary_xent_logits", blogits, lambda s, d: [ref.binary_logits(c(s[0], d), c(s[1], d))], {
            "xentlab": lambda s, d: xk.binary_cross_entropy_with_logits(c(s[0], d), c(s[1], d), reduction="none"),
            "torch": F and (lambda s, d: F.binary_cross_entropy_with_logits(
                _t(c([s[0]], d)), _t(c([s[1]], d)), reduction="none")),
            "sklearn": sk_metrics and special and (
                lambda s, d: _sk_log_loss([int(s[1])], special.expit(c([s[0]], d)), 2) if sk_hard(s[1]) else None),
        }),
        ("sse", sse_rows, lambda s, d: [ref.sse(c(s[0], d), c(s[1], d))], {
            "xentlab": lambda s, d: xk.sse(c(s[0], d), c(s[1], d), reduction="none"),
            "torch": F and (lambda s, d: F.mse_loss(_t(c(s[0], d)), _t(c(s[1], d)), reduction="sum")),
            "sklearn": sk_metrics and (
                lambda s, d: sk_metrics.mean_squared_error(c(s[1], d), c(s[0], d)) * len(s[0])),
        }),
        ("token_loss", tokens, lambda s, d: ref.token_loss(c(s, d))[0], {
            "xentlab": lambda s, d: xk.token_loss(c(s, d)).per_token,
            "torch": F and (lambda s, d: -torch.log(_t(c(s, d)))),
            "sklearn": None,
        }),
        ("lambdify multiclass", probs, lambda s, d: [ref.cross_entropy(c(s[0], d), c(s[2], d))], {
            "xentlab": lambda s, d: lam("multiclass", len(s[0]))(c(s[0], d), c(s[2], d)), "torch": None, "sklearn": None,
        }),
        ("lambdify binary", bprobs, lambda s, d: [ref.binary(c(s[0], d), c(s[1], d))], {
            "xentlab": lambda s, d: lam("binary")(c(s[0], d), c(s[1], d)), "torch": None, "sklearn": None,
        }),
    ]


def _worst(fn, cases, exact, dtype) -> float | None:
    worst = 0.0
    for case in cases:
        got = fn(case, dtype)
        if got is None:
            continue
        got = np.atleast_1d(got.numpy() if hasattr(got, "numpy") else np.asarray(got, dtype=float)).reshape(-1)
        for g, e in zip(got, exact(case, dtype)):
            worst = max(worst, ref.relative_error(float(g), e, dtype))
    return worst


def _fmt(err) -> str:
    if err is None:
        return "-"
    if err == 0:
        return "0"
    if math.isinf(err):
        return "inf"  # an infinite loss returned finite, or the reverse
    return ">1" if err > 1 else f"{err:.1e}"  # ">1": not one correct digit (e.g. a clipped 2.2e-16 for 1e-300)


def main(rng=None) -> list[tuple[str, bool]]:
    """Print the table; return (target text, met) for xentlab's bound in each dtype."""
    rng = rng or np.random.default_rng(20260601)
    libs = ("xentlab", "torch", "sklearn")
    print("\nExactness: worst relative error against mpmath (50 digits) on the same inputs")
    print(f"  (the sweep's corners plus seeded draws; bound: xentlab <= {ref.RTOL[np.dtype(np.float64)]:g} in float64, "
          f"<= {ref.RTOL[np.dtype(np.float32)]:g} in float32;")
    print("   below the smallest normal number errors are taken against it; '-': no equivalent)")
    head = "  ".join(f"{lib:>8s}" for lib in libs)
    print(f"  {'kernel':22s} {'cases':>5s}   float64: {head}   float32: {head}")
    results = []
    for name, cases, exact, fns in _kernels(rng):
        cells = []
        for dtype in DTYPES:
            errs = {lib: (_worst(fns[lib], cases, exact, dtype) if fns.get(lib) else None) for lib in libs}
            bound = ref.RTOL[np.dtype(dtype)]
            ok = errs["xentlab"] <= bound
            results.append((f"exactness {name} {np.dtype(dtype).name}: {errs['xentlab']:.1e} (<= {bound:g})", ok))
            cells.append("  ".join(f"{_fmt(errs[lib]):>8s}" for lib in libs))
        print(f"  {name:22s} {len(cases):5d}            {cells[0]}            {cells[1]}")
    return results


if __name__ == "__main__":
    main()
