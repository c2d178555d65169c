"""The indexed language of derivations, SymPy side: subscripts, sums and products, chains of
terms with the pattern behind an ellipsis, and (for ``evaluate=False``) every other node built
without evaluation, so a line keeps the shape the student wrote (``0·log 0.32`` stays).

``build`` returns None for a node the Builder handles itself (evaluate=True only).
"""

from __future__ import annotations

import ast

import sympy

from xentlab.parse.errors import MAX_ROOT_BITS, fail
from xentlab.parse.indexed import BIGOP_CALLS, MAX_BIGOP_DEPTH, MAX_BOUND, MAX_TERMS

_PATTERN_LETTERS = ("k", "m", "j", "i", "n", "v")


def build(builder, node: ast.expr, evaluate: bool):
    if isinstance(node, ast.Subscript):
        return subscript(builder, node)
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        raise fail("ellipsis", "'…' must stand between written-out terms, as in t_1 + t_2 + … + t_K",
                   builder.pos(node))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BIGOP_CALLS:
        return bigop(builder, node, evaluate)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        return chain(builder, node, evaluate)
    return None if evaluate else unevaluated(builder, node)


def subscript(builder, node: ast.Subscript) -> sympy.Expr:
    indexing = builder.indexing
    name = node.value.id  # the whitelist admits only a Name here
    if name not in indexing.bases:
        raise fail("bad_index", f"{name!r} takes no subscript", builder.pos(node), name=name)
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    indices = []
    for item in items:
        if isinstance(item, ast.Constant):
            indices.append(sympy.Integer(item.value))
        elif item.id in indexing.indices:
            indices.append(indexing.indices[item.id])
        else:
            indices.append(indexing.sizes[item.id])
    return indexing.bases[name][tuple(indices)]


def _bound(builder, node: ast.expr) -> sympy.Expr:
    if isinstance(node, ast.Constant):
        return sympy.Integer(node.value)
    return builder.indexing.sizes[node.id]


def bigop(builder, node: ast.Call, evaluate: bool) -> sympy.Expr:
    """__sum__(body, k, lower, upper) → Sum(body, (k, lower, upper)); Product alike."""
    body, index_node, lower_node, upper_node = node.args  # wrap_bigops writes exactly these four
    index = builder.indexing.indices[index_node.id]
    pos = builder.pos(node)
    if index in builder.bound:
        raise fail("index_clash", f"the index {index} is already used by an enclosing sum", pos, index=str(index))
    if len(builder.bound) >= MAX_BIGOP_DEPTH:
        raise fail("too_deep", f"sums nested more than {MAX_BIGOP_DEPTH} deep", pos, limit=MAX_BIGOP_DEPTH,
                   subcode="sums")
    lower, upper = _bound(builder, lower_node), _bound(builder, upper_node)
    if lower.is_Integer and upper.is_Integer:
        if upper < lower:
            raise fail("bad_bounds", f"the upper bound {upper} is below the lower bound {lower}", pos)
        if int(upper - lower) + 1 > MAX_BOUND:
            raise fail("too_many_terms", f"a sum or product of more than {MAX_BOUND} terms", pos, limit=MAX_BOUND)
    count = int(upper - lower) + 1 if lower.is_Integer and upper.is_Integer else 1
    if builder.terms * count > MAX_TERMS:
        raise fail("too_many_terms", f"nested sums of more than {MAX_TERMS} terms", pos, limit=MAX_TERMS)
    builder.bound.append(index)
    builder.terms *= count
    try:
        function = builder.build(body)
    finally:
        builder.bound.pop()
        builder.terms //= count
    big = sympy.Sum if node.func.id == "__sum__" else sympy.Product
    return big(function, (index, lower, upper))


def chain(builder, node: ast.BinOp, evaluate: bool) -> sympy.Expr:
    """a + b − c (or a·b·c) as one n-ary sum (product), with an ellipsis read as its pattern."""
    adding = isinstance(node.op, (ast.Add, ast.Sub))
    family = (ast.Add, ast.Sub) if adding else (ast.Mult,)
    operands: list[tuple[int, ast.expr]] = []
    left: ast.expr = node
    while isinstance(left, ast.BinOp) and isinstance(left.op, family):  # left-deep: a + b + c
        operands.append((-1 if isinstance(left.op, ast.Sub) else 1, left.right))
        left = left.left
    operands.append((1, left))
    operands.reverse()
    terms: list = []
    for sign, operand in operands:
        if isinstance(operand, ast.Constant) and operand.value is Ellipsis:
            terms.append(Ellipsis)
            continue
        term = builder.build(operand)
        terms.append(term if sign > 0 else sympy.Mul(sympy.S.NegativeOne, term, evaluate=evaluate))
    if Ellipsis in terms:
        result = _pattern(builder, terms, adding, node, evaluate)
    elif adding:
        result = sympy.Add(*terms, evaluate=evaluate)
    else:
        if evaluate:
            _check_roots(builder, terms, node)
        result = sympy.Mul(*terms, evaluate=evaluate)
    return builder.checked(result, node) if evaluate else result


def _check_roots(builder, factors: list, node: ast.AST) -> None:
    from xentlab.parse.build import _root_cost

    # SymPy merges sqrt(a)*sqrt(b) -> sqrt(a*b) and then factors a*b.
    if sum(_root_cost(f) for term in factors for f in sympy.Mul.make_args(term)) > MAX_ROOT_BITS:
        raise fail("number_too_large", "roots of numbers this large are not supported", builder.pos(node),
                   limit=MAX_ROOT_BITS, subcode="root_of_large_number")


# --- the ellipsis ------------------------------------------------------------------


def _pattern(builder, terms: list, adding: bool, node: ast.AST, evaluate: bool) -> sympy.Expr:
    """t_1 + t_2 + … + t_K → Sum(t_k, (k, 1, K)): the first term with its varying index made a
    letter must give every written term, in order, up to the last."""
    where = terms.index(Ellipsis)
    pos = builder.pos(node)
    if terms.count(Ellipsis) != 1 or where == 0 or where == len(terms) - 1:
        raise fail("ellipsis", "'…' must stand once, between written-out terms", pos)
    before, after = terms[:where], terms[where + 1:]
    for first_value, last_value, template, letter in _candidates(builder, before[0], after[-1]):
        fits = all(_same(_put(template, letter, first_value + n), term) for n, term in enumerate(before))
        fits = fits and all(_same(_put(template, letter, last_value - n), term)
                            for n, term in enumerate(reversed(after)))
        if not fits:
            continue
        if last_value.is_Integer and (last_value < first_value + len(before) or int(last_value - first_value) + 1 > MAX_BOUND):
            continue
        big = sympy.Sum if adding else sympy.Product
        return big(template, (letter, first_value, last_value))
    raise fail("ellipsis", "the terms around '…' do not follow one pattern (write t_1 + t_2 + … + t_K)", pos)


def _candidates(builder, first: sympy.Expr, last: sympy.Expr):
    """(first index, last index, template, letter) for each index position that varies."""
    used = first.free_symbols | last.free_symbols | set(builder.bound)
    letter = next((builder.indexing.indices[n] for n in _PATTERN_LETTERS
                   if n in builder.indexing.indices and builder.indexing.indices[n] not in used), None)
    if letter is None:
        return
    lasts = [a for a in last.atoms(sympy.Indexed)]
    for atom in sorted(first.atoms(sympy.Indexed), key=sympy.default_sort_key):
        for position, value in enumerate(atom.indices):
            if not value.is_Integer:
                continue
            for other in lasts:
                if other.base != atom.base or len(other.indices) != len(atom.indices):
                    continue
                end = other.indices[position]
                rest_same = all(a == b for q, (a, b) in enumerate(zip(atom.indices, other.indices)) if q != position)
                if rest_same and end != value and (end.is_Integer or end.is_Symbol):
                    yield value, end, _vary(first, position, value, letter), letter


def _vary(expr: sympy.Expr, position: int, value: sympy.Integer, letter: sympy.Symbol) -> sympy.Expr:
    """expr with index `value` at `position` of every indexed variable replaced by `letter`."""
    def change(e):
        if isinstance(e, sympy.Indexed):
            if len(e.indices) > position and e.indices[position] == value:
                indices = list(e.indices)
                indices[position] = letter
                return e.base[tuple(indices)]
            return e
        if not e.args:
            return e
        return _rebuild_like(e, [change(a) for a in e.args])

    return change(expr)


def _put(template: sympy.Expr, letter: sympy.Symbol, value: sympy.Expr) -> sympy.Expr:
    def change(e):
        if e == letter:
            return value
        if not e.args:
            return e
        return _rebuild_like(e, [change(a) for a in e.args])

    return change(template)


def _rebuild_like(e, args):
    if isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow)):
        return e.func(*args, evaluate=False)
    if isinstance(e, sympy.Indexed):
        return e.base[tuple(args[1:])]
    if isinstance(e, (sympy.log, sympy.exp)):
        return e.func(*args, evaluate=False)
    return e.func(*args)


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return a == b or _evaluated(a) == _evaluated(b)


def _evaluated(e: sympy.Expr) -> sympy.Expr:
    if not e.args or isinstance(e, sympy.Indexed):
        return e
    return e.func(*[_evaluated(a) for a in e.args])


# --- evaluate=False: the tree as written ---------------------------------------------


def unevaluated(builder, node: ast.expr) -> sympy.Expr:
    if isinstance(node, ast.Constant):
        return builder.number(node)
    if isinstance(node, ast.Name):
        return builder.name(node)
    if isinstance(node, ast.UnaryOp):
        operand = builder.build(node.operand)
        return operand if isinstance(node.op, ast.UAdd) else sympy.Mul(sympy.S.NegativeOne, operand, evaluate=False)
    if isinstance(node, ast.BinOp):  # / and ^; + − · are chains
        left, right = builder.build(node.left), builder.build(node.right)
        if isinstance(node.op, ast.Pow):
            return sympy.Pow(left, right, evaluate=False)
        return sympy.Mul(left, sympy.Pow(right, sympy.S.NegativeOne, evaluate=False), evaluate=False)
    if isinstance(node, ast.Call):  # the evaluated pass has checked name and arity
        fname = node.func.id
        arg = builder.build(node.args[0])
        if fname == "exp":
            return sympy.exp(arg, evaluate=False)
        if fname == "sqrt":
            return sympy.Pow(arg, sympy.S.Half, evaluate=False)
        base = {"log10": sympy.Integer(10), "log2": sympy.Integer(2)}.get(fname)
        if len(node.args) == 2:
            base = builder.log_base(node.args[1])
        result = sympy.log(arg, evaluate=False)
        if base is None or base is sympy.E:
            return result
        inverse = sympy.Pow(sympy.log(base, evaluate=False), sympy.S.NegativeOne, evaluate=False)
        return sympy.Mul(result, inverse, evaluate=False)
    raise AssertionError(f"unvalidated node {type(node).__name__}")
