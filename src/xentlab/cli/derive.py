"""`xentlab list` and `xentlab derive`."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import FORCE_OPTION, INTEGER, LANG_OPTION, OUTPUT_OPTION, cli, emit


@cli.command("list")
@LANG_OPTION
def list_kinds(lang: str) -> None:
    """List the derivation kinds, each with a one-line title."""
    from xentlab.render import kind_titles

    titles = kind_titles(lang)
    width = max(map(len, titles))
    for kind, title in titles.items():
        click.echo(f"{kind:<{width}}  {title}")


@cli.command()
@click.argument("kind")
@click.option("--batch", is_flag=True, help="cross-entropy only: over a batch of N samples (the sum and the mean).")
@click.option("--classes", type=INTEGER, metavar="K", help="Write the sums out term by term for K classes (2–50).")
@click.option("--half", is_flag=True, help="sse only: the ½ variant.")
@click.option("--format", "fmt", default="md", metavar="md|tex|json|text", help="Output format (default md).")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def derive(kind: str, batch: bool, classes: int | None, half: bool, fmt: str, lang: str, output: Path | None, force: bool) -> None:
    """Derive KIND step by step; every step is proved before it is printed.

    KIND is one of the kinds `xentlab list` shows, e.g. cross-entropy.
    """
    from xentlab import names
    from xentlab.derivations import check_options
    from xentlab.render import check_format, check_lang

    internal = names.derivation(kind, batch)
    check_options(internal, classes, half)  # cheap checks first: no SymPy for a typo
    check_format(fmt)
    check_lang(lang)
    from xentlab.derivations import derive as build
    from xentlab.render import render_derivation

    emit(render_derivation(build(internal, classes=classes, half=half), fmt, lang), output, force)
