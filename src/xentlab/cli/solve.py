"""`xentlab solve`: a worked numeric solution."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import (FORCE_OPTION, LANG_OPTION, NUMBER, OUTPUT_OPTION, check_output_file, cli, emit,
                                 inputs_from_options, numeric_input_options, refuse_existing, wrote)


@cli.command()
@click.argument("kind")
@numeric_input_options
@click.option("--eps", type=NUMBER, metavar="EPS", help="Clip predictions like np.clip(y, eps, 1 - eps) before taking logs.")
@click.option("--no-check-sum", is_flag=True,
              help="cross-entropy: allow rows of --y/--t that do not sum to 1 (multi-hot targets, unnormalised scores).")
@click.option("--no-figures", is_flag=True, help="Leave out the figures (md: SVG files beside -o FILE; tex: pgfplots).")
@click.option("--format", "fmt", default="md", metavar="md|tex|json|text", help="Output format (default md).")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def solve(kind: str, no_figures: bool, fmt: str, lang: str, output: Path | None, force: bool, **options) -> None:
    """Worked numeric solution: formula, substitution, value.

    KIND: cross-entropy, binary-cross-entropy, softmax-cross-entropy, sse, token-loss.
    """
    from xentlab import names
    from xentlab.render import check_format, check_lang

    kind = names.loss(kind)
    check_format(fmt)
    check_lang(lang)
    from xentlab.render import render_solution, solution_svgs

    inputs = inputs_from_options(options)
    solution = solved_or_hint(kind, inputs)
    if inputs.labels is not None:
        solution.notes.append("labels_from_zero")  # --labels counts from 0, every text from 1: say so once
    figures = None
    if not no_figures and fmt == "tex":
        figures = []
    elif not no_figures and fmt == "md" and output is not None:  # SVGs live beside the Markdown that links them
        from xentlab.files import write_text

        check_output_file(output)
        svgs = [(output.with_name(f"{output.stem}.{svg['name']}.svg"), svg) for svg in solution_svgs(solution, lang)]
        refuse_existing([output, *(path for path, _ in svgs)], force)
        figures = []
        for path, svg in svgs:
            write_text(path, svg["svg"], force=force)
            click.echo(wrote(path), err=True)
            figures.append({"file": path.name, "caption": svg["caption"]})
    emit(render_solution(solution, fmt, lang, figures), output, force)


def solved_or_hint(kind: str, inputs):
    """solve's result; a row that does not sum to 1 says when --no-check-sum would evaluate it instead."""
    from dataclasses import replace

    from xentlab.errors import InputError
    from xentlab.solve import solve as compute

    try:
        return compute(kind, inputs)
    except InputError as error:
        if error.key != "row_sum" or kind != "cross-entropy":
            raise
        try:
            compute(kind, replace(inputs, check_sum=False), steps=False)
        except InputError:
            raise error from None  # the flag would not help: no hint
        raise InputError(key="row_sum", **{**error.params, "hint": "--no-check-sum"}) from None
