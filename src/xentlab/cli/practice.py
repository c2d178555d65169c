"""`xentlab practice`: an adaptive session in the terminal (or driven by --answers FILE)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from xentlab.cli._common import cli

MAX_ANSWERS_BYTES = 1_000_000


@cli.command()
@click.option("--state", "state_path", type=click.Path(path_type=Path),
              help="Progress file (JSON), written after every answer; an existing one is resumed.")
@click.option("--answers", "answers_path", type=click.Path(path_type=Path),
              help="Read the answers from FILE, one per line, instead of the terminal.")
@click.option("--seed", type=int, metavar="S", help="Random seed (≥ 0, default 0): the same seed and answers give the same items.")
@click.option("--skills", metavar="a,b,…", help="Skills to practise (default: every skill some item can show).")
@click.option("--max", "max_items", type=int, metavar="N", help="Stop after N items at most (default 40).")
@click.option("--difficulty", type=int, metavar="1|2|3", help="Preferred difficulty (default 2).")
@click.option("--types", metavar="a,b,…", help="Problem types to draw from (default: all).")
@click.option("--lang", metavar="ja|en", help="Language (default ja).")
def practice(state_path, answers_path, seed, skills, max_items, difficulty, types, lang) -> None:
    """Practise until every skill is mastered: each item targets your weakest skill.

    Type an answer and press Enter; `?` shows the worked solution (and counts as not known).
    Ctrl-D or Ctrl-C saves the progress (with --state) and stops.
    """
    from xentlab import practice as core
    from xentlab import practice_text as view

    given = {"--seed": seed, "--skills": skills, "--max": max_items, "--difficulty": difficulty, "--types": types, "--lang": lang}
    _check_options(given)
    document = _read_state(state_path) if state_path is not None else None
    if state_path is not None and document is None and not state_path.parent.is_dir():
        from xentlab.errors import InputError  # before the first question: no answer is typed in vain

        raise InputError(key="practice_state_no_directory", path=str(state_path.parent))
    if document is not None:
        session = core.resume(document)
        _refuse_conflicts(given, session.settings)
    else:
        session = core.Session(_settings(given))
    lang = session.settings.lang
    lines = _answer_lines(answers_path) if answers_path is not None else None
    if lines is None and sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:  # pragma: no cover - not on every platform
            pass

    out = click.echo
    out(view.intro(session))
    if document is not None and session.asked:
        out(view.resumed(session))
    shown_item = None
    try:
        while not session.done:
            item = session.next_item()
            if item is None:
                out(view.no_item(lang))
                break
            if shown_item is not item.number:
                out("\n" + view.question(session, item))
                shown_item = item.number
            line = _read(lines, view.prompt(lang))
            outcome = session.respond(line)
            if outcome.revealed:
                out(view.solution(session, item))
            else:
                out(view.feedback(session, outcome))
            if outcome.counted:
                note = view.progress(session, outcome)
                if note:
                    out(note)
                _save(state_path, session)
        out("\n" + view.summary(session))
        _save(state_path, session, announce=True)
    except EOFError:
        out("\n" + view.summary(session))
        _save(state_path, session, announce=True)
    except KeyboardInterrupt:
        out("\n" + view.interrupted(lang))
        _save(state_path, session, announce=True)
        sys.exit(130)


def _check_options(given: dict) -> None:
    from xentlab.errors import UsageError

    if given["--seed"] is not None and not 0 <= given["--seed"] < 2**63:
        raise UsageError(key="option_range", option="--seed", low=0, high=None)
    if given["--max"] is not None and not 1 <= given["--max"] <= 200:
        raise UsageError(key="option_range", option="--max", low=1, high=200)
    if given["--difficulty"] is not None and given["--difficulty"] not in (1, 2, 3):
        raise UsageError(key="practice_bad_option", option="--difficulty", allowed="1, 2, 3")
    if given["--lang"] is not None and given["--lang"] not in ("ja", "en"):
        raise UsageError(key="practice_bad_option", option="--lang", allowed="ja, en")


def _settings(given: dict):
    from xentlab import practice as core
    from xentlab.skills import parse_skills
    from xentlab.worksheet import parse_types

    types = parse_types(given["--types"]) if given["--types"] else ()
    return core.Settings(seed=given["--seed"] or 0, skills=parse_skills(given["--skills"]),
                         max_items=given["--max"] or core.DEFAULT_MAX, difficulty=given["--difficulty"] or 2,
                         types=tuple(types), lang=given["--lang"] or "ja")


def _refuse_conflicts(given: dict, settings) -> None:
    """Options given again when resuming must agree with the state file (else: another session)."""
    from xentlab.errors import UsageError

    if given["--lang"] is not None and given["--lang"] != settings.lang:
        raise UsageError(key="practice_state_conflict", option="--lang", value=settings.lang)
    wanted = _settings({**given, "--lang": settings.lang})
    for option, mine, theirs in (("--seed", wanted.seed, settings.seed), ("--skills", wanted.skills, settings.skills),
                                 ("--max", wanted.max_items, settings.max_items), ("--difficulty", wanted.difficulty, settings.difficulty),
                                 ("--types", wanted.types, settings.types)):
        if given[option] is not None and mine != theirs:
            shown = ",".join(theirs) if isinstance(theirs, tuple) else str(theirs)
            raise UsageError(key="practice_state_conflict", option=option, value=shown or "-")


def _read_state(path: Path):
    """The state file, or None when it does not exist yet. Never a non-regular file."""
    import json

    from xentlab import practice as core
    from xentlab.errors import InputError

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        raise InputError(key="practice_state_not_regular", path=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(key="practice_state_not_regular", path=str(path))
    if info.st_size > core.MAX_STATE_BYTES:
        raise InputError(key="practice_state_invalid", detail="size")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise InputError(key="practice_state_invalid", detail="JSON") from None


def _save(path: Path | None, session, announce: bool = False) -> None:
    """Atomically (temporary file beside it, then rename), never over anything but a regular file."""
    if path is None:
        return
    import json

    from xentlab import practice_text as view
    from xentlab.errors import InputError
    from xentlab.files import write_bytes

    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(key="practice_state_not_regular", path=str(path))
    except FileNotFoundError:
        pass
    data = json.dumps(session.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        write_bytes(path, data.encode("utf-8"), force=True)
    except OSError as error:  # a read-only directory, a full disk: one keyed line, not a traceback
        raise InputError(key="practice_state_unwritable", path=str(path), detail=error.strerror or type(error).__name__) from None
    if announce:
        click.echo(view.saved(session.settings.lang, path), err=True)


def _answer_lines(path: Path):
    from xentlab.errors import InputError

    try:
        if not path.is_file() or path.stat().st_size > MAX_ANSWERS_BYTES:
            raise InputError(key="practice_answers_unreadable", path=str(path))
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise InputError(key="practice_answers_unreadable", path=str(path)) from None
    lines = text.split("\n")  # a line ends at LF only, as a terminal's does (not at VT, FF, U+2028 …)
    if lines and lines[-1] == "":
        lines.pop()
    return iter(line[:-1] if line.endswith("\r") else line for line in lines)


def _read(lines, prompt: str) -> str:
    """The next answer: from the file (echoed after the prompt, so the transcript reads like a
    session), or typed at the terminal. EOFError when there is none left."""
    if lines is None:
        return input(prompt)
    line = next(lines, None)
    if line is None:
        raise EOFError
    from xentlab.encode import for_terminal

    click.echo(prompt + for_terminal(line, limit=200))
    return line
