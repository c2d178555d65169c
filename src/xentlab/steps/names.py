"""The names a derivation line may use, and reading one side of a line into SymPy.

Both sides go through xentlab.parse.parse_indexed (ast whitelist, limits; nothing reaches eval,
sympify or parse_expr). A left-hand side may also be a derivative, ∂E/∂z_j, in the spellings
students use (\\frac{\\partial E}{\\partial z_j}, ∂E/∂z_j, dE/dz_j); those are recognised by a
fixed pattern here, never evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import sympy as sp

from xentlab import notation as n
from xentlab.parse import Indexing, parse_indexed

LOSS_BASE = sp.IndexedBase("E", real=True)  # E_i: the loss at token position i
INDICES = {s.name: s for s in (n.k, n.j, n.m, n.n, n.i, n.v, n.c)}
SIZES = {s.name: s for s in (n.K, n.N, n.T, n.V)}
DEFAULT_UPPER = {"k": "K", "j": "K", "m": "K", "c": "K", "n": "N", "i": "T", "v": "V"}
INDEXING = Indexing(bases={"y": n.y, "t": n.t, "z": n.z, "p": n.p}, indices=INDICES, sizes=SIZES, upper=DEFAULT_UPPER)
LHS_INDEXING = Indexing(bases={"y": n.y, "t": n.t, "z": n.z, "p": n.p, "E": LOSS_BASE}, indices=INDICES, sizes=SIZES,
                        upper=DEFAULT_UPPER)
SYMBOLS = {"L": n.L, "E": n.E, "Esum": n.E_sum, "PPL": n.PPL, "ppl": n.PPL, "y": n.y_scalar, "t": n.t_scalar}
QUANTITIES = (n.L, n.E, n.E_sum, n.PPL)

_SPACES = re.compile(r"\s+|\\[,;:! ]|\\quad|\\left|\\right")
_WRT = r"([yz])_?\{?([a-z]|[0-9]+)\}?"
_DERIVATIVE = [
    re.compile(r"\\frac\{\\partial(E|L)\}\{\\partial" + _WRT + r"\}$"),
    re.compile(r"\\frac\{d(E|L)\}\{d" + _WRT + r"\}$"),
    re.compile(r"(?:\\partial|∂|d)(E|L)/(?:\\partial|∂|d)" + _WRT + "$"),
]


def parse_side(text: str):
    """One side of an equation, as written (unevaluated)."""
    return parse_indexed(text, LHS_INDEXING, symbols=SYMBOLS, evaluate=False)


@lru_cache(maxsize=512)
def parse_lhs(text: str):
    """A left-hand side: a quantity (L, log L, E, E_sum, E_i, PPL, y_k, log y_k) or ∂E/∂z_j."""
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    for pattern in _DERIVATIVE:
        m = pattern.match(compact)
        if m:
            groups = [g for g in m.groups() if g is not None]
            quantity = next(g for g in groups if g in ("E", "L"))
            letter, index = [g for g in groups if g not in ("E", "L")][:2]
            wrt = (n.z if letter == "z" else n.y)[sp.Integer(int(index)) if index.isdigit() else INDICES.get(index, n.j)]
            return sp.Derivative(SYMBOLS[quantity], wrt)
    return parse_indexed(text, LHS_INDEXING, symbols=SYMBOLS, evaluate=False)


def is_quantity(expr) -> bool:
    return expr in QUANTITIES or (isinstance(expr, sp.Indexed) and expr.base == LOSS_BASE)
