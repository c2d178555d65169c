"""key.json, read as untrusted data: validated field by field, expressions parsed by the whitelist.

Every refusal is a keyed InputError (its words in templates/<lang>/errors.j2) naming the item.
Loading runs under a time limit (xentlab.limits) that holds on any thread; a directory written
by `xentlab worksheet --variants` loads as one key per variant.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from xentlab import names
from xentlab.errors import InputError
from xentlab.limits import CheckTimeout, checkpoint, time_limit
from xentlab.model import Verdict
from xentlab.problems import DEFAULT_TOLERANCE, Mistake, ParamError, problem_type

MAX_KEY_BYTES = 5_000_000
MAX_ITEMS = 1_000  # a worksheet has at most 200; a bound keeps loading (and `check --key`) quick
MAX_ID = 999_999  # ids are item numbers; a bound keeps every message that names one short
MAX_VARIANTS = 100  # as `xentlab worksheet --variants`
LOAD_SECONDS = 10.0  # one key file, on any thread
TOLERANCE_RANGE = {"rtol": (0.0, 0.5), "atol": (0.0, 0.5), "sig_figs": (1, 15)}
# question_params are small: generated sheets stay far inside these (lists ≤ 6, numbers ≤ 6).
PARAM_LIMITS = {"depth": 4, "list": 32, "keys": 16, "string": 64, "number": 1e4}
_VARIANT_DIR = re.compile(r"variant-([0-9]{1,3})\Z")


@dataclass(frozen=True)
class KeyItem:
    id: int
    kind: str
    answer_kind: str  # number | expression | choice
    answer: float | str
    tolerance: dict
    choices: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    unit: str = ""  # the unit a number is asked in ("nats", "bits", "decimal", "")


def _fail(key: str, **params) -> InputError:
    return InputError(key=key, **params)


def load(path: Path, only: int | None = None) -> dict[int, KeyItem | None]:
    """Items by id. Any malformed part is a one-line keyed InputError naming where it is.
    With `only`, every item's shape and params are checked but only that item's answer is
    computed and compared (the others map to None): `check --key` stays quick on a large key."""
    path = Path(path)
    if not path.is_file():
        raise _fail("key_missing", path=str(path))
    try:
        with time_limit(LOAD_SECONDS):
            return _load(path, only)
    except CheckTimeout:
        raise _fail("key_too_slow", path=str(path), seconds=LOAD_SECONDS) from None


def load_variants(path: Path) -> dict[int | None, dict[int, KeyItem]]:
    """{None: items} for a key.json (or a directory holding one); {v: items} for a directory of
    variant-NN/key.json written by `xentlab worksheet --variants`."""
    path = Path(path)
    if not path.is_dir():
        return {None: load(path)}
    found = sorted((int(m.group(1)), child / "key.json") for child in path.iterdir()
                   if (m := _VARIANT_DIR.match(child.name)) and (child / "key.json").is_file())
    if (path / "key.json").is_file():
        if found:  # one is left from an earlier `worksheet --force` (it keeps other files): never guess which
            raise _fail("key_dir_ambiguous", path=str(path), single=str(path / "key.json"))
        return {None: load(path / "key.json")}
    if not found:
        raise _fail("key_dir_empty", path=str(path))
    if len(found) > MAX_VARIANTS:
        raise _fail("key_too_many_variants", path=str(path), limit=MAX_VARIANTS)
    return {variant: load(key) for variant, key in found}


def _load(path: Path, only: int | None = None) -> dict[int, KeyItem | None]:
    if path.stat().st_size > MAX_KEY_BYTES:
        raise _fail("key_too_large", path=str(path), limit=MAX_KEY_BYTES)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # ValueError: bad JSON, or an absurd integer
        raise _fail("key_not_json", path=str(path), error=type(error).__name__) from None
    return from_document(document, str(path), only)


def from_document(document, name: str, only: int | None = None) -> dict[int, KeyItem | None]:
    """Items by id from a parsed key.json (`name` says where it came from, for messages)."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise _fail("key_not_object", path=name)
    if len(document["items"]) > MAX_ITEMS:
        raise _fail("key_too_many_items", path=name, limit=MAX_ITEMS)
    items = {}
    for position, raw in enumerate(document["items"], start=1):
        checkpoint()
        item_id, item = parse_item(raw, f"item #{position}", only)
        if item_id in items:
            raise _fail("key_duplicate_id", where=f"item #{position}", id=item_id)
        items[item_id] = item
    return items


def parse_item(raw, where: str, only: int | None = None) -> tuple[int, KeyItem | None]:
    if not isinstance(raw, dict):
        raise _fail("key_item_not_object", where=where)
    item_id, kind, params = raw.get("id"), raw.get("kind"), raw.get("question_params")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 1 <= item_id <= MAX_ID:
        raise _fail("key_bad_id", where=where, limit=MAX_ID)
    where = f"item {item_id}"
    if not isinstance(kind, str) or not isinstance(params, dict):
        raise _fail("key_kind_and_params", where=where)
    try:
        module = problem_type(kind)
    except Exception:
        raise _fail("key_unknown_kind", where=where, kind=kind[:40]) from None
    _check_params(params, where)
    try:
        module.check_params(params)  # the type's own keys, types and ranges
    except ParamError as error:
        raise _fail("key_params", where=where, detail=str(error)) from None
    if only is not None and item_id != only:
        return item_id, None
    try:
        answer, mistakes = _computed(kind, json.dumps(params, sort_keys=True))
    except Exception as error:  # the params are data from a file: any failure means they are malformed
        raise _fail("key_params_do_not_fit", where=where, kind=kind, error=type(error).__name__) from None
    if answer.kind == "number" and not math.isfinite(answer.value):
        raise _fail("key_no_finite_answer", where=where)
    tolerance = _tolerance(raw.get("tolerance", answer.tolerance), where)
    stored = raw.get("answer")
    if answer.kind == "number":
        if not isinstance(stored, (int, float)) or isinstance(stored, bool) or not abs(stored) < 1e300:
            raise _fail("key_answer_not_number", where=where)
        if abs(stored - answer.value) > 1e-9 * max(1.0, abs(answer.value)):
            raise _fail("key_answer_mismatch", where=where, stored=f"{stored!r:.40}", computed=f"{answer.value:.6g}")
    elif answer.kind == "expression":
        _check_expression(stored, answer.value, item_id, where)
    elif answer.kind == "lines":  # issue 14: derive-lines stores its reference derivation
        if not isinstance(stored, str) or stored != answer.value:
            raise _fail("key_lines_mismatch", where=where)
    elif stored not in answer.choices:
        raise _fail("key_answer_not_a_choice", where=where)
    elif stored != answer.value:
        raise _fail("key_answer_mismatch", where=where, stored=str(stored), computed=str(answer.value))
    kind = names.problem_type(kind)  # an old name (bce, softmax-ce) still loads; what we show is the one name
    return item_id, KeyItem(item_id, kind, answer.kind, stored, tolerance, tuple(answer.choices), mistakes, answer.unit)


@lru_cache(maxsize=4096)
def _computed(kind: str, params_json: str):
    """(answer, mistakes) of checked params: pure functions of them, so items (and variants) that
    share params share the work."""
    module, params = problem_type(kind), json.loads(params_json)
    with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        return module.answer(params), tuple(module.mistakes(params))


def _check_expression(stored, computed: str, item_id: int, where: str) -> None:
    """The stored formula goes through the same whitelist as student text, must be finite at valid
    points, and must equal the one its question_params give."""
    from xentlab.equivalence import agree, finite_at_valid_points, parsed
    from xentlab.parse import AnswerParseError
    from xentlab.verify import rng_for

    if not isinstance(stored, str):
        raise _fail("key_answer_not_expression", where=where)
    try:
        typed = parsed(stored)
    except AnswerParseError as error:
        raise _fail("key_expression_unreadable", where=where, reason=str(error)) from None
    if not finite_at_valid_points(typed, rng_for(item_id, 0)):
        raise _fail("key_expression_not_finite", where=where)
    if not agree(typed, parsed(computed), rng_for(item_id, 1)):
        raise _fail("key_answer_mismatch", where=where, stored=stored[:60], computed=computed[:60])


def _check_params(value, where: str, depth: int = 0, name: str = "") -> None:
    """Plain, small JSON only: what a generated sheet writes, nothing that could make checking slow.
    `name` is the top-level param being looked at, for the message."""
    limits = PARAM_LIMITS
    param = name[:20]
    if depth > limits["depth"]:
        raise _fail("key_params_shape", where=where, param=param, problem="deep", limit=limits["depth"])
    if isinstance(value, dict):
        if len(value) > limits["keys"] or not all(isinstance(k, str) and len(k) <= limits["string"] for k in value):
            raise _fail("key_params_shape", where=where, param=param, problem="keys", limit=limits["keys"])
        for key, item in value.items():
            _check_params(item, where, depth + 1, name or key)
    elif isinstance(value, list):
        if len(value) > limits["list"]:
            raise _fail("key_params_shape", where=where, param=param, problem="list", limit=limits["list"])
        for item in value:
            _check_params(item, where, depth + 1, name)
    elif isinstance(value, str):
        if len(value) > limits["string"]:
            raise _fail("key_params_shape", where=where, param=param, problem="string", limit=limits["string"])
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not abs(value) <= limits["number"]:  # also false for NaN
            raise _fail("key_params_shape", where=where, param=param, problem="number", limit=f"{value!r:.20}")
    elif value is not None and not isinstance(value, bool):
        raise _fail("key_params_shape", where=where, param=param, problem="type", limit="")


def check_tolerance(name: str, value) -> bool:
    """rtol and atol finite in [0, 0.5]; sig_figs an integer in 1..15 (the same bounds as the CLI's)."""
    low, high = TOLERANCE_RANGE[name]
    if isinstance(value, bool) or not isinstance(value, int if name == "sig_figs" else (int, float)):
        return False
    return math.isfinite(value) and low <= value <= high


def _tolerance(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise _fail("key_tolerance_not_object", where=where)
    tolerance = dict(DEFAULT_TOLERANCE)
    for name in ("rtol", "atol", "sig_figs"):
        if name in raw:
            if not check_tolerance(name, raw[name]):
                low, high = TOLERANCE_RANGE[name]
                raise _fail("key_tolerance_out_of_range", where=where, name=name, low=low, high=high)
            tolerance[name] = raw[name]
    return tolerance


def check_item(item: KeyItem, text: str, overrides: dict | None = None) -> Verdict:
    from xentlab.check import check_choice, check_expression, check_number

    if not text.strip():
        return Verdict("invalid", expected=item.answer, message="empty")
    if item.answer_kind == "number":
        return check_number(text, item.answer, item.mistakes, {**item.tolerance, **(overrides or {})}, unit=item.unit)
    if item.answer_kind == "expression":
        return check_expression(text, item.answer, seed=item.id)
    if item.answer_kind == "lines":  # issue 14: a derivation, line by line
        from xentlab.steps.grade import check_lines

        return check_lines(item.answer, text)
    return check_choice(text, item.answer, item.choices, kind=item.kind)
