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

import ast
import keyword
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import NamedTuple

import sympy

from xentlab.errors import InputError

__all__ = [
    "AnswerParseError",
    "DEFAULT_SYMBOLS",
    "ERROR_CODES",
    "evaluate",
    "parse_expression",
    "parse_number",
    "parse_number_detail",
]

# --- limits ---------------------------------------------------------------

MAX_LENGTH = 1000  # characters of the original text
MAX_SOURCE_LENGTH = 4000  # generated Python text (NFKC can expand characters)
MAX_NODES = 300  # expression nodes in the Python AST
MAX_DEPTH = 100  # AST depth; keeps the recursive builder far from the recursion limit
MAX_BRACKET_DEPTH = 40  # ( { nesting, checked before ast.parse
MAX_CALL_DEPTH = 4  # functions inside functions: SymPy's sign checks on numeric
#                     arguments (log(log(...(2)))) cost exponential time in the depth.
MAX_INT_DIGITS = 15  # integer literals: |n| < 10**15
MAX_SIGNIFICANT_DIGITS = 20  # decimal literals (a float repr needs at most 17)
MAX_SCI_EXPONENT = 400  # the "e-3" part of a literal
MAX_EXPONENT = 100  # |value| of any symbol-free exponent
MAX_EXACT_BITS = 4096  # numerator/denominator of any exact number built
MAX_ROOT_BITS = 512  # bits * numerator for a fractional power of an exact number:
#                      SymPy factors the base there, and that explodes beyond this.

# Stable codes -> meaning.  The CLI translates by code.
ERROR_CODES: dict[str, str] = {
    "empty": "nothing but whitespace",
    "too_long": "more than MAX_LENGTH characters (or expands past MAX_SOURCE_LENGTH)",
    "bad_character": "control, format/bidi, surrogate or otherwise unsupported character",
    "percent_sign": "'%' where it is not accepted",
    "unknown_command": "a LaTeX command outside the supported subset",
    "syntax": "not a well-formed expression (detail['subcode'] says why)",
    "unexpected_comma": "a comma outside function arguments (decimal comma?)",
    "forbidden_syntax": "valid Python syntax that is not part of the language",
    "unknown_name": "a variable name that is not allowed here",
    "unknown_function": "a call of something that is not a supported function",
    "bad_arity": "a function given the wrong number of arguments (0 = used bare)",
    "bad_log_base": "log(x, b) with b other than 2, 10 or e",
    "too_many_nodes": "more than MAX_NODES parts",
    "too_deep": "nesting deeper than MAX_BRACKET_DEPTH / MAX_DEPTH",
    "number_too_large": "a literal or an exact intermediate number beyond the limits",
    "exponent_too_large": "an exponent above MAX_EXPONENT or a power tower",
    "undefined": "the expression is undefined, e.g. division by zero, log(0)",
    "not_a_number": "parse_number: the value is not a finite real number",
}


class AnswerParseError(InputError):
    """A typed answer could not be accepted.

    ``code`` is a stable snake_case key (see ``ERROR_CODES``), ``offset`` a
    0-based index into the original text (or None when the whole text is at
    fault) and ``detail`` a dict with what a translator needs: e.g. ``name``,
    ``function``/``expected``/``got``, ``limit``, ``codepoint``/``char_name``,
    ``command``, ``token``, and ``subcode`` where one code has several causes
    (syntax: unexpected/incomplete/unmatched_bracket/...; too_deep:
    brackets/expression/function_nesting; number_too_large: power/
    intermediate/root_of_large_number; exponent_too_large: too_large/
    nested_power).
    """

    def __init__(self, code: str, message: str, offset: int | None = None, detail: dict | None = None):
        self.code = code
        self.message = message
        self.offset = offset
        self.detail = dict(detail or {})
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.offset is None:
            return self.message
        return f"{self.message} at column {self.offset + 1}"

    def __reduce__(self):
        return (self.__class__, (self.code, self.message, self.offset, self.detail))


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
_NO_SYMBOLS: Mapping[str, sympy.Expr] = {}

_FUNCTIONS = frozenset({"log", "ln", "log10", "log2", "exp", "sqrt"})
_CONSTANTS = frozenset({"e", "pi"})
_CALLER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def _check_symbols(symbols: Mapping[str, sympy.Expr]) -> None:
    """Caller-supplied names must be plain identifiers the tokenizer can produce."""
    if symbols is DEFAULT_SYMBOLS or symbols is _NO_SYMBOLS:
        return
    for name, value in symbols.items():
        if not isinstance(name, str) or not _CALLER_NAME.match(name):
            raise ValueError(f"symbol name {name!r} must be letters then letters/digits (write y_1 as 'y1')")
        if name in _FUNCTIONS or name in _CONSTANTS or keyword.iskeyword(name):
            raise ValueError(f"symbol name {name!r} is reserved")
        if not isinstance(value, sympy.Basic):
            raise ValueError(f"symbol {name!r} must map to a SymPy expression")


def _fail(code: str, message: str, offset: int | None = None, **detail) -> AnswerParseError:
    return AnswerParseError(code, message, offset, detail)


# --- step 1+2: character checks and normalisation -------------------------

_REJECTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_EDGE_SPACE = frozenset(" \t\r\n\f\v")
# Applied to each character after NFKC.
_CHAR_MAP = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u00d7": "*",  # multiplication sign
    "\u00b7": "*",  # middle dot
    "\u30fb": "*",  # katakana middle dot: what a Japanese IME types for ·
    "\u22c5": "*",  # dot operator
    "\u2219": "*",  # bullet operator
    "\u2217": "*",  # asterisk operator
    "\u00f7": "/",  # division sign
    "\u2215": "/",  # division slash
    "\u03c0": " pi ",  # Greek pi
    "\t": " ",
}
_ALLOWED_ASCII = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-*/^().,_{}\\%"
)
_SPACING_PUNCT = frozenset("!;:")  # only as the LaTeX spacing commands \! \; \:
_CHAR_HINTS = {
    "!": "factorial is not supported",
    "=": "type only the expression, without '='",
    "[": "use ( ) for brackets",
    "]": "use ( ) for brackets",
    "|": "absolute value is not supported",
}


def _char_error(ch: str, offset: int) -> AnswerParseError:
    codepoint = f"U+{ord(ch):04X}"
    name = unicodedata.name(ch, "") if unicodedata.category(ch) != "Cs" else ""
    detail = {"codepoint": codepoint, "char_name": name}
    # Never echo invisible/bidi characters into a message a terminal will show.
    if ch.isprintable() and unicodedata.category(ch) not in ("Cs", "Cf"):
        detail["char"] = ch
        shown = repr(ch)
    else:
        shown = codepoint + (f" ({name})" if name else "")
    hint = _CHAR_HINTS.get(ch)
    if hint:
        detail["hint"] = hint
    message = f"character {shown} is not allowed" + (f" ({hint})" if hint else "")
    return AnswerParseError("bad_character", message, offset, detail)


def _strip_bounds(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and (text[start] in _EDGE_SPACE or unicodedata.category(text[start]) == "Zs"):
        start += 1
    while end > start and (text[end - 1] in _EDGE_SPACE or unicodedata.category(text[end - 1]) == "Zs"):
        end -= 1
    return start, end


def _normalise(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """NFKC + explicit maps, character by character so each output character
    knows its original offset.  Returns ASCII text and the offset list."""
    out: list[str] = []
    offs: list[int] = []
    in_super = False
    for i in range(start, end):
        ch = text[i]
        if unicodedata.category(ch) in _REJECTED_CATEGORIES and ch != "\t":
            raise _char_error(ch, i)
        is_super = unicodedata.decomposition(ch).startswith("<super>")
        if is_super and not in_super:
            out.append("^(")
            offs += [i, i]
        elif in_super and not is_super:
            out.append(")")
            offs.append(i)
        in_super = is_super
        folded = unicodedata.normalize("NFKC", ch)
        if "\u2044" in folded:  # vulgar fractions: "3½" would silently mean 3*(1/2)
            raise _char_error(ch, i)
        for c in folded:
            c = _CHAR_MAP.get(c, c)
            for d in c:
                if d not in _ALLOWED_ASCII and not (d in _SPACING_PUNCT and out and out[-1] == "\\"):
                    raise _char_error(ch, i)
                out.append(d)
                offs.append(i)
    if in_super:
        out.append(")")
        offs.append(end)
    norm = "".join(out)
    if len(norm) > MAX_SOURCE_LENGTH:
        raise _fail("too_long", f"input expands to more than {MAX_SOURCE_LENGTH} characters", None,
                    limit=MAX_SOURCE_LENGTH)
    offs.append(end)  # sentinel: "end of input"
    return norm, offs


# --- step 3: tokenizer ----------------------------------------------------

class _Tok(NamedTuple):
    kind: str  # num name op lpar rpar lbrace rbrace comma cmd other frac
    text: str
    pos: int  # offset into the original text


_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LETTERS = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_RAW_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUB_DIGITS = re.compile(r"_([0-9]+)")
_SUB_GROUP = re.compile(r"_\{\s*([A-Za-z0-9]+)\s*\}")
_SUB_LETTER = re.compile(r"_([A-Za-z])(?![A-Za-z0-9_])")  # only for log_e
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.?)", re.S)
_SINGLE = {"(": "lpar", ")": "rpar", "{": "lbrace", "}": "rbrace", ",": "comma",
           "+": "op", "-": "op", "*": "op", "/": "op", "^": "op", "%": "op"}


def _check_number(text: str, pos: int) -> None:
    """Literal size limits, before Python or Fraction ever converts it."""
    def too_large(why: str, limit: int | None = None) -> AnswerParseError:
        return _fail("number_too_large", f"number {why}", pos, subcode="literal", literal=text[:40], limit=limit)

    mantissa, _, exp = text.lower().partition("e")
    if exp and abs(int(exp)) > MAX_SCI_EXPONENT:
        raise too_large(f"has an exponent beyond {MAX_SCI_EXPONENT}", MAX_SCI_EXPONENT)
    if "." not in mantissa and not exp:
        if len(mantissa.lstrip("0")) > MAX_INT_DIGITS:
            raise too_large(f"has more than {MAX_INT_DIGITS} digits", MAX_INT_DIGITS)
        return
    digits = mantissa.replace(".", "").lstrip("0")
    if "." in mantissa:
        digits = digits.rstrip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        raise too_large(f"has more than {MAX_SIGNIFICANT_DIGITS} significant digits", MAX_SIGNIFICANT_DIGITS)
    if not math.isfinite(float(text)):
        raise too_large("is too large")


def _log_with_base(base: str, pos: int) -> _Tok:
    """log_2, log_{10}, log_e (also after \\log) name the matching function."""
    name = {"2": "log2", "10": "log10", "e": "ln"}.get(base)
    if name is None:
        raise _fail("bad_log_base", "log base must be 2, 10 or e", pos, function="log", base=base[:20],
                    allowed=["2", "10", "e"])
    return _Tok("name", name, pos)


def _lex_name(norm: str, offs: list[int], i: int) -> tuple[_Tok, int]:
    """A name, with LaTeX subscripts joined: y_1, y_{12} -> y1, y12."""
    m = _LETTERS.match(norm, i)
    if m:
        name, j = m.group(), m.end()
        sub = _SUB_DIGITS.match(norm, j) or _SUB_GROUP.match(norm, j)
        if name == "log" and not sub:
            sub = _SUB_LETTER.match(norm, j)
        if sub:
            if name == "log":
                return _log_with_base(sub.group(1), offs[i]), sub.end()
            return _Tok("name", name + sub.group(1), offs[i]), sub.end()
        if not norm.startswith("_", j):
            return _Tok("name", name, offs[i]), j
    m = _RAW_IDENT.match(norm, i)  # __class__ and friends: reported as unknown names
    return _Tok("name", m.group(), offs[i]), m.end()


def _tokenize(norm: str, offs: list[int]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch == " ":
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and norm[i + 1].isdigit()):
            m = _NUMBER.match(norm, i)
            literal = m.group()
            _check_number(literal, offs[i])
            if literal.isdigit():  # Python rejects leading zeros in integers ("007")
                literal = literal.lstrip("0") or "0"
            toks.append(_Tok("num", literal, offs[i]))
            i = m.end()
        elif ch.isalpha() or ch == "_":
            tok, i = _lex_name(norm, offs, i)
            if keyword.iskeyword(tok.text):
                raise _fail("unknown_name", f"unknown name {tok.text!r}", tok.pos, name=tok.text)
            toks.append(tok)
        elif ch == "\\":
            m = _COMMAND.match(norm, i)
            i = m.end()
            sub = _SUB_DIGITS.match(norm, i) or _SUB_GROUP.match(norm, i) or _SUB_LETTER.match(norm, i)
            if m.group() == "\\log" and sub:
                toks.append(_log_with_base(sub.group(1), offs[m.start()]))
                i = sub.end()
            else:
                toks.append(_Tok("cmd", m.group(), offs[m.start()]))
        elif norm.startswith("**", i):
            toks.append(_Tok("op", "^", offs[i]))
            i += 2
        elif ch in _SINGLE:
            toks.append(_Tok(_SINGLE[ch], ch, offs[i]))
            i += 1
        else:  # only "." can get here; Python will see an attribute access and we reject that
            toks.append(_Tok("other", ch, offs[i]))
            i += 1
    return toks


_SPACING = frozenset({",", "!", " ", ";", ":", "quad", "qquad"})
_SIZING = frozenset({"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"})
_CMD_TOKENS = {
    "log": ("name", "log"), "ln": ("name", "ln"), "exp": ("name", "exp"),
    "sqrt": ("name", "sqrt"), "pi": ("name", "pi"),
    "cdot": ("op", "*"), "times": ("op", "*"), "div": ("op", "/"),
    "frac": ("frac", "frac"), "dfrac": ("frac", "frac"), "tfrac": ("frac", "frac"),
}


def _expand_commands(toks: list[_Tok]) -> list[_Tok]:
    out: list[_Tok] = []
    for t in toks:
        if t.kind != "cmd":
            out.append(t)
            continue
        name = t.text[1:]
        if name in _SPACING or name in _SIZING:
            continue  # \left( keeps its "(" as the next token
        if name in _CMD_TOKENS:
            kind, text = _CMD_TOKENS[name]
            out.append(_Tok(kind, text, t.pos))
            continue
        shown = name if name.isprintable() else f"U+{ord(name):04X}" if name else ""
        raise _fail("unknown_command", f"unsupported command '\\{shown}'", t.pos, command=shown)
    return out


_OPENERS = {"lpar": "rpar", "lbrace": "rbrace"}
_CLOSERS = {"rpar", "rbrace"}


def _check_brackets(toks: list[_Tok]) -> None:
    """Balanced, same-kind pairs, bounded depth: all before ast.parse sees it."""
    stack: list[_Tok] = []
    for t in toks:
        if t.kind in _OPENERS:
            stack.append(t)
            if len(stack) > MAX_BRACKET_DEPTH:
                raise _fail("too_deep", f"brackets nested more than {MAX_BRACKET_DEPTH} deep", t.pos,
                            limit=MAX_BRACKET_DEPTH, subcode="brackets")
        elif t.kind in _CLOSERS:
            if not stack:
                raise _fail("syntax", f"unmatched {t.text!r}", t.pos, subcode="unmatched_bracket")
            opener = stack.pop()
            if _OPENERS[opener.kind] != t.kind:
                raise _fail("syntax", f"{t.text!r} does not match {opener.text!r}", t.pos,
                            subcode="mismatched_bracket")
    if stack:
        raise _fail("syntax", f"{stack[-1].text!r} is never closed", stack[-1].pos, subcode="unclosed_bracket")


def _match(toks: list[_Tok], i: int) -> int:
    """Index of the bracket closing toks[i] (brackets are known balanced)."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind in _OPENERS:
            depth += 1
        elif toks[j].kind in _CLOSERS:
            depth -= 1
            if depth == 0:
                return j
    raise AssertionError("unbalanced brackets after _check_brackets")


def _expand_frac(toks: list[_Tok]) -> list[_Tok]:
    """\\frac{a}{b} -> ({a}/{b}); braces become parentheses later."""
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "frac":
            if i + 1 >= len(toks) or toks[i + 1].kind != "lbrace":
                raise _fail("syntax", "\\frac needs {numerator}{denominator}", t.pos, subcode="frac_arguments")
            j = _match(toks, i + 1)
            if j + 1 >= len(toks) or toks[j + 1].kind != "lbrace":
                raise _fail("syntax", "\\frac needs {numerator}{denominator}", t.pos, subcode="frac_arguments")
            k = _match(toks, j + 1)
            toks.insert(k + 1, _Tok("rpar", ")", toks[k].pos))
            toks.insert(j + 1, _Tok("op", "/", toks[j + 1].pos))
            toks[i] = _Tok("lpar", "(", t.pos)
        i += 1
    return [_Tok("lpar", "(", t.pos) if t.kind == "lbrace" else
            _Tok("rpar", ")", t.pos) if t.kind == "rbrace" else t for t in toks]


def _is_func(t: _Tok) -> bool:
    return t.kind == "name" and t.text in _FUNCTIONS


def _atom_end(toks: list[_Tok], j: int) -> int | None:
    if j >= len(toks):
        return None
    t = toks[j]
    if t.kind == "num" or (t.kind == "name" and not _is_func(t)):
        return j + 1
    if t.kind == "lpar":
        return _match(toks, j) + 1
    if _is_func(t) and j + 1 < len(toks) and toks[j + 1].kind == "lpar":
        return _match(toks, j + 1) + 1
    return None


def _primary_end(toks: list[_Tok], j: int) -> int | None:
    """End of 'atom (^ [sign] atom)*' starting at j, the argument of a
    function written without parentheses."""
    end = _atom_end(toks, j)
    while end is not None and end < len(toks) and toks[end].text == "^":
        k = end + 1
        if k < len(toks) and toks[k].text in ("+", "-"):
            k += 1
        nxt = _atom_end(toks, k)
        if nxt is None:
            break
        end = nxt
    return end


def _apply_bare_functions(toks: list[_Tok]) -> list[_Tok]:
    """log y1 -> log(y1).  Right to left, so \\log\\log y nests correctly."""
    for i in range(len(toks) - 1, -1, -1):
        if _is_func(toks[i]) and (i + 1 >= len(toks) or toks[i + 1].kind != "lpar"):
            end = _primary_end(toks, i + 1)
            if end is not None:
                toks.insert(end, _Tok("rpar", ")", toks[end - 1].pos))
                toks.insert(i + 1, _Tok("lpar", "(", toks[i + 1].pos))
    return toks


def _insert_products(toks: list[_Tok], symbols: Mapping[str, sympy.Expr]) -> list[_Tok]:
    """2y1 -> 2*y1, t1 log(y1) -> t1*log(y1), (a)(b) -> (a)*(b).
    An unknown name before '(' is left alone so it reads as a call and is
    reported as an unknown function."""
    out: list[_Tok] = []
    for t in toks:
        if out:
            prev = out[-1]
            left = prev.kind in ("num", "rpar") or (prev.kind == "name" and not _is_func(prev))
            if t.kind == "name":
                right = True
            elif t.kind == "lpar":
                right = prev.kind in ("num", "rpar") or prev.text in symbols or prev.text in _CONSTANTS
            else:
                right = False
            if left and right:
                out.append(_Tok("op", "*", t.pos))
        out.append(t)
    return out


class _Source(NamedTuple):
    text: str  # Python-syntax, ASCII
    offs: list[int]  # original offset of each character, plus an end sentinel
    toks: list[int]  # token index of each character (-1 for separators)
    tok_texts: list[str]


def _emit(toks: list[_Tok], end_offset: int) -> _Source:
    parts: list[str] = []
    offs: list[int] = []
    owner: list[int] = []
    for k, t in enumerate(toks):
        text = "**" if t.text == "^" else t.text
        if parts:
            parts.append(" ")
            offs.append(t.pos)
            owner.append(-1)
        parts.append(text)
        offs += [t.pos] * len(text)
        owner += [k] * len(text)
    offs.append(end_offset)
    text = "".join(parts)
    if len(text) > MAX_SOURCE_LENGTH:
        raise _fail("too_long", f"input expands to more than {MAX_SOURCE_LENGTH} characters", None,
                    limit=MAX_SOURCE_LENGTH)
    depth = 0
    for c, o in zip(text, offs):
        depth += (c == "(") - (c == ")")
        if depth > MAX_BRACKET_DEPTH:
            raise _fail("too_deep", f"expression nested more than {MAX_BRACKET_DEPTH} deep", o,
                        limit=MAX_BRACKET_DEPTH, subcode="brackets")
    return _Source(text, offs, owner, ["**" if t.text == "^" else t.text for t in toks])


def _to_python(text: str, start: int, end: int, symbols: Mapping[str, sympy.Expr],
               allow_percent: bool) -> tuple[_Source, bool]:
    norm, offs = _normalise(text, start, end)
    toks = _tokenize(norm, offs)
    had_percent = False
    if allow_percent and toks and toks[-1].text == "%":
        toks.pop()
        had_percent = True
    for t in toks:
        if t.text == "%":
            raise _fail("percent_sign", "'%' is not accepted here; type the plain number", t.pos)
    if not toks:
        raise _fail("empty", "the answer is empty", None)
    toks = _expand_commands(toks)
    _check_brackets(toks)
    toks = _expand_frac(toks)
    toks = _apply_bare_functions(toks)
    toks = _insert_products(toks, symbols)
    if not toks:
        raise _fail("empty", "the answer is empty", None)
    return _emit(toks, end), had_percent


# --- step 4: ast.parse and whitelist check --------------------------------

def _syntax_error(src: _Source, err: SyntaxError) -> AnswerParseError:
    idx = (err.offset or 0) - 1
    if err.lineno not in (None, 1) or idx < 0 or idx >= len(src.text):
        return _fail("syntax", "the expression is incomplete", src.offs[-1], subcode="incomplete")
    while idx < len(src.text) and src.toks[idx] < 0:
        idx += 1
    if idx >= len(src.text):
        return _fail("syntax", "the expression is incomplete", src.offs[-1], subcode="incomplete")
    token = src.tok_texts[src.toks[idx]]
    return _fail("syntax", f"unexpected {token!r}", src.offs[idx], subcode="unexpected", token=token)


def _parse_ast(src: _Source) -> ast.expr:
    try:
        tree = ast.parse(src.text, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(src, err) from None
    except (RecursionError, MemoryError):
        raise _fail("too_deep", "the expression is nested too deeply", None, subcode="parser") from None
    except ValueError:  # e.g. NUL; unreachable after the character checks
        raise _fail("syntax", "the expression cannot be read", None, subcode="invalid") from None
    return tree.body


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)


def _forbidden(node: ast.AST, pos: int, what: str) -> AnswerParseError:
    return _fail("forbidden_syntax", f"{what} is not allowed", pos, node=type(node).__name__)


def _validate(root: ast.expr, src: _Source) -> None:
    """Whitelist walk, iterative, so a hostile tree cannot exhaust the stack."""
    count = 0
    stack: list[tuple[ast.expr, int, int]] = [(root, 1, 0)]
    while stack:
        node, depth, calls = stack.pop()
        pos = src.offs[node.col_offset]
        count += 1
        if count > MAX_NODES:
            raise _fail("too_many_nodes", f"the expression has more than {MAX_NODES} parts", None,
                        limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise _fail("too_deep", f"the expression is nested more than {MAX_DEPTH} deep", pos,
                        limit=MAX_DEPTH, subcode="expression")
        children: list[ast.expr] = []
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise _forbidden(node, pos, f"operator {type(node.op).__name__}")
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, _UNARY):
                raise _forbidden(node, pos, f"operator {type(node.op).__name__}")
            children = [node.operand]
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _forbidden(node, pos, "this literal")
        elif isinstance(node, ast.Name):
            pass
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _forbidden(node, pos, "calling this")
            if node.keywords:
                raise _forbidden(node.keywords[0], pos, "a keyword argument")
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    raise _forbidden(arg, src.offs[arg.col_offset], "'*' before an argument")
            calls += 1
            if calls > MAX_CALL_DEPTH:
                raise _fail("too_deep", f"functions nested more than {MAX_CALL_DEPTH} deep", pos,
                            limit=MAX_CALL_DEPTH, subcode="function_nesting")
            children = list(node.args)
        elif isinstance(node, ast.Tuple):
            comma = src.offs[node.elts[0].end_col_offset] if node.elts else pos
            raise _fail("unexpected_comma", "comma outside function arguments (use '.' for decimals)",
                        comma)
        elif isinstance(node, ast.Attribute):
            raise _forbidden(node, src.offs[node.value.end_col_offset], "'.' after a value")
        else:
            raise _forbidden(node, pos, "this construct")
        stack.extend((child, depth + 1, calls) for child in reversed(children))


# --- step 5: build SymPy objects ------------------------------------------

_UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


class _Builder:
    def __init__(self, src: _Source, symbols: Mapping[str, sympy.Expr]):
        self.src = src
        self.symbols = symbols

    def pos(self, node: ast.AST) -> int:
        return self.src.offs[node.col_offset]

    def build(self, node: ast.expr) -> sympy.Expr:
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
        raise AssertionError(f"unvalidated node {type(node).__name__}")  # _validate guards this

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
        if ident == "e":
            return sympy.E
        if ident == "pi":
            return sympy.pi
        if ident in _FUNCTIONS:
            raise _fail("bad_arity", f"function {ident!r} needs an argument in parentheses", self.pos(node),
                        function=ident, expected=1, got=0)
        raise _fail("unknown_name", f"unknown name {ident!r}", self.pos(node), name=ident)

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
            raise _fail("undefined", "division by zero", self.op_pos(node), operator="/")
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
            raise _fail("number_too_large", "roots of numbers this large are not supported", self.pos(node),
                        limit=MAX_ROOT_BITS, subcode="root_of_large_number")
        return self.checked(sympy.Mul(left, right), node)

    def power(self, node: ast.BinOp) -> sympy.Expr:
        for sub in ast.walk(node.right):
            if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
                raise _fail("exponent_too_large", "powers inside an exponent are not supported",
                            self.op_pos(sub), subcode="nested_power")
        base = self.build(node.left)
        exponent = self.build(node.right)
        if not exponent.free_symbols:
            value = evaluate(exponent, {})
            if math.isnan(value) or abs(value) > MAX_EXPONENT:
                raise _fail("exponent_too_large", f"exponent larger than {MAX_EXPONENT}", self.op_pos(node),
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
                raise _fail("number_too_large", "the power is too large to compute exactly", self.pos(node),
                            limit=MAX_EXACT_BITS, subcode="power")
        elif bits * abs(exponent.p) > MAX_ROOT_BITS:
            raise _fail("number_too_large", "roots of numbers this large are not supported", self.pos(node),
                        limit=MAX_ROOT_BITS, subcode="root_of_large_number")

    def call(self, node: ast.Call) -> sympy.Expr:
        fname = node.func.id
        if fname not in _FUNCTIONS:
            if fname in self.symbols or fname in _CONSTANTS:  # unreachable: '*' is inserted
                raise _fail("syntax", f"{fname!r} is not a function", self.pos(node), subcode="not_callable")
            raise _fail("unknown_function", f"unknown function {fname!r}", self.pos(node), name=fname)
        args = node.args
        most = 2 if fname == "log" else 1
        if not 1 <= len(args) <= most:
            raise _fail("bad_arity", f"{fname} takes {most if most == 1 else '1 or 2'} argument(s), "
                        f"got {len(args)}", self.pos(node), function=fname, expected=most, got=len(args))
        base = None
        if len(args) == 2:
            base = self.log_base(args[1])
        arg = self.build(args[0])
        if fname in ("log", "ln", "log10", "log2") and arg == 0:
            raise _fail("undefined", "log(0) is undefined", self.pos(node), function=fname)
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
        raise _fail("bad_log_base", "log base must be 2, 10 or e (use '.' for decimals)", self.pos(node),
                    function="log", allowed=["2", "10", "e"])

    def checked(self, expr: sympy.Expr, node: ast.AST) -> sympy.Expr:
        """Reject results holding oversized exact numbers or undefined values."""
        largest, undefined = _scan_numbers(expr)
        if largest > MAX_EXACT_BITS:
            raise _fail("number_too_large", "an intermediate number is too large", self.pos(node),
                        limit=MAX_EXACT_BITS, subcode="intermediate")
        if undefined:
            raise _fail("undefined", "the expression is undefined here (division by zero?)", self.pos(node))
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


# --- public API ------------------------------------------------------------

def _parse(text: str, symbols: Mapping[str, sympy.Expr], allow_percent: bool) -> tuple[sympy.Expr, bool]:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", f"the answer is longer than {MAX_LENGTH} characters", None,
                    limit=MAX_LENGTH, length=len(text))
    start, end = _strip_bounds(text)
    if start == end:
        raise _fail("empty", "the answer is empty", None)
    src, had_percent = _to_python(text, start, end, symbols, allow_percent)
    root = _parse_ast(src)
    _validate(root, src)
    try:
        expr = _Builder(src, symbols).build(root)
    except RecursionError:
        raise _fail("too_deep", "the expression is nested too deeply", None, subcode="builder") from None
    except (ArithmeticError, MemoryError):
        raise _fail("number_too_large", "a number in the expression is too large", None,
                    subcode="arithmetic") from None
    return expr, had_percent


def parse_expression(text: str, *, symbols: Mapping[str, sympy.Expr] | None = None) -> sympy.Expr:
    """Parse a typed formula into a SymPy expression (see module docstring).

    ``symbols`` maps allowed variable names to SymPy expressions; None means
    ``DEFAULT_SYMBOLS``.  Raises AnswerParseError for anything not accepted.
    """
    if symbols is None:
        symbols = DEFAULT_SYMBOLS
    else:
        _check_symbols(symbols)
    return _parse(text, symbols, allow_percent=False)[0]


def parse_number_detail(text: str) -> tuple[float, bool]:
    """Like parse_number, but one trailing '%' is accepted and reported.

    Returns ``(value_as_typed, had_percent)``: "50%" gives (50.0, True); the
    caller decides whether that means 0.5.
    """
    expr, had_percent = _parse(text, _NO_SYMBOLS, allow_percent=True)
    return _to_float(expr), had_percent


def parse_number(text: str) -> float:
    """A numeric answer ("1.109", "－0.48", "-log(0.33)", "1.1e-3") as a float.

    No variables are allowed.  '%' is rejected (code percent_sign); use
    parse_number_detail to accept it.  A value that is not a finite real
    (log of a negative number, overflow) raises code not_a_number.
    """
    expr, _ = _parse(text, _NO_SYMBOLS, allow_percent=False)
    return _to_float(expr)


def _to_float(expr: sympy.Expr) -> float:
    value = evaluate(expr, {})
    if math.isnan(value):
        raise _fail("not_a_number", "the value is not a finite real number", None)
    return value


# --- numeric evaluation ----------------------------------------------------

_NAN = float("nan")


def evaluate(expr: sympy.Expr, values: Mapping[sympy.Symbol, float]) -> float:
    """Evaluate expr at a point with plain floats (no lambdify, no evalf).

    Returns a finite float, or nan when the value is not a finite real number
    (domain error, complex, overflow, division by zero).  A symbol missing
    from ``values`` raises KeyError; a SymPy node this module never produces
    raises TypeError.
    """
    try:
        value = _eval(expr, values)
    except (ValueError, OverflowError, ZeroDivisionError):
        return _NAN
    return value if math.isfinite(value) else _NAN


def _eval(e: sympy.Basic, values: Mapping[sympy.Symbol, float]) -> float:
    if e.is_Symbol:
        return float(values[e])
    if e.is_Rational:
        return e.p / e.q
    if e.is_Add:
        return sum(_eval(a, values) for a in e.args)
    if e.is_Mul:
        result = 1.0
        for a in e.args:
            result *= _eval(a, values)
        return result
    if e.is_Pow:
        base = _eval(e.base, values)
        exp = e.exp
        if exp is sympy.S.Half:
            return math.sqrt(base)
        if exp is sympy.S.NegativeOne:
            return 1.0 / base
        return math.pow(base, _eval(exp, values))
    if isinstance(e, sympy.log):
        return math.log(_eval(e.args[0], values))
    if isinstance(e, sympy.exp):
        return math.exp(_eval(e.args[0], values))
    if e.is_Float:
        return float(e)
    if e is sympy.S.Pi:
        return math.pi
    if e is sympy.S.Exp1:
        return math.e
    if isinstance(e, sympy.Abs):
        return abs(_eval(e.args[0], values))
    if e.is_Number or e is sympy.S.ImaginaryUnit:  # zoo, nan, oo, I
        return _NAN
    raise TypeError(f"evaluate() does not support {type(e).__name__}")
