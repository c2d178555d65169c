"""`xentlab moodle`: a Moodle XML quiz."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import FORCE_OPTION, INTEGER, LANG_OPTION, OUTPUT_OPTION, check_output_file, cli, emit, say


@cli.command()
@click.option("--count", type=INTEGER, required=True, metavar="N", help="Number of items (1–200), chosen exactly as `xentlab worksheet` chooses them.")
@click.option("--seed", type=INTEGER, required=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same quiz.")
@click.option("--types", metavar="a,b,…", help="Problem types to use, comma-separated, cycled in this order (default: all).")
@click.option("--difficulty", type=INTEGER, default=2, metavar="1|2|3", help="Scales K, N and how much is given (default 2).")
@LANG_OPTION
@click.option("--variants", type=INTEGER, metavar="V", help="V variants of each item (1–100), seeded as worksheet's variants, in the item's category.")
@OUTPUT_OPTION
@FORCE_OPTION
def moodle(count: int, seed: int, types: str | None, difficulty: int, lang: str, variants: int | None, output: Path | None, force: bool) -> None:
    """A Moodle XML quiz (Question bank → Import → Moodle XML format).

    Numeric items become numerical questions (tolerance ±0.5 % of the answer, as an absolute
    value), each computed mistake an answer with its own feedback; log-rule and derive-step items
    become multichoice questions. Categories are $course$/xentlab/<kind>.
    """
    from xentlab import moodle as quiz_export
    from xentlab import worksheet as ws
    from xentlab.errors import OutputExistsError, UsageError

    ws.check_options(count, difficulty, variants, "md", lang)
    if seed < 0:
        raise UsageError(key="seed_negative", value=str(seed))
    chosen = ws.parse_types(types)
    if output is not None:
        check_output_file(output)
        if output.exists() and not force:  # before the slow part; write_text checks again
            raise OutputExistsError(key="output_exists", path=str(output))
    quiz = quiz_export.build(seed, count, chosen, difficulty, variants, lang)
    for key, params in quiz.notes:
        click.echo(say("note_prefix") + say(key, **params), err=True)
    emit(quiz_export.render_quiz(quiz), output, force)
