"""A derivation as typed → rows → typed entries: equations (lhs = rhs), justifications (prose,
kept as the student's claim about the next step, never parsed as math) and unreadable lines.

Accepted layouts: one step per line; a line starting with `=` continues the previous left-hand
side; `lhs = a = b` on one line; LaTeX `aligned`/`align` blocks with `&=` and `\\\\`, `\\tag{}`,
`$$ … $$` and `\\[ … \\]` (markers dropped); a row that is only a stray `\\` (as a Markdown copy
of `\\\\` leaves behind) is blank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_TEXT = 20_000  # characters of a whole derivation
MAX_ROWS = 200  # rows of text, prose included
MAX_EQUATIONS = 40  # equation entries checked

_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{\s*(?:aligned|align\*?|alignat\*?|eqnarray\*?|gathered|gather\*?|"
                          r"split|equation\*?|array|multline\*?)\s*\}(?:\{[^{}]*\})?")
_DROPPED = re.compile(r"\\(?:tag\*?|label|eqref)\s*\{[^{}]*\}|\\(?:nonumber|notag|displaystyle|qquad|quad)(?![A-Za-z])"
                      r"|\$\$|\\\[|\\\]")
_TEXT_COMMAND = re.compile(r"\\(?:text|mbox|textrm|textbf|textit)\s*\{([^{}]*)\}")
_EQUALS = re.compile(r"\\approx|\\simeq|\\fallingdotseq|≈|≒|≃|:=|≔")
# "so" at the start of a row (∴ E = …, ⇔ log L = …): the equation is the step; the word is dropped
_CONNECTIVE = re.compile(r"^(?:\\therefore|\\Leftrightarrow|\\Rightarrow|\\iff|\\implies|∴|⇔|⇒|⟺|⟹)(?![A-Za-z])\s*")
# "because" starts the justification of the row's own step: (∵ 公式②), \because E = −log L
_BECAUSE = re.compile(r"\\because(?![A-Za-z])|∵")
# A word right after _ or _{ is a subscript (t_{ik}, y_{nj}, E_{sum}), never prose.
_WORD = re.compile(r"(?<![\\A-Za-z_])(?<!_\{)[A-Za-z]{2,}")
MATH_WORDS = frozenset({
    "log", "ln", "exp", "sqrt", "sum", "prod", "frac", "dfrac", "tfrac", "cdot", "times", "left", "right", "limits",
    "mathrm", "text", "operatorname", "partial", "PPL", "ppl", "Esum", "sum", "ldots", "cdots", "dots", "div", "pi",
    "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "log10", "log2", "rm", "mathit", "tK", "yK", "tN", "yN",
    "dE", "dL", "dy", "dz", "sum", "mean", "total", "batch", "nk", "iv",
})
# logL, logy (t1logy1): maths typed without spaces, never the start of a justification
_SPACELESS_MATH = re.compile(r"(?:log|ln|exp|[ytzpqELNKTV]\d*)+")
# The left-hand side of a statement about the data, not a step: t_c = 1, Σ_k t_k = 1, N = 1, K = 3.
_DATA_LHS = frozenset("tNKT0123456789+-")
_SUB_OR_SUPER = re.compile(r"\\(?:sum|limits|left|right|displaystyle)(?![A-Za-z])|[Σ∑()\[\]{}\s]")
_SCRIPT = re.compile(r"[_^]\s*(?:\{[^{}]*\}|[A-Za-z0-9])")
# Japanese prose: kana, kanji, CJK punctuation (「」、。), circled numbers (公式①), half-width kana.
# Full-width ASCII (ｙ１＝…) is not prose: NFKC folds it, and the parser reads it as math.
# The katakana middle dot ・ (U+30FB) is a multiplication sign typed with a Japanese IME: math.
_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u2460-\u24ff\u3200-\u32ff\uff61-\uff9f]")
_FULLWIDTH_MATH = str.maketrans({"＝": "="})


@dataclass(frozen=True)
class Row:
    """One row of the input, as typed (`number` is 1-based)."""

    number: int
    text: str


@dataclass
class Entry:
    """An equation of the derivation: `lhs_text` = `rhs_text` on input row `row`.

    `text` is what the student typed for this step; `claim` the justification rows just
    before it (the student's claimed rule), joined."""

    row: int
    text: str
    lhs_text: str
    rhs_text: str
    claim: str = ""
    prose_before: list[str] = field(default_factory=list)


@dataclass
class Layout:
    entries: list[Entry]
    rows: list[Row]  # every non-blank row, for rendering the derivation as typed
    prose_rows: set[int]  # numbers of rows that are justifications or notes
    trailing: list[str]  # justification rows after the last equation
    truncated: bool = False


def split_rows(text: str) -> list[Row]:
    """Physical lines, split again at LaTeX line breaks (\\\\), blank rows dropped."""
    rows: list[Row] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        for part in re.split(r"\\\\", line):
            cleaned = clean(part)
            if cleaned:
                rows.append(Row(number, part.strip()))
    return rows


def clean(part: str) -> str:
    """A row without layout: environments, $$, \\tag, alignment &, and trailing stray backslashes."""
    text = _ENVIRONMENT.sub(" ", part)
    text = _DROPPED.sub(" ", text)
    text = text.replace("&", " ")
    text = re.sub(r"(?:\\\s*)+$", "", text.strip())  # "… &\" : a \\ that lost one backslash
    text = re.sub(r"^\\(?=\s)", "", text)  # "\ E = …": a leading spacing command
    text = re.sub(r"^\$|\$$", "", text.strip())
    text = _CONNECTIVE.sub("", text.strip())
    return re.sub(r"\s{2,}", " ", text).strip()


def _prose_start(text: str) -> int | None:
    """Where the words begin: a Japanese character, or an English word a formula never holds."""
    starts = []
    for found in (_CJK.search(text), _BECAUSE.search(text)):
        if found:
            starts.append(found.start())
    for word in _WORD.finditer(text):
        if word.group() not in MATH_WORDS and not _SPACELESS_MATH.fullmatch(word.group()):
            starts.append(word.start())
            break
    return min(starts) if starts else None


def split_prose(text: str) -> tuple[str, str]:
    """(math, words) of a row. A row that starts with words is all words (a justification);
    an equation followed by words keeps them as its own justification ("= … (by rule 2)")."""
    text = text.translate(_FULLWIDTH_MATH)
    words = " ".join(m.group(1) for m in _TEXT_COMMAND.finditer(text))
    text = _TEXT_COMMAND.sub(" ", text)
    start = _prose_start(text)
    if start is not None:
        cut = start
        while cut > 0 and text[cut - 1] in " (（「[:：,、":
            cut -= 1
        math, tail = text[:cut].rstrip(), text[cut:].strip()
        after = math.split("=", 1)[1] if "=" in math else ""
        if not re.search(r"[A-Za-z0-9]", unicodedata.normalize("NFKC", after)):
            return "", (text.strip() + " " + words).strip()
        text, words = math, (words + " " + tail).strip()
    if not re.search(r"[A-Za-z0-9]", unicodedata.normalize("NFKC", text)):
        return "", words
    return text.strip(), words


def states_data(lhs: str) -> bool:
    """'Σ_k t_k', 't_c', 'N': a left-hand side about the targets or a size only. Such a row
    ("Σ_k t_k = 1 より", "t_c = 1", "N = 1 のとき") states the condition the next step uses:
    it is the student's claim, like a line of words, and no later '= …' continues it."""
    text = "".join(ch for ch in lhs if not unicodedata.decomposition(ch).startswith(("<sub>", "<super>")))
    text = _SCRIPT.sub("", unicodedata.normalize("NFKC", text).replace("−", "-"))
    text = _SUB_OR_SUPER.sub("", text)
    return bool(text) and set(text) <= _DATA_LHS and any(c in "tNKT" for c in text)


def split_equals(text: str) -> list[str]:
    """'a = b = c' → ['a', 'b', 'c'], splitting only at top-level '=' (not inside {…})."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def layout(text: str, lhs: str = "") -> Layout:
    """The typed entries of a derivation (at most MAX_EQUATIONS; `truncated` says when more).
    `lhs` is the left-hand side a leading '= …' continues (that of a --start line)."""
    rows = split_rows(text[:MAX_TEXT])
    entries: list[Entry] = []
    prose_rows: set[int] = set()
    pending: list[str] = []
    truncated = len(text) > MAX_TEXT or len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    for row in rows:
        body, words = split_prose(clean(row.text))
        if body and states_data(split_equals(body)[0]) and "=" in body:
            body, words = "", clean(row.text)
        if not body:
            prose_rows.add(row.number)
            if words:
                pending.append(unicodedata.normalize("NFC", words))
            continue
        if words:
            pending.append(unicodedata.normalize("NFC", words))
        body = _EQUALS.sub("=", unicodedata.normalize("NFC", body).translate(_FULLWIDTH_MATH))
        parts = split_equals(body)
        if len(parts) == 1:  # no '=': the expression continues the current left-hand side
            parts = ["", parts[0]]
        first_lhs, rights = parts[0], parts[1:]
        if first_lhs:
            lhs = first_lhs
        for position, rhs in enumerate(rights):
            if len(entries) >= MAX_EQUATIONS:
                truncated = True
                break
            shown = clean(row.text) if len(rights) == 1 else (f"{first_lhs} = {rhs}" if position == 0 and first_lhs else f"= {rhs}")
            entries.append(Entry(row.number, shown, lhs, rhs, claim=" ".join(pending), prose_before=list(pending)))
            pending = []
    return Layout(entries, rows, prose_rows, pending, truncated)
