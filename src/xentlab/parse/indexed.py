"""The indexed language of derivations, token side: subscripted families (y_k, y_{n,k}, t_1),
sums and products over an index (\\sum_{k=1}^{K}, Σ_k, \\prod, ∏), and an ellipsis between
written-out terms (y_1 + y_2 + \\cdots + y_K).

Only :func:`xentlab.parse.parse_indexed` turns this on; ``parse_expression`` is unchanged.
Tokens become Python syntax the whitelist knows: ``y[n, k]`` for an indexed variable,
``__sum__(body, k, 1, K)`` for a sum (names starting with ``_`` cannot be typed in this
mode, so only the parser can produce these calls) and ``...`` for an ellipsis.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from xentlab.parse.errors import AnswerParseError, fail

# --- limits ------------------------------------------------------------------

MAX_INDEX = 100  # a written index: y_{100}
MAX_BOUND = 100  # a concrete bound of a sum: \sum_{k=1}^{100}
MAX_BIGOP_DEPTH = 3  # sums inside sums
MAX_TERMS = 2000  # product of the concrete bounds of nested sums

INDEXED_ERROR_CODES: dict[str, str] = {
    "bad_index": "a subscript that is not an index letter or a whole number in 1..MAX_INDEX",
    "bad_bounds": "a sum or product whose index or bounds are not an index letter, a size or a whole number",
    "too_many_terms": "a sum or product with more than MAX_BOUND terms (MAX_TERMS when nested)",
    "index_clash": "a sum over an index already bound by an enclosing sum",
    "ellipsis": "an ellipsis whose terms do not follow one pattern (t_1, t_2, …, t_K)",
}

BIGOP_NAMES = {"sum": "__sum__", "prod": "__prod__"}
BIGOP_CALLS = frozenset(BIGOP_NAMES.values())


@dataclass(frozen=True)
class Indexing:
    """Which names are indexed families, summation indices and sizes.

    ``upper`` gives the bound a sum takes when none is written (Σ_k → k = 1..K)."""

    bases: Mapping[str, sympy.IndexedBase]
    indices: Mapping[str, sympy.Symbol]
    sizes: Mapping[str, sympy.Symbol]
    upper: Mapping[str, str]


# --- characters ----------------------------------------------------------------

CHAR_MAP = {
    "\u03a3": " \\sum ", "\u2211": " \\sum ",  # Greek capital sigma, n-ary summation
    "\u03a0": " \\prod ", "\u220f": " \\prod ",  # Greek capital pi, n-ary product
    "\u22ef": " \\cdots ", "\u2026": " ... ",  # midline and horizontal ellipsis
    "[": "(", "]": ")",  # square brackets group, as in -[t log y + (1 - t) log(1 - y)]
}
DOTS_COMMANDS = frozenset({"cdots", "ldots", "dots", "dotsb", "dotsm", "dotsc"})
DROPPED_COMMANDS = frozenset({"limits", "nolimits", "displaystyle", "textstyle"})
WRAPPER_COMMANDS = frozenset({"mathrm", "text", "textrm", "operatorname", "mathit", "rm"})

# --- subscripts and limits, read from the normalised text ------------------------

_WRAPPED = re.compile(r"\\(?:mathrm|text|textrm|operatorname|mathit|rm)\s*\{\s*([A-Za-z0-9]+)\s*\}")
_SUB_BRACED = re.compile(r"_\s*\{((?:[^{}\\]|\\[A-Za-z]+\s*\{[A-Za-z0-9 ]*\})*)\}")
_SUB_SINGLE = re.compile(r"_\s*([0-9]+|[A-Za-z])")
_SUB_PAIR = re.compile(r"_([A-Za-z]{2})(?![A-Za-z0-9_])")  # y_nk, t_iv: the way xentlab derive prints them
_SUB_WORD = re.compile(r"_(sum|mean|total|batch)(?![A-Za-z0-9])")  # E_sum typed without braces
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_BOUND = r"([0-9]+|[A-Za-z])"
# _{k=1}, _k, and _{k=1..K} as xentlab's own text output writes a range (… is read as ...)
_LIMIT_SUB = re.compile(r"\s*_\s*(?:\{\s*([A-Za-z])\s*(?:=\s*" + _BOUND + r"\s*(?:\.{2,3}\s*" + _BOUND
                        + r"\s*)?)?\}|([A-Za-z]))")
_LIMIT_SUP = re.compile(r"\s*\^\s*(?:\{\s*" + _BOUND + r"\s*\}|" + _BOUND + ")")
_LIMITS_WORD = re.compile(r"\s*\\(?:no)?limits(?![A-Za-z])")
_OPERAND_END = frozenset({"num", "name", "rpar", "rbrack", "dots"})


def subscript(norm: str, j: int) -> tuple[str, int] | None:
    """The subscript written at norm[j] (``_1``, ``_k``, ``_{n,k}``, ``_{\\mathrm{sum}}``), unwrapped."""
    m = _SUB_BRACED.match(norm, j) or _SUB_WORD.match(norm, j) or _SUB_SINGLE.match(norm, j)
    if m is None:
        return None
    return _WRAPPED.sub(r"\1", m.group(1)).strip(), m.end()


def index_items(text: str, indexing: Indexing) -> list[str] | None:
    """'1' → ['1'], 'k' → ['k'], 'n,k' or 'nk' or 'n k' → ['n', 'k']; None when not indices."""
    parts = [p for p in re.split(r"[\s,]+", text) if p]
    if len(parts) == 1 and not parts[0].isdigit():
        parts = list(parts[0])  # y_{nk}: two index letters
    items = []
    for part in parts:
        if part.isdigit() or part in indexing.indices or part in indexing.sizes:
            items.append(part)
        else:
            return None
    return items or None


def lex_name(norm: str, offs: list[int], i: int, indexing: Indexing, make) -> tuple[list, int]:
    """Tokens for the name at norm[i]: an indexed variable, a sum/prod word, or a plain name
    (a subscript that is not an index is joined to it, as parse_expression does: E_{sum} → Esum)."""
    if norm[i] == "_":
        raise fail("unknown_name", "a name cannot start with '_'", offs[i], name=norm[i:i + 20].split(" ")[0])
    m = _NAME.match(norm, i)
    name, j = m.group(), m.end()
    pos = offs[i]
    if keyword.iskeyword(name):
        raise fail("unknown_name", f"unknown name {name!r}", pos, name=name)
    if name in BIGOP_NAMES and norm[j:j + 1] in ("_", "^"):
        return [limits_token(norm, offs, j, name, pos)], _limits_end(norm, j)
    plain = re.fullmatch(r"([A-Za-z])([0-9]+|[A-Z])", name)
    if plain and plain.group(1) in indexing.bases and (plain.group(2).isdigit() or plain.group(2) in indexing.sizes):
        return indexed_tokens(make, plain.group(1), [plain.group(2)], pos), j  # y1 → y[1], tK → t[K]
    pair = _SUB_PAIR.match(norm, j) if name in indexing.bases else None
    if pair and all(letter in indexing.indices for letter in pair.group(1)):
        return indexed_tokens(make, name, list(pair.group(1)), pos), pair.end()  # y_nk → y[n, k]
    sub = subscript(norm, j)
    if sub is not None and name != "log":
        text, end = sub
        items = index_items(text, indexing) if name in indexing.bases else None
        if items is not None:
            return indexed_tokens(make, name, items, pos), end
        if re.fullmatch(r"[A-Za-z0-9]+", text):
            return [make("name", name + text, pos)], end
        raise fail("bad_index", f"subscript {text[:20]!r} is not an index", offs[j], subscript=text[:20])
    if norm.startswith("_", j):
        raise fail("unknown_name", f"unknown name {norm[i:j + 1]!r}", pos, name=norm[i:j + 1])
    return [make("name", name, pos)], j


def indexed_tokens(make, base: str, items: list[str], pos: int) -> list:
    toks = [make("name", base, pos), make("lbrack", "[", pos)]
    for n, item in enumerate(items):
        if n:
            toks.append(make("comma", ",", pos))
        if item.isdigit():
            if not 1 <= int(item) <= MAX_INDEX:
                raise fail("bad_index", f"index {item[:20]} is outside 1..{MAX_INDEX}", pos, limit=MAX_INDEX)
            toks.append(make("num", str(int(item)), pos))
        else:
            toks.append(make("name", item, pos))
    toks.append(make("rbrack", "]", pos))
    return toks


def _read_limits(norm: str, j: int) -> tuple[str, str, str, int]:
    """(index, lower, upper, end) from `_{k=1}^{K}` (either order, each optional, \\limits allowed)."""
    index = lower = upper = ""
    m = _LIMITS_WORD.match(norm, j)
    if m:
        j = m.end()
    for _ in range(2):
        sub = _LIMIT_SUB.match(norm, j)
        if sub and not index:
            index, lower = sub.group(1) or sub.group(4), sub.group(2) or ""
            upper = upper or sub.group(3) or ""
            j = sub.end()
            continue
        sup = _LIMIT_SUP.match(norm, j)
        if sup and not upper:
            upper = sup.group(1) or sup.group(2)
            j = sup.end()
    return index, lower, upper, j


def _limits_end(norm: str, j: int) -> int:
    return _read_limits(norm, j)[3]


def limits_token(norm: str, offs: list[int], j: int, op: str, pos: int):
    """One 'bigop' token whose text is op|index|lower|upper (empty where not written)."""
    from xentlab.parse.tokens import Tok

    index, lower, upper, end = _read_limits(norm, j)
    rest = norm[end:].lstrip()
    if rest[:1] in ("_", "^"):  # bounds written in a way we do not read: K^{2}, {k=1..K}
        raise fail("bad_bounds", f"the bounds of \\{op} must read like _{{k=1}}^{{K}}", offs[end], bound=rest[:20])
    return Tok("bigop", f"{op}|{index}|{lower}|{upper}", pos)


def command(name: str, norm: str, offs: list[int], end: int, pos: int) -> tuple[list, int] | None:
    """Tokens for a LaTeX command of the indexed language, or None when it is not one."""
    from xentlab.parse.tokens import Tok

    if name in ("sum", "prod"):
        return [limits_token(norm, offs, end, name, pos)], _limits_end(norm, end)
    if name in DOTS_COMMANDS:
        return [Tok("dots", "...", pos)], end
    if name == "sqrt" and norm[end:].lstrip().startswith("("):  # \sqrt[3]{8}: brackets became ( here
        raise fail("unknown_command", "roots other than \\sqrt{x} are not supported", pos, command="sqrt[n]")
    if name in ("log", "ln", "exp") and not re.match(r"_", norm[end:end + 1]):
        return [Tok("lfunc", name, pos)], end
    if name in DROPPED_COMMANDS or name in WRAPPER_COMMANDS:
        return [], end  # \mathrm{PPL}: the braces stay, as a group
    return None


# --- sums: how far the summand reaches ---------------------------------------------


def wrap_bigops(toks: list, indexing: Indexing, match) -> list:
    """Σ_k body → __sum__(body, k, lower, upper). The summand runs to the next + or − between
    terms, a comma or a closing bracket, so Σ binds like a factor: −Σ_k a_k b_k + c is
    −(Σ_k a_k b_k) + c. Right to left, so an inner sum is already one atom for the outer."""
    from xentlab.parse.tokens import Tok

    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        if t.kind != "bigop":
            continue
        op, index, lower, upper = t.text.split("|")
        end = _summand_end(toks, i + 1, match)
        if end == i + 1:
            raise fail("syntax", f"\\{op} needs a term after it", t.pos, subcode="empty_summand")
        body = toks[i + 1:end]
        index = index or _index_in(body, indexing)
        if index is None or index not in indexing.indices:
            raise fail("bad_bounds", f"the index of \\{op} must be one of {', '.join(indexing.indices)}", t.pos,
                       index=(index or "")[:20])
        upper = upper or indexing.upper.get(index, "")
        lower = lower or "1"
        for bound in (lower, upper):
            if not (bound.isdigit() or bound in indexing.sizes):
                raise fail("bad_bounds", f"a bound of \\{op} must be a whole number or a size "
                           f"({', '.join(indexing.sizes)})", t.pos, bound=bound[:20])
            if bound.isdigit() and int(bound) > MAX_BOUND:
                raise fail("too_many_terms", f"a sum or product of more than {MAX_BOUND} terms", t.pos,
                           limit=MAX_BOUND)
        call = [Tok("bigcall", BIGOP_NAMES[op], t.pos), Tok("lpar", "(", t.pos), *body]
        for part in (index, lower, upper):
            call += [Tok("comma", ",", t.pos), Tok("num" if part.isdigit() else "name", part, t.pos)]
        call.append(Tok("rpar", ")", toks[end - 1].pos))
        toks[i:end] = call
    return toks


def _summand_end(toks: list, j: int, match) -> int:
    start = j
    while j < len(toks):
        t = toks[j]
        if t.kind in ("lpar", "lbrack"):
            j = match(toks, j) + 1
            continue
        if t.kind in ("rpar", "rbrack", "comma"):
            break
        if t.kind == "op" and t.text in "+-" and j > start and toks[j - 1].kind in _OPERAND_END:
            break
        j += 1
    return j


def _index_in(body: list, indexing: Indexing) -> str | None:
    """Σ with no subscript: the first index letter written in a subscript of its summand."""
    inside = 0
    for t in body:
        inside += (t.kind == "lbrack") - (t.kind == "rbrack")
        if inside and t.kind == "name" and t.text in indexing.indices:
            return t.text
    return None


def char_error_for_equals(offset: int) -> AnswerParseError:
    from xentlab.parse.tokens import char_error

    return char_error("=", offset)
