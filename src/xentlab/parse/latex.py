"""Tokens to Python-syntax text: the LaTeX subset (commands, \frac, braces), functions written
without parentheses, implicit multiplication, and bracket limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import sympy

from xentlab.parse.errors import MAX_BRACKET_DEPTH, MAX_SOURCE_LENGTH, fail
from xentlab.parse.indexed import Indexing, wrap_bigops
from xentlab.parse.symbols import CONSTANTS, FUNCTIONS
from xentlab.parse.tokens import Tok, normalise, tokenize

_SPACING = frozenset({",", "!", " ", ";", ":", "quad", "qquad"})
_SIZING = frozenset({"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"})
_CMD_TOKENS = {
    "log": ("name", "log"), "ln": ("name", "ln"), "exp": ("name", "exp"),
    "sqrt": ("name", "sqrt"), "pi": ("name", "pi"),
    "cdot": ("op", "*"), "times": ("op", "*"), "div": ("op", "/"),
    "frac": ("frac", "frac"), "dfrac": ("frac", "frac"), "tfrac": ("frac", "frac"),
}


def _expand_commands(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    for t in toks:
        if t.kind != "cmd":
            out.append(t)
            continue
        name = t.text[1:]
        if name in _SPACING or name in _SIZING:
            continue  # \left( keeps its "(" as the next token
        if name in _CMD_TOKENS:
            kind, text = _CMD_TOKENS[name]
            out.append(Tok(kind, text, t.pos))
            continue
        shown = name if name.isprintable() else f"U+{ord(name):04X}" if name else ""
        raise fail("unknown_command", f"unsupported command '\\{shown}'", t.pos, command=shown)
    return out


_OPENERS = {"lpar": "rpar", "lbrace": "rbrace", "lbrack": "rbrack"}  # [ ] only come from parse_indexed
_CLOSERS = {"rpar", "rbrace", "rbrack"}


def _check_brackets(toks: list[Tok]) -> None:
    """Balanced, same-kind pairs, bounded depth: all before ast.parse sees it."""
    stack: list[Tok] = []
    for t in toks:
        if t.kind in _OPENERS:
            stack.append(t)
            if len(stack) > MAX_BRACKET_DEPTH:
                raise fail("too_deep", f"brackets nested more than {MAX_BRACKET_DEPTH} deep", t.pos,
                            limit=MAX_BRACKET_DEPTH, subcode="brackets")
        elif t.kind in _CLOSERS:
            if not stack:
                raise fail("syntax", f"unmatched {t.text!r}", t.pos, subcode="unmatched_bracket")
            opener = stack.pop()
            if _OPENERS[opener.kind] != t.kind:
                raise fail("syntax", f"{t.text!r} does not match {opener.text!r}", t.pos,
                            subcode="mismatched_bracket")
    if stack:
        raise fail("syntax", f"{stack[-1].text!r} is never closed", stack[-1].pos, subcode="unclosed_bracket")


def _match(toks: list[Tok], i: int) -> int:
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


def _expand_frac(toks: list[Tok]) -> list[Tok]:
    """\\frac{a}{b} -> ({a}/{b}); braces become parentheses later."""
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "frac":
            if i + 1 >= len(toks) or toks[i + 1].kind != "lbrace":
                raise fail("syntax", "\\frac needs {numerator}{denominator}", t.pos, subcode="frac_arguments")
            j = _match(toks, i + 1)
            if j + 1 >= len(toks) or toks[j + 1].kind != "lbrace":
                raise fail("syntax", "\\frac needs {numerator}{denominator}", t.pos, subcode="frac_arguments")
            k = _match(toks, j + 1)
            toks.insert(k + 1, Tok("rpar", ")", toks[k].pos))
            toks.insert(j + 1, Tok("op", "/", toks[j + 1].pos))
            toks[i] = Tok("lpar", "(", t.pos)
        i += 1
    return [Tok("lpar", "(", t.pos) if t.kind == "lbrace" else
            Tok("rpar", ")", t.pos) if t.kind == "rbrace" else t for t in toks]


def _is_func(t: Tok) -> bool:
    return t.kind == "name" and t.text in FUNCTIONS


def _atom_end(toks: list[Tok], j: int) -> int | None:
    if j >= len(toks):
        return None
    t = toks[j]
    if t.kind == "name" and j + 1 < len(toks) and toks[j + 1].kind == "lbrack":
        return _match(toks, j + 1) + 1  # y[k]
    if t.kind == "bigcall":
        return _match(toks, j + 1) + 1  # __sum__(...)
    if t.kind == "num" or (t.kind == "name" and not _is_func(t)):
        return j + 1
    if t.kind == "lpar":
        return _match(toks, j) + 1
    if _is_func(t) and j + 1 < len(toks) and toks[j + 1].kind == "lpar":
        return _match(toks, j + 1) + 1
    return None


def _primary_end(toks: list[Tok], j: int) -> int | None:
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


def _apply_bare_functions(toks: list[Tok]) -> list[Tok]:
    """log y1 -> log(y1).  Right to left, so \\log\\log y nests correctly. A LaTeX function of
    parse_indexed ("lfunc": \\log, \\ln, \\exp) takes its argument as typeset maths reads it:
    \\log (1-y)^{1-t} is log((1-y)^(1-t)), not (log(1-y))^(1-t)."""
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].kind == "lfunc":
            toks[i] = Tok("name", toks[i].text, toks[i].pos)
            if i + 1 < len(toks) and toks[i + 1].kind == "lpar" and _match(toks, i + 1) + 1 < len(toks) \
                    and toks[_match(toks, i + 1) + 1].text == "^":
                end = _primary_end(toks, i + 1)
                toks.insert(end, Tok("rpar", ")", toks[end - 1].pos))
                toks.insert(i + 1, Tok("lpar", "(", toks[i + 1].pos))
                continue
        if _is_func(toks[i]) and (i + 1 >= len(toks) or toks[i + 1].kind != "lpar"):
            end = _primary_end(toks, i + 1)
            if end is not None:
                toks.insert(end, Tok("rpar", ")", toks[end - 1].pos))
                toks.insert(i + 1, Tok("lpar", "(", toks[i + 1].pos))
    return toks


def _insert_products(toks: list[Tok], symbols: Mapping[str, sympy.Expr]) -> list[Tok]:
    """2y1 -> 2*y1, t1 log(y1) -> t1*log(y1), (a)(b) -> (a)*(b).
    An unknown name before '(' is left alone so it reads as a call and is
    reported as an unknown function."""
    out: list[Tok] = []
    for t in toks:
        if out:
            prev = out[-1]
            left = prev.kind in ("num", "rpar", "rbrack", "dots") or (prev.kind == "name" and not _is_func(prev))
            if t.kind in ("name", "bigcall", "dots"):
                right = True
            elif t.kind == "lpar":
                right = prev.kind in ("num", "rpar", "rbrack", "dots") or prev.text in symbols or prev.text in CONSTANTS
            else:
                right = False
            if left and right:
                out.append(Tok("op", "*", t.pos))
        out.append(t)
    return out


class Source(NamedTuple):
    text: str  # Python-syntax, ASCII
    offs: list[int]  # original offset of each character, plus an end sentinel
    toks: list[int]  # token index of each character (-1 for separators)
    tok_texts: list[str]


def _emit(toks: list[Tok], end_offset: int) -> Source:
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
        raise fail("too_long", f"input expands to more than {MAX_SOURCE_LENGTH} characters", None,
                    limit=MAX_SOURCE_LENGTH)
    depth = 0
    for c, o in zip(text, offs):
        depth += (c == "(") - (c == ")")
        if depth > MAX_BRACKET_DEPTH:
            raise fail("too_deep", f"expression nested more than {MAX_BRACKET_DEPTH} deep", o,
                        limit=MAX_BRACKET_DEPTH, subcode="brackets")
    return Source(text, offs, owner, ["**" if t.text == "^" else t.text for t in toks])


def to_python(text: str, start: int, end: int, symbols: Mapping[str, sympy.Expr],
               allow_percent: bool, indexing: Indexing | None = None) -> tuple[Source, bool]:
    norm, offs = normalise(text, start, end, indexed=indexing is not None)
    toks = tokenize(norm, offs, indexing)
    had_percent = False
    if allow_percent and toks and toks[-1].text == "%":
        toks.pop()
        had_percent = True
    for t in toks:
        if t.text == "%":
            raise fail("percent_sign", "'%' is not accepted here; type the plain number", t.pos)
    if not toks:
        raise fail("empty", "the answer is empty", None)
    toks = _expand_commands(toks)
    _check_brackets(toks)
    toks = _expand_frac(toks)
    if indexing is not None:
        toks = wrap_bigops(toks, indexing, _match)
    toks = _apply_bare_functions(toks)
    toks = _insert_products(toks, symbols)
    if not toks:
        raise fail("empty", "the answer is empty", None)
    return _emit(toks, end), had_percent


