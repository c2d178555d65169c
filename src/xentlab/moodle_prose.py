"""The prose of a Moodle quiz: the language's macros (templates/<lang>/), rendered in their Markdown
form with every formula set aside as a marker, then read back into blocks of nodes (paragraphs,
tables, **bold**, `code`, inline and display formulas) that templates/moodle/quiz.xml.j2 turns
into HTML. Split from moodle.py, which assembles the questions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_INLINE, _DISPLAY, _END = "\ue000", "\ue001", "\ue002"  # private-use marks around a formula's index
_TOKEN = re.compile(f"{_INLINE}(\\d+){_END}|(\\*\\*)|`([^`\\n]*)`")
_DISPLAY_ONLY = re.compile(f"{_DISPLAY}(\\d+){_END}")
_ALIGN_CELL = re.compile(r":?-+:?")

Blocks = list[dict]  # [{"t": "p", "c": nodes} | {"t": "display", "v": tex} | {"t": "table", ...}]


class Prose:
    """The macros of templates/<lang>/, bound to math helpers that set each formula aside as a
    marker (m → inline, show → display); `blocks` reads a rendered text back into blocks."""

    def __init__(self, lang: str):
        from xentlab.render import check_lang

        check_lang(lang)
        self.lang = lang
        self.tex: list[str] = []
        self._modules: dict[str, Any] = {}

    def _mark(self, expr, mark: str) -> str:
        from xentlab.printing import to_latex

        self.tex.append(expr if isinstance(expr, str) else to_latex(expr))
        return f"{mark}{len(self.tex) - 1}{_END}"

    def inline(self, expr) -> str:
        return self._mark(expr, _INLINE)

    def display(self, expr) -> str:
        return f"\n\n{self._mark(expr, _DISPLAY)}\n\n"

    def module(self, name: str):
        if name not in self._modules:
            from xentlab import render

            template = render.environment().get_template(f"{self.lang}/{name}.j2")
            context = {"fmt": "md", "lang": self.lang, **render._math_globals("md"), "m": self.inline, "show": self.display}
            self._modules[name] = template.make_module(context)
        return self._modules[name]

    def has(self, name: str, macro: str) -> bool:
        return hasattr(self.module(name), macro)

    def call(self, name: str, macro: str, *args) -> str:
        """templates/<lang>/<name>.j2's macro, rendered (formulas as markers)."""
        return str(getattr(self.module(name), macro)(*args))

    def render(self, name: str, macro: str, *args) -> Blocks:
        return self.blocks(self.call(name, macro, *args))

    def math(self, expr) -> Blocks:
        """One formula as a paragraph of its own (a choice of a multichoice question)."""
        return self.blocks(self.inline(expr))

    # reading Markdown back ------------------------------------------------------------------

    def blocks(self, text: str) -> Blocks:
        out: Blocks = []
        for paragraph in re.split(r"\n[ \t]*\n", text):
            lines = [line.strip() for line in paragraph.strip().splitlines() if line.strip()]
            if not lines:
                continue
            display = _DISPLAY_ONLY.fullmatch(" ".join(lines))
            if display:
                out.append({"t": "display", "v": self.tex[int(display.group(1))]})
            elif len(lines) >= 2 and all(line.startswith("|") and line.endswith("|") for line in lines):
                out.append(self._table(lines))
            else:
                out.append({"t": "p", "c": self._inline(_join(lines))})
        return out

    def _table(self, lines: list[str]) -> dict:
        rows = [[cell.strip() for cell in line[1:-1].split("|")] for line in lines]
        align = ["l"] + ["c"] * (len(rows[0]) - 1)
        if len(rows) > 1 and all(_ALIGN_CELL.fullmatch(cell) for cell in rows[1]):
            align = ["c" if cell.startswith(":") and cell.endswith(":") else "r" if cell.endswith(":") else "l" for cell in rows[1]]
            rows = [rows[0]] + rows[2:]
        return {"t": "table", "align": align, "head": [self._inline(c) for c in rows[0]],
                "rows": [[self._inline(c) for c in row] for row in rows[1:]]}

    def _inline(self, text: str) -> list[dict]:
        """text / math / code nodes; **…** groups its nodes into a strong node."""
        root: list[dict] = []
        current = root
        position = 0
        for match in _TOKEN.finditer(text):
            if match.start() > position:
                current.append({"t": "text", "v": text[position:match.start()]})
            if match.group(1) is not None:
                current.append({"t": "math", "v": self.tex[int(match.group(1))]})
            elif match.group(2):
                if current is root:
                    strong = {"t": "strong", "c": []}
                    root.append(strong)
                    current = strong["c"]
                else:
                    current = root
            else:
                current.append({"t": "code", "v": match.group(3)})
            position = match.end()
        if position < len(text):
            current.append({"t": "text", "v": text[position:]})
        return [node for node in root if node["t"] != "strong" or node["c"]]


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(lines: list[str]) -> str:
    """A paragraph's lines: a space between them, none between two Japanese characters."""
    text = lines[0]
    for line in lines[1:]:
        text += ("" if _wide(text[-1]) and _wide(line[0]) else " ") + line
    return text
