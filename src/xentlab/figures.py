"""Figure geometry: coordinates only, computed here; templates draw them (SVG or pgfplots).

The curve E = −log p is sampled densely where it is steep (near p = 0), so a
polyline looks smooth without a plotting library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 560, 360
MARGIN = {"left": 64, "right": 24, "top": 28, "bottom": 56}
LN = {"e": 1.0, "2": math.log(2), "10": math.log(10)}
# Every SVG names fonts that have Japanese glyphs first, then the system fallbacks: without them a
# viewer whose default font lacks kana draws boxes.
FONT_FAMILY = ("'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', "
               "'Yu Gothic', 'Meiryo', 'IPAexGothic', 'DejaVu Sans', sans-serif")
FONT_SIZE = 13  # px, the SVG's text
LABEL_ROOM = 240  # px: the widest point label ("p = 0.75、E = 0.2877" is ~160) fits on either side
LABEL_WIDTH = 170  # px: room kept clear of the curve for a label left of its point
LABEL_GAP = 8  # px between a point and its label
LINE = 15  # px between two stacked labels
PGF_SCALE = 0.72  # pt of the pgfplots axis (0.42\textwidth high) per px of the SVG's plot area


@dataclass(frozen=True)
class Axis:
    lo: float
    hi: float
    pixel_lo: float  # pixel of `lo`
    pixel_hi: float  # pixel of `hi`

    def pixel(self, value: float) -> float:
        return self.pixel_lo + (value - self.lo) / (self.hi - self.lo) * (self.pixel_hi - self.pixel_lo)


@dataclass
class Plot:
    """Everything a template needs: axes, ticks, a curve path, marked points, bars."""

    x: Axis
    y: Axis
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    path: str = ""
    curve: list[tuple[float, float]] = field(default_factory=list)  # (p, E) along the curve, for pgfplots
    points: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    slanted: bool = False  # bar labels drawn at an angle (long labels)


def _label(value: float) -> str:
    return f"{value:g}"


def nice_ceiling(value: float) -> float:
    """The next 'round' axis limit above value: 1, 2, 2.5, 5 times a power of ten."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return next(m * scale for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * scale >= value * (1 - 1e-12))


def _step(value: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten, at least `value`."""
    scale = 10 ** math.floor(math.log10(value))
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= value - 1e-12 * scale)


def _ticks(hi: float, count: int = 5) -> list[float]:
    step = _step(hi / count)
    return [round(i * step, 10) for i in range(int(hi / step + 1e-9) + 1)]


def _frame(ymax: float, xmax: float = 1.0) -> tuple[Axis, Axis]:
    x = Axis(0.0, xmax, MARGIN["left"], WIDTH - MARGIN["right"])
    y = Axis(0.0, ymax, HEIGHT - MARGIN["bottom"], MARGIN["top"])
    return x, y


def loss_curve(points: list[tuple[float, float]], base: str = "e") -> Plot:
    """E = −log_b p on (0, 1], with each (p, E) point marked (E = ∞ is drawn at the top edge)."""
    finite = [e for _, e in points if math.isfinite(e)]
    # beyond ~20 nats the curve is a wall at p = 0: higher points sit on the top edge, labelled
    ymax = nice_ceiling(min(max([4.0 / LN[base], *finite]) * 1.1, 20.0 / LN[base]))
    x, y = _frame(ymax)
    p_floor = math.exp(-ymax * LN[base])  # where the curve leaves the plot
    steep = [p_floor * (1 / p_floor) ** (i / 80) for i in range(81)]  # geometric: dense near 0
    samples = sorted({round(v, 12) for v in steep + [i / 40 for i in range(1, 41)] if v >= p_floor})
    path = " ".join(
        f"{'M' if n == 0 else 'L'}{x.pixel(p):.2f},{y.pixel(-math.log(p) / LN[base]):.2f}" for n, p in enumerate(samples)
    )
    marked = [
        {"p": p, "e": e, "x": round(x.pixel(p), 2), "y": round(y.pixel(min(e, ymax)), 2), "infinite": not math.isfinite(e), "n": n + 1}
        for n, (p, e) in enumerate(points)
    ]
    for pt, text in zip(marked, probability_texts([p for p, _ in points])):
        pt["p_text"] = text
    place_labels(marked, x, y, base)
    curve = [(p, -math.log(p) / LN[base]) for p in samples]
    return Plot(x, y, [(t, _label(t)) for t in _ticks(1.0)], [(t, _label(t)) for t in _ticks(ymax)], path, curve, marked)


def probability_texts(values: list[float]) -> list[str]:
    """How the marked probabilities are written, as their tables write them: typed ones (at most 4
    decimals) with one number of decimals (0.44, 0.18, 0.30, never 0.3 beside 0.44), computed ones
    (softmax) to 4 decimals."""
    from xentlab import columns

    if all(columns.decimals_needed(v) <= columns.COMPUTED_DECIMALS for v in values):
        return columns.same_decimals(values)
    return columns.computed_decimals(values)


def place_labels(marked: list[dict], x: Axis, y: Axis, base: str = "e") -> None:
    """Where each point's label goes, so that none is ever cut off by the figure's edge: right of
    the point in the left half of the plot, left of it (anchored at its end) in the right half,
    raised there above the curve, which climbs to the left; below the point near the top; labels
    that would overlap are stacked upwards. Sets label_x, label_y, anchor ("start"/"end") and, for
    pgfplots, pgf_anchor and pgf_yshift (pt)."""
    if len(marked) > 1:  # several points: each gets its sample number, the caption gives the values
        for pt in marked:
            right = pt["x"] <= x.pixel_hi - 3 * FONT_SIZE
            below = pt["y"] - 5 - FONT_SIZE < MARGIN["top"]  # at the top edge (a loss off the scale): below it
            pt.update(anchor="start" if right else "end", label_x=round(pt["x"] + (5 if right else -5), 2),
                      label_y=round(pt["y"] + 5 + FONT_SIZE if below else pt["y"] - 5, 2), below=below, leader=False, tag=True,
                      pgf_anchor=("north" if below else "south") + (" west" if right else " east"), pgf_yshift=0.0)
        return
    middle = (x.pixel_lo + x.pixel_hi) / 2
    for pt in marked:
        pt["tag"] = False
        right = pt["x"] <= middle
        pt["anchor"] = "start" if right else "end"
        pt["label_x"] = round(pt["x"] + (LABEL_GAP if right else -LABEL_GAP), 2)
        below = pt["y"] - LABEL_GAP - FONT_SIZE < MARGIN["top"]
        baseline = pt["y"] + LABEL_GAP + FONT_SIZE if below else pt["y"] - LABEL_GAP
        if not right and not below:  # clear of the curve at the label's left end
            p_left = x.lo + (pt["x"] - LABEL_GAP - LABEL_WIDTH - x.pixel_lo) / (x.pixel_hi - x.pixel_lo) * (x.hi - x.lo)
            curve = y.pixel(min(-math.log(p_left) / LN[base], y.hi)) if p_left > 0 else y.pixel_hi
            baseline = max(min(baseline, curve - 4), MARGIN["top"] + FONT_SIZE)
        pt["label_y"] = round(baseline, 2)
        pt["below"] = below
    placed: list[dict] = []
    for pt in sorted(marked, key=lambda q: -q["label_y"]):  # from the bottom up
        for other in placed:
            if other["anchor"] == pt["anchor"] and abs(other["label_y"] - pt["label_y"]) < LINE:
                pt["label_y"] = round(other["label_y"] - LINE, 2)
        placed.append(pt)
    for pt in marked:
        default = pt["y"] + LABEL_GAP + FONT_SIZE if pt["below"] else pt["y"] - LABEL_GAP
        pt["label_y"] = max(pt["label_y"], MARGIN["top"] + FONT_SIZE)
        pt["leader"] = abs(pt["label_y"] - default) > LABEL_GAP  # moved away from its point: draw a line to it
        pt["pgf_anchor"] = ("north" if pt["below"] else "south") + (" west" if pt["anchor"] == "start" else " east")
        pt["pgf_yshift"] = round((default - pt["label_y"]) * PGF_SCALE, 2)


def bar_chart(values: list[tuple[str, float]], lo: float | None = None, hi: float | None = None,
              texts: list[str] | None = None) -> Plot:
    """Vertical bars, one per (label, value); lo/hi default to the data range including 0, with room
    above the tallest bar for its value. `texts`: how each value is written above its bar."""
    data = [v for _, v in values]
    lo = min(0.0, *data) if lo is None else lo
    hi = max(0.0, *data) * 1.15 if hi is None else hi
    lo_nice = -nice_ceiling(-lo) if lo < 0 else 0.0
    hi_nice = nice_ceiling(hi) if hi > 0 else (0.0 if lo < 0 else 1.0)
    x = Axis(0.0, float(len(values)), MARGIN["left"], WIDTH - MARGIN["right"])
    y = Axis(lo_nice, hi_nice, HEIGHT - MARGIN["bottom"], MARGIN["top"])
    longest = max((len(label) for label, _ in values), default=0)
    slanted = longest * 7 > (x.pixel_hi - x.pixel_lo) / max(1, len(values))  # labels would collide: slant them
    slot = (x.pixel_hi - x.pixel_lo) / max(1, len(values))
    zero = y.pixel(0.0)
    bars = []
    for n, (label, value) in enumerate(values):
        top = y.pixel(value)
        bars.append({
            "label": label, "value": value, "text": texts[n] if texts else None, "x": round(x.pixel(n) + slot * 0.15, 2), "width": round(slot * 0.7, 2),
            "y": round(min(top, zero), 2), "height": round(abs(zero - top), 2), "center": round(x.pixel(n) + slot / 2, 2),
        })
    step = _step((hi_nice - lo_nice) / 5)
    ticks, t = [], lo_nice
    while t <= hi_nice + 1e-9:
        ticks.append((round(t, 10), _label(round(t, 10))))
        t += step
    extra = int(longest * 7 * 0.5) if slanted else 0  # room for slanted labels below the axis
    return Plot(x, y, [], ticks, bars=bars, height=HEIGHT + extra, slanted=slanted)
