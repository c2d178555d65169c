"""`xentlab worksheet`: a sheet, its answer key and key.json (and PDFs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xentlab.cli._common import INTEGER, LANG_OPTION, cli, say
from xentlab.errors import XentlabError

TEX_PACKAGES = "texlive-luatex texlive-lang-japanese texlive-latex-recommended texlive-pictures latexmk"


@cli.command()
@click.option("--count", type=INTEGER, required=True, metavar="N", help="Number of questions (1–200).")
@click.option("--seed", type=INTEGER, required=True, metavar="S", help="Random seed (≥ 0): the same seed gives the same sheet.")
@click.option("--types", metavar="a,b,…", help="Problem types to use, comma-separated, cycled in this order (default: all).")
@click.option("--difficulty", type=INTEGER, default=2, metavar="1|2|3", help="Scales K, N and how much is given (default 2).")
@click.option("--format", "fmt", default="md", metavar="md|tex", help="Output format (default md).")
@LANG_OPTION
@click.option("--pdf", is_flag=True, help="Also compile each .tex to PDF with lualatex (needs --format tex).")
@click.option("--variants", type=INTEGER, metavar="V", help="Write V student variants to DIR/variant-01/ … (1–100), each with its own seed and key.")
@click.option("-o", "--output", "directory", required=True, metavar="DIR", type=click.Path(path_type=Path), help="Directory to write into.")
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
        raise UsageError(key="seed_negative", value=str(seed))
    chosen = ws.parse_types(types)
    if pdf and fmt != "tex":
        raise UsageError(key="pdf_needs_tex")
    if pdf and shutil.which("lualatex") is None:
        raise ToolMissingError(key="lualatex_missing", packages=tuple(TEX_PACKAGES.split()))
    if directory.suffix.lower() in (".md", ".tex", ".pdf", ".json") and not directory.is_dir():
        raise UsageError(key="output_wants_directory", path=str(directory))  # -o sheet.md: a file name, not a folder
    if directory.exists() and not directory.is_dir():
        raise OutputExistsError(key="output_not_directory", path=str(directory))
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise OutputExistsError(key="directory_not_empty", path=str(directory))

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

    from xentlab.files import write_tree

    write_tree(directory, files, force=force)  # built whole beside DIR, swapped in by one rename, under a lock
    click.echo(say("wrote_files", count=len(files), directory=str(directory)), err=True)


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
            raise XentlabError(key="latex_failed", line=first.strip())
        return pdf.read_bytes()
