"""`xentlab grade` on the sample class in tests/data: every row kept in order, each verdict as
worked out by hand below, and a report a teacher can read."""

import csv
import io
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

# The key's items (tests/data/class-key.json): 1 ce-single, true class p = 0.47; 2 ce-batch, mean of
# -ln 0.81, -ln 0.82, -ln 0.54; 3 bce y = 0.53, t = 0; 4 perplexity of p = 0.81, 0.77, 0.17, 0.38;
# 5 derive-step E for K = 6; 6 log-rule (answer log_product_to_sum = choice D).
HAND = {
    "ce-single": -math.log(0.47),
    "log10": -math.log10(0.47),
    "other class": -math.log(0.37),
    "batch mean": -(math.log(0.81) + math.log(0.82) + math.log(0.54)) / 3,
    "perplexity": math.exp(-(math.log(0.81) + math.log(0.77) + math.log(0.17) + math.log(0.38)) / 4),
}

EXPECTED = [  # (student, item, status, diagnosis), in the CSV's order
    ("aiko", "1", "correct", ""), ("aiko", "2", "correct", ""), ("aiko", "3", "correct", ""), ("aiko", "4", "correct", ""),
    ("aiko", "5", "correct", ""), ("aiko", "6", "correct", ""),
    ("ben", "1", "incorrect", "log_base_10"), ("ben", "2", "incorrect", "sum_not_mean"), ("ben", "3", "incorrect", "sign_dropped"),
    ("ben", "4", "correct", ""), ("ben", "5", "incorrect", "sign_dropped"), ("ben", "6", "incorrect", ""),
    ("chen", "1", "incorrect", "log_base_10;sign_dropped"), ("chen", "2", "correct", ""), ("chen", "3", "correct", ""),
    ("chen", "4", "invalid", ""), ("chen", "5", "correct", ""), ("chen", "6", "correct", ""),
    ("dana", "1", "incorrect", "wrong_class"), ("dana", "2", "incorrect", "sum_not_mean"), ("dana", "3", "incorrect", "percent_scale"),
    ("dana", "4", "invalid", ""), ("dana", "5", "incorrect", "log_base_10;sign_dropped"), ("dana", "6", "incorrect", ""),
    ("emi", "1", "incorrect", "probability_not_loss"), ("emi", "2", "correct", ""), ("emi", "9", "invalid", ""),
    ("emi", "4", "correct", ""), ("emi", "5", "invalid", ""), ("emi", "6", "incorrect", ""),
]


def test_hand_values_match_what_the_csv_typed():
    typed = {row["student"] + row["item"]: row["answer"] for row in csv.DictReader(io.StringIO((DATA / "class.csv").read_text("utf-8-sig")))}
    assert float(typed["aiko1"]) == pytest.approx(HAND["ce-single"], abs=5e-4)
    assert float(typed["ben1"]) == pytest.approx(HAND["log10"], abs=5e-4)
    assert float(typed["dana1"]) == pytest.approx(HAND["other class"], abs=5e-4)
    assert float(typed["ben2"]) == pytest.approx(3 * HAND["batch mean"], abs=5e-4)
    assert float(typed["ben4"]) == pytest.approx(HAND["perplexity"], abs=5e-4)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grade")
    proc = subprocess.run([sys.executable, "-m", "xentlab", "grade", "--key", str(DATA / "class-key.json"), "--responses", str(DATA / "class.csv"),
                           "-o", str(out / "graded.csv"), "--report", str(out / "report.md"), "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def test_every_row_kept_in_order_with_its_verdict(graded):
    raw = (graded / "graded.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # BOM, CRLF only
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [(r["student"], r["item"], r["status"], r["diagnosis"]) for r in rows] == EXPECTED
    assert all(r["score"] == ("1" if r["status"] == "correct" else "0") for r in rows)
    assert all(r["feedback"] for r in rows)


def test_report_has_totals_rates_and_mistakes(graded):
    report = (graded / "report.md").read_text("utf-8")
    # by hand from EXPECTED: aiko 6, ben 1, chen 4, dana 0, emi 2 → mean 13/5 = 2.60, median 2
    assert "Class mean 2.60 / 6, median 2 / 6." in report
    assert "| aiko | 6 / 6 | 6 | 6 | 0 | 0 | none |" in report
    assert "| dana | 0 / 6 | 0 | 5 | 1 | 0 | 4 |" in report  # the empty answer to item 4 is missing, not answered
    assert "| emi | 2 / 6 | 2 | 5 | 1 | 0 | 3 |" in report  # no row for item 3; the row for item 9 (not in the key) is listed below
    assert "| `sign_dropped` | dropped the minus sign | 4 | 1, 3, 5 |" in report
    assert "| 1 | ce-single | 0.7550 | 5 | 1 | 20% | `" in report
    assert "| 6 | log-rule | (D) The log of a product is the sum of the logs" in report
    items_table = report.split("## Items")[1].split("##")[0]
    assert len([line for line in items_table.splitlines() if line.startswith("| ") and line[2].isdigit()]) == 6  # 6 items, never a 7th
    invalid = report.split("## Invalid rows")[1]
    assert "| 28 | emi | 9 | There is no item 9 in the answer key\\. |" in invalid
    assert "| 23 | dana | 4 | The answer is empty\\. |" in invalid
    assert (graded / "report.mistakes.svg").exists() and (graded / "report.items.svg").exists()


def test_bad_csv_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,question,response\nx,1,2\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "xentlab", "grade", "--key", str(DATA / "class-key.json"), "--responses", str(bad)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})
    assert proc.returncode == 2 and "student, item, answer" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_tampered_key_is_refused(tmp_path):
    key = (DATA / "class-key.json").read_text("utf-8").replace('"answer": 0.7550225842780328', '"answer": 0.9', 1)
    (tmp_path / "key.json").write_text(key, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "xentlab", "check", "--key", str(tmp_path / "key.json"), "--item", "1", "--answer", "0.9"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "does not match its question_params" in proc.stderr
