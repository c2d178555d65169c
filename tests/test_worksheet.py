"""`xentlab worksheet`: deterministic bytes, distinct items, the key.json contract, variants,
--force, one-line errors, and (marked pdf) the PDFs. The CLI runs in-process through
cli.main, so the derivations proved by one test are reused by the next."""

import json
import shutil
import subprocess

import numpy as np
import pytest

from conftest import lualatex_or_skip
from conftest import one_line_error, run
from xentlab import worksheet as ws
from xentlab.problems import registry

APT = ("texlive-luatex", "texlive-lang-japanese", "texlive-latex-recommended", "latexmk")


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_same_arguments_give_identical_bytes(tmp_path, capsys, fmt):
    for name in ("a", "b"):
        code, _, err = run(capsys, "worksheet", "--count", "14", "--seed", "7", "--format", fmt, "--lang", "en", "-o", str(tmp_path / name))
        assert code == 0, err
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    documents = sorted(name for name in first if not name.endswith(".svg"))  # md keys also carry figures
    assert documents == sorted([f"worksheet.{fmt}", f"answers.{fmt}", "key.json"])
    assert all(name.startswith("answers.item-") for name in first if name.endswith(".svg"))
    assert first == second


def test_different_seed_gives_a_different_sheet():
    a, b = ws.build(1, 12, ws.all_types(), 2), ws.build(2, 12, ws.all_types(), 2)
    assert [i.params for i in a.items] != [i.params for i in b.items]
    assert ws.render(a, "md", "ja")[0] != ws.render(b, "md", "ja")[0]


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_no_two_items_in_a_sheet_are_the_same_question(difficulty):
    for seed in (0, 1):
        sheet = ws.build(seed, ws.MAX_COUNT, ws.all_types(), difficulty)
        questions = [ws.identity(i.kind, i.params) for i in sheet.items]
        assert len(set(questions)) == len(questions) == ws.MAX_COUNT
        assert {i.kind for i in sheet.items} == set(ws.all_types())


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_a_log_rule_item_never_shows_the_lines_a_derive_step_item_asks_for(difficulty):
    for seed in range(25):
        sheet = ws.build(seed, 6, ("derive-step", "log-rule"), difficulty)
        asked = {(i.params["derivation"], i.params["classes"]) for i in sheet.items if i.kind == "derive-step"}
        shown = {(i.params["derivation"], i.params["classes"]) for i in sheet.items if i.kind == "log-rule"}
        assert asked and shown and not asked & shown, (seed, asked, shown)


def test_types_cycle_in_the_given_order(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "5", "--seed", "3", "--types", "units,inverse,units", "-o", str(tmp_path / "o"))
    assert code == 0, err
    key = json.loads((tmp_path / "o" / "key.json").read_text(encoding="utf-8"))
    assert [i["kind"] for i in key["items"]] == ["units", "inverse", "units", "inverse", "units"]
    assert key["types"] == ["units", "inverse"]


def test_a_type_that_runs_out_of_questions_is_an_error_when_alone(capsys, tmp_path):
    # difficulty 3 derive-lines: the batch mean, the softmax gradient (from two starts, which overlap,
    # so one per sheet), perplexity = 3 questions
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "0", "--types", "derive-lines", "--difficulty", "3", "-o", str(tmp_path / "ok"))
    assert code == 0, err
    key = json.loads((tmp_path / "ok" / "key.json").read_text(encoding="utf-8"))
    assert sorted(i["question_params"]["derivation"] for i in key["items"]) == ["multiclass-batch", "softmax-gradient", "token-average"]
    code, _, err = run(capsys, "worksheet", "--count", "4", "--seed", "0", "--types", "derive-lines", "--difficulty", "3", "-o", str(tmp_path / "no"))
    one_line_error(code, err, "4 different questions")
    assert not (tmp_path / "no").exists()


def test_key_json_contract(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "7", "--lang", "ja", "-o", str(tmp_path / "o"))
    assert code == 0, err
    text = (tmp_path / "o" / "key.json").read_text(encoding="utf-8")
    key = json.loads(text)
    assert text == json.dumps(key, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert key["seed"] == 7 and key["lang"] == "ja" and key["version"] == 1 and key["difficulty"] == 2
    assert [i["id"] for i in key["items"]] == list(range(1, 13))
    assert [i["kind"] for i in key["items"]] == [kind for kind in ws.ORDER if kind != "derive-lines"]  # derive-lines is opt-in
    for item in key["items"]:
        module = registry()[item["kind"]]
        answer = module.answer(item["question_params"])
        assert isinstance(item["tolerance"], dict) and set(item["tolerance"]) == {"rtol", "atol", "sig_figs"}
        assert item["answer_kind"] == answer.kind
        if answer.kind == "number":
            assert isinstance(item["answer"], float) and item["answer"] == answer.value and "unit" in item
        elif answer.kind == "choice":
            assert item["answer"] in item["choices"] and item["choices"] == list(answer.choices)
        else:
            assert isinstance(item["answer"], str) and item["symbols"]
    assert "timestamp" not in text and "date" not in text


def test_every_key_item_checks_as_correct_and_a_wrong_answer_does_not(capsys, tmp_path):
    answerkey = pytest.importorskip("xentlab.answerkey")
    code, _, err = run(capsys, "worksheet", "--count", "24", "--seed", "11", "-o", str(tmp_path / "o"))
    assert code == 0, err
    items = answerkey.load(tmp_path / "o" / "key.json")
    raw = {i["id"]: i for i in json.loads((tmp_path / "o" / "key.json").read_text(encoding="utf-8"))["items"]}
    for item_id, item in items.items():
        if item.answer_kind == "number":
            right, wrong = raw[item_id]["rounded"], "123456"
        elif item.answer_kind == "expression":
            right, wrong = item.answer, "y1 + t1"
        else:
            right, wrong = raw[item_id]["choice_letter"], next(c for c in item.choices if c != item.answer)
        assert answerkey.check_item(item, right).status == "correct", (item, right)
        assert answerkey.check_item(item, wrong).status == "incorrect", (item, wrong)


def test_variants_have_their_own_documented_seeds(capsys, tmp_path):
    out = tmp_path / "v"
    code, _, err = run(capsys, "worksheet", "--count", "4", "--seed", "5", "--variants", "3", "-o", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["variant-01", "variant-02", "variant-03"]
    seeds = []
    for v in (1, 2, 3):
        folder = out / f"variant-{v:02d}"
        assert sorted(p.name for p in folder.iterdir() if p.suffix != ".svg") == ["answers.md", "key.json", "worksheet.md"]
        key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
        # the documented rule, written out here: first draw in [0, 2**31) of SeedSequence(S, spawn_key=(1000 + v))
        expected = int(np.random.default_rng(np.random.SeedSequence(5, spawn_key=(1000 + v,))).integers(0, 2**31))
        assert key["seed"] == expected and key["variant"] == v and key["base_seed"] == 5
        seeds.append(key["seed"])
        again = ws.build(key["seed"], 4, ws.all_types(), 2)  # `--seed <that seed>` rebuilds the variant
        assert [i.params for i in again.items] == [i["question_params"] for i in key["items"]]
    assert len(set(seeds)) == 3


def test_non_empty_directory_is_refused_and_nothing_changes(capsys, tmp_path):
    out = tmp_path / "o"
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "1", "-o", str(out))
    assert code == 0, err
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "2", "-o", str(out))
    one_line_error(code, err, "not empty", "--force")
    assert snapshot(out) == before
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "2", "-o", str(out), "--force")
    assert code == 0, err
    after = snapshot(out)
    assert after["notes.txt"] == b"mine" and after["worksheet.md"] != before["worksheet.md"]
    assert json.loads(after["key.json"])["seed"] == 2
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left behind


BAD = [
    (["--count", "0"], "--count must be between 1 and 200"),
    (["--count", "201"], "--count must be between 1 and 200"),
    (["--difficulty", "4"], "--difficulty must be between 1 and 3"),
    (["--difficulty", "0"], "--difficulty must be between 1 and 3"),
    (["--types", "ce-single,nope"], "unknown problem type 'nope'"),
    (["--format", "md", "--pdf"], "--pdf needs --format tex"),
    (["--format", "html"], "unknown format 'html'"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["--variants", "0"], "--variants must be between 1 and 100"),
    (["--seed", "-1"], "--seed must be 0 or more"),
    (["--count", "abc"], "--count"),
]


@pytest.mark.parametrize(("args", "needle"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_options_are_one_line_exit_2(capsys, tmp_path, args, needle):
    argv = ["worksheet", *args, "-o", str(tmp_path / "o")]
    for flag, value in (("--count", "3"), ("--seed", "1")):
        if flag not in args:
            argv += [flag, value]
    code, _, err = run(capsys, *argv)
    one_line_error(code, err, needle)
    assert not (tmp_path / "o").exists()


def test_unknown_type_lists_the_valid_ones(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "1", "--types", "cross-entropy", "-o", str(tmp_path / "o"))
    one_line_error(code, err, "unknown problem type 'cross-entropy'", *ws.all_types())


def test_missing_lualatex_names_the_apt_packages(capsys, tmp_path, monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name in ("lualatex", "latexmk") else real_which(name, *a, **k))
    code, _, err = run(capsys, "worksheet", "--count", "3", "--seed", "1", "--format", "tex", "--pdf", "-o", str(tmp_path / "o"))
    one_line_error(code, err, "lualatex", *APT)
    assert not (tmp_path / "o").exists()


def test_worksheet_reads_like_a_worksheet_and_keeps_answers_out(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "7", "--lang", "en", "-o", str(tmp_path / "o"))
    assert code == 0, err
    sheet = (tmp_path / "o" / "worksheet.md").read_text(encoding="utf-8")
    key = (tmp_path / "o" / "answers.md").read_text(encoding="utf-8")
    assert "Name:" in sheet and "3 significant figures" in sheet and "natural logarithm" in sheet
    assert sheet.count("## Question ") == 12 and key.count("## Question ") == 12
    assert "Worked solution" not in sheet and "Worked solution" in key
    items = json.loads((tmp_path / "o" / "key.json").read_text(encoding="utf-8"))["items"]
    for item in items:
        if item["answer_kind"] == "number":
            assert item["rounded"] in key


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_worksheet_and_key_compile_to_pdf(capsys, tmp_path, lang):
    lualatex_or_skip()
    out = tmp_path / lang
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "7", "--lang", lang, "--format", "tex", "--pdf", "-o", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["answers.pdf", "answers.tex", "key.json", "worksheet.pdf", "worksheet.tex"]
    for name in ("worksheet.pdf", "answers.pdf"):
        assert (out / name).read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "worksheet.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        assert ("問 12" if lang == "ja" else "Question 12") in text
