"""The Python API: thin wrappers over the functions the CLI uses, with the CLI's names and loss
vocabulary. Each returns a results.Result (to_json, to_markdown, to_latex, rich display).

Errors in the arguments raise: xentlab's InputError/UsageError (ValueError for bad values) with
the CLI's message, or TypeError. A student's answer never raises: it gets a verdict.
"""

from __future__ import annotations

import os
from pathlib import Path

from xentlab import results

# The loss vocabulary (as `xentlab solve` spells it) → the derivation that derives it.
LOSS_DERIVATIONS = {"cross-entropy": "multiclass", "binary-cross-entropy": "binary", "softmax-cross-entropy": "softmax-gradient",
                    "sse": "sse", "token-loss": "token-average", "entropy-kl": "entropy-kl"}
DEFAULT_LANG = "ja"


def _lang(lang: str) -> str:
    from xentlab.render import check_lang

    check_lang(lang)
    return lang


def derive(kind: str, classes: int | None = None, lang: str = DEFAULT_LANG, *, half: bool = False, batch: bool = False) -> results.Derived:
    """The derivation of `kind`, every step proved. kind is a loss name (cross-entropy, binary-cross-entropy,
    softmax-cross-entropy, sse, token-loss, entropy-kl; batch=True gives cross-entropy over a batch) or a
    derivation kind as `xentlab list` shows it (multiclass, multiclass-batch, …)."""
    from xentlab.derivations import derive as build

    name = LOSS_DERIVATIONS.get(kind, kind)
    if batch:
        if name != "multiclass":
            raise ValueError("derive: batch=True applies to cross-entropy only")
        name = "multiclass-batch"
    return results.Derived(build(name, classes=classes, half=half), _lang(lang))


def _matrix(value, name: str):
    """An array-like, or text as the CLI takes it ('0.1,0.9;0.9,0.1')."""
    import numpy as np

    from xentlab.solve import parse_matrix

    if value is None:
        return None
    if isinstance(value, str):
        return parse_matrix(value, f"--{name}")
    return np.asarray(value, dtype=float)


def _labels(value):
    import numpy as np

    from xentlab.solve import parse_labels

    if value is None:
        return None
    if isinstance(value, str):
        return parse_labels(value)
    array = np.asarray(value)
    if array.dtype.kind not in "iu" and not (array.dtype.kind == "f" and np.all(array == np.round(array))):
        raise ValueError("labels must be whole class indices (0-based)")
    return np.atleast_1d(array.astype(np.intp))


def _inputs(y=None, t=None, labels=None, logits=None, p=None, reduction=None, base="e", half=False, eps=None, check_sum=True):
    from xentlab.solve import Inputs

    return Inputs(y=_matrix(y, "y"), t=_matrix(t, "t"), labels=_labels(labels), logits=_matrix(logits, "logits"), p=_matrix(p, "p"),
                  reduction=reduction, base=str(base), half=half, eps=eps, check_sum=check_sum)


def solve(kind: str, *, y=None, t=None, labels=None, logits=None, p=None, reduction: str | None = None, base: str = "e",
          half: bool = False, eps: float | None = None, check_sum: bool = True, lang: str = DEFAULT_LANG) -> results.Solved:
    """A worked solution, as `xentlab solve KIND` gives it: xentlab.solve("cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0])."""
    from xentlab.solve import solve as compute

    inputs = _inputs(y, t, labels, logits, p, reduction, base, half, eps, check_sum)
    return results.Solved(compute(kind, inputs), _lang(lang))


def _answer_text(answer) -> str:
    """What the student gave, as the text check reads: numbers exactly (repr), nothing or `...` as empty."""
    import numbers

    import numpy as np

    if answer is None or answer is Ellipsis:
        return ""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, numbers.Real):
        try:
            return repr(float(answer))
        except OverflowError:  # beyond any float (10**400, a huge Fraction): the checker says it is too large
            return "-1e400" if answer < 0 else "1e400"
    return answer if isinstance(answer, str) else str(answer)


def _key_items(key) -> dict:
    """key.json as a path, or as the dict xentlab.worksheet(...).key gives: items by id, validated."""
    from xentlab import answerkey

    if isinstance(key, (str, os.PathLike)):
        return answerkey.load(Path(key))
    return answerkey.from_document(key, "key")


def check(answer, *, key=None, item: int | None = None, expect=None, kind: str | None = None, lang: str = DEFAULT_LANG,
          rtol: float | None = None, atol: float | None = None, sig_figs: int | None = None, **inputs) -> results.Checked:
    """One answer's verdict, as `xentlab check` gives it. Three forms:
    check(answer, key="key.json" or a key dict, item=3); check(answer, expect=1.109 or "-(t1*log(y1)+…)");
    check(answer, kind="cross-entropy", y=…, t=…) (the inputs of solve). A number may be a float."""
    from xentlab.errors import UsageError
    from xentlab.model import Verdict

    lang = _lang(lang)
    modes = [name for name, given in (("key", key), ("expect", expect), ("kind", kind)) if given is not None]
    if len(modes) != 1:
        raise UsageError("check: give exactly one of key= (with item=), expect= or kind= (with the inputs of solve)")
    if inputs and kind is None:
        raise UsageError(f"check: {', '.join(sorted(inputs))} only go with kind=")
    overrides = {name: value for name, value in (("rtol", rtol), ("atol", atol), ("sig_figs", sig_figs)) if value is not None}
    text = _answer_text(answer)
    if key is not None:
        from xentlab.answerkey import check_item

        items = _key_items(key)
        if item not in items:
            raise UsageError(f"check: there is no item {item!r} in the key (items: {', '.join(map(str, sorted(items)))})")
        return results.Checked(check_item(items[item], text, overrides), lang)
    if kind is not None:
        from xentlab.check import check_number
        from xentlab.mistakes import catalogue, expected_value
        from xentlab.solve import solve as validated

        numbers = _inputs(**inputs)
        validated(kind, numbers, steps=False)
        expected = expected_value(kind, numbers)
        if not text.strip():
            return results.Checked(Verdict("invalid", expected=expected, message="empty"), lang)
        return results.Checked(check_number(text, expected, catalogue(kind, numbers), overrides, base=numbers.base), lang)
    if isinstance(expect, str):
        from xentlab.check import check_expression

        if not text.strip():
            return results.Checked(Verdict("invalid", expected=expect, message="empty"), lang)
        return results.Checked(check_expression(text, expect), lang)
    from xentlab.check import check_number

    expected = float(expect)
    if not text.strip():
        return results.Checked(Verdict("invalid", expected=expected, message="empty"), lang)
    return results.Checked(check_number(text, expected, [], overrides), lang)


def worksheet(count: int, seed: int, *, types=None, difficulty: int = 2, lang: str = DEFAULT_LANG) -> results.Sheet:
    """A worksheet of `count` items drawn from `seed`, exactly as `xentlab worksheet --count --seed` draws them.
    types: a list of problem types (or the CLI's comma-separated text); None for all."""
    from xentlab import worksheet as ws
    from xentlab.errors import UsageError

    ws.check_options(count, difficulty, None, "md", lang)
    if seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {seed}")
    chosen = ws.parse_types(types if types is None or isinstance(types, str) else ",".join(types))
    return results.Sheet(ws.build(seed, count, chosen, difficulty), lang)


def _response_table(responses):
    """A responses file (CSV or .xlsx, by extension), CSV text or bytes, or rows: dicts with
    student/item/answer (a pandas DataFrame too), or (student, item, answer) tuples."""
    from xentlab import tables

    if hasattr(responses, "to_dict") and hasattr(responses, "columns"):  # a pandas DataFrame
        responses = responses.to_dict("records")
    if isinstance(responses, str) and "\n" in responses:
        responses = responses.encode("utf-8")
    if isinstance(responses, bytes):
        text, encoding = tables.decode(responses, "responses")
        return tables.Table(*tables.parse_csv(text, "responses"), source=encoding)
    if isinstance(responses, (str, os.PathLike)):
        return tables.read(Path(responses))
    rows = []
    for raw in responses:
        if isinstance(raw, dict):
            student, item, answer = (raw.get(name, "") for name in ("student", "item", "answer"))
        else:
            student, item, answer = raw
        rows.append([str(student), str(item), _answer_text(answer)])
    return tables.Table(["student", "item", "answer"], rows, source="rows")


def grade(key, responses, *, lang: str = DEFAULT_LANG, attempts: str = "last") -> results.Graded:
    """A class's responses against a key, as `xentlab grade` grades them (one bad row never stops the rest).
    `key` is a key.json path, a worksheet directory with variants, or the dict xentlab.worksheet(...).key gives."""
    from xentlab import answerkey, grading
    from xentlab.render import verdict_feedback

    lang = _lang(lang)
    keys = answerkey.load_variants(Path(key)) if isinstance(key, (str, os.PathLike)) else {None: _key_items(key)}
    graded = grading.grade(_response_table(responses), keys, lambda verdict: verdict_feedback(verdict, lang, "text"), lang, attempts)
    return results.Graded(graded, lang)


def probe(fn, kind: str = "cross-entropy", *, targets: str = "one-hot", output: str | None = None, half: bool = False,
          order: str = "auto", time_limit: float | None = None, lang: str = DEFAULT_LANG) -> results.Probed:
    """Call a student's loss function on inputs chosen to tell mistakes apart, and name its mistake.
    xentlab does not sandbox fn: it runs here, in this process, with a time limit per call."""
    from xentlab.probing import TIME_LIMIT
    from xentlab.probing import probe as run

    lang = _lang(lang)
    verdict = run(fn, kind, targets=targets, output=output, half=half, order=order,
                  time_limit=TIME_LIMIT if time_limit is None else time_limit)
    return results.Probed(verdict, lang)
