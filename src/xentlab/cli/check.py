"""`xentlab check`: one answer, one verdict."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import LANG_OPTION, cli, inputs_from_options, numeric_input_options


@cli.command()
@click.option("--key", "key_path", type=click.Path(path_type=Path), help="An answer key (key.json from `xentlab worksheet`).")
@click.option("--item", "item_id", type=int, help="With --key: the item id.")
@click.option("--kind", help="Check a number against a solve kind (same inputs as `xentlab solve`).")
@numeric_input_options
@click.option("--expect", help="Check a formula against this expected formula.")
@click.option("--answer", required=True, help="The student's answer: a number, a formula, or a choice.")
@click.option("--rtol", type=float, help="Relative tolerance (default 0.005).")
@click.option("--atol", type=float, help="Absolute tolerance (default 0).")
@click.option("--sig-figs", "sig_figs", type=int, help="Accept the value correctly rounded to at least this many significant figures (default 3).")
@click.option("--format", "fmt", default="text", show_default=True, metavar="json|text|md", help="Output format.")
@LANG_OPTION
def check(key_path, item_id, kind, expect, answer, rtol, atol, sig_figs, fmt, lang, **options) -> None:
    """Check one answer and name the mistake. Exit 0 whenever a verdict is produced."""
    from xentlab.errors import UsageError
    from xentlab.render import check_format, check_lang

    check_format(fmt, ("json", "text", "md"))
    check_lang(lang)
    modes = [name for name, given in (("--key", key_path), ("--kind", kind), ("--expect", expect)) if given is not None]
    if len(modes) != 1:
        raise UsageError("give exactly one of --key (with --item), --kind (with solve inputs) or --expect")
    overrides = {name: value for name, value in (("rtol", rtol), ("atol", atol), ("sig_figs", sig_figs)) if value is not None}
    if key_path is not None:
        from xentlab import answerkey

        if item_id is None:
            raise UsageError("--key needs --item ID")
        items = answerkey.load(key_path)
        if item_id not in items:
            raise UsageError(f"there is no item {item_id} in {key_path} (items: {min(items)}..{max(items)})" if items else f"{key_path} has no items")
        verdict = answerkey.check_item(items[item_id], answer, overrides)
    elif kind is not None:
        from xentlab.check import check_number
        from xentlab.mistakes import catalogue, expected_value
        from xentlab.solve import solve as validated

        from xentlab.solve import prepared

        kind, inputs = prepared(kind, inputs_from_options(options))  # one vocabulary: old names work; a column is a list
        validated(kind, inputs, steps=False)  # the same validation and error messages as `solve`
        verdict = check_number(answer, expected_value(kind, inputs), catalogue(kind, inputs), overrides, base=inputs.base)
    else:
        from xentlab.check import check_expression

        verdict = check_expression(answer, expect)
    from xentlab.render import render_verdict

    click.echo(render_verdict(verdict, fmt, lang), nl=False)
