"""Rows in, rows out, exactly (issue 11): graded.csv is RFC 4180 in UTF-8 with a BOM, every input row
comes back cell by cell in order, formula-like cells get the OWASP apostrophe; CP932, UTF-16 and .xlsx
are read; one verdict per (student, item); a report that renders no student text as markup."""

import csv
import io
import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import one_line_error, run
from xentlab import grading, tables
from xentlab.answerkey import load_variants
from xentlab.render import verdict_feedback

DATA = Path(__file__).parent / "data"
KEY = DATA / "class-key.json"  # item 1: ce-single, −ln 0.47 = 0.7550
ADDED = ["status", "diagnosis", "score", "feedback"]
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """OWASP CSV injection, as the issue states it: =, +, -, @, tab or CR first, and not a plain number."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell) else cell


def read_back(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")
    csv.field_size_limit(2**24)
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def graded_bytes(header, rows) -> bytes:
    table = tables.Table(header, rows, "utf-8")
    graded = grading.grade(table, load_variants(KEY), lambda v: verdict_feedback(v, "en", "text"), "en")
    return b"\xef\xbb\xbf" + "".join(tables.csv_chunks(graded.header, graded.rows, ADDED, graded.added(), graded.width)).encode("utf-8")


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["\r", "\n", "\r\n", '"', ",", "\x00", "=1+1", "+1", "-1", "-0.755", "@A1", "\tx", "\rx", "mallory\rbob", "0.755", "1"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=0, max_size=6), min_size=1, max_size=12))
def test_every_row_comes_back_cell_by_cell(rows):
    header = ["student", "item", "answer"]
    back = read_back(graded_bytes(header, rows))
    width = max([3] + [len(r) for r in rows])
    assert back[0] == header + [""] * (width - 3) + ADDED
    assert len(back) == len(rows) + 1  # no row lost, none added
    for original, written in zip(rows, back[1:]):
        assert len(written) == width + 4  # the added columns line up under their header
        assert written[:len(original)] == [spreadsheet_safe(c) for c in original]
        assert written[len(original):width] == [""] * (width - len(original))
        assert written[width] in ("correct", "incorrect", "invalid", "superseded")


def test_a_lone_cr_does_not_move_grades(tmp_path, capsys):
    source = tmp_path / "r.csv"
    source.write_bytes(b'student,item,answer\r\n"mallory\rbob",1,0.1\r\nbob,1,0.755\r\n')
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(source), "-o", str(tmp_path / "g.csv"))
    assert code == 0, err
    raw = (tmp_path / "g.csv").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"").replace(b"mallory\rbob", b"")
    back = read_back(raw)
    assert [(r[0], r[3]) for r in back[1:]] == [("mallory\rbob", "incorrect"), ("bob", "correct")]


def test_rows_shorter_and_longer_than_the_header(tmp_path, capsys):
    source = tmp_path / "r.csv"
    source.write_text("student,item,answer\r\nami,1,0.755,note,more\r\nbo\r\nchi,1,0.755\r\n", "utf-8")
    run(capsys, "grade", "--key", str(KEY), "--responses", str(source), "-o", str(tmp_path / "g.csv"))
    back = read_back((tmp_path / "g.csv").read_bytes())
    status = back[0].index("status")
    assert status == 5 and back[0][3:5] == ["", ""]
    assert [row[status] for row in back[1:]] == ["correct", "invalid", "correct"]
    assert back[1][:5] == ["ami", "1", "0.755", "note", "more"] and back[2][:5] == ["bo", "", "", "", ""]


def test_formula_cells_are_escaped_and_negative_numbers_stay_numbers(tmp_path, capsys):
    source = tmp_path / "r.csv"
    rows = [["student", "item", "answer"], ['=HYPERLINK("http://x","y")', "1", "-0.755"], ["@SUM(A1)", "1", "=1+1"], ["\tx", "1", "-log(0.47)"]]
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    run(capsys, "grade", "--key", str(KEY), "--responses", str(source), "-o", str(tmp_path / "g.csv"))
    back = read_back((tmp_path / "g.csv").read_bytes())
    assert back[1][:3] == ['\'=HYPERLINK("http://x","y")', "1", "-0.755"]
    assert back[2][:3] == ["'@SUM(A1)", "1", "'=1+1"]
    assert back[3][:3] == ["'\tx", "1", "'-log(0.47)"]


def test_japanese_excel_csv_in_cp932(tmp_path, capsys):
    """What Japanese Excel writes for "CSV (カンマ区切り)": CP932, CRLF, Japanese names and answers."""
    text = "student,item,answer\r\n山田 花子,1,０．７５５\r\n佐藤 太郎,1,0.755 ナット\r\n鈴木 一郎,6,（Ｄ）\r\n田中,1,75.5％\r\n"
    source = tmp_path / "class.csv"
    source.write_bytes(text.encode("cp932"))
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(source), "-o", str(tmp_path / "g.csv"), "--lang", "ja")
    assert code == 0, err
    assert "CP932" in err and "として読みました" in err
    back = read_back((tmp_path / "g.csv").read_bytes())
    assert [r[0] for r in back[1:]] == ["山田 花子", "佐藤 太郎", "鈴木 一郎", "田中"]
    assert [r[3] for r in back[1:]] == ["correct", "correct", "correct", "incorrect"]
    assert back[4][4] == "percent_scale" and "パーセント" in back[4][6]


def test_utf16_with_bom_and_utf8_without(tmp_path, capsys):
    text = "student,item,answer\r\n山田,1,0.755\r\n"
    for name, data in (("u16.csv", text.encode("utf-16")), ("u8.csv", text.encode("utf-8"))):
        (tmp_path / name).write_bytes(data)
        code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / name), "-o", str(tmp_path / f"g-{name}"))
        assert code == 0, err
        assert read_back((tmp_path / f"g-{name}").read_bytes())[1][:4] == ["山田", "1", "0.755", "correct"]


@pytest.mark.parametrize(("data", "en", "ja"), [
    ("student,item,answer\r\n".encode("utf-16-le"), "UTF-16 without its byte-order mark", "BOM のない UTF-16"),
    (b"student,item,answer\r\n\x81\xff,1,2\r\n", "neither UTF-8 nor CP932", "UTF-8 でも CP932 でもありません"),
])
def test_undecidable_bytes_are_a_clear_error_in_both_languages(tmp_path, capsys, data, en, ja):
    (tmp_path / "r.csv").write_bytes(data)
    for lang, needle in (("en", en), ("ja", ja)):
        code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "--lang", lang)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_xlsx_round_trip(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [["student", "item", "answer"], ["山田\r花子", 1, 0.755], ["=cmd|' /C calc'!A0", 1, "=1+1"], ["ami", 6, "（Ｄ）"],
            ["bo", 1, "-0.755"]]
    for row in rows:
        sheet.append(row)
    sheet["A2"].value = "山田_x000D_花子"  # how Excel stores CR in a cell
    sheet["A3"].data_type = "s"
    sheet["C3"].data_type = "s"
    book.save(tmp_path / "class.xlsx")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "class.xlsx"), "-o", str(tmp_path / "graded.xlsx"))
    assert code == 0, err
    graded = openpyxl.load_workbook(tmp_path / "graded.xlsx")
    sheet = graded.worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # never a formula
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["student", "item", "answer", *ADDED]
    assert values[1][:5] == ["山田_x000D_花子", 1, 0.755, "correct", None]  # Excel shows _x000D_ as CR
    assert values[2][:4] == ["=cmd|' /C calc'!A0", 1, "=1+1", "invalid"]
    assert values[3][3] == "correct" and isinstance(values[1][5], (int, float))
    back = tables.read(tmp_path / "graded.xlsx")  # and read as Excel reads it, every cell exactly
    assert back.rows[0][:3] == ["山田\r花子", 1, 0.755] and back.rows[1][:3] == ["=cmd|' /C calc'!A0", 1, "=1+1"]


def test_an_xlsx_that_unpacks_too_far_is_one_line_error(tmp_path, capsys):
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["student", "item", "answer"])
    book.active.append(["ami", 1, "0.755"])
    book.save(tmp_path / "small.xlsx")
    bomb = tmp_path / "bomb.xlsx"  # a valid workbook plus one part of 300 MB of zeros (about 300 KB packed)
    with zipfile.ZipFile(tmp_path / "small.xlsx") as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("xl/media/zeros.bin", "w") as handle:
            chunk = bytes(2**20)
            for _ in range(300):
                handle.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(bomb), "--lang", "en")
    one_line_error(code, err, "unpacks to more than 256 MB")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(bomb), "--lang", "ja")
    assert code == 2 and err.strip() == f"xentlab：エラー：{bomb} は展開すると 256 MB を超えます。Excel で保存し直すか、CSV で保存してください。"


def test_graded_xlsm_is_refused_with_the_xlsx_name(tmp_path, capsys):
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(DATA / "class.csv"), "-o", str(tmp_path / "g.xlsm"), "--lang", "en")
    one_line_error(code, err, "g.xlsm", f"-o {tmp_path / 'g.xlsx'}")
    assert not (tmp_path / "g.xlsm").exists()


def test_an_xlsx_percent_is_read_as_the_percent_the_student_typed(tmp_path, capsys):
    """Typing 75.5% into Excel stores 0.755 with the format 0.0%: the right loss of item 1 (−ln 0.47
    = 0.7550) must not get full credit for it (issue 11: a percent is percent_scale, never correct)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["student", "item", "answer"], ["ami", 1, 0.755], ["bo", 1, 0.755], ["cy", 1, 0.755], ["dee", 1, 1]):
        sheet.append(row)
    sheet["C2"].number_format = "0.0%"  # shows 75.5%
    sheet["C3"].number_format = "0.000"  # shows 0.755
    sheet["C4"].number_format = "0.00%"  # shows 75.50%
    sheet["C5"].number_format = "0.000"  # the integer 1 shows 1.000
    book.save(tmp_path / "class.xlsx")
    table = tables.read(tmp_path / "class.xlsx")
    assert [table.number_text[(r, 2)] for r in range(4)] == ["75.5%", "0.755", "75.50%", "1.000"]
    code, out, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "class.xlsx"), "--lang", "en")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert [(r[0], r[3], r[4]) for r in rows[1:4]] == [("ami", "incorrect", "percent_scale"), ("bo", "correct", ""),
                                                       ("cy", "incorrect", "percent_scale")]


def test_the_xlsx_note_in_japanese_is_spaced_like_the_others(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    for row in (["student", "item", "answer"], ["ami", 1, 0.755]):
        book.active.append(row)
    book.save(tmp_path / "c.xlsx")
    (tmp_path / "c.csv").write_text("student,item,answer\r\nami,1,0.755\r\n", "utf-8")
    notes = []
    for name in ("c.xlsx", "c.csv"):
        code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / name), "--lang", "ja")
        assert code == 0, err
        notes.append(err.splitlines()[0])
    assert notes == [f"{tmp_path / 'c.xlsx'} を Excel のブック（xlsx 形式）として読みました", f"{tmp_path / 'c.csv'} を UTF-8 として読みました"]


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (1.0005, "0.000", "1.001"),  # half away from zero on the decimal 1.0005 (the float lies just below it)
    (2.5, "0", "3"), (-2.5, "0", "-3"), (0.38, "0%", "38%"), (7, "0%", "700%"), (1.1, "0.000", "1.100"),
    (3.0, "General", "3"), (0.755, "General", "0.755"),
])
def test_numbers_as_the_sheet_shows_them(value, number_format, shown):
    assert tables.number_as_shown(value, number_format) == shown


def test_a_cell_too_long_for_excel_is_refused_before_writing(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("student,item,answer\r\nami,1," + "1" * 40_000 + "\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.xlsx"), "--lang", "en")
    one_line_error(code, err, "32767")
    assert not (tmp_path / "g.xlsx").exists()


def test_a_140_kb_cell_is_kept_and_the_run_goes_on(tmp_path, capsys):
    big = "x" * 140_000
    (tmp_path / "r.csv").write_text(f'student,item,answer\r\nami,1,"{big}"\r\nbo,1,0.755\r\n', "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"))
    assert code == 0, err
    back = read_back((tmp_path / "g.csv").read_bytes())
    assert back[1][2] == big and back[1][3] == "invalid" and back[2][3] == "correct"


def test_duplicates_count_once_and_the_last_attempt_counts(tmp_path, capsys):
    lines = ["student,item,answer"] + ["ami,1,0.755"] * 30 + ["bo,1,0.755", "bo,1,9", "chi,2,0.342", "chi,2,0.342"]
    (tmp_path / "r.csv").write_text("\r\n".join(lines) + "\r\n", "utf-8")
    for attempts, bo_counted in (("last", "9"), ("first", "0.755"), ("best", "0.755")):
        out = tmp_path / f"{attempts}.csv"
        code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(out),
                           "--report", str(tmp_path / f"{attempts}.md"), "--attempts", attempts, "--lang", "en")
        assert code == 0, err
        back = read_back(out.read_bytes())
        assert sum(1 for r in back[1:31] if r[3] == "superseded") == 29
        counted = [r for r in back[31:33] if r[3] != "superseded"]
        assert [r[2] for r in counted] == [bo_counted]
        report = (tmp_path / f"{attempts}.md").read_text("utf-8")
        assert "| ami | 1 / 6 | 1 | 1 | 0 | 29 |" in report  # 30 identical rows: one answer, never 30 / 6
        assert "| chi | 1 / 6 | 1 | 1 | 0 | 1 |" in report


@pytest.mark.parametrize(("students", "words"), [(1, "(1 time)"), (2, "(2 times)")])
def test_the_report_counts_the_common_mistake_in_english(tmp_path, capsys, students, words):
    # −log10 0.47 = 0.3279: log_base_10 on item 1, once or twice
    lines = ["student,item,answer"] + [f"s{i},1,0.328" for i in range(students)]
    (tmp_path / "r.csv").write_text("\r\n".join(lines) + "\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"),
                       "--report", str(tmp_path / "r.md"), "--lang", "en")
    assert code == 0, err
    assert f"The most common mistake was `log_base_10` {words}:" in (tmp_path / "r.md").read_text("utf-8")


def test_each_row_quotes_its_own_answer(tmp_path, capsys):
    # item 6 is a choice (A)–(D): Z and Q are none of them; rows with the same verdict shared one sentence
    (tmp_path / "r.csv").write_text("student,item,answer\r\nami,6,Z\r\nbo,6,Q\r\ncy,6,Z\r\n", "utf-8")
    code, out, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "--lang", "en")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out, newline="")))[1:]
    assert [r[3] for r in rows] == ["invalid"] * 3
    assert [r[6].split('"')[1] for r in rows] == ["Z", "Q", "Z"], rows


def test_an_empty_student_or_item_is_invalid_with_a_reason(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("student,item,answer\r\n,1,0.755\r\nami,,0.755\r\nami,①,0.755\r\nami,1_0,0.755\r\n", "utf-8")
    code, _, _ = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"),
                     "--report", str(tmp_path / "r.md"), "--lang", "en")
    assert code == 0
    back = read_back((tmp_path / "g.csv").read_bytes())
    assert [r[3] for r in back[1:]] == ["invalid"] * 4
    assert "name is empty" in back[1][6] and "item number is empty" in back[2][6] and "not an item number" in back[3][6]
    report = (tmp_path / "r.md").read_text("utf-8")
    assert "| ? |" not in report and "| ami | 0 / 6 |" not in report  # no student "?"; ami has nothing counted
    assert "①" in report


def test_student_text_renders_as_text_in_the_report(tmp_path, capsys):
    names = ['<img src=x onerror=alert(1)>', "<script>alert(1)</script>", "<!--", 'two\nlines', "a|b", "[link](http://x)", "**bold**"]
    with (tmp_path / "r.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "item", "answer"])
        for name in names:
            writer.writerow([name, "1", "log(("])
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "--report", str(tmp_path / "r.md"),
                       "-o", str(tmp_path / "g.csv"), "--lang", "en")
    assert code == 0, err
    report = (tmp_path / "r.md").read_text("utf-8")
    for raw in ("<img", "<script", "<!--", "](http", "**bold**", "two\nlines"):
        assert raw not in report
    students = report.split("## Students")[1].split("##")[0]
    table_rows = [line for line in students.splitlines() if line.startswith("|")]
    assert len(table_rows) == 2 + len(names)  # header, rule, one line per student: no name breaks its row
    assert all(line.count("|") - line.count("\\|") == 8 for line in table_rows)


def test_variants_are_graded_in_one_run(tmp_path, capsys):
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "5", "--types", "ce-single", "--variants", "2", "-o", str(tmp_path / "ws"))
    assert code == 0, err
    lines = ["student,variant,item,answer"]
    for v in (1, 2):
        key = json.loads((tmp_path / "ws" / f"variant-{v:02d}" / "key.json").read_text("utf-8"))
        for item in key["items"]:
            p = item["question_params"]
            lines.append(f"s{v},{v:02d},{item['id']},{-math.log(p['y'][p['true_class'] - 1]):.4f}")  # the loss by hand
        lines.append(f"x{v},variant-{v:02d},1,{-math.log(key['items'][0]['question_params']['y'][0]) + 5:.4f}")
    lines.append("z,7,1,0.5")
    (tmp_path / "r.csv").write_text("\r\n".join(lines) + "\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(tmp_path / "ws"), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"), "--lang", "en")
    assert code == 0, err
    back = read_back((tmp_path / "g.csv").read_bytes())
    status = back[0].index("status")
    assert [r[status] for r in back[1:]] == ["correct"] * 3 + ["incorrect"] + ["correct"] * 3 + ["incorrect", "invalid"]
    assert "variant" in back[-1][status + 3]


def test_a_key_dir_with_a_single_key_and_variants_is_refused(tmp_path, capsys):
    # `worksheet -o ws` then `worksheet --variants 2 -o ws --force` keeps the first key.json beside the
    # variants: grade read it and marked a right variant-01 answer wrong against the old sheet
    for args in (["--seed", "1"], ["--seed", "2", "--variants", "2", "--force"]):
        code, _, err = run(capsys, "worksheet", "--count", "3", "--types", "ce-single", "-o", str(tmp_path / "ws"), *args)
        assert code == 0, err
    key = json.loads((tmp_path / "ws" / "variant-01" / "key.json").read_text("utf-8"))
    p = key["items"][0]["question_params"]
    (tmp_path / "r.csv").write_text(f"student,variant,item,answer\r\nami,1,1,{-math.log(p['y'][p['true_class'] - 1]):.4f}\r\n", "utf-8")
    code, out, err = run(capsys, "grade", "--key", str(tmp_path / "ws"), "--responses", str(tmp_path / "r.csv"), "--lang", "en")
    one_line_error(code, err, "key.json", "variant-NN")
    assert out == ""
    code, _, err = run(capsys, "grade", "--key", str(tmp_path / "ws"), "--responses", str(tmp_path / "r.csv"), "--lang", "ja")
    assert code == 2 and "両方" in err
    (tmp_path / "ws" / "key.json").unlink()  # the variants alone: graded right
    code, out, err = run(capsys, "grade", "--key", str(tmp_path / "ws"), "--responses", str(tmp_path / "r.csv"), "--lang", "en")
    assert code == 0 and list(csv.reader(io.StringIO(out, newline="")))[1][4] == "correct", (out, err)


def test_a_variant_key_needs_a_variant_column(tmp_path, capsys):
    run(capsys, "worksheet", "--count", "2", "--seed", "5", "--types", "ce-single", "--variants", "2", "-o", str(tmp_path / "ws"))
    (tmp_path / "r.csv").write_text("student,item,answer\r\na,1,1\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(tmp_path / "ws"), "--responses", str(tmp_path / "r.csv"), "--lang", "en")
    one_line_error(code, err, "variant column")


def test_one_failing_row_never_stops_the_class(tmp_path, capsys, monkeypatch):
    import xentlab.grading as grading_module

    real = grading_module.check_item

    def flaky(item, text):
        if text == "0.7":
            raise RuntimeError("a bug")
        return real(item, text)

    monkeypatch.setattr(grading_module, "check_item", flaky)
    (tmp_path / "r.csv").write_text("student,item,answer\r\na,1,0.7\r\nb,1,0.755\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"), "--lang", "en")
    assert code == 0, err
    back = read_back((tmp_path / "g.csv").read_bytes())
    assert [r[3] for r in back[1:]] == ["invalid", "correct"] and "could not be checked" in back[1][6]


def test_rows_that_hit_the_time_limit_are_counted(tmp_path, capsys, monkeypatch):
    import xentlab.check as check_module

    monkeypatch.setattr(check_module, "TIME_LIMIT", 0.0)
    (tmp_path / "r.csv").write_text("student,item,answer\r\na,5,-(t1*log(y1))\r\nb,1,0.755\r\n", "utf-8")
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "g.csv"), "--lang", "en")
    assert code == 0, err
    assert "hit the time limit" in err
