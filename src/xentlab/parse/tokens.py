"""Characters to tokens: size and character checks, normalisation (keeping a map from every
normalised character back to its original offset), and the tokenizer."""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from typing import NamedTuple

from xentlab.parse.indexed import CHAR_MAP as INDEXED_CHAR_MAP
from xentlab.parse.indexed import Indexing

from xentlab.parse import indexed
from xentlab.parse.errors import MAX_INT_DIGITS, MAX_SCI_EXPONENT, MAX_SIGNIFICANT_DIGITS, MAX_SOURCE_LENGTH, AnswerParseError, fail

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


def strip_bounds(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and (text[start] in _EDGE_SPACE or unicodedata.category(text[start]) == "Zs"):
        start += 1
    while end > start and (text[end - 1] in _EDGE_SPACE or unicodedata.category(text[end - 1]) == "Zs"):
        end -= 1
    return start, end


def normalise(text: str, start: int, end: int, indexed: bool = False) -> tuple[str, list[int]]:
    """NFKC + explicit maps, character by character so each output character
    knows its original offset.  Returns ASCII text and the offset list.
    `indexed` (parse_indexed only) also maps Σ ∏ ⋯, keeps '=' for the bounds of a sum,
    and writes subscript characters as a subscript group (yₖ → y_{k})."""
    char_map = {**_CHAR_MAP, **INDEXED_CHAR_MAP} if indexed else _CHAR_MAP
    allowed = _ALLOWED_ASCII | {"="} if indexed else _ALLOWED_ASCII
    out: list[str] = []
    offs: list[int] = []
    in_super = in_sub = False
    for i in range(start, end):
        ch = text[i]
        if unicodedata.category(ch) in _REJECTED_CATEGORIES and ch != "\t":
            raise _char_error(ch, i)
        decomposition = unicodedata.decomposition(ch)
        is_super = decomposition.startswith("<super>")
        is_sub = indexed and decomposition.startswith("<sub>")
        for inside, now, opener in ((in_super, is_super, "^("), (in_sub, is_sub, "_{")):
            if now and not inside:
                out.append(opener)
                offs += [i, i]
            elif inside and not now:
                out.append(")" if opener == "^(" else "}")
                offs.append(i)
        in_super, in_sub = is_super, is_sub
        folded = unicodedata.normalize("NFKC", ch)
        if "\u2044" in folded:  # vulgar fractions: "3½" would silently mean 3*(1/2)
            before = text[start:i].rstrip()
            if not indexed or (before and before[-1].isdigit()):
                raise _char_error(ch, i)
            folded = "(" + folded.replace("\u2044", "/") + ")"  # ½ Σ (y − t)² in a derivation: (1/2)
        for c in folded:
            c = char_map.get(c, c)
            for d in c:
                if d not in allowed and not (d in _SPACING_PUNCT and out and out[-1] == "\\"):
                    raise _char_error(ch, i)
                out.append(d)
                offs.append(i)
    for inside, closer in ((in_super, ")"), (in_sub, "}")):
        if inside:
            out.append(closer)
            offs.append(end)
    norm = "".join(out)
    if len(norm) > MAX_SOURCE_LENGTH:
        raise fail("too_long", f"input expands to more than {MAX_SOURCE_LENGTH} characters", None,
                    limit=MAX_SOURCE_LENGTH)
    offs.append(end)  # sentinel: "end of input"
    return norm, offs


# --- step 3: tokenizer ----------------------------------------------------

class Tok(NamedTuple):
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


def _indexed_token(norm: str, offs: list[int], i: int, indexing: Indexing) -> tuple[list[Tok], int] | None:
    """The tokens only parse_indexed reads (see xentlab.parse.indexed), or None."""
    ch = norm[i]
    if ch == "=":
        raise _char_error("=", offs[i])  # '=' only inside the bounds of a sum
    if norm.startswith("...", i):
        return [Tok("dots", "...", offs[i])], i + 3
    if ch.isalpha() or ch == "_":
        m = _LETTERS.match(norm, i)
        if m is not None and m.group() in ("log", "ln", "exp") and re.match(r" +\(", norm[m.end():]):
            return [Tok("lfunc", m.group(), offs[i])], m.end()  # "log (1-y)^(1-t)": log of the power
        if m is not None and m.group() == "log":
            return None  # log_2, log_{10}, log_e: the bases parse_expression reads
        return indexed.lex_name(norm, offs, i, indexing, Tok)
    if ch == "\\":
        m = _COMMAND.match(norm, i)
        return indexed.command(m.group()[1:], norm, offs, m.end(), offs[i])
    return None


def _check_number(text: str, pos: int) -> None:
    """Literal size limits, before Python or Fraction ever converts it."""
    def too_large(why: str, limit: int | None = None) -> AnswerParseError:
        return fail("number_too_large", f"number {why}", pos, subcode="literal", literal=text[:40], limit=limit)

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


def _log_with_base(base: str, pos: int) -> Tok:
    """log_2, log_{10}, log_e (also after \\log) name the matching function."""
    name = {"2": "log2", "10": "log10", "e": "ln"}.get(base)
    if name is None:
        raise fail("bad_log_base", "log base must be 2, 10 or e", pos, function="log", base=base[:20],
                    allowed=["2", "10", "e"])
    return Tok("name", name, pos)


def _lex_name(norm: str, offs: list[int], i: int) -> tuple[Tok, int]:
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
            return Tok("name", name + sub.group(1), offs[i]), sub.end()
        if not norm.startswith("_", j):
            return Tok("name", name, offs[i]), j
    m = _RAW_IDENT.match(norm, i)  # __class__ and friends: reported as unknown names
    return Tok("name", m.group(), offs[i]), m.end()


def tokenize(norm: str, offs: list[int], indexing: Indexing | None = None) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch == " ":
            i += 1
        elif indexing is not None and (handled := _indexed_token(norm, offs, i, indexing)) is not None:
            new, i = handled
            toks += new
        elif ch.isdigit() or (ch == "." and i + 1 < n and norm[i + 1].isdigit()):
            m = _NUMBER.match(norm, i)
            literal = m.group()
            _check_number(literal, offs[i])
            if literal.isdigit():  # Python rejects leading zeros in integers ("007")
                literal = literal.lstrip("0") or "0"
            toks.append(Tok("num", literal, offs[i]))
            i = m.end()
        elif ch.isalpha() or ch == "_":
            tok, i = _lex_name(norm, offs, i)
            if keyword.iskeyword(tok.text):
                raise fail("unknown_name", f"unknown name {tok.text!r}", tok.pos, name=tok.text)
            toks.append(tok)
        elif ch == "\\":
            m = _COMMAND.match(norm, i)
            i = m.end()
            sub = _SUB_DIGITS.match(norm, i) or _SUB_GROUP.match(norm, i) or _SUB_LETTER.match(norm, i)
            if m.group() == "\\log" and sub:
                toks.append(_log_with_base(sub.group(1), offs[m.start()]))
                i = sub.end()
            else:
                toks.append(Tok("cmd", m.group(), offs[m.start()]))
        elif norm.startswith("**", i):
            toks.append(Tok("op", "^", offs[i]))
            i += 2
        elif ch in _SINGLE:
            toks.append(Tok(_SINGLE[ch], ch, offs[i]))
            i += 1
        else:  # only "." can get here; Python will see an attribute access and we reject that
            toks.append(Tok("other", ch, offs[i]))
            i += 1
    return toks




char_error = _char_error
