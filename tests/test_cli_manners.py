"""Messages that say what is wrong, classes counted from 1, and tables as a teacher sets them."""

import json
import re

import pytest

from conftest import one_line_error, run


def test_worksheet_o_with_a_file_name_is_an_error(capsys, tmp_path):
    target = tmp_path / "sheet.md"
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "1", "-o", str(target), "--lang", "en")
    one_line_error(code, err, "-o for worksheet names a directory", "sheet.md")
    assert not target.exists()  # it used to become a directory silently


def test_grade_responses_that_is_a_directory_says_so(capsys, tmp_path):
    code, _, err = run(capsys, "grade", "--key", "tests/data/class-key.json", "--responses", str(tmp_path), "--lang", "en")
    one_line_error(code, err, "is a directory")
    code, _, err = run(capsys, "grade", "--key", "tests/data/class-key.json", "--responses", str(tmp_path / "none.csv"), "--lang", "en")
    one_line_error(code, err, "does not exist")


@pytest.mark.parametrize(("value", "en", "ja"), [
    ("0.5,0.5;", "--y has an empty row (row 2 of 2)", "--y の 2 行目（2 行中）が空です"),
    ("", "--y is empty", "--y が空です"),
    ("0.5,,0.5", "--y has an empty place between two commas", "カンマとカンマの間が空"),
])
def test_solve_says_what_is_wrong_with_a_list(capsys, value, en, ja):
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", value, "--t", "1,0", "--lang", "en")
    one_line_error(code, err, en)
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", value, "--t", "1,0", "--lang", "ja")
    assert code == 2 and ja in err


def test_solve_o_with_a_directory_says_so(capsys, tmp_path):
    code, _, err = run(capsys, "solve", "sse", "--y", "0.5,0.5", "--t", "1,0", "-o", str(tmp_path), "--lang", "en")
    one_line_error(code, err, "is a directory")


def test_rows_and_classes_count_from_1_and_labels_from_0(capsys):
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5;0.2,-0.1", "--labels", "0,1", "--lang", "en")
    one_line_error(code, err, "--y has -0.1 at row 2, class 2")
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5;0.2,0.8", "--labels", "0,2", "--lang", "en")
    one_line_error(code, err, "--labels has 2 for sample 2, but with 2 classes a label is 0 to 1 (--labels counts from 0: label 0 is class 1)")
    code, _, err = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5;0.2,0.9", "--labels", "0,1", "--lang", "ja")
    assert code == 2 and "--y の 2 行目の数の和が 1.1 で、1 になりません" in err
    code, out, _ = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5;0.2,0.8", "--labels", "0,1", "--format", "text", "--lang", "ja")
    assert code == 0 and "クラス 1" in out and "クラス 2" in out and "クラス 0" not in out
    assert out.count("ラベル 0 がクラス 1 です") == 1  # where --labels and class numbers both appear, said once
    code, out, _ = run(capsys, "solve", "cross-entropy", "--y", "0.5,0.5;0.2,0.8", "--t", "1,0;0,1", "--format", "text", "--lang", "ja")
    assert "ラベル 0" not in out  # no --labels, nothing to explain


def test_infinite_loss_and_perplexity_in_two_sentences(capsys):
    code, out, _ = run(capsys, "solve", "token-loss", "--p", "0,0.5", "--format", "text", "--lang", "ja")
    assert code == 0 and "答え：損失は無限大です。パープレキシティも無限大です。" in out
    code, out, _ = run(capsys, "solve", "token-loss", "--p", "0,0.5", "--format", "text", "--lang", "en")
    assert "The loss is infinite, and so is the perplexity." in out


def test_tables_show_targets_as_integers_one_number_of_decimals_and_math_headers(capsys):
    code, out, _ = run(capsys, "solve", "softmax-cross-entropy", "--logits", "2,1,0.1", "--labels", "0", "--format", "tex", "--lang", "en")
    assert code == 0
    table = out.split(r"\begin{tabular}")[1].split(r"\end{tabular}")[0]
    assert r"\(z_{k}\)" in table and "z\\_k" not in table and "z_k" not in table.replace("z_{k}", "")
    rows = [line for line in table.splitlines() if line.startswith(r"\(1\)") or line.startswith(r"\(2\)") or line.startswith(r"\(3\)")]
    cells = [[c.strip().strip(r"\()") for c in row.rstrip("\\ ").split("&")] for row in rows]
    assert [c[1] for c in cells] == ["2.0", "1.0", "0.1"]  # logits: one decimal each
    assert [c[3] for c in cells] == ["1", "0", "0"]  # targets: 1 and 0, never 1.000
    assert all(re.fullmatch(r"0\.\d{4}", c[2]) for c in cells)  # probabilities: 4 decimals each


def test_question_tables_keep_one_number_of_decimals():
    from xentlab import worksheet as ws

    sheet = ws.build(0, 12, ("ce-single",), 2)
    student, _ = ws.render(sheet, "md", "en")
    for line in student.splitlines():
        if line.startswith("| $y_{k}$"):
            numbers = re.findall(r"\$(\d\.\d+)\$", line)
            assert len({len(n) for n in numbers}) == 1, line  # 0.40 beside 0.25, never 0.4
    assert any(re.search(r"\$0\.\d0\$", line) for line in student.splitlines())


def test_minus_one_is_set_as_a_number_not_a_binary_minus():
    from xentlab.render import language_module

    module = language_module("problems/log-rule", "tex", "ja")
    assert str(module.rule_text("negate")).startswith(r"\(-1\) を掛ける")


def test_key_json_records_the_sheet_code(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "5", "-o", str(tmp_path / "w"))
    assert code == 0, err
    key = json.loads((tmp_path / "w" / "key.json").read_text(encoding="utf-8"))
    sheet = (tmp_path / "w" / "worksheet.md").read_text(encoding="utf-8")
    assert key["seed"] == 5 and key["sheet_code"] in sheet and "シード" not in sheet


def test_an_existing_file_is_refused_in_the_users_language(capsys, tmp_path):
    target = tmp_path / "mine.md"
    target.write_text("my notes", encoding="utf-8")
    code, _, err = run(capsys, "derive", "sse", "-o", str(target), "--lang", "ja")
    assert code == 2 and "はすでにあります。上書きするには --force をつけてください。" in err
    code, _, err = run(capsys, "solve", "sse", "--y", "0.5,0.5", "--t", "1,0", "-o", str(target), "--lang", "en")
    one_line_error(code, err, "already exists; use --force")
    assert target.read_text(encoding="utf-8") == "my notes" and sorted(p.name for p in tmp_path.iterdir()) == ["mine.md"]
