"""--help in ja and en from templates/<lang>/help.j2, read without Jinja (so `xentlab --help` stays
light), and click's own usage errors in the user's language."""

import subprocess
import sys

import click
import pytest

from conftest import run

LANGS = ("ja", "en")


def _commands():
    from xentlab.cli import cli

    return cli.commands


@pytest.mark.parametrize("lang", LANGS)
def test_the_regex_reader_sees_what_jinja_renders(lang):
    from xentlab.cli._common import help_texts
    from xentlab.render import environment

    module = environment().get_template(f"{lang}/help.j2").module
    texts = help_texts(lang)
    assert texts and all(str(getattr(module, name)()).strip() == text for name, text in texts.items())
    macros = [name for name in dir(module) if not name.startswith("_")]
    assert sorted(macros) == sorted(texts)


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_and_option_has_help_in_both_languages(lang):
    from xentlab.cli._common import help_texts

    texts = help_texts(lang)
    missing = []
    for name, command in _commands().items():
        missing += [f"cmd_{name}", f"short_{name}"] if f"cmd_{name}" not in texts or f"short_{name}" not in texts else []
        for param in command.params:
            if isinstance(param, click.Option) and f"opt_{name}_{param.name}" not in texts and f"opt_{param.name}" not in texts:
                missing.append(f"opt_{name}_{param.name}")
    assert not missing, missing


def test_help_follows_lang_then_locale(capsys, monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    code, out, _ = run(capsys, "solve", "--help", "--lang", "ja")
    assert code == 0 and out.startswith("使い方：xentlab solve [オプション] KIND") and "オプション：" in out and "予測確率" in out
    assert "Show this message" not in out and "Options" not in out
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "コマンド：" in out and "演習プリント" in out
    code, out, _ = run(capsys, "worksheet", "--help", "--lang", "en")
    assert code == 0 and out.startswith("Usage: xentlab worksheet [OPTIONS]") and "sheet code" in out


def test_japanese_help_lines_fit_the_terminal(capsys):
    from xentlab.render import display_width

    code, out, _ = run(capsys, "solve", "--help", "--lang", "ja")
    assert code == 0 and max(display_width(line) for line in out.splitlines()) <= 80


def test_bare_xentlab_shows_the_help_and_exits_0():
    proc = subprocess.run([sys.executable, "-m", "xentlab"], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: xentlab") and proc.stderr == ""


def test_help_imports_neither_sympy_nor_numpy_nor_jinja():
    code = ("import sys; from xentlab.cli import main\ntry: main(['solve', '--help', '--lang', 'ja'])\nexcept SystemExit: pass\n"
            "print('sympy' in sys.modules, 'numpy' in sys.modules, 'jinja2' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "False False False"


CLICK_ERRORS = [
    (["worksheet", "--seed", "1", "-o", "x"], "missing option --count", "オプション --count を指定してください"),
    (["derive"], "missing argument KIND", "引数 KIND を指定してください"),
    (["derive", "sse", "--classes"], "--classes needs a value", "--classes のあとに値を指定してください"),
    (["derive", "sse", "--classes", "three"], "--classes must be a whole number, got 'three'", "--classes には整数を指定してください"),
    (["solve", "sse", "--eps", "tiny"], "--eps must be a number, got 'tiny'", "--eps には数を指定してください"),
    (["derive", "sse", "extra"], "unexpected extra argument: extra", "余分な引数があります：extra"),
    (["nope"], "no such command 'nope'", "「nope」というコマンドはありません"),
]


@pytest.mark.parametrize(("args", "en", "ja"), CLICK_ERRORS, ids=[" ".join(a) for a, _, _ in CLICK_ERRORS])
def test_click_usage_errors_read_in_the_users_language(capsys, args, en, ja):
    code, _, err = run(capsys, args[0], "--lang", "en", *args[1:])  # --lang before the option that lacks its value
    assert code == 2 and err.startswith("xentlab: error: ") and en in err and len(err.strip().splitlines()) == 1, err
    code, _, err = run(capsys, args[0], "--lang", "ja", *args[1:])
    assert code == 2 and err.startswith("xentlab：エラー：") and ja in err and len(err.strip().splitlines()) == 1, err
