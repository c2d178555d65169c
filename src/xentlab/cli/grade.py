"""`xentlab grade`: a whole class from a CSV or an .xlsx workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xentlab.cli._common import FORCE_OPTION, LANG_OPTION, OUTPUT_OPTION, cli


@cli.command()
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path),
              help="key.json from `xentlab worksheet`, or its directory (with --variants: variant-NN/key.json).")
@click.option("--responses", required=True, type=click.Path(path_type=Path),
              help="Columns student, item, answer (and variant): a CSV (UTF-8, UTF-16 or CP932) or an .xlsx workbook.")
@OUTPUT_OPTION
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown class report here.")
@click.option("--attempts", default="last", show_default=True, metavar="last|first|best",
              help="Which row counts when a student answered an item more than once.")
@LANG_OPTION
@FORCE_OPTION
def grade(key_path: Path, responses: Path, output: Path | None, report: Path | None, attempts: str, lang: str, force: bool) -> None:
    """Grade a class: every row kept in order, with status, diagnosis, score and feedback.

    -o FILE.xlsx writes an Excel workbook; any other name a CSV (UTF-8 with BOM)."""
    from xentlab import answerkey, files, grading, tables
    from xentlab.render import check_lang, verdict_feedback

    check_lang(lang)
    if attempts not in grading.ATTEMPTS:
        from xentlab.errors import UsageError

        raise UsageError(key="grade_bad_attempts", value=attempts[:20], choices=", ".join(grading.ATTEMPTS))
    if output is not None and output.suffix.lower() == ".xlsm":  # Excel refuses a macro-free book named .xlsm
        from xentlab.errors import UsageError

        raise UsageError(key="grade_output_xlsm", path=str(output), suggestion=str(output.with_suffix(".xlsx")))
    charts = _chart_paths(report)
    keys_read = [key_path, *sorted(key_path.glob("variant-*/key.json")), key_path / "key.json"] if key_path.is_dir() else [key_path]
    files.refuse_existing([output, report, *charts.values()], force=force, inputs=[responses, *keys_read])  # before the slow part
    keys = answerkey.load_variants(key_path)
    table = tables.read(responses)

    def feedback(verdict):
        return verdict_feedback(verdict, lang, "text")

    if sys.stderr.isatty() and len(table.rows) >= 200:
        with click.progressbar(length=len(table.rows), label="grading", file=sys.stderr) as bar:
            graded = grading.grade(table, keys, feedback, lang, attempts, progress=bar.update)
    else:
        graded = grading.grade(table, keys, feedback, lang, attempts)
    reported = _render_report(graded.summary, report, charts, lang, _mastery(table, graded, key_path, lang)) if report is not None else []
    _write_graded(graded, output, force)  # everything is rendered before the first file is written
    for path, text in reported:
        files.write_text(path, text, force=force)
    notes_lang = _notes_lang(lang)  # stderr speaks once all went well: an error stays the only line
    _note("read_as", notes_lang, path=str(responses), source=table.source)
    if graded.summary["hit_limit"]:
        from xentlab.check import TIME_LIMIT

        _note("hit_limit", notes_lang, count=graded.summary["hit_limit"], seconds=TIME_LIMIT)
    for path in [output] + [report]:
        if path is not None:
            _note("wrote", notes_lang, path=str(path))


def _chart_paths(report: Path | None) -> dict[str, Path]:
    if report is None:
        return {}
    return {name: report.with_name(f"{report.stem}.{name}.svg") for name in ("mistakes", "items")}


def _notes_lang(lang: str) -> str:
    """Lines on stderr speak like error messages: --lang when given, else the locale."""
    from click.core import ParameterSource

    from xentlab.cli import message_lang

    given = click.get_current_context().get_parameter_source("lang") is not ParameterSource.DEFAULT
    return lang if given else message_lang([])


def _note(name: str, lang: str, **params) -> None:
    """One line on stderr, in the user's language (templates/<lang>/grade.j2)."""
    from xentlab.encode import for_terminal
    from xentlab.render import language_module

    words = language_module("grade", "text", lang)
    safe = {k: for_terminal(v) if isinstance(v, str) else v for k, v in params.items()}
    click.echo(" ".join(str(getattr(words, "note_" + name)(**safe)).split()), err=True)


def _write_graded(graded, output: Path | None, force: bool) -> None:
    from xentlab import files, tables
    from xentlab.grading import ADDED

    added = list(ADDED)
    if output is not None and tables.is_xlsx(output):
        data = tables.xlsx_bytes(graded.header, graded.rows, added, _added_values(graded), graded.width)
        files.write_bytes(output, data, force=force)
    else:
        chunks = (chunk.encode("utf-8") for chunk in tables.csv_chunks(graded.header, graded.rows, added, graded.added(), graded.width))
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        files.write_stream(output, _with_bom(chunks), force=force)  # UTF-8 with BOM: Excel shows the Japanese


def _added_values(graded):
    """The added cells for .xlsx: the score as a number."""
    for result in graded.results:
        yield [result.status, ";".join(result.diagnosis), result.score, result.feedback]


def _with_bom(chunks):
    yield b"\xef\xbb\xbf"
    yield from chunks


def _mastery(table, graded, key_path: Path, lang: str) -> str:
    """The report's last section: P(mastered) per student and skill, and the class line (issue 15)."""
    from xentlab.mastery import grade_report_section

    return grade_report_section(table, graded, key_path, lang)


def _render_report(summary: dict, report: Path, charts: dict[str, Path], lang: str, mastery: str) -> list[tuple[Path, str]]:
    """(path, text) of the charts and the report that links them, the mastery section last."""
    from xentlab.render import render_grade_report, report_svgs

    out, figures = [], []
    for svg in report_svgs(summary, lang):  # charts beside the report, linked from it
        path = charts[svg["name"]]
        out.append((path, svg["svg"]))
        figures.append({"file": path.name, "caption": svg["caption"], "name": svg["name"]})
    return out + [(report, render_grade_report(summary, lang, figures) + "\n" + mastery)]
