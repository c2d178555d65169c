"""xentlab: the cross-entropy loss, derived, computed and checked.

The Python API (documented in the README) is reached from here without importing NumPy or
SymPy: each name loads its module on first use (PEP 562), so `import xentlab` costs what
`xentlab --help` costs.

    xentlab.derive(kind, classes=None, lang="ja")      xentlab.solve(kind, y=..., t=...)
    xentlab.check(answer, expect=...)                   xentlab.worksheet(count, seed)
    xentlab.grade(key, responses)                       xentlab.probe(fn, kind="cross-entropy")

`solve`, `check` and `worksheet` are also the names of internal modules (xentlab/solve.py…).
Importing such a module makes Python set it as an attribute of this package, which would
hide the function of the same name. So those modules are made callable when they are set:
`xentlab.solve(...)` calls the API function and `from xentlab import solve` still gives the
module to the code that imports it.
"""

from __future__ import annotations

import sys
import types

__version__ = "0.1.0"

_API = ("derive", "solve", "check", "worksheet", "grade", "probe")
_SHADOWED = ("solve", "check", "worksheet")  # API names that are also module names


class _CallableModule(types.ModuleType):
    """An internal module that is also an API function (see the module docstring)."""

    def __call__(self, *args, **kwargs):
        from xentlab import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        if name in _SHADOWED and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


def __getattr__(name: str):
    if name in _SHADOWED:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")  # made callable as it is set on the package
    if name in _API:
        from xentlab import api

        return getattr(api, name)
    raise AttributeError(f"module 'xentlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))


__all__ = [*_API, "__version__"]

sys.modules[__name__].__class__ = _Package
