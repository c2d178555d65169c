"""`xentlab solve`: a worked numeric solution."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import FORCE_OPTION, LANG_OPTION, OUTPUT_OPTION, cli, emit, inputs_from_options, numeric_input_options


@cli.command()
@click.argument("kind")
@numeric_input_options
@click.option("--eps", type=float, help="Clip predictions like np.clip(y, eps, 1 - eps) before taking logs.")
@click.option("--no-check-sum", is_flag=True,
              help="cross-entropy: allow rows of --y/--t that do not sum to 1 (multi-hot targets, unnormalised scores).")
@click.option("--no-figures", is_flag=True, help="Leave out the figures (md: SVG files beside -o FILE; tex: pgfplots).")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex|json|text", help="Output format.")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def solve(kind: str, no_figures: bool, fmt: str, lang: str, output: Path | None, force: bool, **options) -> None:
    """Worked numeric solution: formula, substitution, value.

    KIND: cross-entropy, binary-cross-entropy, softmax-cross-entropy, sse, token-loss.
    """
    from xentlab.render import check_format, check_lang
    from xentlab.solve import SOLVE_KINDS

    from xentlab.errors import UsageError

    if kind not in SOLVE_KINDS:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(SOLVE_KINDS)}")
    check_format(fmt)
    check_lang(lang)
    from xentlab.render import render_solution, solution_svgs

    inputs = inputs_from_options(options)
    solution = solved_or_hint(kind, inputs)
    figures = None
    if not no_figures and fmt == "tex":
        figures = []
    elif not no_figures and fmt == "md" and output is not None:  # SVGs live beside the Markdown that links them
        from xentlab.files import refuse_existing, write_text

        svgs = [(output.with_name(f"{output.stem}.{svg['name']}.svg"), svg) for svg in solution_svgs(solution, lang)]
        refuse_existing([output, *(path for path, _ in svgs)], force=force)
        figures = []
        for path, svg in svgs:
            write_text(path, svg["svg"], force=force)
            figures.append({"file": path.name, "caption": svg["caption"]})
    emit(render_solution(solution, fmt, lang, figures), output, force)


def solved_or_hint(kind: str, inputs):
    """solve's result; a row-sum error says when --no-check-sum would evaluate the rows instead."""
    from dataclasses import replace

    from xentlab.errors import InputError
    from xentlab.kernels import RowSumError
    from xentlab.solve import solve as compute

    try:
        return compute(kind, inputs)
    except RowSumError as error:
        try:
            compute(kind, replace(inputs, check_sum=False), steps=False)
        except InputError:
            raise error from None  # the flag would not help: no hint
        raise InputError(f"{error}; to evaluate -sum t*log y on such rows anyway (multi-hot targets, "
                         "unnormalised scores), add --no-check-sum") from None
