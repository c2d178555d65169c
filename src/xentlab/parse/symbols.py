"""The names a formula may use: the default variables, the functions and the constants."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping

import sympy

# --- default symbols ------------------------------------------------------

_DEFAULT_NAME = re.compile(r"[ytzpqELNKT][0-9]{0,2}\Z")
_POSITIVE_LETTERS = frozenset("ypqL")


class _DefaultSymbols(Mapping):
    """y, y1, y12, t3, N, ... created on first use and cached (so repeated
    parses return identical objects)."""

    def __init__(self) -> None:
        self._cache: dict[str, sympy.Symbol] = {}

    def __getitem__(self, name: str) -> sympy.Symbol:
        sym = self._cache.get(name)
        if sym is not None:
            return sym
        if not isinstance(name, str) or not _DEFAULT_NAME.match(name):
            raise KeyError(name)
        if name[0] in _POSITIVE_LETTERS:
            sym = sympy.Symbol(name, positive=True)
        else:
            sym = sympy.Symbol(name, real=True)
        self._cache[name] = sym
        return sym

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _DEFAULT_NAME.match(name) is not None

    def __iter__(self) -> Iterator[str]:
        for letter in "ytzpqELNKT":
            yield letter
            for n in range(100):
                yield f"{letter}{n}"
            for n in range(10):
                yield f"{letter}0{n}"

    def __len__(self) -> int:
        return 10 * 111


DEFAULT_SYMBOLS: Mapping[str, sympy.Symbol] = _DefaultSymbols()
NO_SYMBOLS: Mapping[str, sympy.Expr] = {}

FUNCTIONS = frozenset({"log", "ln", "log10", "log2", "exp", "sqrt"})
CONSTANTS = frozenset({"e", "pi"})
_CALLER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def check_symbols(symbols: Mapping[str, sympy.Expr]) -> None:
    """Caller-supplied names must be plain identifiers the tokenizer can produce."""
    if symbols is DEFAULT_SYMBOLS or symbols is NO_SYMBOLS:
        return
    for name, value in symbols.items():
        if not isinstance(name, str) or not _CALLER_NAME.match(name):
            raise ValueError(f"symbol name {name!r} must be letters then letters/digits (write y_1 as 'y1')")
        if name in FUNCTIONS or name in CONSTANTS or keyword.iskeyword(name):
            raise ValueError(f"symbol name {name!r} is reserved")
        if not isinstance(value, sympy.Basic):
            raise ValueError(f"symbol {name!r} must map to a SymPy expression")


