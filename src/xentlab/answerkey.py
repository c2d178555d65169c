"""key.json, read as untrusted data: validated field by field, expressions parsed by the whitelist."""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xentlab.errors import InputError
from xentlab.model import Verdict
from xentlab.problems import DEFAULT_TOLERANCE, Mistake, ParamError, problem_type

MAX_KEY_BYTES = 5_000_000
MAX_ITEMS = 10_000
MAX_ID = 999_999  # ids are item numbers; a bound keeps every message that names one short
# question_params are small: generated sheets stay far inside these (lists ≤ 6, numbers ≤ 6).
PARAM_LIMITS = {"depth": 4, "list": 32, "keys": 16, "string": 64, "number": 1e4}


@dataclass(frozen=True)
class KeyItem:
    id: int
    kind: str
    answer_kind: str  # number | expression | choice
    answer: float | str
    tolerance: dict
    choices: tuple[str, ...]
    mistakes: tuple[Mistake, ...]


def _fail(where: str, problem: str) -> InputError:
    return InputError(f"invalid answer key: {where}: {problem}")


def load(path: Path) -> dict[int, KeyItem]:
    """Items by id. Any malformed part is a one-line InputError naming where it is."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"answer key {path} does not exist")
    if path.stat().st_size > MAX_KEY_BYTES:
        raise _fail(str(path), f"larger than {MAX_KEY_BYTES} bytes")
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # ValueError: bad JSON, or an absurd integer
        raise _fail(str(path), f"not valid UTF-8 JSON ({type(error).__name__})") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise _fail(str(path), 'expected an object with an "items" list')
    if len(document["items"]) > MAX_ITEMS:
        raise _fail(str(path), f"more than {MAX_ITEMS} items")
    items = {}
    for position, raw in enumerate(document["items"], start=1):
        item = parse_item(raw, f"item #{position}")
        if item.id in items:
            raise _fail(f"item #{position}", f"duplicate id {item.id}")
        items[item.id] = item
    return items


def parse_item(raw, where: str) -> KeyItem:
    if not isinstance(raw, dict):
        raise _fail(where, "not an object")
    item_id, kind, params = raw.get("id"), raw.get("kind"), raw.get("question_params")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 1 <= item_id <= MAX_ID:
        raise _fail(where, f'"id" must be an integer in 1..{MAX_ID}')
    where = f"item {item_id}"
    if not isinstance(kind, str) or not isinstance(params, dict):
        raise _fail(where, '"kind" (string) and "question_params" (object) are required')
    try:
        module = problem_type(kind)
    except Exception:
        raise _fail(where, f"unknown kind {kind[:40]!r}") from None
    _check_params(params, where)
    try:
        module.check_params(params)  # the type's own keys, types and ranges
    except ParamError as error:
        raise _fail(where, str(error)) from None
    try:
        with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")
            answer = module.answer(params)
            mistakes = tuple(module.mistakes(params))
    except Exception as error:  # the params are data from a file: any failure means they are malformed
        raise _fail(where, f"question_params do not fit {kind} ({type(error).__name__})") from None
    if answer.kind == "number" and not math.isfinite(answer.value):
        raise _fail(where, "question_params give no finite answer")
    tolerance = _tolerance(raw.get("tolerance", answer.tolerance), where)
    stored = raw.get("answer")
    if answer.kind == "number":
        if not isinstance(stored, (int, float)) or isinstance(stored, bool) or not abs(stored) < 1e300:
            raise _fail(where, '"answer" must be a finite number')
        if abs(stored - answer.value) > 1e-9 * max(1.0, abs(answer.value)):
            raise _fail(where, f'"answer" {stored!r:.40} does not match its question_params ({answer.value:.6g})')
    elif answer.kind == "expression":
        from xentlab.parse import parse_expression

        if not isinstance(stored, str):
            raise _fail(where, '"answer" must be an expression string')
        from xentlab.parse import AnswerParseError

        try:
            typed = parse_expression(stored)  # the same whitelist as student text
        except AnswerParseError as error:
            raise _fail(where, f'"answer" is not an accepted expression: {error}') from None
        from xentlab.check import agree
        from xentlab.verify import rng_for

        if not agree(typed, parse_expression(answer.value), rng_for(item_id, 0)):
            raise _fail(where, f'"answer" does not match its question_params ({answer.value[:60]})')
    elif answer.kind == "lines":  # issue 14: derive-lines stores its reference derivation
        if not isinstance(stored, str) or stored != answer.value:
            raise _fail(where, '"answer" must be the reference derivation its question_params give')
    elif stored not in answer.choices:
        raise _fail(where, '"answer" must be one of its "choices"')
    elif stored != answer.value:
        raise _fail(where, f'"answer" {stored} does not match its question_params ({answer.value})')
    return KeyItem(item_id, kind, answer.kind, stored, tolerance, tuple(answer.choices), mistakes)


def _check_params(value, where: str, depth: int = 0, name: str = "") -> None:
    """Plain, small JSON only: what a generated sheet writes, nothing that could make checking slow.
    `name` is the top-level param being looked at, for the message."""
    limits = PARAM_LIMITS
    inside = f"question_params {json.dumps(name[:20])}" if name else "question_params"
    if depth > limits["depth"]:
        raise _fail(where, f"{inside} are nested too deeply")
    if isinstance(value, dict):
        if len(value) > limits["keys"] or not all(isinstance(k, str) and len(k) <= limits["string"] for k in value):
            raise _fail(where, f"{inside} have too many or odd keys")
        for key, item in value.items():
            _check_params(item, where, depth + 1, name or key)
    elif isinstance(value, list):
        if len(value) > limits["list"]:
            raise _fail(where, f"a list in {inside} is longer than {limits['list']}")
        for item in value:
            _check_params(item, where, depth + 1, name)
    elif isinstance(value, str):
        if len(value) > limits["string"]:
            raise _fail(where, f"a string in {inside} is too long")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not abs(value) <= limits["number"]:  # also false for NaN
            raise _fail(where, f"a number in {inside} is out of range ({value!r:.20})")
    elif value is not None and not isinstance(value, bool):
        raise _fail(where, f"{inside} hold something other than numbers, strings and lists")


def _tolerance(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise _fail(where, '"tolerance" must be an object')
    tolerance = dict(DEFAULT_TOLERANCE)
    for name in ("rtol", "atol", "sig_figs"):
        if name in raw:
            value = raw[name]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1e6:
                raise _fail(where, f'tolerance "{name}" must be a non-negative number')
            tolerance[name] = value
    return tolerance


def check_item(item: KeyItem, text: str, overrides: dict | None = None) -> Verdict:
    from xentlab.check import check_choice, check_expression, check_number

    if not text.strip():
        return Verdict("invalid", expected=item.answer, message="empty")
    if item.answer_kind == "number":
        return check_number(text, item.answer, list(item.mistakes), {**item.tolerance, **(overrides or {})})
    if item.answer_kind == "expression":
        return check_expression(text, item.answer, seed=item.id)
    if item.answer_kind == "lines":  # issue 14: a derivation, line by line
        from xentlab.steps.grade import check_lines

        return check_lines(item.answer, text)
    return check_choice(text, item.answer, item.choices)
