"""The derive/list CLI as a user meets it: output, one-line errors with exit 2, files."""

import json
import subprocess
import sys

import pytest



def run(*args):
    """The real entry point in a subprocess, exactly as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "xentlab", *args], capture_output=True, text=True, timeout=120)
    return proc


def test_derive_default_is_japanese_markdown():
    proc = run("derive", "multiclass", "--classes", "3")
    assert proc.returncode == 0, proc.stderr
    assert "# 尤度から導く多クラス交差エントロピー" in proc.stdout
    assert proc.stdout.count("✓ 検証済み") == 6


def test_derive_json_is_parseable():
    proc = run("derive", "token-average", "--format", "json", "--lang", "en")  # the old name still works
    doc = json.loads(proc.stdout)
    assert doc["kind"] == "token-loss" and all(s["verified"] for s in doc["steps"])
    assert json.loads(run("derive", "token-loss", "--format", "json", "--lang", "en").stdout) == doc


BAD = [
    (["derive", "nope"], "unknown kind 'nope'; choose one of: cross-entropy, binary-cross-entropy"),
    (["derive", "cros-entropy"], "did you mean 'cross-entropy'?"),
    (["derive", "binary", "--batch"], "--batch applies to cross-entropy"),
    (["derive", "multiclass", "--classes", "1"], "--classes must be between 2 and 50"),
    (["derive", "multiclass", "--classes", "51"], "--classes must be between 2 and 50"),
    (["derive", "multiclass", "--format", "pdf"], "unknown format 'pdf'; choose one of: md, tex, json, text"),
    (["derive", "multiclass", "--lang", "fr"], "unknown language 'fr'; choose one of: ja, en"),
    (["derive", "binary", "--classes", "3"], "--classes applies to"),
    (["derive", "multiclass", "--classes", "three"], "--classes must be a whole number, got 'three'"),
    (["nope"], "no such command 'nope'"),
    (["solv"], "did you mean 'solve'?"),
    (["derive", "multiclass", "--clases", "3"], "did you mean --classes?"),
    (["derive"], "missing argument KIND"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_gets_one_line_and_exit_2(args, message):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_output_file_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("my notes", encoding="utf-8")
    proc = run("derive", "sse", "-o", str(target))
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert target.read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temp file left behind
    proc = run("derive", "sse", "-o", str(target), "--force")
    assert proc.returncode == 0 and target.read_text(encoding="utf-8").startswith("# 2乗和誤差")


def test_list_and_version():
    listing = run("list", "--lang", "en").stdout.splitlines()
    assert [line[:21].strip() for line in listing] == [
        "cross-entropy", "cross-entropy --batch", "binary-cross-entropy", "softmax-cross-entropy", "token-loss", "sse", "entropy-kl"]
    assert run("--version").stdout.strip() == "xentlab, version 0.1.0"


def test_help_does_not_import_sympy():
    code = "import sys; from xentlab.cli import main\ntry: main(['--help'])\nexcept SystemExit: pass\nprint('sympy' in sys.modules, 'numpy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "False False"


def test_list_does_not_import_sympy():
    code = "import sys; from xentlab.cli import main\ntry: main(['list'])\nexcept SystemExit: pass\nprint('sympy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "False"
