"""Answers as students write them, read before the whitelist parser sees them.

A worksheet asks for "the loss in nats", prints choices as "(C) …" and has items whose loss is
infinite, so a student writes `1.109 nats`, `（C）`, `∞` or `75.5%`. This module takes those
apart: a trailing unit, a percent sign, an infinity, a choice letter or text, an item number.
What is left of a number goes to `xentlab.parse` (public functions only); a plain decimal, by
far the most common answer, is read here without SymPy.

Nothing here evaluates anything: every function works on the normalised text with regular
expressions and table look-ups, and each is linear in the length of the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

# The units a loss is asked in (key.json "unit"), and the words a student may write after it.
UNIT_WORDS = {
    "nats": ("nats", "nat", "ナット", "nepits", "nepit"),
    "bits": ("bits", "bit", "ビット", "shannons", "shannon", "シャノン"),
    "decimal": ("hartleys", "hartley", "ハートレー", "ハートレイ", "bans", "ban", "dits", "dit", "decimal units", "decimal unit"),
}
_UNIT_OF = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
# Longest first, so "nats" is tried before "nat"; a unit follows a digit, ")", "∞" or "%" directly,
# anything else after a space ("inf nats").
_UNIT_TAIL = re.compile(
    r"^(?P<number>.+?)(?:(?<=[0-9.)∞%])\s*|\s+)(?P<unit>"
    + "|".join(re.escape(w) for w in sorted(_UNIT_OF, key=len, reverse=True)) + r")\s*$",
    re.IGNORECASE | re.DOTALL,
)
MAX_LENGTH = 1000  # as xentlab.parse: longer text is refused there, before any pattern runs
INFINITY_WORDS = frozenset({"∞", "inf", "infinity", "oo", "無限大", "無限"})
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MINUS = str.maketrans({"−": "-", "‐": "-", "‑": "-", "–": "-", "﹣": "-"})
MAX_ITEM_DIGITS = 6  # item ids are 1..999999 (answerkey.MAX_ID)
_ITEM_ID = re.compile(r"[0-9]{1,%d}" % MAX_ITEM_DIGITS)
LETTERS = "ABCDEFGH"
# "(C)", "C)", "C.", "C:", "[C]", "C" and the letter followed by the choice's text.
_LETTER_PREFIX = re.compile(r"^(?:[(\[]\s*([A-Ha-h])\s*[)\]]|([A-Ha-h])(?:\s*[).:\]](?!\d)|(?=\s)|$))\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class NumberReading:
    """A numeric answer taken apart. `text` is the number as typed (for significant figures)."""

    value: float
    text: str
    percent: bool = False
    unit: str | None = None  # "nats" | "bits" | "decimal" when a unit word followed the number
    unit_word: str = ""


def normalise(text: str) -> str:
    """NFKC (full-width digits, letters, brackets and ％ become ASCII), one kind of minus, trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def split_unit(text: str) -> tuple[str, str | None, str]:
    """("1.109", "nats", "nats") for "1.109 nats"; (text, None, "") when no unit word ends it."""
    match = _UNIT_TAIL.match(text)
    if not match:
        return text, None, ""
    word = match.group("unit")
    return match.group("number").strip(), _UNIT_OF[word.lower()], word


def read_number(text: str) -> NumberReading:
    """A number as a student writes it. Raises xentlab.parse.AnswerParseError when unreadable."""
    if len(text) > MAX_LENGTH:
        from xentlab.parse import parse_number

        parse_number(text)  # raises too_long
    plain = normalise(text)
    number, unit, word = split_unit(plain)
    percent = number.endswith("%")
    if percent:
        number = number[:-1].rstrip()
    infinite = infinity(number)
    if infinite is not None:
        return NumberReading(infinite, number, percent, unit, word)
    if _PLAIN_DECIMAL.fullmatch(number) and len(number) <= 24:  # the common case: no SymPy
        value = float(number)
        if math.isfinite(value):
            return NumberReading(value, number, percent, unit, word)
    from xentlab.parse import parse_number

    if unit is None and not percent:
        return NumberReading(parse_number(text), number)  # the original text: error offsets point into it
    return NumberReading(parse_number(number), number, percent, unit, word)


def infinity(text: str) -> float | None:
    """+inf or -inf for ∞, inf, infinity, oo, 無限大 (with an optional sign), else None."""
    sign = 1.0
    word = text.strip()
    if word[:1] in "+-" and len(word) > 1:
        sign, word = (-1.0 if word[0] == "-" else 1.0), word[1:].strip()
    return sign * float("inf") if word.lower() in INFINITY_WORDS else None


def read_item_id(text: object) -> int | None:
    """An item number as a plain integer ("3", "03", "３"), else None ("1_0", "①", "3.0", "")."""
    plain = str(text).strip().translate(_FULLWIDTH_DIGITS).strip(" \u3000")
    return int(plain) if _ITEM_ID.fullmatch(plain) else None


_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})


def choice_key(text: str) -> str:
    """A choice's text reduced for comparison: NFKC, case-folded, no spaces or end punctuation."""
    plain = normalise(text).casefold()
    plain = re.sub(r"[\s$\\{}]+", "", plain)
    return plain.rstrip(".。:：")


def read_choice(text: str, choices: tuple[str, ...], texts: dict[str, tuple[str, ...]] | None = None) -> int | None:
    """The index of the choice a student named, or None.

    Accepted: the letter in any printed form ("(C)", "（C）", "C", "c", "C)", "C.", and "©", which
    AutoCorrect makes of "(c)"), the choice
    id ("log_power"), the choice's text as printed in either language (`texts`: id → texts),
    and the letter followed by the text of that same choice ("(C) Take the logarithm…")."""
    plain = normalise(text)
    if not plain:
        return None
    if plain.startswith("©"):  # Office's AutoCorrect turns a typed "(c)" or "(C)" into ©, in Excel too
        plain = "(C)" + plain[1:]
    by_text = {}
    for index, choice in enumerate(choices):
        by_text[choice_key(choice)] = index
        for printed in (texts or {}).get(choice, ()):
            for part in (printed, re.split("[:：(（]", printed)[0]):  # the whole text, or its words before the formula
                if choice_key(part):
                    by_text.setdefault(choice_key(part), index)
    match = _LETTER_PREFIX.match(plain)
    if match:
        index = LETTERS.index((match.group(1) or match.group(2)).upper())
        rest = (match.group(3) or "").strip()
        if index < len(choices) and (not rest or by_text.get(choice_key(rest)) == index):
            return index
    key = choice_key(plain)
    return by_text.get(key) if key else None


def printed_choices(kind: str, choices: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """choice id → its text as the sheet prints it, in Japanese and English (for read_choice)."""
    return {choice: _printed_choice(kind, choice) for choice in choices}


@lru_cache(maxsize=256)
def _printed_choice(kind: str, choice: str) -> tuple[str, ...]:
    """The problem type's own `rule_text` macro in each language ("text" format, so formulas come
    out as a student types them). A type without one has no printed texts."""
    from xentlab.render import LANGS, language_module

    texts = []
    for lang in LANGS:
        try:
            module = language_module(f"problems/{kind}", "text", lang)
        except Exception:  # no template for this kind: nothing printed to match
            return ()
        if not hasattr(module, "rule_text"):
            return ()
        texts.append(" ".join(str(module.rule_text(choice)).split()))
    return tuple(text for text in texts if text)
