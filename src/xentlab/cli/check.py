"""`xentlab check`: one answer, one verdict."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import LANG_OPTION, cli, inputs_from_options, numeric_input_options

CHECK_SECONDS = 10.0  # the whole command: key loading, the inputs' catalogue and the check itself
MAX_SAMPLES, MAX_CLASSES, MAX_VALUES = 10_000, 100_000, 1_000_000  # --y, --t, --logits, --p sizes
UNIT_OF_BASE = {"e": "nats", "2": "bits", "10": "decimal"}


@cli.command()
@click.option("--key", "key_path", type=click.Path(path_type=Path), help="An answer key (key.json from `xentlab worksheet`).")
@click.option("--item", "item_id", metavar="N", callback=lambda ctx, param, value: _item_number(value),
              help="With --key: the item id.")
@click.option("--kind", help="Check a number against a solve kind (same inputs as `xentlab solve`); with --steps, the derivation kind.")
@numeric_input_options
@click.option("--expect", help="Check a formula against this expected formula.")
@click.option("--answer", help="The student's answer: a number, a formula, or a choice (derive-lines: a FILE, or - for stdin).")
@click.option("--steps", "steps_path", metavar="FILE", help="Check a whole derivation, line by line (FILE, or - for stdin).")
@click.option("--start", help="With --steps: the line the derivation starts from, e.g. \"log L = log(y1^t1*y2^t2)\".")
@click.option("--rtol", type=float, help="Relative tolerance, in [0, 0.5] (default 0.005).")
@click.option("--atol", type=float, help="Absolute tolerance, in [0, 0.5] (default 0).")
@click.option("--sig-figs", "sig_figs", type=int, help="Accept the value correctly rounded to at least this many significant figures, 1–15 (default 3).")
@click.option("--format", "fmt", default="text", show_default=True, metavar="json|text|md|tex", help="Output format (tex: --steps only).")
@LANG_OPTION
def check(key_path, item_id, kind, expect, answer, steps_path, start, rtol, atol, sig_figs, fmt, lang, **options) -> None:
    """Check one answer and name the mistake; or, with --steps, a whole derivation line by line.
    Exit 0 whenever a verdict is produced."""
    from xentlab.errors import UsageError
    from xentlab.limits import CheckTimeout, time_limit
    from xentlab.render import check_format, check_lang

    if steps_path is not None:  # issue 14: the whole derivation (xentlab.steps)
        from xentlab.steps.cli import run

        others = [flag for flag, given in (("--key", key_path), ("--expect", expect), ("--answer", answer)) if given is not None]
        click.echo(run(steps_path, start=start, kind=kind, y=options.get("y"), t=options.get("t"), fmt=fmt, lang=lang,
                       other_modes=others), nl=False)
        return
    if answer is None:
        raise UsageError(key="answer_needed")

    check_format(fmt, ("json", "text", "md"))
    check_lang(lang)
    modes = [name for name, given in (("--key", key_path), ("--kind", kind), ("--expect", expect)) if given is not None]
    if len(modes) != 1:
        raise UsageError(key="check_one_mode")
    overrides = _tolerance_overrides(rtol, atol, sig_figs)
    try:
        with time_limit(CHECK_SECONDS):  # a deadline, not a signal: it holds on any thread
            verdict = _verdict(key_path, item_id, kind, expect, answer, overrides, options)
    except CheckTimeout:
        raise UsageError(key="check_too_slow", seconds=CHECK_SECONDS) from None
    from xentlab.encode import for_terminal_text
    from xentlab.render import render_verdict

    text = render_verdict(verdict, fmt, lang)
    click.echo(text if fmt == "json" else for_terminal_text(text), nl=False)


def _item_number(text: str | None) -> int | None:
    """--item as a plain integer, read like the item column of `grade` ("1_0", "+3", "3.0" are refused:
    click's int() would read "1_0" as item 10)."""
    if text is None:
        return None
    from xentlab.answers import read_item_id
    from xentlab.errors import UsageError

    number = read_item_id(text)
    if number is None:
        raise UsageError(key="check_bad_item", value=text[:20])
    return number


def _tolerance_overrides(rtol, atol, sig_figs) -> dict:
    from xentlab.answerkey import TOLERANCE_RANGE, check_tolerance
    from xentlab.errors import UsageError

    overrides = {name: value for name, value in (("rtol", rtol), ("atol", atol), ("sig_figs", sig_figs)) if value is not None}
    for name, value in overrides.items():
        if not check_tolerance(name, value):
            low, high = TOLERANCE_RANGE[name]
            raise UsageError(key="check_bad_tolerance", option="--" + name.replace("_", "-"), value=str(value), low=low, high=high)
    return overrides


def _verdict(key_path, item_id, kind, expect, answer, overrides, options):
    from xentlab.errors import UsageError

    if key_path is not None:
        from xentlab import answerkey

        if item_id is None:
            raise UsageError(key="check_item_needed")
        items = answerkey.load(key_path, only=item_id)
        if item_id not in items:
            if not items:
                raise UsageError(key="check_key_empty", path=str(key_path))
            raise UsageError(key="check_no_such_item", item=item_id, path=str(key_path), first=min(items), last=max(items))
        from xentlab.steps.cli import answer_text  # issue 14: a derive-lines answer is a file

        return answerkey.check_item(items[item_id], answer_text(items[item_id], answer), overrides)
    if kind is not None:
        from xentlab.check import check_number
        from xentlab.mistakes import catalogue, expected_value
        from xentlab.solve import solve as validated

        from xentlab.solve import prepared

        kind, inputs = prepared(kind, inputs_from_options(options))  # one vocabulary: old names work; a column is a list
        _check_sizes(inputs)
        validated(kind, inputs, steps=False)  # the same validation and error messages as `solve`
        unit = "" if kind == "sse" else UNIT_OF_BASE.get(inputs.base, "")
        return check_number(answer, expected_value(kind, inputs), catalogue(kind, inputs), overrides, base=inputs.base, unit=unit)
    from xentlab.check import check_expression

    _check_expected_formula(expect)
    return check_expression(answer, expect)


def _check_sizes(inputs) -> None:
    """Every array the user typed is bounded before anything is computed from it."""
    import numpy as np

    from xentlab.errors import UsageError

    for name in ("y", "t", "logits", "p", "labels"):
        value = getattr(inputs, name)
        if value is None:
            continue
        shape = np.shape(value)
        samples, classes = (shape[0] if len(shape) > 1 else 1), (shape[-1] if shape else 1)
        if samples > MAX_SAMPLES or classes > MAX_CLASSES or np.size(value) > MAX_VALUES:
            raise UsageError(key="check_too_large", option="--" + name, samples=samples, classes=classes,
                             max_samples=MAX_SAMPLES, max_classes=MAX_CLASSES, max_values=MAX_VALUES)


def _check_expected_formula(expect: str) -> None:
    """--expect is the teacher's formula: unreadable or not finite at valid points is a command error."""
    from xentlab.equivalence import finite_at_valid_points, parsed
    from xentlab.errors import UsageError
    from xentlab.parse import AnswerParseError
    from xentlab.verify import rng_for

    try:
        expected = parsed(expect)
    except AnswerParseError as error:
        raise UsageError(key="check_expect_unreadable", reason=str(error), code=error.code, offset=error.offset) from None
    if not finite_at_valid_points(expected, rng_for(0, 0)):
        raise UsageError(key="check_expect_not_finite", expect=expect)
