"""Rendering derivations: golden files for every kind × format × language, determinism,
the JSON contract, and refusal to print an unverified step."""

import json

import pytest

from xentlab.derivations import KINDS, derive
from xentlab.errors import VerificationError
from xentlab.model import Derivation, Step
from xentlab.render import FORMATS, LANGS, render_derivation

VARIANTS = {kind: (kind, {}) for kind in KINDS} | {
    "multiclass-K3": ("multiclass", {"classes": 3}),
    "sse-half": ("sse", {"half": True}),
}
EXT = {"md": "md", "tex": "tex", "json": "json", "text": "txt"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", VARIANTS)
def test_golden(name, fmt, lang, golden):
    kind, options = VARIANTS[name]
    golden(f"derive/{name}.{lang}.{EXT[fmt]}", render_derivation(derive(kind, **options), fmt, lang))


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_twice_gives_identical_bytes(fmt):
    derive.cache_clear()
    first = render_derivation(derive("softmax-gradient"), fmt, "ja")
    derive.cache_clear()
    assert render_derivation(derive("softmax-gradient"), fmt, "ja") == first


def test_json_contract():
    doc = json.loads(render_derivation(derive("multiclass"), "json", "en"))
    assert set(doc) >= {"kind", "lang", "steps", "result", "result_latex"}
    assert doc["kind"] == "cross-entropy" and doc["lang"] == "en" and doc["params"]["batch"] is False
    assert doc["result"] == "-Sum(t[k]*log(y[k]), (k, 1, K))"
    assert doc["result_latex"] == r"-\sum_{k=1}^{K} t_{k} \log y_{k}"
    for step in doc["steps"]:
        assert {"rule", "title", "explanation", "expr", "latex", "verified"} <= set(step)
        assert step["verified"] is True
        assert step["title"] and step["explanation"]
    assert [s["rule"] for s in doc["steps"]][-1] == "one_hot"


def test_ja_and_en_prose_differ_but_math_is_shared():
    ja = json.loads(render_derivation(derive("binary"), "json", "ja"))
    en = json.loads(render_derivation(derive("binary"), "json", "en"))
    for a, b in zip(ja["steps"], en["steps"]):
        assert a["title"] != b["title"]
        assert a["latex"] == b["latex"]


def test_unverified_derivation_is_never_rendered():
    d = derive("multiclass")
    unproved = Derivation(d.kind, (Step("likelihood", d.steps[0].lhs, d.steps[0].expr),) + d.steps[1:], d.result, d.domain)
    for fmt in FORMATS:
        with pytest.raises(VerificationError):
            render_derivation(unproved, fmt, "en")


def test_markdown_math_delimiters_and_tex_document():
    md = render_derivation(derive("multiclass", classes=3), "md", "ja")
    assert "$$\nL = y_{1}^{t_{1}} \\cdot y_{2}^{t_{2}} \\cdot y_{3}^{t_{3}}\n$$" in md
    tex_ja = render_derivation(derive("multiclass"), "tex", "ja")
    tex_en = render_derivation(derive("multiclass"), "tex", "en")
    assert "ltjsarticle" in tex_ja and "ltjsarticle" not in tex_en
    assert tex_ja.rstrip().endswith(r"\end{document}")
