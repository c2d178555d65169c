"""The command line. The only package that touches the filesystem.

One module per command; each registers itself on the group in `_common`. Heavy imports
(SymPy, NumPy, Jinja) happen inside commands, so `xentlab --help` and `xentlab list` stay fast.
"""

from __future__ import annotations

import os
import re
import sys

import click

from xentlab.cli import check, derive, followup, grade, moodle, notebook, practice, solve, worksheet  # noqa: F401  (registers the commands)
from xentlab.cli._common import cli, help_lang
from xentlab.errors import UsageError, XentlabError

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


def keyed_usage_error(error: click.UsageError, args: list[str] = ()) -> UsageError:
    """click's own usage errors (missing option, no such option or command, a value an option
    needs, an extra argument), as keyed errors, so that they read in the user's language.
    Anything else keeps click's English words inside a keyed frame."""
    from xentlab.cli._common import option_name

    named = next((arg for arg in args if arg in cli.commands), None)  # the parser raises some errors without a context
    command = error.ctx.command_path if error.ctx is not None else "xentlab" + (f" {named}" if named else "")
    if isinstance(error, click.NoSuchOption):
        suggestion = error.possibilities[0] if error.possibilities else ""
        return UsageError(key="no_such_option", option=error.option_name, suggestion=suggestion, command=command)
    if isinstance(error, click.exceptions.NoSuchCommand):
        from xentlab.names import suggest

        return UsageError(key="no_such_command", name=error.command_name, suggestion=suggest(error.command_name, cli.commands),
                          choices=tuple(cli.list_commands(error.ctx)))
    if isinstance(error, click.MissingParameter):
        param = error.param
        if isinstance(param, click.Argument):
            return UsageError(key="missing_argument", argument=param.human_readable_name, command=command)
        return UsageError(key="missing_option", option=option_name(param), command=command)
    if isinstance(error, click.BadOptionUsage) and error.message.endswith("requires an argument."):
        return UsageError(key="option_needs_value", option=error.option_name, command=command)
    if error.message.startswith("Got unexpected extra argument"):
        extra = error.message.split("(", 1)[-1].rstrip(")")
        return UsageError(key="extra_argument", value=extra, command=command)
    number = re.match(r"'(.*)' is not a valid (float|integer)", error.message)
    if isinstance(error, click.BadParameter) and error.param is not None and number:  # click's own words are English
        return UsageError(key="option_not_a_number", option=option_name(error.param), value=number.group(1),
                          integer=number.group(2) == "integer", command=command)
    if isinstance(error, click.BadParameter) and error.param is not None:
        return UsageError(key="bad_value", option=option_name(error.param), detail=error.format_message(), command=command)
    return UsageError(key="usage", detail=error.format_message(), command=command)


def _close_quietly() -> None:
    """Standard output cannot take more: point it at /dev/null so the interpreter's final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error becomes one line on stderr and an exit status, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = message_lang(args)
    help_lang["value"] = lang
    if not args:  # bare `xentlab`: the help, not an error
        args = ["--help"]
    try:
        cli.main(args=args, prog_name="xentlab", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        from xentlab.render import message_text

        click.echo(message_text("aborted", lang), err=True)
        sys.exit(1)
    except click.UsageError as error:
        from xentlab.render import error_text

        _say_error(error_text(keyed_usage_error(error, args), lang), lang)
        sys.exit(2)
    except click.ClickException as error:
        from xentlab.render import error_text

        _say_error(error_text(UsageError(key="usage", detail=error.format_message(), command="xentlab"), lang), lang)
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
    except BrokenPipeError:  # `xentlab … | head`: the reader has gone; stop quietly, as SIGPIPE would
        _close_quietly()
        sys.exit(141)
    except OSError as error:  # files go through files.py (keyed): an OSError here is standard output failing
        import errno

        from xentlab.render import error_text

        code = errno.errorcode.get(error.errno, "") if error.errno else ""
        _close_quietly()
        _say_error(error_text(XentlabError(key="stdout_failed", reason=error.strerror or type(error).__name__, code=code), lang), lang)
        sys.exit(2)
    except Exception as error:  # a bug: say so in one line; XENTLAB_DEBUG=1 shows the traceback
        if os.environ.get("XENTLAB_DEBUG"):
            raise
        from xentlab.render import error_text

        _say_error(error_text(XentlabError(key="internal", kind=type(error).__name__, detail=str(error)), lang), lang)
        sys.exit(1)
