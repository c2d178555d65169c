"""Figures as documents: the plot data of a worked solution (the −log p curve, the softmax bars) and
their SVG, captions stating the values in words; the class report's charts. Geometry comes from
figures.py, words from templates/<lang>/figures.j2."""

from __future__ import annotations

from xentlab.render import environment, four_significant, language_module


def solution_plots(solution) -> list[dict]:
    """The figures a worked solution gets: the −log p curve, and for softmax the logits and probabilities."""
    from xentlab import figures

    plots = []
    if solution.points:
        plots.append({"name": "curve", "kind": "curve", "f": figures.loss_curve(solution.points, solution.base)})
    if solution.kind == "softmax-cross-entropy" and len(solution.probabilities) == 1:
        from xentlab import columns

        logits = [(f"{row['k']}", row["z"]) for row in solution.table]
        probs = [(f"{row['k']}", row["y"]) for row in solution.table]
        plots.append({"name": "softmax", "kind": "softmax",  # values written as the table writes them
                      "logits": figures.bar_chart(logits, texts=columns.same_decimals([z for _, z in logits])),
                      "probs": figures.bar_chart(probs, 0.0, 1.0, texts=columns.computed_decimals([y for _, y in probs]))})
    return plots


def solution_svgs(solution, lang: str) -> list[dict]:
    """[{"name", "svg", "caption"}]: one SVG document per figure, captions stating the values in words."""
    words = language_module("figures", "text", lang)
    env = environment()
    out = []
    for plot in solution_plots(solution):
        if plot["kind"] == "curve":
            svg = env.get_template("figures/curve.svg.j2").render(f=plot["f"], F=words, unit=solution.unit)
            caption = str(words.curve_caption(plot["f"].points, solution.unit)).strip()
        else:
            svg = _softmax_svg(plot, words)
            caption = str(words.softmax_caption(solution.table)).strip()
        out.append({"name": plot["name"], "svg": svg, "caption": caption})
    return out


# The one-line text printer writes an index as z_k; a figure's label (and what a screen reader
# says of it) reads better as zₖ, which the fonts we install (Noto, DejaVu) all have.
_SUBSCRIPTS = str.maketrans("0123456789aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def _label(text) -> str:
    import re

    return re.sub(r"_([0-9aehijklmnoprstuvx])\b", lambda m: m.group(1).translate(_SUBSCRIPTS), str(text))


def _softmax_svg(plot, words) -> str:
    """Two bar charts side by side in one SVG: logits left, probabilities right."""
    env = environment()
    logits, probs = _label(words.logits_label()), _label(words.probs_label())
    left = env.get_template("figures/bars.svg.j2").render(
        f=plot["logits"], title=logits, desc=logits, color="#1f5fa8",
        x_label=str(words.class_label()), y_label=logits, value_format=four_significant)
    right = env.get_template("figures/bars.svg.j2").render(
        f=plot["probs"], title=probs, desc=probs, color="#d9480f",
        x_label=str(words.class_label()), y_label=probs, value_format=four_significant)
    return env.get_template("figures/pair.svg.j2").render(left=left, right=right, title=str(words.softmax_title()),
                                                         desc=str(words.softmax_title()), width=2 * plot["logits"].width, height=plot["logits"].height)


def report_svgs(summary: dict, lang: str) -> list[dict]:
    """Bar charts for the class report: mistakes by count, and each item's correct rate."""
    from xentlab import figures

    words = language_module("figures", "text", lang)
    bars = environment().get_template("figures/bars.svg.j2")
    out = []
    if summary["mistakes"]:
        plot = figures.bar_chart([(m["code"], float(m["count"])) for m in summary["mistakes"][:8]])
        caption = str(words.mistakes_caption(summary["mistakes"])).strip()
        out.append({"name": "mistakes", "caption": caption, "svg": bars.render(
            f=plot, title=str(words.mistakes_title()), desc=caption, color="#d9480f", x_label=str(words.code_label()),
            y_label=str(words.count_label()), value_format=lambda v: f"{v:g}")})
    plot = figures.bar_chart([(it["item"], 100.0 * it["rate"]) for it in summary["items"]], 0.0, 100.0)
    caption = str(words.rates_caption(summary["items"])).strip()
    out.append({"name": "items", "caption": caption, "svg": bars.render(
        f=plot, title=str(words.rates_title()), desc=caption, color="#1f5fa8", x_label=str(words.item_label()),
        y_label=str(words.rate_label()), value_format=lambda v: f"{v:.0f}%")})
    return out
