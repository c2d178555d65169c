"""derive-lines: the reference derivation of every question checks as correct, a student's
several lines are graded with a partial score (check --key --answer FILE, and grade with a CSV
cell holding line breaks), the type is opt-in and Moodle refuses it; derive-step and log-rule
have at least 40 distinct questions per difficulty, drawn from proved chains."""

import csv
import io
import json

import pytest

from conftest import one_line_error, run
from xentlab import worksheet as ws
from xentlab.problems import registry
from xentlab.problems.derive_lines import SOURCES, SPANS
from xentlab.steps.grade import check_lines
from xentlab.verify import rng_for

MODULE = registry()["derive-lines"]
ALL_PARAMS = [{"derivation": name, "classes": classes, "from": start, "to": target}
              for difficulty in SOURCES for name, classes in SOURCES[difficulty]
              for start in SPANS[name][0] for target in SPANS[name][1]]
ALL_PARAMS = [dict(p) for p in {json.dumps(p, sort_keys=True): p for p in ALL_PARAMS}.values()]


@pytest.mark.parametrize("params", ALL_PARAMS, ids=[json.dumps(p) for p in ALL_PARAMS])
def test_the_target_alone_is_never_full_marks(params):
    """Every derive-lines question has at least 2 steps (to − from ≥ 2 in SPANS), so the target line
    copied from the question, alone or repeated, is true but never the derivation asked for."""
    lines = MODULE.answer(params).value.splitlines()
    assert len(lines) - 1 >= 2
    for answer in (lines[-1], "\n".join([lines[-1]] * len(lines))):
        verdict = check_lines("\n".join(lines), answer)
        assert verdict.status == "incorrect" and verdict.score < 1, verdict


@pytest.mark.parametrize("params", [p for p in ALL_PARAMS if p["to"] - p["from"] >= 3], ids=lambda p: json.dumps(p))
def test_two_steps_to_a_line_in_plain_text_is_full_marks(params):
    """The policy: a line may combine two steps. Every other line of the reference (and its last),
    written in plain text, is correct."""
    from xentlab.printing import to_unicode

    steps = list(MODULE.derivation(params).steps[params["from"] + 1:params["to"] + 1])
    kept = steps[1::2] + ([steps[-1]] if len(steps) % 2 else [])
    text = "\n".join(f"{to_unicode(step.lhs)} = {to_unicode(step.expr)}" for step in kept)
    verdict = check_lines(MODULE.answer(params).value, text)
    assert verdict.status == "correct" and verdict.score == 1.0, (text, verdict)


@pytest.mark.parametrize("params", ALL_PARAMS, ids=[json.dumps(p) for p in ALL_PARAMS])
def test_every_reference_derivation_checks_as_correct(params):
    MODULE.check_params(params)
    reference = MODULE.answer(params).value
    lines = reference.splitlines()
    assert len(lines) == params["to"] - params["from"] + 1
    verdict = check_lines(reference, "\n".join(lines[1:]))
    assert verdict.status == "correct" and verdict.score == 1.0, verdict
    assert all(step.verified for step in MODULE.solution(params)["steps"])


def test_partial_scores_by_hand():
    reference = MODULE.answer({"derivation": "multiclass", "classes": 2, "from": 0, "to": 4}).value  # 4 steps
    # one good line (take the log and split), then the exponent lost, then a line that follows from it
    answer = "log L = log y_1^{t_1} + log y_2^{t_2}\n= log y_1 + log y_2\nE = -(log y_1 + log y_2)"
    verdict = check_lines(reference, answer)
    assert verdict.status == "incorrect" and verdict.diagnosis == ("exponent_dropped",)
    assert verdict.score == pytest.approx(2 / 4)  # lines 1 and 3 count, over the reference's 4 steps
    assert verdict.detail["first_error"] == 2
    # stopping early: two right lines of four
    verdict = check_lines(reference, "log L = log y_1^{t_1} + log y_2^{t_2}\n= t_1 log y_1 + t_2 log y_2")
    assert verdict.status == "incorrect" and not verdict.detail["reached"] and verdict.score == pytest.approx(2 / 4)
    # in one go (the target as the question prints it): true, but the item asks for one step per line,
    # so not full marks: one line of the reference's 4 steps; repeating it adds nothing
    for answer in ("E = -(t_1 log y_1 + t_2 log y_2)", "\n".join(["E = -(t_1 log y_1 + t_2 log y_2)"] * 5)):
        verdict = check_lines(reference, answer)
        assert verdict.status == "incorrect" and verdict.score == pytest.approx(1 / 4) and verdict.diagnosis == ()
        assert (verdict.detail["steps_shown"], verdict.detail["steps"]) == (1, 4)
    # two rules to a line is accepted: log and split, then the power rule, then the sign (3 lines, 4 steps)
    verdict = check_lines(reference, "log L = log y_1^{t_1} + log y_2^{t_2}\n= t_1 log y_1 + t_2 log y_2\nE = -(t_1 log y_1 + t_2 log y_2)")
    assert verdict.status == "correct" and verdict.score == 1.0
    assert check_lines(reference, "   ").status == "invalid"
    assert check_lines(reference, "log L = log(y_1").status == "invalid"


def test_derive_lines_is_opt_in_and_draws_distinct_questions():
    assert "derive-lines" not in ws.all_types()
    assert "derive-lines" in ws.parse_types("derive-lines")
    for difficulty in ws.DIFFICULTIES:
        for seed in range(60):
            params = MODULE.sample(rng_for(seed, 1), difficulty)
            MODULE.check_params(params)
            assert json.loads(json.dumps(params)) == params


@pytest.mark.parametrize("kind", ["derive-step", "log-rule"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_at_least_40_distinct_questions_per_difficulty(kind, difficulty):
    module = registry()[kind]
    seen = {ws.identity(kind, module.sample(rng_for(seed, 1), difficulty)) for seed in range(2000)}
    assert len(seen) >= 40


def test_a_sheet_of_12_derive_step_items(capsys, tmp_path):
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "5", "--types", "derive-step", "-o", str(tmp_path / "ws"))
    assert code == 0, err
    key = json.loads((tmp_path / "ws" / "key.json").read_text(encoding="utf-8"))
    assert len({json.dumps(i["question_params"], sort_keys=True) for i in key["items"]}) == 12


def test_log_rule_offers_one_rule_that_justifies_the_step():
    """Where two rules both justify a step (log e^z = z by log_exp, or by log_power with log e = 1),
    the other is never offered beside the key rule, and a checked derivation accepts either."""
    from xentlab import steps

    module = registry()["log-rule"]
    asked = 0
    for seed in range(300):
        params = module.sample(rng_for(seed, 1), 3)
        if module.answer(params).value == "log_exp":
            asked += 1
            assert "log_power" not in params["choices"]
    assert asked > 0
    for cited in ("by the power rule", "log and exp cancel"):
        report = steps.check(f"log y_k = log(exp(z_k)) - log(sum_m exp(z_m))\n{cited}\n= z_k - log(sum_m exp(z_m))")
        assert report.lines[-1].relation == "ok" and "cited_rule_mismatch" not in report.lines[-1].diagnosis


@pytest.fixture
def lines_key(tmp_path):
    """A key with one derive-lines item: 2 classes, from L to E (4 steps)."""
    params = {"derivation": "multiclass", "classes": 2, "from": 0, "to": 4}
    sheet = ws.Sheet(seed=0, difficulty=1, types=("derive-lines",),
                     items=(ws.Item(1, "derive-lines", params, MODULE.answer(params)),))
    path = tmp_path / "key.json"
    path.write_text(ws.key_json(sheet, "en", "md"), encoding="utf-8")
    return path


def test_check_key_reads_a_multi_line_answer_from_a_file(capsys, tmp_path, lines_key):
    key = json.loads(lines_key.read_text(encoding="utf-8"))
    item = key["items"][0]
    assert item["answer_kind"] == "lines"
    answer = tmp_path / "answer.txt"
    answer.write_text("\n".join(item["answer"].splitlines()[1:]), encoding="utf-8")
    code, out, err = run(capsys, "check", "--key", str(lines_key), "--item", "1", "--answer", str(answer), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "correct" and doc["score"] == 1.0 and doc["feedback"]
    answer.write_text("E = log L", encoding="utf-8")
    _, out, _ = run(capsys, "check", "--key", str(lines_key), "--item", "1", "--answer", str(answer), "--format", "json",
                    "--lang", "ja")
    doc = json.loads(out)
    assert doc["status"] == "incorrect" and "行目" in doc["feedback"]


def test_grade_reads_csv_cells_with_line_breaks(capsys, tmp_path, lines_key):
    key = json.loads(lines_key.read_text(encoding="utf-8"))
    good = "\n".join(key["items"][0]["answer"].splitlines()[1:])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "item", "answer"])
    writer.writerow(["aoki", "1", good])
    writer.writerow(["baba", "1", "log L = log y_1 + log y_2\nE = -(log y_1 + log y_2)"])
    writer.writerow(["chiba", "1", ""])
    responses = tmp_path / "responses.csv"
    responses.write_text(out.getvalue(), encoding="utf-8")
    code, _, err = run(capsys, "grade", "--key", str(lines_key), "--responses", str(responses), "-o", str(tmp_path / "graded.csv"))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "graded.csv").read_text(encoding="utf-8"))))
    assert [r["status"] for r in rows] == ["correct", "incorrect", "invalid"]
    assert rows[0]["answer"] == good  # the cell comes back as it was, line breaks and all
    assert float(rows[1]["score"]) < 1 and rows[1]["diagnosis"] == "exponent_dropped"


def test_moodle_refuses_derive_lines(capsys, tmp_path):
    code, _, err = run(capsys, "moodle", "--count", "2", "--seed", "0", "--types", "derive-lines", "--lang", "en",
                       "-o", str(tmp_path / "q.xml"))
    one_line_error(code, err, "derive-lines")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_derive_lines_renders(fmt, lang):
    items = []
    for difficulty in ws.DIFFICULTIES:
        for seed in range(4):
            params = MODULE.sample(rng_for(seed, 1), difficulty)
            items.append(ws.Item(len(items) + 1, "derive-lines", params, MODULE.answer(params)))
    sheet = ws.Sheet(seed=0, difficulty=2, types=("derive-lines",), items=tuple(items))
    worksheet, answers = ws.render(sheet, fmt, lang)
    assert "None" not in worksheet and "None" not in answers
