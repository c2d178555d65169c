"""HTML for notebooks: the same prose macros as the other formats, bound to MathJax delimiters.

Math is TeX between \\( \\) and \\[ \\] (JupyterLab typesets it in HTML output; in Colab a small
script loads MathJax 3 from jsDelivr, because Colab does not typeset HTML output itself). xentlab
bundles no MathJax: without it, formulas show as their TeX source. Every piece of text is
HTML-escaped after the macros ran, so a student's text can never become markup; figures are our
own SVG, inlined.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache

from xentlab.render import check_lang, environment

_CODE = re.compile(r"`([^`\n]+)`")
_XML_PROLOG = re.compile(r"^<\?xml[^>]*\?>\s*")

MATHJAX_LOADER = """<script>
(function () {
  var root = document.currentScript && document.currentScript.parentElement;
  if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise([root]); return; }
  if (window.MathJax && window.MathJax.Hub) { window.MathJax.Hub.Queue(["Typeset", window.MathJax.Hub, root]); return; }
  if (window.google && window.google.colab && !document.getElementById("xentlab-mathjax")) {
    var s = document.createElement("script");
    s.id = "xentlab-mathjax";
    s.src = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js";
    document.head.appendChild(s);
  }
})();
</script>"""


def _inline(expr) -> str:
    from xentlab.printing import to_latex

    return "\\(" + (expr if isinstance(expr, str) else to_latex(expr)) + "\\)"


def _display(expr) -> str:
    from xentlab.printing import to_latex

    return "\\[" + (expr if isinstance(expr, str) else to_latex(expr)) + "\\]"


def _html_globals() -> dict:
    """render's Markdown helpers, with math and code as they must look inside HTML."""
    from xentlab import render

    helpers = render._math_globals("md")
    return {**helpers, "m": _inline, "show": _display, "code": lambda text: f"`{text}`"}


@lru_cache(maxsize=64)
def module(name: str, lang: str):
    """templates/<lang>/<name>.j2 as macros whose math is TeX for MathJax."""
    check_lang(lang)
    return environment().get_template(f"{lang}/{name}.j2").make_module({"fmt": "html", "lang": lang, **_html_globals()})


def text(value) -> str:
    """Macro output (or any text) as HTML: escaped, then `code` spans made <code>."""
    escaped = html.escape(" ".join(str(value).split()), quote=False)
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)


def inline_svg(svg: str) -> str:
    return _XML_PROLOG.sub("", svg).strip()


def number(value, digits: int = 4) -> str:
    """A number as a reader wants it: 4 significant figures, nan and ±inf spelled out."""
    if value is None:
        return "nan"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, bool) or isinstance(value, int):
        return str(int(value))
    return f"{value:.{max(digits, 6)}g}" if abs(value) < 1e-3 and value != 0 else f"{value:.{digits}g}"


def array(value, digits: int = 4) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(array(v, digits) for v in value) + "]"
    return number(value, digits)


def exact(value) -> str:
    """An input as it was given: the shortest text that reads back as the same float (0.99999,
    5e-06, 1000), so a student can call their function on exactly what the verdict names."""
    if isinstance(value, list):
        return "[" + ", ".join(exact(v) for v in value) + "]"
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return number(value)


def differing(actual, expected) -> tuple[str, str]:
    """A wrong value and the right one, with as many significant figures (4 to 12) as it takes for
    them not to read the same, and trailing zeros kept where only one of them would lose its own:
    11.50 against 11.51, not 11.5 against 11.51 (which reads as the same number rounded)."""
    for digits in range(4, 13):
        pair = _pair(actual, expected, digits)
        if pair[0] != pair[1]:
            break
    return pair


def _pair(actual, expected, digits: int) -> tuple[str, str]:
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        pairs = [_pair(a, e, digits) for a, e in zip(actual, expected)]
        return "[" + ", ".join(a for a, _ in pairs) + "]", "[" + ", ".join(e for _, e in pairs) + "]"
    plain = array(actual, digits), array(expected, digits)
    if not all(isinstance(v, float) and math.isfinite(v) and v != 0 for v in (actual, expected)) or "e" in "".join(plain):
        return plain
    figures = [len(text.lstrip("-").replace(".", "").lstrip("0")) for text in plain]
    if figures[0] == figures[1]:
        return plain
    kept = tuple(f"{v:#.{max(figures)}g}".rstrip(".") for v in (actual, expected))
    return kept if all(len(k.lstrip("-").replace(".", "").lstrip("0")) == max(figures) for k in kept) else plain


def render(template: str, lang: str, **context) -> str:
    """A layout under templates/display/ with the helpers every layout uses."""
    page = environment().get_template(f"display/{template}").render(
        lang=lang, x=text, n=number, arr=array, svg=inline_svg, mathjax=MATHJAX_LOADER, **_html_globals(), **context)
    return "\n".join(line for line in page.splitlines() if line.strip()) + "\n"
