"""The output boundary: what a user typed, encoded for the place it lands.

Student text, file names and answer-key values come back to a person in terminal lines,
Markdown, HTML and spreadsheets. Each destination gets its own encoder here, so no caller
pastes raw text into an output.
"""

from __future__ import annotations

import re
import unicodedata

# Categories a terminal must never receive from user text: controls (escape sequences,
# CR that rewrites the line), format characters (bidi overrides), surrogates, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def for_terminal(text: object, limit: int = 200) -> str:
    """One printable line: control and bidi characters become U+FFFD-free visible escapes
    (``\\x1b`` → ``\\u001b``), and the result is cut to `limit` characters with an ellipsis."""
    out = []
    for ch in str(text):
        out.append(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch)
    line = "".join(out)
    return line if len(line) <= limit else line[: max(1, limit - 1)] + "…"


def without_controls(text: object) -> str:
    """Text a user typed, with every control, format (bidi), surrogate and unassigned character
    removed: what is safe to echo anywhere once the destination's own encoder has run."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch) not in _UNSAFE_CATEGORIES)


def for_terminal_text(text: str) -> str:
    """Several lines for a terminal: each line keeps its words, and every control or bidi character
    in it (an escape sequence, a lone CR) is shown as a visible escape, as in for_terminal."""
    return "\n".join(for_terminal(line, limit=10**9) for line in str(text).split("\n"))


# --- Markdown and HTML (report.md) ----------------------------------------------------------

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MARKDOWN = frozenset("\\`*_{}[]()#+-.!|~:=^$")  # ASCII punctuation that can start or end markup


def for_markdown(text: object, limit: int = 200) -> str:
    """Text a user typed, made inert in Markdown and in the HTML a Markdown renderer passes
    through: HTML's specials become entities (no tag, comment or attribute can open), Markdown's
    punctuation is backslash-escaped (no link, emphasis, code span or table cell can start), and
    line breaks and control characters become visible escapes, so a cell stays on its table row."""
    out = []
    for ch in str(text):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN:
            out.append("\\" + ch)
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch in "\t\u2028\u2029":
            out.append(f"\\\\u{ord(ch):04x}")
        else:
            out.append(ch)
    if len(out) > limit:
        out = out[: max(1, limit - 1)] + ["…"]
    return "".join(out)


TYPED_DETAIL = ("value", "item", "variant", "reason")  # verdict details that quote what a user typed


def typed_text_encoded(verdict, fmt: str):
    """The verdict with the text a user typed (a choice that is none of the choices, an item or
    variant cell, the parser's reason quoting the answer) encoded for the document its feedback
    lands in: Markdown (for_markdown) or LaTeX. Other formats get the verdict as it is."""
    from dataclasses import replace

    from xentlab.render import tex_escape

    encode = {"md": lambda text: for_markdown(text, limit=10**6), "tex": tex_escape}.get(fmt)
    if encode is None:
        return verdict
    detail = {name: encode(value) if name in TYPED_DETAIL and isinstance(value, str) else value
              for name, value in verdict.detail.items()}
    return replace(verdict, detail=detail)


# --- spreadsheets (graded.csv) ----------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def for_spreadsheet(cell: str) -> str:
    """A cell a spreadsheet would evaluate (it starts with =, +, -, @, tab or CR) gets a leading
    apostrophe, as the OWASP CSV-injection guidance says, unless it is a plain number: −0.755 stays
    the number −0.755. Everything else is returned exactly."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_field(cell: str) -> str:
    """One RFC 4180 field: quoted (with "" for ") when it holds a comma, a quote, CR or LF."""
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_record(cells) -> str:
    """One RFC 4180 record, CRLF-terminated, every cell escaped for spreadsheets first."""
    return ",".join(csv_field(for_spreadsheet(cell)) for cell in cells) + "\r\n"


# OOXML strings (.xlsx): XML 1.0 cannot hold most C0 controls, and XML readers turn CR into LF.
# Excel writes such a character as _xHHHH_ (and a literal "_x" that looks like one as _x005F_x).
_XLSX_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def for_xlsx(text: str) -> str:
    return _XLSX_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def from_xlsx(text: str) -> str:
    """The inverse of for_xlsx, as Excel reads a cell: _x000D_ is CR, _x005F_ is '_'."""
    if "_x" not in text:
        return text
    return _XLSX_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
