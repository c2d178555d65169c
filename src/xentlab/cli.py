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


@cli.command()
@click.argument("kind")
@numeric_input_options
@click.option("--eps", type=float, help="Clip predictions like np.clip(y, eps, 1 - eps) before taking logs.")
@click.option("--no-check-sum", is_flag=True,
              help="cross-entropy: allow rows of --y/--t that do not sum to 1 (multi-hot targets, unnormalised scores).")
@click.option("--no-figures", is_flag=True, help="Leave out the figures (md: SVG files beside -o FILE; tex: pgfplots).")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex|json|text", help="Output format.")
@LANG_OPTION
@OUTPUT_OPTION
@FORCE_OPTION
def solve(kind: str, no_figures: bool, fmt: str, lang: str, output: Path | None, force: bool, **options) -> None:
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
    from xentlab.render import render_solution, solution_svgs

    inputs = _inputs_from_options(options)
    solution = _solved_or_hint(kind, inputs)
    figures = None
    if not no_figures and fmt == "tex":
        figures = []
    elif not no_figures and fmt == "md" and output is not None:  # SVGs live beside the Markdown that links them
        from xentlab.files import refuse_existing, write_text

        svgs = [(output.with_name(f"{output.stem}.{svg['name']}.svg"), svg) for svg in solution_svgs(solution, lang)]
        refuse_existing([output, *(path for path, _ in svgs)], force=force)
        figures = []
        for path, svg in svgs:
            write_text(path, svg["svg"], force=force)
            figures.append({"file": path.name, "caption": svg["caption"]})
    emit(render_solution(solution, fmt, lang, figures), output, force)


def _solved_or_hint(kind: str, inputs):
    """solve's result; a row-sum error says when --no-check-sum would evaluate the rows instead."""
    from dataclasses import replace

    from xentlab.errors import InputError
    from xentlab.kernels import RowSumError
    from xentlab.solve import solve as compute

    try:
        return compute(kind, inputs)
    except RowSumError as error:
        try:
            compute(kind, replace(inputs, check_sum=False), steps=False)
        except InputError:
            raise error from None  # the flag would not help: no hint
        raise InputError(f"{error}; to evaluate -sum t*log y on such rows anyway (multi-hot targets, "
                         "unnormalised scores), add --no-check-sum") from None


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
        from xentlab.solve import solve as validated

        inputs = _inputs_from_options(options)
        validated(kind, inputs, steps=False)  # the same validation and error messages as `solve`
        verdict = check_number(answer, expected_value(kind, inputs), catalogue(kind, inputs), overrides, base=inputs.base)
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


TEX_PACKAGES = "texlive-luatex texlive-lang-japanese texlive-latex-recommended texlive-pictures latexmk"


@cli.command()
@click.option("--count", type=int, required=True, metavar="N", help="Number of questions (1–200).")
@click.option("--seed", type=int, required=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same sheet.")
@click.option("--types", metavar="a,b,…", help="Problem types to use, comma-separated, cycled in this order (default: all).")
@click.option("--difficulty", type=int, default=2, show_default=True, metavar="1|2|3", help="Scales K, N and how much is given.")
@click.option("--format", "fmt", default="md", show_default=True, metavar="md|tex", help="Output format.")
@LANG_OPTION
@click.option("--pdf", is_flag=True, help="Also compile each .tex to PDF with lualatex (needs --format tex).")
@click.option("--variants", type=int, metavar="V", help="Write V student variants to DIR/variant-01/ … (1–100), each with its own seed and key.")
@click.option("-o", "--output", "directory", required=True, type=click.Path(file_okay=False, path_type=Path), help="Directory to write into.")
@click.option("--force", is_flag=True, help="Write into a non-empty directory, replacing the files of the same name.")
def worksheet(count: int, seed: int, types: str | None, difficulty: int, fmt: str, lang: str, pdf: bool,
              variants: int | None, directory: Path, force: bool) -> None:
    """A printable worksheet, its answer key with worked solutions, and key.json.

    Writes DIR/worksheet.<fmt>, DIR/answers.<fmt> and DIR/key.json (with --pdf also the two PDFs).
    Item i draws from seed S and i; variant v uses the seed recorded in its key.json.
    """
    import shutil

    from xentlab import worksheet as ws
    from xentlab.errors import OutputExistsError, ToolMissingError, UsageError

    ws.check_options(count, difficulty, variants, fmt, lang)
    if seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {seed}")
    chosen = ws.parse_types(types)
    if pdf and fmt != "tex":
        raise UsageError("--pdf needs --format tex")
    if pdf and shutil.which("lualatex") is None:
        raise ToolMissingError(f"--pdf needs lualatex, which is not installed; install it with: apt-get install {TEX_PACKAGES}")
    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise OutputExistsError(f"{directory} is not empty; use --force to replace the files in it")

    sheets = [(Path("."), seed, None)] if variants is None else [
        (Path(f"variant-{v:02d}"), ws.variant_seed(seed, v), v) for v in range(1, variants + 1)]
    files: list[tuple[Path, bytes]] = []

    def make(entry) -> None:
        folder, sheet_seed, variant = entry
        sheet = ws.build(sheet_seed, count, chosen, difficulty, variant=variant, base_seed=seed if variant else None)
        worksheet_text, answers_text = ws.render(sheet, fmt, lang)
        files.extend([(folder / f"worksheet.{fmt}", worksheet_text.encode("utf-8")),
                      (folder / f"answers.{fmt}", answers_text.encode("utf-8")),
                      (folder / "key.json", ws.key_json(sheet, lang, fmt).encode("utf-8"))])
        if fmt == "md":  # the key's figures, as SVG files beside it
            files.extend((folder / name, svg.encode("utf-8")) for name, svg in ws.answer_figures(sheet, lang))

    if sys.stderr.isatty() and len(sheets) >= 5:
        with click.progressbar(sheets, label="worksheets", file=sys.stderr) as bar:
            for entry in bar:
                make(entry)
    else:
        for entry in sheets:
            make(entry)
    if pdf:
        sources = [(path, data) for path, data in files if path.suffix == ".tex"]
        files += [(path.with_suffix(".pdf"), data) for path, data in zip((p for p, _ in sources), _compile_pdfs([d for _, d in sources]))]

    from xentlab.files import write_bytes

    for path, data in files:  # everything is built before the first byte is written
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        write_bytes(directory / path, data, force=force)
    click.echo(f"wrote {len(files)} files to {directory}", err=True)


def _compile_pdfs(sources: list[bytes]) -> list[bytes]:
    """Each LaTeX source compiled with lualatex (through latexmk when present) in its own temporary
    directory, a few at a time; only the PDF bytes come back, so no aux file reaches the output."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(_compile_pdf, sources))


def _compile_pdf(source: bytes) -> bytes:
    import shutil
    import subprocess
    import tempfile

    latexmk, lualatex = shutil.which("latexmk"), shutil.which("lualatex")
    command = ([latexmk, "-lualatex", "-quiet", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"] if latexmk
               else [lualatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"])
    # fixed dates and IDs, so the same source gives the same PDF bytes
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory(prefix="xentlab-tex-") as tmp:
        (Path(tmp) / "doc.tex").write_bytes(source)
        proc = subprocess.run(command, cwd=tmp, capture_output=True, text=True, env=env, timeout=600)
        pdf = Path(tmp) / "doc.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            log = (Path(tmp) / "doc.log").read_text(encoding="utf-8", errors="replace") if (Path(tmp) / "doc.log").is_file() else proc.stdout
            first = next((line for line in log.splitlines() if line.startswith("!")), f"exit status {proc.returncode}")
            raise XentlabError(f"lualatex could not compile the worksheet: {first.strip()}")
        return pdf.read_bytes()


@cli.command()
@click.option("--count", type=int, required=True, metavar="N", help="Number of items (1–200), chosen exactly as `xentlab worksheet` chooses them.")
@click.option("--seed", type=int, required=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same quiz.")
@click.option("--types", metavar="a,b,…", help="Problem types to use, comma-separated, cycled in this order (default: all).")
@click.option("--difficulty", type=int, default=2, show_default=True, metavar="1|2|3", help="Scales K, N and how much is given.")
@LANG_OPTION
@click.option("--variants", type=int, metavar="V", help="V variants of each item (1–100), seeded as worksheet's variants, in the item's category.")
@OUTPUT_OPTION
@FORCE_OPTION
def moodle(count: int, seed: int, types: str | None, difficulty: int, lang: str, variants: int | None, output: Path | None, force: bool) -> None:
    """A Moodle XML quiz (Question bank → Import → Moodle XML format).

    Numeric items become numerical questions (tolerance ±0.5 % of the answer, as an absolute
    value), each computed mistake an answer with its own feedback; log-rule and derive-step items
    become multichoice questions. Categories are $course$/xentlab/<kind>.
    """
    from xentlab import moodle as quiz_export
    from xentlab import worksheet as ws
    from xentlab.errors import OutputExistsError, UsageError

    ws.check_options(count, difficulty, variants, "md", lang)
    if seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {seed}")
    chosen = ws.parse_types(types)
    if output is not None and output.exists() and not force:  # before the slow part; write_text checks again
        raise OutputExistsError(f"{output} already exists; use --force to overwrite it")
    quiz = quiz_export.build(seed, count, chosen, difficulty, variants, lang)
    for note in quiz.notes:
        click.echo(f"xentlab: note: {note}", err=True)
    emit(quiz_export.render_quiz(quiz), output, force)


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
