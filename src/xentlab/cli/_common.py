"""What every command shares: the click group, the common options, and stdout/-o output."""

from __future__ import annotations

from pathlib import Path

import click

from xentlab import __version__

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


def inputs_from_options(options: dict):
    """The numeric inputs shared by `solve` and `check`, parsed (plain numbers only)."""
    from xentlab.solve import Inputs, parse_labels, parse_matrix

    matrices = {name: parse_matrix(options[name], f"--{name}") for name in ("y", "t", "logits", "p") if options.get(name) is not None}
    labels = parse_labels(options["labels"]) if options.get("labels") is not None else None
    return Inputs(**matrices, labels=labels, reduction=options.get("reduction"), base=options.get("base") or "e",
                  half=bool(options.get("half")), eps=options.get("eps"), check_sum=not options.get("no_check_sum"))


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


