"""SymPy → LaTeX and → one-line Unicode, in the textbook's notation.

SymPy's defaults reorder factors (log(y)*t) and wrap every log argument in
\\left( \\right). The printers here keep the order a derivation built and print
log y_k the way the seed articles do.
"""

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from xentlab.notation import LATEX_NAMES, UNICODE_NAMES


GREEK = {"epsilon": "ε"}  # names the one-line printer shows as the letter
SUBSCRIPT_FUNCTIONS = {"E"}  # E(i) is the loss at position i: print E_i


def _is_subscript_function(expr) -> bool:
    return isinstance(expr.func, sp.core.function.UndefinedFunction) and expr.func.__name__ in SUBSCRIPT_FUNCTIONS


def _is_numeral(expr) -> bool:
    """A Symbol named by a number (notation.numeral): 1 · log 0.33, as written by hand."""
    if not isinstance(expr, sp.Symbol):
        return False
    try:
        float(expr.name)
    except ValueError:
        return False
    return True


def _negative_factor(expr) -> bool:
    """A factor that prints with a leading minus sign (−(1/N)·Σ…): inside a product it needs brackets,
    or N·−(1/N)… reads as "N minus …"."""
    if isinstance(expr, sp.Symbol):  # a numeral such as −1000
        return expr.name.startswith("-")
    return isinstance(expr, sp.Mul) and (expr.args[0] == -1 or (expr.args[0].is_Number and expr.args[0] < 0))


def _bracketed_factors(expr) -> bool:
    """Whether a product has a factor that must be bracketed: a Σ or Π that is not the last factor
    ((Σ_k t_k) log(…), not Σ_k t_k log(…), which reads as the log inside the sum), or a negative
    factor after the first."""
    args = expr.args
    return any(isinstance(a, (sp.Sum, sp.Product)) for a in args[:-1]) or any(_negative_factor(a) for a in args[1:])


def _needs_brackets(arg, index: int, args) -> bool:
    return (isinstance(arg, (sp.Sum, sp.Product)) and index < len(args) - 1) or (index > 0 and _negative_factor(arg))


def _is_atom_like(expr) -> bool:
    return isinstance(expr, (sp.Symbol, sp.Indexed, sp.Number)) and not str(expr).startswith("-")


def _fraction_prefix(printer, expr, frac_format, sep="·"):
    """-(1/N)·Σ…: keep a 1/N factor in front of a sum instead of folding it into a fraction."""
    inverses = [a for a in expr.args if isinstance(a, sp.Pow) and a.exp == -1]
    if not any(a.has(sp.Sum, sp.Product) for a in expr.args) or not all(isinstance(a.base, sp.Symbol) for a in inverses):
        return None
    sign, factors = "", []
    for a in expr.args:
        if a == -1:
            sign = "-"
        elif isinstance(a, sp.Pow) and a.exp == -1:
            factors.append(frac_format.format(printer._print(a.base)))
        elif isinstance(a, sp.Add):
            factors.append(printer._print(a).join("()") if sep == "·" else rf"\left({printer._print(a)}\right)")
        else:
            factors.append(printer._print(a))
    return sign + sep.join(factors)


class TextbookLatex(LatexPrinter):
    def __init__(self):
        super().__init__({"order": "none", "symbol_names": LATEX_NAMES, "mul_symbol": None})

    def _print_Symbol(self, expr, style="plain"):
        # E_nat, E_bit, E_Hart: a subscript that is a word (a unit) is upright, E_{\mathrm{nat}}
        head, _, word = expr.name.partition("_")
        if expr not in LATEX_NAMES and len(head) == 1 and len(word) > 1 and word.isalpha():
            return rf"{head}_{{\mathrm{{{word}}}}}"
        return super()._print_Symbol(expr, style)

    def _print_Indexed(self, expr):
        base = self._print(expr.base.label)
        idx = "".join(self._print(a) for a in expr.indices)
        return f"{base}_{{{idx}}}"

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        inner = self._print(arg)
        body = rf"\log {inner}" if _is_atom_like(arg) else rf"\log\left({inner}\right)"
        return rf"\left({body}\right)^{{{exp}}}" if exp else body

    def _print_Sum(self, expr):
        # One sign per index: Σ_n Σ_k, never SymPy's \substack form.
        signs = " ".join(rf"\sum_{{{self._print(v)}={self._print(a)}}}^{{{self._print(b)}}}" for v, a, b in reversed(expr.limits))
        return f"{signs} {self._bracket_sum_body(expr.function)}"

    def _print_Product(self, expr):
        signs = " ".join(rf"\prod_{{{self._print(v)}={self._print(a)}}}^{{{self._print(b)}}}" for v, a, b in reversed(expr.limits))
        return f"{signs} {self._bracket_sum_body(expr.function)}"

    def _bracket_sum_body(self, body):
        text = self._print(body)
        return rf"\left({text}\right)" if isinstance(body, sp.Add) else text

    def _print_Mul(self, expr):
        args = expr.args
        if _bracketed_factors(expr):
            sep = r" \cdot " if _is_numeral(args[0]) else " "  # 1 · (−1000), as written by hand
            return sep.join(rf"\left({self._print(a)}\right)" if _needs_brackets(a, i, args) else self._print(a)
                            for i, a in enumerate(args))
        if len(args) == 2 and args[0] == -1 and isinstance(args[1], sp.Add):
            return rf"-\left({self._print(args[1])}\right)"
        if len(args) == 2 and args[0] == -1 and args[1] is sp.oo:
            return r"-\infty"
        if len(args) > 1 and (_is_numeral(args[0]) or all(isinstance(a, sp.Pow) and not a.exp.is_Number for a in args)):
            return r" \cdot ".join(self._print(a) for a in args)  # y_1^{t_1} · y_2^{t_2}, as the seed writes it
        return _fraction_prefix(self, expr, r"\frac{{1}}{{{}}}", sep=" ") or super()._print_Mul(expr)

    def _print_log_base(self, expr, exp=None):
        arg, base = expr.args
        inner = self._print(arg)
        body = inner if _is_atom_like(arg) else rf"\left({inner}\right)"
        return rf"\log_{{{self._print(base)}}} {body}"

    def _print_Derivative(self, expr):
        if len(expr.variables) == 1 and isinstance(expr.expr, sp.Symbol):
            var = self._print(expr.variables[0])
            return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {var}}}"
        return super()._print_Derivative(expr)

    def _print_Function(self, expr, exp=None):
        # E(i) prints as E_i: the loss at one position.
        if _is_subscript_function(expr):
            return f"{expr.func.__name__}_{{{self._print(expr.args[0])}}}"
        return super()._print_Function(expr, exp)


class TextbookUnicode(StrPrinter):
    """One line, readable in a terminal: −Σ_{k=1..K} t_k·log(y_k)."""

    printmethod = "_xentlab_unicode"  # bypass Indexed._sympystr

    def __init__(self):
        super().__init__({"order": "none"})

    def _print_Symbol(self, expr):
        return UNICODE_NAMES.get(expr, GREEK.get(expr.name, expr.name))

    def _print_Interval(self, expr):
        return f"[{self._print(expr.start)}, {self._print(expr.end)}]"

    def _print_Indexed(self, expr):
        return f"{self._print(expr.base.label)}_{''.join(self._print(a) for a in expr.indices)}"

    def _print_log_base(self, expr):
        arg, base = expr.args
        return f"log_{self._print(base)}({self._print(arg)})"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "-∞"

    def _print_Sum(self, expr):
        return self._big("Σ", expr)

    def _print_Product(self, expr):
        return self._big("Π", expr)

    def _big(self, sign, expr):
        limits = " ".join(f"{sign}_{{{self._print(v)}={self._print(a)}..{self._print(b)}}}" for v, a, b in reversed(expr.limits))
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        return f"{limits} {body}"

    def _print_Mul(self, expr):
        if _bracketed_factors(expr):
            return "·".join(f"({self._print(a)})" if _needs_brackets(a, i, expr.args) or isinstance(a, sp.Add) else self._print(a)
                            for i, a in enumerate(expr.args))
        if len(expr.args) == 2 and expr.args[0] == -1 and not isinstance(expr.args[1], sp.Add):
            return "-" + self._print(expr.args[1])
        return _fraction_prefix(self, expr, "(1/{})") or super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr, rational=False):
        if expr.exp.is_Number or isinstance(expr.exp, sp.Symbol):
            return super()._print_Pow(expr, rational).replace("**", "^")
        base = self.parenthesize(expr.base, 1000)  # precedence above Pow: bracket any compound base
        return f"{base}^({self._print(expr.exp)})"

    def _print_Derivative(self, expr):
        if len(expr.variables) == 1:
            return f"∂{self._print(expr.expr)}/∂{self._print(expr.variables[0])}"
        return super()._print_Derivative(expr)

    def _print_Function(self, expr):
        if _is_subscript_function(expr):
            return f"{expr.func.__name__}_{self._print(expr.args[0])}"
        return super()._print_Function(expr)


_LATEX = TextbookLatex()
_UNICODE = TextbookUnicode()


def to_latex(expr) -> str:
    return _LATEX.doprint(expr)


def to_unicode(expr) -> str:
    return _UNICODE.doprint(expr).replace("-", "−")


def to_str(expr) -> str:
    """str() of the expression, factors in the order the derivation built them."""
    return sp.sstr(expr, order="none")
