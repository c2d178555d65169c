"""The output boundary: what a user typed, encoded for the place it lands.

Student text, file names and answer-key values come back to a person in terminal lines,
Markdown, HTML and spreadsheets. Each destination gets its own encoder here, so no caller
pastes raw text into an output.
"""

from __future__ import annotations

import unicodedata

# Categories a terminal must never receive from user text: controls (escape sequences,
# CR that rewrites the line), format characters (bidi overrides), surrogates, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def for_terminal(text: object, limit: int = 80) -> str:
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
