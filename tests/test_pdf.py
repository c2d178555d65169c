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
