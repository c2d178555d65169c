"""Building SymPy objects by hand from a validated tree, with size limits checked before
anything large is computed."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from fractions import Fraction

import sympy

from xentlab.parse import indexed_build
from xentlab.parse.errors import MAX_EXACT_BITS, MAX_EXPONENT, MAX_ROOT_BITS, fail
from xentlab.parse.indexed import Indexing
from xentlab.parse.latex import Source
from xentlab.parse.numeric import evaluate
from xentlab.parse.symbols import CONSTANTS, FUNCTIONS

# --- step 5: build SymPy objects ------------------------------------------

_UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


class Builder:
    """SymPy objects from a validated tree. With `indexing` (parse_indexed), also subscripts,
    sums, products and chains with an ellipsis (see xentlab.parse.indexed_build)."""

    def __init__(self, src: Source, symbols: Mapping[str, sympy.Expr], indexing: Indexing | None = None,
                 evaluate: bool = True):
        self.src = src
        self.symbols = symbols
        self.indexing = indexing
        self.evaluate = evaluate  # False only with indexing, after an evaluated build has passed every check
        self.bound: list[sympy.Symbol] = []  # indices of the sums being built, innermost last
        self.terms = 1  # product of the concrete bounds of those sums

    def pos(self, node: ast.AST) -> int:
        return self.src.offs[node.col_offset]

    def build(self, node: ast.expr) -> sympy.Expr:
        if self.indexing is not None:
            built = indexed_build.build(self, node, evaluate=self.evaluate)
            if built is not None:
                return built
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.checked(sympy.Mul(sympy.S.NegativeOne, operand), node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise AssertionError(f"unvalidated node {type(node).__name__}")  # validate guards this

    def number(self, node: ast.Constant) -> sympy.Expr:
        literal = self.src.text[node.col_offset:node.end_col_offset]
        if type(node.value) is int:
            return sympy.Integer(node.value)
        frac = Fraction(literal)  # exact decimal; the literal passed _check_number
        return self.checked(sympy.Rational(frac.numerator, frac.denominator), node)

    def name(self, node: ast.Name) -> sympy.Expr:
        ident = node.id
        if ident in self.symbols:
            return self.symbols[ident]
        if self.indexing is not None and ident in self.indexing.sizes:
            return self.indexing.sizes[ident]
        if ident == "e":
            return sympy.E
        if ident == "pi":
            return sympy.pi
        if ident in FUNCTIONS:
            raise fail("bad_arity", f"function {ident!r} needs an argument in parentheses", self.pos(node),
                        function=ident, expected=1, got=0)
        raise fail("unknown_name", f"unknown name {ident!r}", self.pos(node), name=ident)

    def binop(self, node: ast.BinOp) -> sympy.Expr:
        if isinstance(node.op, ast.Pow):
            return self.power(node)
        left = self.build(node.left)
        right = self.build(node.right)
        if isinstance(node.op, ast.Add):
            return self.checked(sympy.Add(left, right), node)
        if isinstance(node.op, ast.Sub):
            return self.checked(sympy.Add(left, sympy.Mul(sympy.S.NegativeOne, right)), node)
        if isinstance(node.op, ast.Mult):
            return self.product(left, right, node)
        if right == 0:  # structural: SymPy's .is_zero may evalf deep numeric trees
            raise fail("undefined", "division by zero", self.op_pos(node), operator="/")
        self.check_power_cost(right, sympy.S.NegativeOne, node)
        return self.product(left, sympy.Pow(right, sympy.S.NegativeOne), node)

    def op_pos(self, node: ast.BinOp) -> int:
        """Offset of a binary operator: first non-space after the left operand."""
        i = node.left.end_col_offset
        while i < len(self.src.text) and self.src.text[i] == " ":
            i += 1
        return self.src.offs[min(i, len(self.src.text))]

    def product(self, left: sympy.Expr, right: sympy.Expr, node: ast.AST) -> sympy.Expr:
        # SymPy merges sqrt(a)*sqrt(b) -> sqrt(a*b) and then factors a*b.
        cost = sum(_root_cost(f) for f in sympy.Mul.make_args(left) + sympy.Mul.make_args(right))
        if cost > MAX_ROOT_BITS:
            raise fail("number_too_large", "roots of numbers this large are not supported", self.pos(node),
                        limit=MAX_ROOT_BITS, subcode="root_of_large_number")
        return self.checked(sympy.Mul(left, right), node)

    def power(self, node: ast.BinOp) -> sympy.Expr:
        for sub in ast.walk(node.right):
            if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
                raise fail("exponent_too_large", "powers inside an exponent are not supported",
                            self.op_pos(sub), subcode="nested_power")
        base = self.build(node.left)
        exponent = self.build(node.right)
        if exponent.has(sympy.Sum, sympy.Product):  # parse_indexed only
            if base.is_Rational:
                raise fail("exponent_too_large", "a sum in the exponent of a number is not supported", self.op_pos(node),
                           subcode="sum_in_exponent")
        elif not exponent.free_symbols:
            value = evaluate(exponent, {})
            if math.isnan(value) or abs(value) > MAX_EXPONENT:
                raise fail("exponent_too_large", f"exponent larger than {MAX_EXPONENT}", self.op_pos(node),
                            limit=MAX_EXPONENT, subcode="too_large")
        self.check_power_cost(base, exponent, node)
        return self.checked(sympy.Pow(base, exponent), node)

    def check_power_cost(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.AST) -> None:
        """Bound what SymPy will compute for exact numbers, before it does."""
        if not exponent.is_Rational:
            return
        bits = _exact_bits(base)
        if exponent.is_Integer:
            if bits * abs(int(exponent)) > MAX_EXACT_BITS:
                raise fail("number_too_large", "the power is too large to compute exactly", self.pos(node),
                            limit=MAX_EXACT_BITS, subcode="power")
        elif bits * abs(exponent.p) > MAX_ROOT_BITS:
            raise fail("number_too_large", "roots of numbers this large are not supported", self.pos(node),
                        limit=MAX_ROOT_BITS, subcode="root_of_large_number")

    def call(self, node: ast.Call) -> sympy.Expr:
        fname = node.func.id
        if fname not in FUNCTIONS:
            if fname in self.symbols or fname in CONSTANTS:  # unreachable: '*' is inserted
                raise fail("syntax", f"{fname!r} is not a function", self.pos(node), subcode="not_callable")
            raise fail("unknown_function", f"unknown function {fname!r}", self.pos(node), name=fname)
        args = node.args
        most = 2 if fname == "log" else 1
        if not 1 <= len(args) <= most:
            raise fail("bad_arity", f"{fname} takes {most if most == 1 else '1 or 2'} argument(s), "
                        f"got {len(args)}", self.pos(node), function=fname, expected=most, got=len(args))
        base = None
        if len(args) == 2:
            base = self.log_base(args[1])
        arg = self.build(args[0])
        if fname in ("log", "ln", "log10", "log2") and arg == 0:
            raise fail("undefined", "log(0) is undefined", self.pos(node), function=fname)
        if fname == "exp":
            return self.checked(sympy.exp(arg), node)
        if fname == "sqrt":
            self.check_power_cost(arg, sympy.S.Half, node)
            return self.checked(sympy.sqrt(arg), node)
        if fname == "log10":
            base = sympy.Integer(10)
        elif fname == "log2":
            base = sympy.Integer(2)
        result = sympy.log(arg)
        if base is not None and base is not sympy.E:
            result = sympy.Mul(result, sympy.Pow(sympy.log(base), sympy.S.NegativeOne))
        return self.checked(result, node)

    def log_base(self, node: ast.expr) -> sympy.Expr:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (2, 10):
            return sympy.Integer(node.value)
        if isinstance(node, ast.Name) and node.id == "e" and "e" not in self.symbols:
            return sympy.E
        raise fail("bad_log_base", "log base must be 2, 10 or e (use '.' for decimals)", self.pos(node),
                    function="log", allowed=["2", "10", "e"])

    def checked(self, expr: sympy.Expr, node: ast.AST) -> sympy.Expr:
        """Reject results holding oversized exact numbers or undefined values."""
        largest, undefined = _scan_numbers(expr)
        if largest > MAX_EXACT_BITS:
            raise fail("number_too_large", "an intermediate number is too large", self.pos(node),
                        limit=MAX_EXACT_BITS, subcode="intermediate")
        if undefined:
            raise fail("undefined", "the expression is undefined here (division by zero?)", self.pos(node))
        return expr


def _scan_numbers(expr: sympy.Basic) -> tuple[int, bool]:
    """One pass over expr: bits of its largest exact number, and whether it
    holds zoo/nan/oo."""
    largest = 0
    undefined = False
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.is_Rational:
            largest = max(largest, abs(e.p).bit_length(), e.q.bit_length())
        elif e.args:
            stack.extend(e.args)
        elif e in _UNDEFINED:  # zoo is not a Number subclass, so test atoms by value
            undefined = True
    return largest, undefined


def _exact_bits(expr: sympy.Expr) -> int:
    """Total size of the exact numbers inside expr (bits of num or den)."""
    if expr.is_Rational:
        return max(abs(expr.p).bit_length(), expr.q.bit_length())
    return sum(max(abs(a.p).bit_length(), a.q.bit_length()) for a in expr.atoms(sympy.Rational))


def _root_cost(factor: sympy.Expr) -> int:
    if factor.is_Pow and factor.base.is_Rational and factor.exp.is_Rational and not factor.exp.is_Integer:
        return _exact_bits(factor.base) * abs(factor.exp.p)
    return 0


