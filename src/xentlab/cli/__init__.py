"""The command line. The only package that touches the filesystem.

One module per command; each registers itself on the group in `_common`. Heavy imports
(SymPy, NumPy) happen inside commands, so `xentlab --help` and `xentlab list` stay fast.
"""

from __future__ import annotations

import os
import sys

import click

from xentlab.cli import check, derive, followup, grade, moodle, notebook, practice, solve, worksheet  # noqa: F401  (registers the commands)
from xentlab.cli._common import cli
from xentlab.errors import XentlabError

__all__ = ["cli", "main", "message_lang"]


def message_lang(argv: list[str]) -> str:
    """The language of messages and help: `--lang` when the command line gives a valid one,
    else the locale (LC_ALL, LC_MESSAGES, LANG, in POSIX order) when it is Japanese, else English."""
    for i, arg in enumerate(argv):
        value = arg[len("--lang="):] if arg.startswith("--lang=") else argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if value in ("ja", "en"):
            return value
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = os.environ.get(name)
        if locale:
            return "ja" if locale.lower().startswith("ja") else "en"
    return "en"


def _say_error(text: str, lang: str) -> None:
    from xentlab.render import error_prefix

    click.echo(error_prefix(lang) + text, err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error becomes one line on stderr and an exit status, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = message_lang(args)
    try:
        cli.main(args=args, prog_name="xentlab", standalone_mode=False)
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
        if error.key is None:  # not yet keyed: English only (every message a user can meet should be keyed)
            click.echo(f"xentlab: error: {error}", err=True)
        else:
            from xentlab.render import error_text

            _say_error(error_text(error, lang), lang)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; XENTLAB_DEBUG=1 shows the traceback
        if os.environ.get("XENTLAB_DEBUG"):
            raise
        from xentlab.render import error_text

        _say_error(error_text(XentlabError(key="internal", kind=type(error).__name__, detail=str(error)), lang), lang)
        sys.exit(1)
