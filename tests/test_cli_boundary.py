"""What the command line does at its edges: an output that is an input, standard output that
cannot be written, and click's own type errors, each one keyed line in the user's language."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import one_line_error, run

DATA = Path(__file__).parent / "data"


def test_grade_refuses_to_write_over_its_responses_or_key(tmp_path, capsys):
    responses, key = tmp_path / "class.csv", tmp_path / "key.json"
    shutil.copy(DATA / "class.csv", responses)
    shutil.copy(DATA / "class-key.json", key)
    before = responses.read_bytes(), key.read_bytes()
    for output in (responses, key, tmp_path / "." / "class.csv"):
        code, _, err = run(capsys, "grade", "--key", str(key), "--responses", str(responses), "-o", str(output), "--force", "--lang", "en")
        one_line_error(code, err, "is an input of this command")
    os.link(responses, tmp_path / "hard.csv")  # another name for the same file
    code, _, err = run(capsys, "grade", "--key", str(key), "--responses", str(responses), "-o", str(tmp_path / "hard.csv"), "--force", "--lang", "ja")
    assert code == 2 and "このコマンドの入力" in err
    assert (responses.read_bytes(), key.read_bytes()) == before


def test_a_full_standard_output_is_one_keyed_line_exit_2():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    command = [sys.executable, "-m", "xentlab", "grade", "--key", str(DATA / "class-key.json"), "--responses", str(DATA / "class.csv")]
    for lang, words in (("en", "cannot write to standard output: no space left on the device"), ("ja", "標準出力に書けません：ディスクに空きがありません")):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([*command, "--lang", lang], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines()[-1].endswith(words) and "Traceback" not in proc.stderr


def test_a_closed_pipe_is_not_an_error_message():
    proc = subprocess.Popen([sys.executable, "-m", "xentlab", "derive", "cross-entropy", "--classes", "40", "--format", "text"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # the reader goes away, as `| head -c 10` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141) and "error" not in err and "Traceback" not in err


@pytest.mark.parametrize(("lang", "words"), [("en", "'abc' is not a number"), ("ja", "--rtol の値「abc」は数値ではありません")])
def test_a_number_option_given_text_is_worded_in_the_users_language(capsys, lang, words):
    code, _, err = run(capsys, "check", "--expect", "-t1*log(y1)", "--answer", "1", "--rtol", "abc", "--lang", lang)
    one_line_error(code, err.replace("xentlab：エラー：", "xentlab: error: "), words)
    assert "valid float" not in err


def test_a_whole_number_option_given_text(capsys):
    code, _, err = run(capsys, "worksheet", "--count", "x", "--seed", "1", "-o", "d", "--lang", "ja")
    assert code == 2 and "--count" in err and "整数" in err and "valid" not in err
