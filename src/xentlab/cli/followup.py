"""`xentlab followup`: practice sheets for each student's own mistakes, from a graded class."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import click

from xentlab.cli._common import cli, say

OURS = ("students", "class", "attempts.csv", "followup.json", "followup.md")  # the index files last


@cli.command()
@click.option("--graded", "graded_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="graded.csv (or .xlsx) written by `xentlab grade`.")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path),
              help="The key it was graded with: key.json, or the worksheet directory with variant-NN/key.json.")
@click.option("-o", "--output", "directory", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write into (it may be the worksheet's own directory).")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same sheets.")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex", help="Output format.")
@click.option("--pdf", is_flag=True, help="Also compile each .tex to PDF with lualatex (needs --format tex).")
@click.option("--lang", default="ja", show_default=True, metavar="ja|en", help="Language of the sheets.")
@click.option("--difficulty", type=int, metavar="1|2|3", help="Preferred difficulty (default: the key's).")
@click.option("--types", metavar="a,b,…", help="Problem types to draw from (default: all).")
@click.option("--force", is_flag=True, help="Replace the follow-up files of an earlier run in DIR.")
def followup(graded_path, key_path, directory, seed, fmt, pdf, lang, difficulty, types, force) -> None:
    """One sheet and key per student with a skill below mastery, a class sheet, and an index.

    Writes DIR/students/<name>/{worksheet,answers}.<fmt> and key.json, DIR/class/…, DIR/followup.md,
    DIR/followup.json and DIR/attempts.csv (the evidence, in pyBKT's columns).
    """
    from xentlab import bkt, mastery
    from xentlab import followup as build
    from xentlab.errors import ToolMissingError, UsageError
    from xentlab.render import check_lang
    from xentlab.worksheet import FORMATS, parse_types

    check_lang(lang)
    if fmt not in FORMATS:
        raise UsageError(key="practice_bad_option", option="--format", allowed="md, tex")
    if seed < 0:
        raise UsageError(key="option_range", option="--seed", low=0, high=None)
    if difficulty is not None and difficulty not in (1, 2, 3):
        raise UsageError(key="practice_bad_option", option="--difficulty", allowed="1, 2, 3")
    if pdf and fmt != "tex":
        raise UsageError(key="pdf_needs_tex")
    if pdf and shutil.which("lualatex") is None:
        from xentlab.cli.worksheet import TEX_PACKAGES

        raise ToolMissingError(key="pdf_needs_lualatex", packages=TEX_PACKAGES.split())  # a constant: not cut to 80 characters
    kinds = parse_types(types)
    _check_target(directory, force)

    keys = mastery.load_keys(key_path)
    classroom = mastery.trace_class(mastery.read_graded(graded_path), keys)
    sheets, class_sheet, _ = build.plan(classroom, seed, kinds, difficulty or keys.difficulty)
    files: dict[str, bytes] = {}
    for sheet in sheets + ([class_sheet] if class_sheet else []):
        worksheet_text, answers_text = build.render(sheet, seed, fmt, lang)
        files[f"{sheet.folder}/worksheet.{fmt}"] = worksheet_text.encode("utf-8")
        files[f"{sheet.folder}/answers.{fmt}"] = answers_text.encode("utf-8")
        files[f"{sheet.folder}/key.json"] = build.key_json(sheet, seed, lang, fmt).encode("utf-8")
    if pdf:
        from xentlab.cli.worksheet import _compile_pdfs

        sources = [(name, data) for name, data in files.items() if name.endswith(".tex")]
        files.update({name[:-4] + ".pdf": data for (name, _), data in zip(sources, _compile_pdfs([d for _, d in sources]))})
    index_md, index_json = build.index(classroom, sheets, class_sheet, fmt, lang, kinds)
    files["attempts.csv"] = bkt.attempts_csv(classroom.attempts).encode("utf-8")
    files["followup.json"] = index_json.encode("utf-8")
    files["followup.md"] = index_md.encode("utf-8")
    _write_tree(directory, files)
    if classroom.skipped:  # rows graded against another key: say so, they gave no evidence
        from xentlab.encode import for_terminal
        from xentlab.render import language_module

        click.echo(for_terminal(str(language_module("followup", "md", lang).skipped_note(classroom.skipped)).strip(), 200), err=True)
    click.echo(say("wrote_files", count=len(files), directory=str(directory)), err=True)  # as `xentlab worksheet` says it


def _check_target(directory: Path, force: bool) -> None:
    """Refuse before any work: DIR must be a directory (or not exist under an existing parent), and
    an earlier run's files are replaced only with --force, and only when they are what we wrote."""
    from xentlab.errors import OutputExistsError

    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(key="followup_not_directory", path=str(directory))
    if not directory.exists():
        if not directory.parent.is_dir():
            raise OutputExistsError(key="followup_parent_missing", path=str(directory.parent))
        return
    for name in OURS:
        path = directory / name
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        if not force:
            raise OutputExistsError(key="followup_exists", path=str(path))
        wanted = stat.S_ISDIR if name in ("students", "class") else stat.S_ISREG
        if not wanted(info.st_mode):
            raise OutputExistsError(key="followup_not_regular", path=str(path))
        if name in ("students", "class"):
            foreign = _foreign_file(path, depth=2 if name == "students" else 1)
            if foreign is not None:
                raise OutputExistsError(key="followup_foreign_file", path=str(foreign), folder=str(path))


OUR_FILES = {f"{stem}.{ext}" for stem in ("worksheet", "answers") for ext in ("md", "tex", "pdf")} | {"key.json"}
FOLDER_NOISE = {".DS_Store", "Thumbs.db", "desktop.ini"}  # what Finder and Explorer leave in a folder they open


def _foreign_file(folder: Path, depth: int) -> Path | None:
    """The first entry under an earlier run's students/ (<name>/<file>) or class/ (<file>) that is
    not a file we write there: --force replaces those folders whole, so a teacher's own notes in
    them would be lost."""
    for entry in sorted(folder.iterdir()):
        info = os.lstat(entry)
        if depth > 1 and stat.S_ISDIR(info.st_mode):
            inner = _foreign_file(entry, depth - 1)
            if inner is not None:
                return inner
        elif depth > 1 or not stat.S_ISREG(info.st_mode) or entry.name not in OUR_FILES | FOLDER_NOISE:
            return entry
    return None


def _write_tree(directory: Path, files: dict[str, bytes]) -> None:
    """Everything is written into a temporary directory inside DIR first; then each of our entries is
    put in place by a rename (an earlier run's entry is moved aside first, then deleted), the
    index last, so DIR never holds half a sheet or an index pointing at a missing one."""
    directory.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".followup-", suffix=".tmp", dir=directory))
    aside = staging / ".old"
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(path, 0o666 & ~_umask())
        aside.mkdir()
        for name in OURS:
            target, fresh = directory / name, staging / name
            if os.path.lexists(target):
                os.rename(target, aside / name)
            if fresh.exists():
                os.rename(fresh, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
