"""Every keyed error has its words in both languages, and the CLI prints them in the user's language."""

import ast
from pathlib import Path

import pytest

from conftest import run

SRC = Path(__file__).resolve().parents[1] / "src" / "xentlab"


def error_keys_in_source() -> set[str]:
    """Every constant `key="..."` passed to a call whose name ends in Error, anywhere in src/."""
    keys = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name.endswith("Error"):
                    keys |= {kw.value.value for kw in node.keywords
                             if kw.arg == "key" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)}
    return keys


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_error_key_has_a_macro(lang):
    from xentlab.render import environment

    module = environment().get_template(f"{lang}/errors.j2").module
    missing = sorted(key for key in error_keys_in_source() | {"internal", "prefix"} if not hasattr(module, key))
    assert not missing, f"templates/{lang}/errors.j2 lacks: {missing}"


def test_message_language_follows_lang_then_locale(monkeypatch):
    from xentlab.cli import message_lang

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert message_lang(["solve", "--lang", "ja"]) == "ja"
    assert message_lang(["solve", "--lang=en"]) == "en"
    assert message_lang(["solve"]) == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert message_lang(["solve"]) == "ja"
    assert message_lang(["solve", "--lang", "en"]) == "en"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL wins over LANG
    assert message_lang(["solve"]) == "en"


def test_keyed_error_text_is_terminal_safe():
    from xentlab.errors import InputError
    from xentlab.render import error_text

    error = InputError(key="internal", kind="X", detail="a\x1b[31mred\rb")
    for lang in ("ja", "en"):
        text = error_text(error, lang)
        assert "\x1b" not in text and "\r" not in text and "\\u001b" in text


def test_internal_error_is_one_line_in_the_users_language(capsys, monkeypatch):
    import xentlab.cli._common as common

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.delenv("XENTLAB_DEBUG", raising=False)
    monkeypatch.setattr(common, "inputs_from_options", broken)
    import xentlab.cli.solve as solve_cmd

    monkeypatch.setattr(solve_cmd, "inputs_from_options", broken)
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5", "--t", "1,0", "--lang", "ja")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert err.startswith("xentlab：エラー：内部エラーです：ZeroDivisionError：boom")
