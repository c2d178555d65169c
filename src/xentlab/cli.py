"""The command line. The only module that touches the filesystem.

Heavy imports (SymPy, NumPy) happen inside commands, so `xentlab --help`
and `xentlab list` stay fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xentlab import __version__
from xentlab.errors import XentlabError

LANG_OPTION = click.option("--lang", default="ja", show_default=True, metavar="ja|en", help="Language of the prose.")
FORCE_OPTION = click.option("--force", is_flag=True, help="Overwrite an existing output file.")
OUTPUT_OPTION = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of standard output.")


def emit(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from xentlab.files import write_text

    write_text(output, text, force=force)
    click.echo(f"wrote {output}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xentlab")
def cli() -> None:
    """xentlab: the cross-entropy loss, derived step by step, computed and checked."""


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
@click.option("--classes", type=int, metavar="K", help="Write the sums out term by term for K classes (2–50).")
@click.option("--half", is_flag=True, help="sse only: the ½ variant.")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex|json|text", help="Output format.")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def derive(kind: str, classes: int | None, half: bool, fmt: str, lang: str, output: Path | None, force: bool) -> None:
    """Derive KIND step by step; every step is proved before it is printed.

    KIND is one of the kinds `xentlab list` shows, e.g. multiclass.
    """
    from xentlab.derivations import check_options
    from xentlab.render import check_format, check_lang

    check_options(kind, classes, half)  # cheap checks first: no SymPy for a typo
    check_format(fmt)
    check_lang(lang)
    from xentlab.derivations import derive as build
    from xentlab.render import render_derivation

    emit(render_derivation(build(kind, classes=classes, half=half), fmt, lang), output, force)


def _inputs_from_options(options: dict):
    """The numeric inputs shared by `solve` and `check`, parsed (plain numbers only)."""
    from xentlab.solve import Inputs, parse_labels, parse_matrix

    matrices = {name: parse_matrix(options[name], f"--{name}") for name in ("y", "t", "logits", "p") if options.get(name) is not None}
    labels = parse_labels(options["labels"]) if options.get("labels") is not None else None
    return Inputs(**matrices, labels=labels, reduction=options.get("reduction"), base=options.get("base") or "e",
                  half=bool(options.get("half")), eps=options.get("eps"))


def numeric_input_options(command):
    """--y --t --labels --logits --p --reduction --base --half: the same for solve and check."""
    for decorator in reversed([
        click.option("--y", metavar="Y", help="Predicted probabilities: 0.33,0.32,0.35; rows separated by ';'."),
        click.option("--t", metavar="T", help="Targets in the same shape (one-hot or soft)."),
        click.option("--labels", metavar="L", help="Integer class labels, 0-based: 0 or 1,0."),
        click.option("--logits", metavar="Z", help="Logits (softmax-cross-entropy)."),
        click.option("--p", metavar="P", help="token-loss: the probability each target token received."),
        click.option("--reduction", metavar="mean|sum", help="How a batch is reduced (default: mean; sse of one sample: sum)."),
        click.option("--base", default="e", show_default=True, metavar="e|2|10", help="Logarithm base: nats, bits or decimal."),
        click.option("--half", is_flag=True, help="sse: with the factor ½."),
    ]):
        command = decorator(command)
    return command


@cli.command()
@click.argument("kind")
@numeric_input_options
@click.option("--eps", type=float, help="Clip predictions like np.clip(y, eps, 1 - eps) before taking logs.")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex|json|text", help="Output format.")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def solve(kind: str, fmt: str, lang: str, output: Path | None, force: bool, **options) -> None:
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
    from xentlab.render import render_solution
    from xentlab.solve import solve as compute

    emit(render_solution(compute(kind, _inputs_from_options(options)), fmt, lang), output, force)


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
        from xentlab.solve import check_inputs

        from xentlab.solve import solve as worked_solution

        inputs = _inputs_from_options(options)
        check_inputs(kind, inputs)
        worked_solution(kind, inputs)  # the same validation and error messages as `solve`
        verdict = check_number(answer, expected_value(kind, inputs), catalogue(kind, inputs), overrides)
    else:
        from xentlab.check import check_expression

        verdict = check_expression(answer, expect)
    from xentlab.render import render_verdict

    click.echo(render_verdict(verdict, fmt, lang), nl=False)


@cli.command()
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path), help="key.json from `xentlab worksheet`.")
@click.option("--responses", required=True, type=click.Path(path_type=Path), help="CSV with columns student, item, answer (UTF-8, BOM allowed).")
@OUTPUT_OPTION
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown class report here.")
@LANG_OPTION
@FORCE_OPTION
def grade(key_path: Path, responses: Path, output: Path | None, report: Path | None, lang: str, force: bool) -> None:
    """Grade a class's CSV: every row kept in order, with status, diagnosis and score."""
    from xentlab import answerkey, grading
    from xentlab.errors import InputError
    from xentlab.render import check_lang, render_grade_report, verdict_feedback

    check_lang(lang)
    items = answerkey.load(key_path)
    if not responses.is_file():
        raise InputError(f"responses file {responses} does not exist")
    header, rows = grading.read_responses(responses.read_bytes())
    if sys.stderr.isatty() and len(rows) >= 200:
        with click.progressbar(length=len(rows), label="grading", file=sys.stderr) as bar:
            verdicts = grading.grade(items, rows, progress=bar.update)
    else:
        verdicts = grading.grade(items, rows)
    feedback = [verdict_feedback(v, lang) for v in verdicts]
    emit(grading.graded_csv(header, rows, verdicts, feedback), output, force)
    if report is not None:
        from xentlab.files import write_text

        write_text(report, render_grade_report(grading.summarise(rows, verdicts, items), lang), force=force)
        click.echo(f"wrote {report}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error becomes one line on stderr and an exit status, never a traceback."""
    try:
        cli.main(args=argv, prog_name="xentlab", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("xentlab: aborted", err=True)
        sys.exit(1)
    except click.UsageError as error:
        hint = f" (see 'xentlab {error.ctx.command.name} --help')" if error.ctx and error.ctx.command.name != "cli" else ""
        click.echo(f"xentlab: error: {error.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as error:
        click.echo(f"xentlab: error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except XentlabError as error:
        click.echo(f"xentlab: error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; XENTLAB_DEBUG=1 shows the traceback
        if os.environ.get("XENTLAB_DEBUG"):
            raise
        click.echo(f"xentlab: internal error: {type(error).__name__}: {error} (set XENTLAB_DEBUG=1 for details)", err=True)
        sys.exit(1)
