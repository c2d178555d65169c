"""The symbols every derivation shares, and how they print: one source."""

import sympy as sp

# Indexed families. y: predicted probabilities, t: targets, z: logits, p: target-token probabilities.
y = sp.IndexedBase("y", positive=True)
t = sp.IndexedBase("t", nonnegative=True)
z = sp.IndexedBase("z", real=True)
p = sp.IndexedBase("p", positive=True)

# Indices and sizes.
k, j, m, n, i, v, c = sp.symbols("k j m n i v c", integer=True, positive=True)
K, N, T, V = sp.symbols("K N T V", integer=True, positive=True)

# Scalars of the binary (Bernoulli) case.
y_scalar = sp.Symbol("y", positive=True)
t_scalar = sp.Symbol("t", nonnegative=True)

p_scalar = sp.Symbol("p", positive=True)  # one probability, as on a figure's axis

# Names on the left-hand side of a step.
L = sp.Symbol("L", positive=True)
E = sp.Symbol("E", real=True)
E_sum = sp.Symbol("E_sum", real=True)
E_i = sp.Function("E")  # E(i): the loss at one token position
PPL = sp.Symbol("PPL", positive=True)

LATEX_NAMES = {
    E_sum: r"E_{\mathrm{sum}}",
    PPL: r"\mathrm{PPL}",
}
UNICODE_NAMES = {
    E_sum: "E_sum",
    PPL: "PPL",
}

# Templates build small formulas for their prose from these names.
sp_Sum = sp.Sum


class log_base(sp.Function):
    """log_b(x), for display only: SymPy's log(x, b) would evaluate to log(x)/log(b)."""

    nargs = 2


def numeral(value: float) -> sp.Symbol:
    """A number shown exactly as a student would write it (0.33, not 0.330000000000000)."""
    text = f"{value:.6g}"
    return sp.Symbol(text if text != "-0" else "0")
sp_oo = sp.oo
