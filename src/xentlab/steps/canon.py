"""Canonical forms: what two lines share when they differ only by bookkeeping.

Free here (no rule is named for them): the order of terms and factors, arithmetic on numbers,
a minus distributed over a sum, a constant pulled out of a Σ, a Σ of a sum split into sums, Σ_n Σ_k
written as one sum (in either order, where the bounds are independent), and the name of a
summation index. Logs and exponentials stay as written
(log(exp z) is not z here: that is the rule log_exp), except log 1 = 0, log e = 1 and e^0 = 1.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

_BOUND = {}


def _bound_symbol(height: int, position: int) -> sp.Symbol:
    key = (height, position)
    if key not in _BOUND:
        _BOUND[key] = sp.Symbol(f"_b{height}_{position}", integer=True, positive=True)
    return _BOUND[key]


@lru_cache(maxsize=8192)
def canonical(expr):
    return _big(_rebuild(_unname(expr)))


def _unname(e):
    """Bound indices already named by an earlier canonical form (_b0_0 …) get fresh names first.
    A move applied to a canonical form (substituting E_n = −Σ_k t_{n,k} log y_{n,k} into
    Σ_{_b0_0} E_{_b0_0}) leaves such a name free inside an inner sum, which renaming the inner
    index to _b0_0 would capture: y_{n,k} became y_{k,k}."""
    if not e.args or isinstance(e, (sp.Indexed, sp.Derivative)):
        return e
    if isinstance(e, (sp.Sum, sp.Product)):
        taken = [v for v, _, _ in e.limits if v.name.startswith("_b")]
        if taken:
            fresh = {v: sp.Dummy(v.name, integer=True, positive=True) for v in taken}
            e = type(e)(replace(e.function, fresh), *((fresh.get(v, v), lo, hi) for v, lo, hi in e.limits))
    args = [_unname(a) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return _remake(e, args)


def _rebuild(e):
    if not e.args or isinstance(e, (sp.Indexed, sp.Derivative)):
        return e
    args = [_rebuild(a) for a in e.args]
    if type(e) is sp.Pow and args[0] is sp.E:  # isinstance(E**x, exp) is True in SymPy: test the type
        return _exp(args[1])
    return _remake(e, args)


def _log(arg):
    if arg == 1:
        return sp.Integer(0)
    if arg is sp.E:
        return sp.Integer(1)
    return sp.log(arg, evaluate=False)


def _exp(arg):
    if arg == 0:
        return sp.Integer(1)
    return sp.exp(arg, evaluate=False)


def _remake(e, args):
    if type(e) is sp.log:
        return _log(args[0])
    if type(e) is sp.exp:
        return _exp(args[0])
    if type(e) is sp.Pow and args[0] is sp.E:
        return _exp(args[1])
    result = e.func(*args)
    return _sign_out(result) if isinstance(result, sp.Mul) else result


def _sign_out(product):
    """t (b − a) and −t (a − b) are one form: a bracket never starts with a minus."""
    flipped = [f for f in product.args if isinstance(f, sp.Add) and f.could_extract_minus_sign()]
    if not flipped:
        return product
    factors = [-f if f in flipped else f for f in product.args]
    return sp.Mul(sp.Integer(-1) ** len(flipped), *factors)


def _big(e):
    """Sums and products bottom-up: merged, split, constants out, indices renamed."""
    if not e.args or isinstance(e, (sp.Indexed, sp.Derivative)):
        return e
    if isinstance(e, (sp.Sum, sp.Product)):
        return _big_operator(e)
    return _remake(e, [_big(a) for a in e.args])


def _big_operator(e):
    big = type(e)
    function, limits = _big(e.function), list(e.limits)
    while isinstance(function, big):  # Σ_n Σ_k f → one sum with two limits
        limits = list(function.limits) + limits
        function = function.function
    variables = {v for v, _, _ in limits}
    if not any((lo.free_symbols | hi.free_symbols) & variables for _, lo, hi in limits):
        # bounds that do not depend on each other: Σ_k Σ_n and Σ_n Σ_k are one sum
        limits = sorted(limits, key=lambda limit: (sp.default_sort_key(limit[2]), sp.default_sort_key(limit[1])))
    if big is sp.Sum and isinstance(function, sp.Add):
        return sp.Add(*(_big_operator(sp.Sum(term, *limits)) for term in function.args))
    if big is sp.Sum and isinstance(function, sp.Mul):
        outside = [f for f in function.args if not (f.free_symbols & variables)]
        inside = [f for f in function.args if f.free_symbols & variables]
        if outside and inside:
            return sp.Mul(*outside) * _big_operator(sp.Sum(sp.Mul(*inside), *limits))
    return _rename(big, function, limits)


def _rename(big, function, limits):
    height = _height(function)
    mapping = {v: _bound_symbol(height, q) for q, (v, _, _) in enumerate(limits)}
    return big(replace(function, mapping), *((mapping[v], lo, hi) for v, lo, hi in limits))


def replace(e, mapping: dict):
    """xreplace that leaves log and exp unevaluated (xreplace would turn log(exp(z)) into z)."""
    if e in mapping:
        return mapping[e]
    if not e.args:
        return e
    if isinstance(e, sp.Indexed):
        return e.base[tuple(replace(i, mapping) for i in e.indices)]
    args = [replace(a, mapping) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return _remake(e, args)


def _height(e) -> int:
    inner = [_height(a) for a in e.args] if e.args and not isinstance(e, sp.Indexed) else [0]
    return max(inner) + (1 if isinstance(e, (sp.Sum, sp.Product)) else 0)
