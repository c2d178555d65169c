"""LaTeX output compiles with lualatex (skipped, with the reason shown, when lualatex is missing)."""

import subprocess

import pytest

from conftest import lualatex_or_skip
from xentlab.derivations import derive
from xentlab.render import render_derivation

pytestmark = pytest.mark.pdf


@pytest.mark.parametrize(("kind", "options", "lang"), [("multiclass", {"classes": 3}, "ja"), ("softmax-gradient", {}, "en")])
def test_derivation_compiles_to_pdf(tmp_path, kind, options, lang):
    exe = lualatex_or_skip()
    source = tmp_path / "doc.tex"
    source.write_text(render_derivation(derive(kind, **options), "tex", lang), encoding="utf-8")
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", source.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:]
    pdf = tmp_path / "doc.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Missing character" not in (tmp_path / "doc.log").read_text(errors="replace")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_worked_solution_compiles_to_pdf(tmp_path, lang):
    from xentlab.render import render_solution
    from xentlab.solve import Inputs, solve
    import numpy as np

    exe = lualatex_or_skip()
    solution = solve("token-loss", Inputs(p=np.array([0.7, 0.95, 0.8])))
    source = tmp_path / "solve.tex"
    source.write_text(render_solution(solution, "tex", lang), encoding="utf-8")
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", source.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "Missing character" not in (tmp_path / "solve.log").read_text(errors="replace")


def pdf_pages(pdf_path) -> int:
    """The page count, as poppler's pdfinfo reads it (independent of xentlab)."""
    import re
    import shutil

    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed (apt-get install poppler-utils)")
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.parametrize(("seed", "lang"), [(7, "ja"), (7, "en"), (1, "ja"), (112, "ja")])
def test_twelve_questions_fit_on_three_a4_pages(tmp_path, seed, lang):
    """12 questions at difficulty 2: at most 3 A4 pages for the students (it took 6)."""
    from xentlab import worksheet as ws

    exe = lualatex_or_skip()
    sheet = ws.build(seed, 12, ws.all_types(), 2)
    student, _ = ws.render(sheet, "tex", lang)
    (tmp_path / "sheet.tex").write_text(student, encoding="utf-8")
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "a4paper" in student and pdf_pages(tmp_path / "sheet.pdf") <= 3
    log = (tmp_path / "sheet.log").read_text(errors="replace")
    assert "Missing character" not in log and "Overfull \\hbox" not in log
