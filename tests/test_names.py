"""One vocabulary: every command takes the same loss names, the old names stay aliases (also in
key.json), and a typo in a kind, a type, an option or a command gets "did you mean" in the
user's language."""

import json

import pytest

from conftest import one_line_error, run
from xentlab import names

LOSSES = ["cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "sse", "token-loss", "entropy-kl"]


def test_the_loss_names_are_the_public_contract():
    assert list(names.LOSSES) == LOSSES  # the names issue 16's Python API uses too
    assert names.loss("bce") == names.loss("binary") == "binary-cross-entropy"
    assert names.loss("multiclass") == names.loss("multiclass-batch") == "cross-entropy"
    assert names.loss("softmax-ce") == "softmax-cross-entropy" and names.loss("token-average") == "token-loss"


def test_importing_the_vocabulary_imports_no_sympy_or_numpy():
    import subprocess
    import sys

    code = "import sys, xentlab.names; print('sympy' in sys.modules, 'numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == ["False", "False"]


@pytest.mark.parametrize(("old", "new"), [("multiclass", ["cross-entropy"]), ("multiclass-batch", ["cross-entropy", "--batch"]),
                                          ("binary", ["binary-cross-entropy"]), ("softmax-gradient", ["softmax-cross-entropy"]),
                                          ("token-average", ["token-loss"]), ("bce", ["binary-cross-entropy"])])
def test_derive_takes_the_loss_names_and_the_old_ones(capsys, old, new):
    code, by_new, err = run(capsys, "derive", *new, "--format", "json", "--lang", "en")
    assert code == 0, err
    code, by_old, err = run(capsys, "derive", old, "--format", "json", "--lang", "en")
    assert code == 0, err
    assert by_old == by_new and json.loads(by_new)["kind"] == new[0]


def test_solve_and_check_take_the_old_names(capsys):
    code, canonical, _ = run(capsys, "solve", "binary-cross-entropy", "--y", "0.8", "--t", "1", "--format", "json")
    code_alias, alias, err = run(capsys, "solve", "bce", "--y", "0.8", "--t", "1", "--format", "json")
    assert code == code_alias == 0, err
    assert alias == canonical and json.loads(alias)["kind"] == "binary-cross-entropy"
    code, out, err = run(capsys, "check", "--kind", "bce", "--y", "0.8", "--t", "1", "--answer", "0.2231", "--format", "json")
    assert code == 0 and json.loads(out)["status"] == "correct", err


def test_worksheet_and_moodle_take_old_type_ids_and_write_the_new_ones(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "3", "--types", "bce,softmax-ce", "-o", str(tmp_path / "w"))
    assert code == 0, err
    key = json.loads((tmp_path / "w" / "key.json").read_text(encoding="utf-8"))
    assert [item["kind"] for item in key["items"]] == ["binary-cross-entropy", "softmax-cross-entropy"]
    assert key["types"] == ["binary-cross-entropy", "softmax-cross-entropy"]
    code, _, err = run(capsys, "moodle", "--count", "1", "--seed", "3", "--types", "bce", "-o", str(tmp_path / "q.xml"))
    assert code == 0 and "$course$/xentlab/binary-cross-entropy" in (tmp_path / "q.xml").read_text(encoding="utf-8"), err


def test_a_key_written_with_the_old_type_ids_still_loads_and_checks(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "3", "--types", "binary-cross-entropy,softmax-cross-entropy", "-o", str(tmp_path / "w"))
    assert code == 0, err
    path = tmp_path / "w" / "key.json"
    key = json.loads(path.read_text(encoding="utf-8"))
    for item, old in zip(key["items"], ("bce", "softmax-ce")):
        item["kind"] = old
    path.write_text(json.dumps(key), encoding="utf-8")
    for item in key["items"]:
        code, out, err = run(capsys, "check", "--key", str(path), "--item", str(item["id"]), "--answer", item["rounded"], "--format", "json")
        assert code == 0 and json.loads(out)["status"] == "correct", err


TYPOS = [
    (["derive", "cros-entropy"], "did you mean 'cross-entropy'?", "「cross-entropy」のことですか？"),
    (["derive", "multiclas"], "did you mean 'cross-entropy'?", "「cross-entropy」のことですか？"),
    (["solve", "binary-crossentropy", "--y", "0.8", "--t", "1"], "did you mean 'binary-cross-entropy'?", "「binary-cross-entropy」のことですか？"),
    (["check", "--kind", "tokenloss", "--p", "0.5", "--answer", "1"], "did you mean 'token-loss'?", "「token-loss」のことですか？"),
    (["worksheet", "--count", "2", "--seed", "1", "--types", "ce-singel", "-o", "unused"], "did you mean 'ce-single'?", "「ce-single」のことですか？"),
    (["moodle", "--count", "2", "--seed", "1", "--types", "unit"], "did you mean 'units'?", "「units」のことですか？"),
    (["solve", "sse", "--y", "0.5,0.5", "--t", "1,0", "--format", "txt"], "did you mean 'text'?", "「text」のことですか？"),
    (["solve", "sse", "--y", "0.5,0.5", "--t", "1,0", "--reduction", "summ"], "did you mean 'sum'?", "「sum」のことですか？"),
    (["solve", "sse", "--y", "0.5,0.5", "--tt", "1,0"], "did you mean --t?", "--t のことですか？"),
    (["worksheet", "--cout", "2"], "did you mean --count?", "--count のことですか？"),
    (["solv"], "did you mean 'solve'?", "「solve」のことですか？"),
]


@pytest.mark.parametrize(("args", "en", "ja"), TYPOS, ids=[" ".join(a[:2]) for a, _, _ in TYPOS])
def test_a_typo_gets_did_you_mean_in_the_chosen_language(capsys, monkeypatch, args, en, ja):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, *args, "--lang", "en")
    one_line_error(code, err, en)
    code, _, err = run(capsys, *args, "--lang", "ja")
    assert code == 2 and err.startswith("xentlab：エラー：") and ja in err and len(err.strip().splitlines()) == 1, err
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")  # the locale chooses when --lang does not
    code, _, err = run(capsys, *args)
    assert code == 2 and ja in err, err


def test_nothing_close_gets_no_suggestion(capsys):
    code, _, err = run(capsys, "derive", "zzzz", "--lang", "en")
    one_line_error(code, err, "unknown kind 'zzzz'; choose one of: cross-entropy")
    assert "did you mean" not in err
