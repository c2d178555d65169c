"""What every command shares: the click group, the common options, stdout/-o output, and help
text in the user's language.

Help texts live in templates/<lang>/help.j2, one argument-free macro per text (cmd_<command>,
short_<command>, opt_<command>_<param> or the shared opt_<param>, and the headings). They hold
no logic, so this module reads them with a regular expression instead of importing Jinja:
`xentlab --help` stays fast (tests/test_cli_help.py renders them with Jinja too and compares).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import click

from xentlab import __version__

_MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\(\)\s*-?%}(.*?){%-?\s*endmacro\s*-?%}", re.S)
_COMMENT = re.compile(r"{##.*?##}", re.S)

help_lang = {"value": "en"}  # set by cli.main from --lang or the locale before click parses anything


def templates_dir() -> Path:
    packaged = Path(__file__).resolve().parents[1] / "templates"  # inside an installed wheel
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "templates"


@lru_cache(maxsize=2)
def help_texts(lang: str) -> dict[str, str]:
    """templates/<lang>/help.j2 as {macro name: text}."""
    source = _COMMENT.sub("", (templates_dir() / lang / "help.j2").read_text(encoding="utf-8"))
    return {name: body.strip() for name, body in _MACRO.findall(source)}


def text(name: str, fallback: str = "") -> str:
    texts = help_texts(help_lang["value"])
    return texts.get(name) or help_texts("en").get(name) or fallback


def _option_help(command: str, param: click.Parameter, fallback: str) -> str:
    name = (param.name or "").lstrip("_")
    return text(f"opt_{command}_{name}") or text(f"opt_{name}", fallback)


def _cells(text: str) -> int:
    """Terminal columns: two for a wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns. Japanese may break after any wide character, never
    before a closing mark (、。）」：); other text breaks at spaces."""
    import unicodedata

    lines: list[str] = []
    line = ""
    tokens: list[str] = []
    for ch in text:  # a token: a run of narrow characters up to a space, or one wide character
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if tokens and not wide and ch != " " and not tokens[-1].endswith(" ") and _cells(tokens[-1][-1]) == 1:
            tokens[-1] += ch
        elif tokens and (ch in "、。）」』：，．！？" or tokens[-1][-1] in "（「『"):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    for token in tokens:
        if line and _cells(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Formatter(click.HelpFormatter):
    """click's formatter, measuring text in terminal columns (Japanese is two wide) and with the
    heading colon of the user's language."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{text('colon', ':')}\n")

    def write_text(self, body: str) -> None:
        indent = " " * self.current_indent
        for number, paragraph in enumerate(body.split("\n\n")):
            if number:
                self.write("\n")
            for line in wrap(" ".join(paragraph.split()), max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        self.write(f"{'':>{self.current_indent}}{prefix or ''}{prog} {args}".rstrip() + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((_cells(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if _cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent - 2, 20)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    """A command whose help comes from templates/<lang>/help.j2."""

    context_class = Context

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = text("help_option", option.help or "")
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        return text(f"short_{self.name}") or super().get_short_help_str(limit)

    def format_usage(self, ctx, formatter) -> None:
        pieces = [text("options_metavar", "[OPTIONS]") if piece == self.options_metavar else piece
                  for piece in self.collect_usage_pieces(ctx)]
        prefix = text("usage", "Usage:")
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix if prefix.endswith("：") else prefix + " ")

    def format_help_text(self, ctx, formatter) -> None:
        body = text(f"cmd_{self.name}", self.help or "")
        if body:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(body)

    def format_options(self, ctx, formatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            if param is self.get_help_option(ctx):
                rows.append((record[0], text("help_option", record[1])))
            else:
                rows.append((record[0], _option_help(self.name, param, record[1])))
        if rows:
            with formatter.section(text("options", "Options")):
                formatter.write_dl(rows)


class Group(click.Group, Command):
    command_class = Command
    context_class = Context

    def collect_usage_pieces(self, ctx):
        pieces = click.Command.collect_usage_pieces(self, ctx)
        return pieces + [text("command_metavar", self.subcommand_metavar)]

    def format_options(self, ctx, formatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        rows = [(name, self.commands[name].get_short_help_str()) for name in self.list_commands(ctx)
                if not self.commands[name].hidden]
        if rows:
            with formatter.section(text("commands", "Commands")):
                formatter.write_dl(rows)


# --- option types whose errors are keyed (so they read in the user's language) ---------------


def option_name(param) -> str:
    return max(param.opts, key=len) if getattr(param, "opts", None) else (param.human_readable_name if param else "")


class Integer(click.ParamType):
    name = "integer"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            from xentlab.errors import UsageError

            raise UsageError(key="not_an_integer", option=option_name(param), value=str(value)) from None


class Number(click.ParamType):
    name = "number"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            return float(str(value).strip())
        except ValueError:
            from xentlab.errors import UsageError

            raise UsageError(key="not_a_number", option=option_name(param), value=str(value)) from None


INTEGER, NUMBER = Integer(), Number()


class OutputPath(click.ParamType):
    """A file to write (the checks that need the filesystem happen when writing)."""

    name = "file"

    def convert(self, value, param, ctx):
        return value if isinstance(value, Path) else Path(value)


LANG_OPTION = click.option("--lang", default="ja", metavar="ja|en", help="Language of the prose (default ja).")
FORCE_OPTION = click.option("--force", is_flag=True, help="Overwrite an existing output file.")
OUTPUT_OPTION = click.option("-o", "--output", type=OutputPath(), metavar="FILE", help="Write to FILE instead of standard output.")


def emit(text_out: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(text_out, nl=False)
        return
    from xentlab.files import write_text

    refuse_existing([output], force)
    write_text(output, text_out, force=force)
    click.echo(wrote(output), err=True)


def refuse_existing(paths, force: bool) -> None:
    """Before writing: each path names a file in a directory that exists, and none exists already
    unless --force (files.py checks again as it writes; these messages read in the user's language)."""
    from xentlab.errors import OutputExistsError

    for path in paths:
        check_output_file(path)
        if path.exists() and not force:
            raise OutputExistsError(key="output_exists", path=str(path))


def check_output_file(output: Path) -> None:
    """-o FILE must name a file: not a directory, and in a directory that exists."""
    from xentlab.errors import OutputExistsError

    if output.is_dir():
        raise OutputExistsError(key="output_is_directory", path=str(output))
    if not output.parent.is_dir():
        raise OutputExistsError(key="output_parent_missing", path=str(output), parent=str(output.parent))


def say(key: str, **params) -> str:
    """A message (not an error) in the user's language: templates/<lang>/errors.j2's macro `key`."""
    from xentlab.render import message_text

    return message_text(key, help_lang["value"], cut=400, **params)


def wrote(path) -> str:
    """The one line on stderr after a file is written, in the user's language."""
    return say("wrote", path=str(path))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xentlab")
def cli() -> None:
    """xentlab: the cross-entropy loss, derived step by step, computed and checked."""


def inputs_from_options(options: dict):
    """The numeric inputs shared by `solve` and `check`, parsed (plain numbers only)."""
    from xentlab import names
    from xentlab.solve import Inputs, parse_labels, parse_matrix

    matrices = {name: parse_matrix(options[name], f"--{name}") for name in ("y", "t", "logits", "p") if options.get(name) is not None}
    labels = parse_labels(options["labels"]) if options.get("labels") is not None else None
    reduction = options.get("reduction")
    if reduction is not None:
        names.choose("reduction", reduction, names.REDUCTIONS)
    base = options.get("base") or "e"
    names.choose("base", base, names.BASES)
    return Inputs(**matrices, labels=labels, reduction=reduction, base=base,
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
        click.option("--base", default="e", metavar="e|2|10", help="Logarithm base: nats, bits or decimal (default e)."),
        click.option("--half", is_flag=True, help="sse: with the factor ½."),
    ]):
        command = decorator(command)
    return command
