"""No label of a figure is ever cut off: every text's box lies inside its SVG viewBox (measured with
the glyph advances of the font the SVG names first, Noto Sans CJK JP, read by fontTools, and the
text's own transform), and every point label of a pgfplots curve lies inside the axis box (TeX
itself reports the boxes). Also: every SVG names a Japanese font. Expected boxes never come from
figures.py's own width estimate."""

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from conftest import lualatex_or_skip
from xentlab.render import render_solution, report_svgs, solution_svgs
from xentlab.solve import Inputs, solve

SVG = "{http://www.w3.org/2000/svg}"
JAPANESE_FONTS = ("Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo")


def one_hot(classes, c):
    return np.eye(classes)[c]


def cases():
    """Solutions whose curve points sit everywhere: near p = 0 and p = 1 (the labels that used to be
    cut off), several at once, an infinite loss, other bases, and softmax bars."""
    out = []
    for p in (0.01, 0.05, 0.3, 0.5, 0.62, 0.75, 0.78, 0.9, 0.97, 0.99):
        out.append(solve("cross-entropy", Inputs(y=np.array([p, 1 - p]), t=one_hot(2, 0))))
    out.append(solve("cross-entropy", Inputs(y=np.array([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4]]), labels=np.array([0, 0, 0]))))
    out.append(solve("cross-entropy", Inputs(y=np.array([[0.99, 0.01], [0.97, 0.03]]), labels=np.array([0, 0]))))
    out.append(solve("binary-cross-entropy", Inputs(y=np.array([0.9, 0.2, 0.6]), t=np.array([1.0, 0, 1]))))
    out.append(solve("token-loss", Inputs(p=np.array([0.0, 0.5, 0.95]))))
    out.append(solve("token-loss", Inputs(p=np.array([0.7, 0.95, 0.8]), base="2")))
    out.append(solve("cross-entropy", Inputs(y=np.array([0.33, 0.32, 0.35]), t=one_hot(3, 0), base="10")))
    out.append(solve("softmax-cross-entropy", Inputs(logits=np.array([2.0, 1.0, 0.1, -3.5]), labels=np.array([3]))))
    return out


@pytest.fixture(scope="module")
def font():
    ttlib = pytest.importorskip("fontTools.ttLib", reason="fontTools measures the glyphs (pip install fonttools)")
    path = shutil.which("fc-match") and subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK JP"], capture_output=True, text=True).stdout
    if not path or "CJK" not in path:
        pytest.skip("the font the SVGs name first, Noto Sans CJK JP, is not installed (apt-get install fonts-noto-cjk)")
    if path.endswith(".ttc"):
        collection = ttlib.TTCollection(path)
        return next(f for f in collection.fonts if "Noto Sans CJK JP" in f["name"].getDebugName(1))
    return ttlib.TTFont(path)


def advance(font, text: str, size: float) -> float:
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    units = font["head"].unitsPerEm
    return sum(metrics[cmap.get(ord(ch), ".notdef")][0] for ch in text) * size / units


def transforms(text: str):
    """'translate(16 180) rotate(-90)' → a function from local (x, y) to SVG user space."""
    ops = re.findall(r"(translate|rotate)\(([^)]*)\)", text or "")

    def apply(x, y):
        for op, args in reversed(ops):  # the rightmost transform applies first
            values = [float(v) for v in re.split(r"[ ,]+", args.strip())]
            if op == "translate":
                x, y = x + values[0], y + (values[1] if len(values) > 1 else 0)
            else:
                angle = math.radians(values[0])
                cx, cy = (values[1], values[2]) if len(values) == 3 else (0.0, 0.0)
                dx, dy = x - cx, y - cy
                x, y = cx + dx * math.cos(angle) - dy * math.sin(angle), cy + dx * math.sin(angle) + dy * math.cos(angle)
        return x, y

    return apply


def text_boxes(svg_element, font):
    """(text, corners in user space) of every <text> of this <svg> (not of nested <svg>s)."""
    size = float(svg_element.get("font-size", 16))
    ascent = font["hhea"].ascent / font["head"].unitsPerEm
    descent = -font["hhea"].descent / font["head"].unitsPerEm

    def walk(element):
        for child in element:
            if child.tag == f"{SVG}svg":
                continue
            if child.tag == f"{SVG}text":
                yield child
            else:
                yield from walk(child)

    for node in walk(svg_element):
        content = "".join(node.itertext())
        width = advance(font, content, size)
        x, y = float(node.get("x", 0)), float(node.get("y", 0))
        anchor = node.get("text-anchor") or _inherited_anchor(svg_element, node) or "start"
        left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
        local = [(left, y - ascent * size), (left + width, y - ascent * size), (left, y + descent * size), (left + width, y + descent * size)]
        apply = transforms(node.get("transform"))
        yield content, [apply(px, py) for px, py in local]


def _inherited_anchor(root, node):
    parents = {child: parent for parent in root.iter() for child in parent}
    while node in parents:
        node = parents[node]
        if node.get("text-anchor"):
            return node.get("text-anchor")
    return None


def svgs():
    documents = []
    for lang in ("ja", "en"):
        for solution in cases():
            documents += [figure["svg"] for figure in solution_svgs(solution, lang)]
        summary = {"mistakes": [{"code": "missing_complement", "count": 12, "items": ["1"]}, {"code": "log_base_10", "count": 3, "items": ["2"]},
                                {"code": "sign_dropped", "count": 2, "items": ["3"]}],
                   "items": [{"item": str(i), "rate": i / 12} for i in range(1, 13)], "students": [], "responses": 4, "possible": 2}
        documents += [chart["svg"] for chart in report_svgs(summary, lang)]
    from xentlab import worksheet as ws

    for seed in range(6):
        sheet = ws.build(seed, 12, ws.all_types(), 1 + seed % 3)
        documents += [svg for _, svg in ws.answer_figures(sheet, "ja" if seed % 2 else "en")]
    return documents


def test_every_svg_text_lies_inside_its_view_box(font):
    checked = 0
    for document in svgs():
        root = ET.fromstring(document)
        for svg in root.iter(f"{SVG}svg"):  # the root and any nested one (softmax: two charts side by side)
            _, _, width, height = map(float, svg.get("viewBox").split())
            for content, corners in text_boxes(svg, font):
                for x, y in corners:
                    assert -0.5 <= x <= width + 0.5 and -0.5 <= y <= height + 0.5, (content, round(x, 1), round(y, 1), width, height)
                checked += 1
    assert checked > 500


def test_labels_near_p_1_are_left_of_their_point(font):
    """The case the issue names: p ≳ 0.75 used to run off the right edge ('E = 0.24', 'p = 0')."""
    solution = solve("cross-entropy", Inputs(y=np.array([0.78, 0.22]), t=one_hot(2, 0)))
    root = ET.fromstring(solution_svgs(solution, "ja")[0]["svg"])
    (label,) = [t for t in root.iter(f"{SVG}text") if t.get("class") == "point-label"]
    assert "".join(label.itertext()) == "p = 0.78、E = 0.2485"
    (point,) = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert label.get("text-anchor") == "end" and float(label.get("x")) < float(point.get("cx"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_svg_names_japanese_fonts(lang):
    for document in svgs()[:40]:
        root = ET.fromstring(document)
        families = root.get("font-family") or ""
        assert any(name in families for name in JAPANESE_FONTS), families
        assert families.rstrip().endswith("sans-serif")


@pytest.mark.parametrize("lang, logits, probs", [("ja", "ロジット zₖ", "確率 yₖ"), ("en", "logit zₖ", "probability yₖ")])
def test_softmax_axis_labels_write_the_index_as_a_subscript(lang, logits, probs):
    """The bar charts' labels, titles and descriptions say zₖ and yₖ, never the printer's z_k."""
    inputs = Inputs(logits=np.array([2.0, 1.0, 0.1]), labels=np.array([0]))
    (bars,) = [f["svg"] for f in solution_svgs(solve("softmax-cross-entropy", inputs), lang) if f["name"] == "softmax"]
    root = ET.fromstring(bars)
    texts = ["".join(t.itertext()) for t in root.iter() if t.tag in (f"{SVG}text", f"{SVG}title", f"{SVG}desc")]
    assert logits in texts and probs in texts
    assert not any("_" in text for text in texts), texts


REPORT = r"""
\def\xentlabbox#1{\pgfpointanchor{#1}{south west}\pgfgetlastxy{\xa}{\ya}\pgfpointanchor{#1}{north east}\pgfgetlastxy{\xb}{\yb}%
\typeout{XENTLAB BOX #1: \xa\space\ya\space\xb\space\yb}}
"""


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pgfplots_labels_lie_inside_the_axis(tmp_path, lang):
    """Each point label's box (as TeX lays it out) inside the axis box (current axis)."""
    exe = lualatex_or_skip()
    bodies = []
    for number, solution in enumerate(cases()):
        text = render_solution(solution, "tex", lang, figures=[])
        for picture in re.findall(r"\\begin\{tikzpicture\}.*?\\end\{tikzpicture\}", text, flags=re.S):
            if "point label" not in picture:
                continue
            labels = sorted(set(re.findall(r"\(point label (\d+)\)", picture)))
            report = "".join(rf"\xentlabbox{{point label {n}}}" for n in labels)
            bodies.append(picture.replace(r"\end{tikzpicture}", rf"\xentlabbox{{current axis}}{report}\typeout{{XENTLAB END {number}}}" "\n" r"\end{tikzpicture}"))
    preamble = text[: text.index(r"\begin{document}")]
    source = preamble + REPORT + "\\begin{document}\n" + "\n\n".join(bodies) + "\n\\end{document}\n"
    (tmp_path / "labels.tex").write_text(source, encoding="utf-8")
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "labels.tex"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "labels.log").read_text(encoding="utf-8", errors="replace")
    boxes = re.findall(r"XENTLAB BOX (.+?): ([-\d.]+)pt ([-\d.]+)pt ([-\d.]+)pt ([-\d.]+)pt|XENTLAB END (\d+)", log)
    axis, checked = None, 0
    for name, *coords, end in boxes:
        if end:
            continue
        x1, y1, x2, y2 = map(float, coords)
        if name == "current axis":
            axis = (x1, y1, x2, y2)
            continue
        assert axis[0] - 0.5 <= x1 and x2 <= axis[2] + 0.5 and axis[1] - 0.5 <= y1 and y2 <= axis[3] + 0.5, (name, (x1, y1, x2, y2), axis)
        checked += 1
    assert checked >= 15
