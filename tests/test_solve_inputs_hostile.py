"""solve's numeric inputs are untrusted text: hostile strings and random ones (hypothesis) give a
worked solution or one keyed line on stderr with exit status 2 — never a traceback, an internal
error, or text that moves the terminal (escape sequences are shown as escapes)."""

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run

_spec = importlib.util.spec_from_file_location("hostile", Path(__file__).parent / "data" / "hostile_inputs.py")
_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hostile)
HOSTILE = _hostile.HOSTILE

NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789.,;-+eE ．，；－∞nainf\x1b\t")), max_size=30)


def judge(code, out, err, lang="en"):
    """A solution, or one keyed line in the language asked for (an unkeyed message would be English)."""
    assert code in (0, 2), err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("xentlab：エラー：" if lang == "ja" else "xentlab: error: "), err
        assert "internal error" not in err and "内部エラー" not in err and "Traceback" not in err and "\x1b" not in err
    else:
        assert out.strip()


@pytest.mark.parametrize(("label", "text", "_"), HOSTILE[:40], ids=[h[0] for h in HOSTILE[:40]])
@pytest.mark.parametrize("option", ["--y", "--t", "--labels"])
def test_hostile_text_in_a_numeric_option(capsys, label, text, _, option):
    args = {"--y": "0.5,0.5", "--t": "1,0"}
    if option == "--labels":
        del args["--t"]
    args[option] = text
    for lang in ("ja", "en"):
        judge(*run(capsys, "solve", "cross-entropy", *[x for pair in args.items() for x in pair], "--format", "json", "--lang", lang), lang)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(y=NUMBERISH, t=NUMBERISH, kind=st.sampled_from(["cross-entropy", "binary-cross-entropy", "sse", "bce"]))
def test_random_numbers_give_a_solution_or_one_line(capsys, y, t, kind):
    judge(*run(capsys, "solve", kind, "--y", y, "--t", t, "--format", "json", "--lang", "ja"), "ja")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(p=NUMBERISH)
def test_random_token_probabilities(capsys, p):
    judge(*run(capsys, "solve", "token-loss", "--p", p, "--format", "text", "--lang", "en"))
