"""Safe parsing of typed answers (student input and answer-key files).

Everything here treats its text as hostile.  The text never reaches
``eval``/``exec``, ``sympify``, ``parse_expr``, ``parse_latex`` or
``lambdify``.  The pipeline is:

1. size and character checks on the original text (length, control and
   bidi/format characters, lone surrogates);
2. normalisation (NFKC, Unicode minus/times/divide, superscripts), keeping a
   map from every normalised character back to the original offset;
3. a small tokenizer that understands a LaTeX subset and inserts implicit
   multiplication, producing plain Python-syntax text (ASCII only);
4. ``ast.parse(..., mode="eval")`` on that text, a whitelist walk of the tree
   (node count, depth), then SymPy objects built by hand, with size limits
   checked before anything large is computed.

Accepted language
-----------------
* numbers ``2``, ``1.109``, ``.5``, ``1e-3`` (decimals become exact rationals);
* ``+ - * / ** ^`` (``^`` is power), unary signs, ``( )``; ``{ }`` group too;
* functions ``log(x)`` (natural), ``log(x, b)`` with b one of 2, 10, e,
  ``ln``, ``log10``, ``log2``, ``exp``, ``sqrt``; a function may also be
  applied without parentheses to the next atom and its power
  (``log y1`` -> log(y1), ``\\log y_1^{t_1}`` -> log(y1**t1));
* constants ``e`` and ``pi`` (also ``π``);
* LaTeX: ``\\log \\ln \\exp \\sqrt{a} \\frac{a}{b} \\cdot \\times \\div \\pi
  \\left( \\right)``, spacing ``\\, \\! \\; \\: \\ `` (dropped), subscripts
  ``y_1``/``y_{12}`` (joined: ``y1``, ``y12``; ``\\log_2`` -> ``log2``);
* implicit multiplication: ``2y1``, ``t_1 \\log y_1``, ``(a)(b)``, ``2(y)``;
  two adjacent numbers are *not* multiplied (``2 3`` is an error).
  Implicit products bind like ``*`` (``1/2y`` is (1/2)*y).

Default variables (``symbols=None``): a letter from ``y t z p q E L N K T``
followed by at most two digits (``y``, ``y1``, ``t12``, ``N``).  ``y p q L``
are created ``positive=True`` (probabilities, loss); the others ``real=True``.

Limits: see the ``MAX_*`` constants below.  Every rejection raises
:class:`AnswerParseError` with a stable ``code``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy

from xentlab.parse.build import Builder
from xentlab.parse.errors import ERROR_CODES, MAX_LENGTH, AnswerParseError, fail
from xentlab.parse.indexed import INDEXED_ERROR_CODES, Indexing
from xentlab.parse.latex import to_python
from xentlab.parse.numeric import evaluate
from xentlab.parse.symbols import DEFAULT_SYMBOLS, NO_SYMBOLS, check_symbols
from xentlab.parse.tokens import strip_bounds
from xentlab.parse.whitelist import parse_ast, validate

__all__ = [
    "AnswerParseError",
    "Indexing",
    "INDEXED_ERROR_CODES",
    "parse_indexed",
    "DEFAULT_SYMBOLS",
    "ERROR_CODES",
    "evaluate",
    "parse_expression",
    "parse_number",
    "parse_number_detail",
]

# --- public API ------------------------------------------------------------

def _parse(text: str, symbols: Mapping[str, sympy.Expr], allow_percent: bool) -> tuple[sympy.Expr, bool]:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise fail("too_long", f"the answer is longer than {MAX_LENGTH} characters", None,
                    limit=MAX_LENGTH, length=len(text))
    start, end = strip_bounds(text)
    if start == end:
        raise fail("empty", "the answer is empty", None)
    src, had_percent = to_python(text, start, end, symbols, allow_percent)
    root = parse_ast(src)
    validate(root, src)
    try:
        expr = Builder(src, symbols).build(root)
    except RecursionError:
        raise fail("too_deep", "the expression is nested too deeply", None, subcode="builder") from None
    except (ArithmeticError, MemoryError):
        raise fail("number_too_large", "a number in the expression is too large", None,
                    subcode="arithmetic") from None
    return expr, had_percent


def parse_indexed(text: str, indexing: Indexing, *, symbols: Mapping[str, sympy.Expr],
                  evaluate: bool = False) -> sympy.Expr:
    """Parse one side of a line of a derivation: the language of parse_expression, plus indexed
    variables (y_k, y_{n,k}, t_1, y1), sums and products over an index (\\sum_{k=1}^{K}, Σ_k,
    \\prod, ∏) and an ellipsis between written-out terms (see xentlab.parse.indexed).

    Every check and limit of parse_expression applies (the expression is first built evaluated,
    with all of them), plus the limits on subscripts and bounds. With evaluate=False the result
    keeps the shape the student wrote (0·log 0.32 stays, log(exp(z)) stays). Raises
    AnswerParseError with a code from ERROR_CODES or INDEXED_ERROR_CODES.
    """
    check_symbols(symbols)
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise fail("too_long", f"the line is longer than {MAX_LENGTH} characters", None,
                   limit=MAX_LENGTH, length=len(text))
    start, end = strip_bounds(text)
    if start == end:
        raise fail("empty", "the line is empty", None)
    src, _ = to_python(text, start, end, symbols, False, indexing)
    root = parse_ast(src)
    validate(root, src, indexed=True)
    try:
        expr = Builder(src, symbols, indexing).build(root)
        if not evaluate:
            expr = Builder(src, symbols, indexing, evaluate=False).build(root)
    except RecursionError:
        raise fail("too_deep", "the expression is nested too deeply", None, subcode="builder") from None
    except (ArithmeticError, MemoryError):
        raise fail("number_too_large", "a number in the expression is too large", None,
                   subcode="arithmetic") from None
    return expr


def parse_expression(text: str, *, symbols: Mapping[str, sympy.Expr] | None = None) -> sympy.Expr:
    """Parse a typed formula into a SymPy expression (see module docstring).

    ``symbols`` maps allowed variable names to SymPy expressions; None means
    ``DEFAULT_SYMBOLS``.  Raises AnswerParseError for anything not accepted.
    """
    if symbols is None:
        symbols = DEFAULT_SYMBOLS
    else:
        check_symbols(symbols)
    return _parse(text, symbols, allow_percent=False)[0]


def parse_number_detail(text: str) -> tuple[float, bool]:
    """Like parse_number, but one trailing '%' is accepted and reported.

    Returns ``(value_as_typed, had_percent)``: "50%" gives (50.0, True); the
    caller decides whether that means 0.5.
    """
    expr, had_percent = _parse(text, NO_SYMBOLS, allow_percent=True)
    return _to_float(expr), had_percent


def parse_number(text: str) -> float:
    """A numeric answer ("1.109", "－0.48", "-log(0.33)", "1.1e-3") as a float.

    No variables are allowed.  '%' is rejected (code percent_sign); use
    parse_number_detail to accept it.  A value that is not a finite real
    (log of a negative number, overflow) raises code not_a_number.
    """
    expr, _ = _parse(text, NO_SYMBOLS, allow_percent=False)
    return _to_float(expr)


def _to_float(expr: sympy.Expr) -> float:
    value = evaluate(expr, {})
    if math.isnan(value):
        raise fail("not_a_number", "the value is not a finite real number", None)
    return value


