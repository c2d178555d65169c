"""Figures: SVG that parses, points that map back through the axis ticks to (p, E), captions that
state the values in words, identical bytes for identical input, and pgfplots that compiles."""

import math
import sys
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from conftest import lualatex_or_skip
from xentlab.render import render_solution, report_svgs, solution_svgs
from xentlab.solve import Inputs, solve

SVG = "{http://www.w3.org/2000/svg}"


def axis_map(root, group):
    """Two ticks of an axis → a function from pixels back to data values (independent of figures.py)."""
    ticks = [(float(t.get("data-value")), t) for t in root.iter(f"{SVG}line") if t.get("class") == "tick" and t in list(root.find(f".//{SVG}g[@class='{group}']"))]
    (v0, t0), (v1, t1) = ticks[0], ticks[-1]
    attr = "x1" if group == "x-ticks" else "y1"
    p0, p1 = float(t0.get(attr)), float(t1.get(attr))
    return lambda pixel: v0 + (pixel - p0) * (v1 - v0) / (p1 - p0)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_curve_point_maps_back_to_p_and_loss(lang):
    svg = solution_svgs(solve("cross-entropy", Inputs(y=np.array([0.33, 0.32, 0.35]), t=np.array([1.0, 0, 0]))), lang)[0]
    root = ET.fromstring(svg["svg"])
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    to_p, to_e = axis_map(root, "x-ticks"), axis_map(root, "y-ticks")
    (point,) = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert to_p(float(point.get("cx"))) == pytest.approx(0.33, abs=1e-3)
    assert to_e(float(point.get("cy"))) == pytest.approx(-math.log(0.33), abs=1e-2)
    assert "0.33" in svg["caption"] and "1.109" in svg["caption"]


def test_curve_passes_through_minus_log_p():
    svg = solution_svgs(solve("token-loss", Inputs(p=np.array([0.7, 0.95, 0.8]))), "en")[0]
    root = ET.fromstring(svg["svg"])
    to_p, to_e = axis_map(root, "x-ticks"), axis_map(root, "y-ticks")
    path = next(e for e in root.iter(f"{SVG}path") if e.get("class") == "curve").get("d")
    vertices = [tuple(map(float, v[1:].split(","))) for v in path.split()]
    assert len(vertices) > 60
    for px, py in vertices[:: len(vertices) // 15]:
        p = to_p(px)
        assert to_e(py) == pytest.approx(-math.log(p), abs=0.02)
    steep = [v for v in vertices if to_p(v[0]) < 0.1]
    assert len(steep) > len(vertices) / 3  # dense where the curve is steep


def test_batch_marks_every_sample():
    solution = solve("cross-entropy", Inputs(y=np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]]), labels=np.array([1, 0, 0])))
    root = ET.fromstring(solution_svgs(solution, "en")[0]["svg"])
    to_p = axis_map(root, "x-ticks")
    ps = sorted(round(to_p(float(c.get("cx"))), 3) for c in root.iter(f"{SVG}circle"))
    assert ps == [0.5, 0.8, 0.9]


def test_softmax_bars_show_logits_and_probabilities():
    solution = solve("softmax-cross-entropy", Inputs(logits=np.array([2.0, 1.0, 0.1]), labels=np.array([0])))
    names = [s["name"] for s in solution_svgs(solution, "ja")]
    assert names == ["curve", "softmax"]
    root = ET.fromstring(solution_svgs(solution, "ja")[1]["svg"])
    values = [float(r.get("data-value")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    exps = [math.exp(v) for v in (2.0, 1.0, 0.1)]
    assert values[:3] == pytest.approx([2.0, 1.0, 0.1])
    assert values[3:] == pytest.approx([e / sum(exps) for e in exps], rel=1e-12)


def test_figures_are_deterministic():
    make = lambda: solution_svgs(solve("token-loss", Inputs(p=np.array([0.7, 0.95, 0.8]))), "ja")  # noqa: E731
    assert make() == make()


def test_report_charts():
    summary = {"mistakes": [{"code": "sign_dropped", "count": 7, "items": ["1"]}, {"code": "log_base_10", "count": 3, "items": ["2"]}],
               "items": [{"item": "1", "rate": 0.5}, {"item": "2", "rate": 0.75}], "students": [], "responses": 4, "possible": 2}
    charts = {c["name"]: ET.fromstring(c["svg"]) for c in report_svgs(summary, "en")}
    counts = [float(r.get("data-value")) for r in charts["mistakes"].iter(f"{SVG}rect") if r.get("class") == "bar"]
    rates = [float(r.get("data-value")) for r in charts["items"].iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert counts == [7, 3] and rates == [50, 75]


def test_solve_md_links_svg_beside_it(tmp_path):
    out = tmp_path / "dog.md"
    proc = subprocess.run([sys.executable, "-m", "xentlab", "solve", "cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "](dog.curve.svg)" in out.read_text(encoding="utf-8")
    ET.parse(tmp_path / "dog.curve.svg")
    proc = subprocess.run([sys.executable, "-m", "xentlab", "solve", "cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0", "-o", str(tmp_path / "plain.md"),
                           "--no-figures"], capture_output=True, text=True, timeout=120)
    assert not (tmp_path / "plain.curve.svg").exists() and ".svg" not in (tmp_path / "plain.md").read_text(encoding="utf-8")


@pytest.mark.pdf
@pytest.mark.parametrize(("lang", "inputs", "kind"), [("ja", Inputs(p=np.array([0.7, 0.95, 0.8])), "token-loss"),
                                                     ("en", Inputs(logits=np.array([2.0, 1.0, 0.1]), labels=np.array([0])), "softmax-cross-entropy")])
def test_tex_figures_compile(tmp_path, lang, inputs, kind):
    exe = lualatex_or_skip()
    source = tmp_path / "fig.tex"
    text = render_solution(solve(kind, inputs), "tex", lang, figures=[])
    assert r"\begin{axis}" in text
    source.write_text(text, encoding="utf-8")
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", source.name], cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_worksheet_key_has_a_curve_per_loss_item(tmp_path):
    out = tmp_path / "ws"
    proc = subprocess.run([sys.executable, "-m", "xentlab", "worksheet", "--count", "4", "--seed", "7", "--types", "ce-single,token-loss,log-rule",
                           "--lang", "en", "-o", str(out)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    answers = (out / "answers.md").read_text(encoding="utf-8")
    linked = sorted(part.split(")")[0] for part in answers.split("](")[1:] if part.split(")")[0].endswith(".svg"))
    assert linked == sorted(p.name for p in out.glob("*.svg")) and len(linked) >= 2  # ce-single and token-loss; not log-rule
    for name in linked:
        ET.parse(out / name)
    assert ".svg" not in (out / "worksheet.md").read_text(encoding="utf-8")  # the students' sheet stays uncluttered
