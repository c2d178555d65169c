"""`xentlab grade`: a whole class from a CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xentlab.cli._common import FORCE_OPTION, LANG_OPTION, OUTPUT_OPTION, cli, emit


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
    if not responses.is_file():  # say what is wrong: a folder, or nothing at all
        raise InputError(key="responses_is_directory" if responses.is_dir() else "responses_missing", path=str(responses))
    header, rows = grading.read_responses(responses.read_bytes())
    if sys.stderr.isatty() and len(rows) >= 200:
        with click.progressbar(length=len(rows), label="grading", file=sys.stderr) as bar:
            verdicts = grading.grade(items, rows, progress=bar.update)
    else:
        verdicts = grading.grade(items, rows)
    feedback = [verdict_feedback(v, lang) for v in verdicts]
    charts = []
    if report is not None:
        from xentlab.render import report_svgs

        summary = grading.summarise(rows, verdicts, items)
        charts = [(report.with_name(f"{report.stem}.{svg['name']}.svg"), svg) for svg in report_svgs(summary, lang)]
    from xentlab.files import refuse_existing, write_text

    refuse_existing([output, report, *(path for path, _ in charts)], force=force)
    emit(grading.graded_csv(header, rows, verdicts, feedback), output, force)
    if report is not None:
        figures = []
        for path, svg in charts:  # charts beside the report, linked from it
            write_text(path, svg["svg"], force=force)
            figures.append({"file": path.name, "caption": svg["caption"], "name": svg["name"]})
        write_text(report, render_grade_report(summary, lang, figures), force=force)
        click.echo(f"wrote {report}", err=True)
