"""`xentlab solve`: the seed articles' worked numbers (slips corrected), the worked layout, and bad input.
Expected values come from the math module or the articles, never from xentlab."""

import json
import math
import subprocess
import sys

import pytest


def xentlab(*args):
    return subprocess.run([sys.executable, "-m", "xentlab", *args], capture_output=True, text=True, timeout=120)


def solved(*args):
    proc = xentlab("solve", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_dog_fox_wolf_is_1_109_nats():
    # seed 000 printed -0.481486 = log10(0.33): the common log, and the minus sign dropped.
    doc = solved("cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0")
    assert doc["value"] == pytest.approx(-math.log(0.33), rel=1e-12)
    assert doc["unit"] == "nats"
    assert f"{doc['value']:.4g}" == "1.109"
    decimal = solved("cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0", "--base", "10")
    assert decimal["value"] == pytest.approx(0.481486, abs=1e-6) and decimal["unit"] == "decimal"


def test_worked_solution_shows_every_term_including_vanishing_ones():
    proc = xentlab("solve", "cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0")
    assert proc.returncode == 0
    out = proc.stdout
    assert r"1 \cdot \log 0.33 + 0 \cdot \log 0.32 + 0 \cdot \log 0.35" in out
    assert "E = - \\log 0.33" in out
    assert "E = 1.109" in out


@pytest.mark.parametrize(("y", "expected_sse"), [("0.01,0.65,0.13,0.70,0.15", 0.252), ("0.34,0.21,0.91,0.33,0.22", 2.0651)])
def test_seed_001_squared_error(y, expected_sse):
    # seed 001 prints 0.252 and 2.0651 for the sum of squared errors
    doc = solved("sse", "--y", y, "--t", "0,1,0,1,0")
    assert doc["value"] == pytest.approx(expected_sse, rel=1e-12)
    half = solved("sse", "--y", y, "--t", "0,1,0,1,0", "--half")
    assert half["value"] == pytest.approx(expected_sse / 2, rel=1e-12)


def test_seed_001_calculator_values():
    assert solved("binary-cross-entropy", "--y", "0.8", "--t", "1")["value"] == pytest.approx(0.22314355131420976, rel=1e-12)
    assert solved("binary-cross-entropy", "--y", "0.2", "--t", "1")["value"] == pytest.approx(1.6094379124341003, rel=1e-12)


@pytest.mark.parametrize(
    ("y", "printed"), [("0.01,0.65,0.13,0.70,0.15", 0.7874578600311867), ("0.34,0.21,0.91,0.33,0.22", 2.6693103727862795)]
)
def test_seed_001_multi_hot_cross_entropy_needs_no_check_sum(y, printed):
    # seed 001 runs -np.sum(t * np.log(y)) with the multi-hot t = [0,1,0,1,0] and rows of y that
    # do not sum to 1; it printed these two values.  Hand: -(ln 0.65 + ln 0.70), -(ln 0.21 + ln 0.33).
    refused = xentlab("solve", "cross-entropy", "--y", y, "--t", "0,1,0,1,0")
    assert refused.returncode == 2 and "--no-check-sum" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    doc = solved("cross-entropy", "--y", y, "--t", "0,1,0,1,0", "--no-check-sum")
    by_hand = -(math.log(float(y.split(",")[1])) + math.log(float(y.split(",")[3])))
    assert doc["value"] == pytest.approx(printed, rel=1e-12) == pytest.approx(by_hand, rel=1e-12)
    text = xentlab("solve", "cross-entropy", "--y", y, "--t", "0,1,0,1,0", "--no-check-sum", "--lang", "en", "--format", "text")
    assert "does not sum to 1" in text.stdout and "only the terms of the classes with" in text.stdout


def test_no_check_sum_is_for_cross_entropy_only():
    proc = xentlab("solve", "sse", "--y", "0.2,0.8", "--t", "0,1", "--no-check-sum")
    assert proc.returncode == 2 and "cross-entropy only" in proc.stderr


def test_soft_target_keeps_every_positive_term():
    proc = xentlab("solve", "cross-entropy", "--y", "0.2,0.3,0.5", "--t", "0.5,0.5,0", "--lang", "en", "--format", "text")
    assert proc.returncode == 0
    assert "only the terms of the classes with" in proc.stdout and "true class's term" not in proc.stdout


def test_seed_002_tokens_with_the_log10_slip_corrected():
    # seed 002 gave 0.02 for p = 0.95 (that is -log10 0.95 = 0.0223); with ln it is 0.0513.
    doc = solved("token-loss", "--p", "0.70,0.95,0.80")
    expected = [-math.log(v) for v in (0.70, 0.95, 0.80)]
    assert doc["per_sample"] == pytest.approx(expected, rel=1e-12)
    assert doc["value"] == pytest.approx(sum(expected) / 3, rel=1e-12)
    assert doc["perplexity"] == pytest.approx(math.exp(sum(expected) / 3), rel=1e-12)
    assert doc["per_sample"][1] != pytest.approx(0.02, abs=0.005)


@pytest.mark.parametrize(("p", "loss"), [("0.7", 0.3567), ("0.1", 2.3026), ("0.0001", 9.2103)])
def test_seed_002_table(p, loss):
    # the article's table says 約9.20 for 0.01%: -ln(0.0001) = 9.2103, so 9.21 when rounded
    assert solved("token-loss", "--p", p)["value"] == pytest.approx(loss, abs=5e-5)


def test_seed_002_numpy_example():
    assert solved("cross-entropy", "--y", "0.70,0.20,0.10", "--t", "1,0,0")["value"] == pytest.approx(0.35667494393873245, rel=1e-12)
    assert solved("cross-entropy", "--y", "0.10,0.80,0.10", "--t", "1,0,0")["value"] == pytest.approx(2.302585092994046, rel=1e-12)


def test_batch_mean_and_sum():
    mean = solved("cross-entropy", "--y", "0.1,0.9;0.8,0.2", "--labels", "1,0")
    assert mean["value"] == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-12)
    assert mean["per_sample"] == pytest.approx([-math.log(0.9), -math.log(0.8)], rel=1e-12)
    total = solved("cross-entropy", "--y", "0.1,0.9;0.8,0.2", "--labels", "1,0", "--reduction", "sum")
    assert total["value"] == pytest.approx(-(math.log(0.9) + math.log(0.8)), rel=1e-12)


def test_softmax_shows_probabilities_and_is_stable():
    doc = solved("softmax-cross-entropy", "--logits", "2,1,0.1", "--labels", "0")
    exps = [math.exp(v) for v in (2, 1, 0.1)]
    assert doc["probabilities"][0] == pytest.approx([e / sum(exps) for e in exps], rel=1e-12)
    assert doc["value"] == pytest.approx(-math.log(exps[0] / sum(exps)), rel=1e-12)
    extreme = solved("softmax-cross-entropy", "--logits", "1000,-1000,0", "--labels", "1")
    assert extreme["value"] == pytest.approx(2000.0, rel=1e-12)


def test_zero_probability_for_the_true_class_is_infinite_with_clipping_advice():
    proc = xentlab("solve", "cross-entropy", "--y", "0,0.5,0.5", "--labels", "0", "--lang", "en")
    assert proc.returncode == 0 and "infinite" in proc.stdout and "--eps" in proc.stdout
    doc = solved("cross-entropy", "--y", "0,0.5,0.5", "--labels", "0")
    assert doc["infinite"] is True and doc["value"] is None
    clipped = solved("cross-entropy", "--y", "0,0.5,0.5", "--labels", "0", "--eps", "1e-12")
    assert clipped["value"] == pytest.approx(-math.log(1e-12), rel=1e-9)


BAD = [
    (["--y", "0.3,0.3", "--t", "1,0"], "sum to 0.6"),
    (["--y", "0.5,abc", "--t", "1,0"], "'abc'"),
    (["--y", "", "--t", "1,0"], "empty"),
    (["--y", "0.5,0.5", "--labels", "2"], "2"),
    (["--y", "0.5,0.5", "--t", "1,0,0"], "must match"),
    (["--y", "-0.1,1.1", "--t", "1,0"], "-0.1"),
    (["--y", "nan,1", "--t", "1,0"], "nan"),
    (["--y", "0.5,0.5"], "--t and --labels"),
    (["--y", "0.5,0.5;0.5", "--labels", "0,1"], "different lengths"),
]


@pytest.mark.parametrize(("args", "needle"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_exit_2(args, needle):
    proc = xentlab("solve", "cross-entropy", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in proc.stderr


@pytest.mark.parametrize("fmt", ["md", "tex", "text", "json"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_kind_renders(fmt, lang):
    cases = [
        ["cross-entropy", "--y", "0.33,0.32,0.35", "--t", "1,0,0"],
        ["binary-cross-entropy", "--y", "0.8,0.3", "--t", "1,0"],
        ["softmax-cross-entropy", "--logits", "2,1,0.1", "--labels", "0"],
        ["sse", "--y", "0.1,0.9", "--t", "0,1"],
        ["token-loss", "--p", "0.7,0.95,0.8"],
    ]
    from click.testing import CliRunner

    from xentlab.cli import cli

    for case in cases:  # in-process: the subprocess tests above already cover the entry point
        result = CliRunner().invoke(cli, ["solve", *case, "--format", fmt, "--lang", lang])
        assert result.exit_code == 0, (case, result.output)
        assert result.output.strip()


def test_flags_in_tex_notes_are_typewriter_so_dashes_survive():
    # In LaTeX body text "--eps" becomes an en dash followed by "eps"; \texttt keeps both hyphens.
    inf = xentlab("solve", "cross-entropy", "--y", "0,0.5,0.5", "--labels", "0", "--format", "tex", "--lang", "en")
    assert r"\texttt{--eps 1e-12}" in inf.stdout and " --eps" not in inf.stdout
    multi = xentlab("solve", "cross-entropy", "--y", "0.01,0.65,0.13,0.70,0.15", "--t", "0,1,0,1,0", "--no-check-sum",
                    "--format", "tex", "--lang", "ja")
    assert r"\texttt{--no-check-sum}" in multi.stdout


@pytest.mark.parametrize("y", ["-0.1,0.5,0.6", "nan,0.5,0.5", "1.2,0.1,0.1"])
def test_no_check_sum_still_refuses_values_outside_0_1(y):
    proc = xentlab("solve", "cross-entropy", "--y", y, "--t", "1,0,0", "--no-check-sum")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_eps_does_not_switch_off_the_target_row_check():
    multi = ["cross-entropy", "--y", "0.1,0.4,0.2,0.2,0.1", "--t", "0,1,0,1,0", "--eps", "1e-12"]
    refused = xentlab("solve", *multi)
    assert refused.returncode == 2 and "the numbers in --t sum to 2, not 1" in refused.stderr
    # by hand: −(ln 0.4 + ln 0.2)
    assert solved(*multi, "--no-check-sum")["value"] == pytest.approx(-(math.log(0.4) + math.log(0.2)), rel=1e-9)


def test_the_hint_appears_only_where_the_flag_helps():
    helps = xentlab("solve", "cross-entropy", "--y", "0.5,0.6", "--t", "1,0")
    assert "--no-check-sum" in helps.stderr
    # 1.0000005 passes as a probability only within the row-sum tolerance; without the sum check it is > 1
    useless = xentlab("solve", "cross-entropy", "--y", "1.0000005,0.5", "--t", "1,0")
    assert useless.returncode == 2 and "sum to 1.5000005" in useless.stderr and "--no-check-sum" not in useless.stderr
    # check has no such flag, so it must not suggest it
    check = xentlab("check", "--kind", "cross-entropy", "--y", "0.5,0.6", "--t", "1,0", "--answer", "0.69")
    assert check.returncode == 2 and "sum to 1.1" in check.stderr and "--no-check-sum" not in check.stderr


def test_the_multi_hot_sentence_is_only_for_multi_hot_targets():
    one_hot = solved("cross-entropy", "--y", "0.5,0.6", "--t", "1,0", "--no-check-sum", "--lang", "en")
    keys = [note["key"] for note in one_hot["notes"]]
    assert "unnormalised" in keys and "multi_hot" not in keys
    assert one_hot["value"] == pytest.approx(-math.log(0.5), rel=1e-12)
    multi = solved("cross-entropy", "--y", "0.01,0.65,0.13,0.70,0.15", "--t", "0,1,0,1,0", "--no-check-sum")
    assert {"unnormalised", "multi_hot"} <= {note["key"] for note in multi["notes"]}


@pytest.mark.parametrize("command", ["solve", "check"])
def test_one_class_is_refused_the_same_way_by_solve_and_check(command):
    extra = ["--answer", "0"] if command == "check" else []
    proc = xentlab(command, *(["--kind"] if command == "check" else []), "cross-entropy", "--y", "1", "--t", "1", *extra)
    assert proc.returncode == 2 and "at least 2 classes" in proc.stderr


def test_flags_of_other_kinds_are_refused_for_token_loss():
    for flag in ("--no-check-sum", "--half"):
        proc = xentlab("solve", "token-loss", "--p", "0.5,0.25", flag)
        assert proc.returncode == 2 and flag in proc.stderr


def test_batch_table_names_targets_in_the_language_of_the_page():
    args = ["solve", "cross-entropy", "--y", "0.7,0.2,0.1;0.2,0.3,0.5;0.1,0.3,0.6", "--t", "1,0,0;0.5,0.5,0;1,0,1",
            "--no-check-sum", "--format", "text"]
    ja = xentlab(*args, "--lang", "ja").stdout
    # classes are numbered from 1 in every text a person reads
    assert "クラス 1" in ja and "ソフトラベル" in ja and "クラス 1、3" in ja and "class" not in ja and "クラス 0" not in ja
    en = xentlab(*args, "--lang", "en").stdout
    rows = [line.split("|") for line in en.splitlines() if line.strip().startswith(("1 ", "2 ", "3 "))]
    assert [cell.strip() for cell in rows[0]][:3] == ["1", "class 1", "0.7"]
    # a spread target has no single "y at the target"
    assert [cell.strip() for cell in rows[1]][1:3] == ["soft", "—"]
    assert [cell.strip() for cell in rows[2]][1:3] == ["classes 1, 3", "—"]


def test_typed_numbers_read_the_same_in_the_table_the_substitution_and_the_figure(tmp_path):
    """The table wrote 0.70 … 0.10 and the substitution log 0.7 + … + log 0.1, the caption p = 0.7; a
    bce point at t = 0 was p = 0.1800 (the float 1 − 0.82) beside p = 0.44 and p = 0.3."""
    import re

    from xentlab.render import render_solution
    from xentlab.solve import Inputs, solve

    import numpy as np

    tokens = render_solution(solve("token-loss", Inputs(p=np.array([0.7, 0.95, 0.8, 0.1]))), "md", "ja")
    assert "\\log 0.70 + \\log 0.95 + \\log 0.80 + \\log 0.10" in tokens
    single = render_solution(solve("cross-entropy", Inputs(y=np.array([0.1, 0.25, 0.65]), t=np.array([0.0, 1, 0]))), "text", "en")
    assert "E = −(0·log(0.10) + 1·log(0.25) + 0·log(0.65))" in single
    squares = render_solution(solve("sse", Inputs(y=np.array([0.1, 0.25]), t=np.array([0.0, 1]))), "text", "en")
    assert "E = (0.10 − 0)^2 + (0.25 − 1)^2" in squares and "E = 0.5725" in squares  # 0.01 + 0.5625 by hand
    # a row with more than 6 decimals keeps every digit of each number (0.000000000001 is not 0.000000)
    clipped = render_solution(solve("cross-entropy", Inputs(y=np.array([1e-12, 0.5, 0.499999999999]), t=np.array([1.0, 0, 0]))), "text", "en")
    assert "1·log(0.000000000001) + 0·log(0.5) + 0·log(0.499999999999)" in clipped
    proc = xentlab("solve", "binary-cross-entropy", "--y", "0.44;0.82;0.3", "--t", "1;0;1", "-o", str(tmp_path / "b.md"), "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    caption = re.search(r"番号の順に (.*?)です", (tmp_path / "b.md").read_text(encoding="utf-8")).group(1)
    # 1 − 0.82 = 0.18 on the decimals typed; −log 0.44 = 0.8210, −log 0.18 = 1.715, −log 0.30 = 1.204 (math.log)
    assert caption == "p = 0.44（E = 0.8210）、p = 0.18（E = 1.715）、p = 0.30（E = 1.204）"
    assert [f"{-math.log(p):.4g}" for p in (0.44, 0.18, 0.30)] == ["0.821", "1.715", "1.204"]
    svg = (tmp_path / "b.curve.svg").read_text(encoding="utf-8")
    assert "p = 0.18" in svg and "0.1800" not in svg
