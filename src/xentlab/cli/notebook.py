"""`xentlab notebook`: an autograded notebook assignment (Otter-Grader or nbgrader)."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab.cli._common import LANG_OPTION, cli, say


@cli.command()
@click.option("--count", type=int, required=True, metavar="N", help="Number of worksheet items (1–200), drawn as `xentlab worksheet` draws them.")
@click.option("--seed", type=int, required=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same notebook, byte for byte.")
@click.option("--format", "fmt", required=True, metavar="otter|nbgrader", help="Otter-Grader master notebook, or nbgrader source notebook.")
@click.option("--types", metavar="a,b,…", help="Problem types for the items, comma-separated (default: all).")
@click.option("--difficulty", type=int, default=2, show_default=True, metavar="1|2|3", help="Scales K, N and how much is given.")
@click.option("--implement", metavar="LOSS,…",
              help="Loss functions to write in NumPy, checked by xentlab.probe (default: cross-entropy,binary-cross-entropy,"
                   "softmax-cross-entropy; also softmax-cross-entropy:gradient, sse, token-loss, token-loss:perplexity; '' for none).")
@click.option("--derivations", type=int, default=0, show_default=True, metavar="N",
              help="Derivations to write line by line (derive-lines items, 0–3), after the worksheet items; each line is checked as `xentlab check --steps` checks it.")
@LANG_OPTION
@click.option("-o", "--output", "directory", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory to write into.")
@click.option("--force", is_flag=True, help="Write into a non-empty directory, replacing the files of the same name.")
def notebook(count: int, seed: int, fmt: str, types: str | None, difficulty: int, implement: str | None, derivations: int,
             lang: str, directory: Path, force: bool) -> None:
    """A notebook assignment: DIR/assignment.ipynb (for `otter assign` or nbgrader's source/),
    DIR/student.ipynb (answers and hidden tests removed) and DIR/key.json."""
    from xentlab import notebook as nb
    from xentlab import worksheet as ws
    from xentlab.errors import OutputExistsError, UsageError

    ws.check_options(count, difficulty, None, "md", lang)
    if fmt not in nb.FORMATS:
        from xentlab.names import suggest

        raise UsageError(key="notebook_format", value=fmt, choices=", ".join(nb.FORMATS), suggestion=suggest(fmt, nb.FORMATS))
    if seed < 0:
        raise UsageError(key="notebook_seed", value=seed)
    if not 0 <= derivations <= nb.MAX_DERIVATIONS:
        raise UsageError(key="out_of_range", option="--derivations", low=0, high=nb.MAX_DERIVATIONS, value=str(derivations))
    chosen = ws.parse_types(types)
    exercises = nb.parse_implement(implement)
    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(key="notebook_not_directory", path=str(directory))
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise OutputExistsError(key="notebook_not_empty", path=str(directory))
    assignment = nb.build(count, seed, types=chosen, difficulty=difficulty, lang=lang, implement=exercises,
                          derivations=derivations)
    master, student = nb.render(assignment, fmt, lang)
    from xentlab.files import write_text

    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (("assignment.ipynb", master), ("student.ipynb", student), ("key.json", assignment.key_json)):
        write_text(directory / name, text, force=force)
    click.echo(say("wrote_files", count=3, directory=str(directory)), err=True)
