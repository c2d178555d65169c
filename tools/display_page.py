"""Write one HTML page with what a notebook shows for xentlab's results (for a look in a browser,
and for docs/notebook-display.png):

    .venv/bin/python tools/display_page.py en out.html [MathJax.js]
    chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --virtual-time-budget=15000 --screenshot=out.png --window-size=900,1700 file://$PWD/out.html

With a MathJax.js (Debian: apt-get install libjs-mathjax → /usr/share/javascript/mathjax/MathJax.js)
the page typesets the math as JupyterLab does; without one, formulas show as TeX source.
"""

import sys

import numpy as np

import xentlab


def cross_entropy_error(y, t):  # seed 001's function, verbatim
    return -np.sum(t * np.log(y))


def main() -> None:
    lang, out = sys.argv[1], sys.argv[2]
    mathjax = sys.argv[3] if len(sys.argv) > 3 else None
    parts = [xentlab.solve("cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0], lang=lang).to_html(),
             xentlab.check(-0.481486, kind="cross-entropy", y=[0.33, 0.32, 0.35], t=[1, 0, 0], lang=lang).to_html(),
             xentlab.probe(cross_entropy_error, lang=lang).to_html()]
    if "--derivation" in sys.argv:
        parts.insert(0, xentlab.derive("cross-entropy", classes=3, lang=lang).to_html())
    head = ""
    if mathjax and mathjax != "--derivation":
        head = ('<script>window.MathJax = {tex2jax: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]]}};</script>\n'
                f'<script src="file://{mathjax}?config=TeX-AMS_CHTML"></script>')
    page = f"<!doctype html>\n<html><head><meta charset='utf-8'>{head}</head>\n<body style='margin:16px'>\n" + "\n<hr>\n".join(parts) + "</body></html>\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
