"""`xentlab notebook`: valid notebooks (nbformat, nbgrader's v3 cell metadata), no answers in the
student's version, the same bytes for the same arguments, and real kernels running them.

The kernel tests are few on purpose (a kernel start is slow on a shared machine): per format one
run with the solutions (every test passes) and one with a classic wrong answer in every item (each
test names the mistake). Otter's own `otter assign` and `otter run` grade the Otter version where
otter-grader is installed."""

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import one_line_error, run

DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "nbgrader_v3.schema.json").read_text(encoding="utf-8"))
ITEMS = ["--count", "2", "--seed", "11", "--types", "ce-single,derive-step"]


def make(capsys, tmp_path, fmt, lang="en", *extra, name=None):
    out = tmp_path / (name or f"{fmt}-{lang}")
    code, _, err = run(capsys, "notebook", *ITEMS, "--format", fmt, "--lang", lang, *extra, "-o", str(out))
    assert code == 0, err
    return out


def read(path):
    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


@pytest.mark.parametrize("fmt", ["otter", "nbgrader"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notebooks_validate(capsys, tmp_path, fmt, lang):
    out = make(capsys, tmp_path, fmt, lang)
    for name in ("assignment.ipynb", "student.ipynb"):
        book = read(out / name)
        nbformat.validate(book)
        assert [c["id"] for c in book.cells] == [f"xentlab-{i:03d}" for i in range(1, len(book.cells) + 1)]
        if fmt == "nbgrader":
            check_nbgrader(book, source=name == "assignment.ipynb")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    assert [item["kind"] for item in key["items"]] == ["ce-single", "derive-step"]


def check_nbgrader(book, source: bool):
    """The v3 schema, and the rules nbgrader's validator adds (nbgrader 0.9.6, nbgraderformat/v3.py)."""
    ids = []
    for cell in book.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        jsonschema.validate(meta, SCHEMA)
        ids.append(meta["grade_id"])
        if meta["grade"]:
            assert "points" in meta
        if cell.cell_type == "markdown":
            assert meta["grade"] == meta["solution"]
        if meta["solution"] and source:
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if meta["solution"] and not source:
            assert "raise NotImplementedError()" in cell.source and "BEGIN SOLUTION" not in cell.source
    assert len(ids) == len(set(ids)) and ids
    graded = [c for c in book.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(c.metadata["nbgrader"]["locked"] for c in graded)
    hidden = [c for c in graded if "### BEGIN HIDDEN TESTS" in c.source]
    assert bool(hidden) == source


def test_schema_rejects_what_nbgrader_rejects():
    good = {"grade": True, "grade_id": "q1-tests", "locked": True, "points": 1, "schema_version": 3, "solution": False}
    jsonschema.validate(good, SCHEMA)
    for bad in ({**good, "schema_version": 2}, {**good, "grade_id": "q 1"}, {**good, "points": -1}, {**good, "extra": 1},
                {k: v for k, v in good.items() if k != "locked"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


@pytest.mark.parametrize("fmt", ["otter", "nbgrader"])
def test_student_notebook_holds_no_answers(capsys, tmp_path, fmt):
    from xentlab.notebook import FUNCTIONS

    out = make(capsys, tmp_path, fmt, "en", "--implement", "cross-entropy,binary-cross-entropy,softmax-cross-entropy,"
               "softmax-cross-entropy:gradient,sse,token-loss,token-loss:perplexity")
    student = (out / "student.ipynb").read_text(encoding="utf-8")
    master = (out / "assignment.ipynb").read_text(encoding="utf-8")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    for item in key["items"]:
        answer = item["answer"]
        shown = [repr(answer), item["rounded"]] if item["answer_kind"] == "number" else [json.dumps(answer)[1:-1]]
        for text in shown:
            assert text in master and text not in student, text
    for _, _, body in FUNCTIONS.values():
        for line in body:
            assert json.dumps(line)[1:-1] in master and json.dumps(line)[1:-1] not in student, line
    for marker in ("SOLUTION", "HIDDEN", "key=", "question_params", "BEGIN TEST CONFIG"):
        assert marker not in student


@pytest.mark.parametrize("fmt", ["otter", "nbgrader"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_derivation_item_follows_the_worksheet_items(capsys, tmp_path, fmt, lang):
    out = make(capsys, tmp_path, fmt, lang, "--derivations", "1")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    assert [(item["id"], item["kind"]) for item in key["items"]] == [(1, "ce-single"), (2, "derive-step"), (3, "derive-lines")]
    assert key["items"][2]["question_params"] == DERIVATION
    reference = key["items"][2]["answer"].splitlines()
    assert reference[0] == r"L = y^{t} \cdot \left(1 - y\right)^{1 - t}" and reference[-1].startswith("E = ")
    master = (out / "assignment.ipynb").read_text(encoding="utf-8")
    student = (out / "student.ipynb").read_text(encoding="utf-8")
    for line in reference[1:-1]:  # the lines between start and target: in the solution, not in the student's copy
        assert json.dumps(line)[1:-1] in master and json.dumps(line)[1:-1] not in student, line
    book = read(out / "student.ipynb")
    nbformat.validate(book)
    if fmt == "nbgrader":
        check_nbgrader(book, source=False)
        check_nbgrader(read(out / "assignment.ipynb"), source=True)
    sources = [cell.source for cell in book.cells]
    assert "steps.check(q3.strip('\\n'), start=" in "\n".join(sources)  # the public test checks each line
    heading = "問 3：導出を 1 行ずつ書く" if lang == "ja" else "Question 3"
    assert any(heading in text for text in sources)
    # a notebook with derivations has its own sheet code: no worksheet draws its items
    plain = make(capsys, tmp_path, fmt, lang, name="plain")
    codes = [json.loads((d / "key.json").read_text(encoding="utf-8"))["sheet_code"] for d in (out, plain)]
    assert codes[0] != codes[1]


def _public_derivation_test(out):
    book = read(out / "student.ipynb")
    (code,) = [c.source for c in book.cells if c.cell_type == "code" and "steps.check_between(q3" in c.source]
    return code


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_public_derivation_test_grades_what_the_question_shows(capsys, tmp_path, lang):
    """Run the student notebook's public test on q3 (the binary likelihood to E, 4 steps) in plain
    Python: a derivation written out passes; the target alone (copied from the question), a wrong
    line, LaTeX typed without r, and no answer fail, each saying why."""
    out = make(capsys, tmp_path, "otter", lang, "--derivations", "1")
    test = _public_derivation_test(out)
    assert "L = y^{t}" not in test.split("steps.check_between", 1)[0]  # the key's lines are not in the test

    def outcome(q3):
        try:
            exec(test, {"q3": q3})
        except AssertionError as error:
            return str(error)
        return "passed"

    written = "\nlog L = log(y^t) + log((1 - y)^(1 - t))\n= t log y + (1 - t) log(1 - y)\nE = -(t log y + (1 - t) log(1 - y))\n"
    assert outcome(written) == "passed"
    assert outcome(r"""
\log L = t \log y + \left(1 - t\right) \log\left(1 - y\right)
E = -\left(t \log y + \left(1 - t\right) \log\left(1 - y\right)\right)""") == "passed"
    words = {"ja": ("4 ステップある導出のうち 1 ステップしか", "1 行目に誤りがあります", "r を付けて", "q3 にまだ答えがありません"),
             "en": ("shows 1 of its 4 steps", "Line 1 is wrong", "put r before the string", "q3 has no answer yet")}[lang]
    assert words[0] in outcome("E = -(t log y + (1 - t) log(1 - y))")
    wrong = outcome("log L = t log y + log(1 - y)\nE = -(t log y + (1 - t) log(1 - y))")
    assert words[1] in wrong and "exponent_dropped" in wrong
    assert words[2] in outcome("\\log L = \\log y^t + \\log (1 - y)^{1 - t}\n= t \\log y + (1 - t) \x0crac{1}{1} \\log(1 - y)")
    for missing in (..., "", "  \n", None, 3.0):
        assert words[3] in outcome(missing)


def test_derivations_out_of_range_is_one_line(capsys, tmp_path):
    for value in ("-1", "4"):
        code, _, err = run(capsys, "notebook", *ITEMS, "--format", "otter", "--derivations", value, "-o", str(tmp_path / "x"))
        one_line_error(code, err, "--derivations")
    # difficulty 1 has three derivations (2 classes, 3 classes, binary); seed 1's derive-step item asks
    # for a step of the 2-class one, which leaves two
    code, _, err = run(capsys, "notebook", "--count", "2", "--seed", "1", "--types", "ce-single,derive-step", "--format", "otter",
                       "--difficulty", "1", "--derivations", "3", "-o", str(tmp_path / "x"))
    one_line_error(code, err, "--derivations")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_formula_example_is_no_answer(capsys, tmp_path, lang):
    """At difficulty 1 a derive-step item has two classes: its answers are -(t1*log(y1) + t2*log(y2))
    and t1*log(y1) + t2*log(y2) (by hand: E = -log L and log L for L = y1^t1 * y2^t2). The
    example that shows how to write a formula must be neither."""
    out = tmp_path / lang
    code, _, err = run(capsys, "notebook", "--count", "2", "--seed", "1", "--types", "derive-step", "--difficulty", "1",
                       "--implement", "", "--format", "otter", "--lang", lang, "-o", str(out))
    assert code == 0, err
    answers = {item["answer"] for item in json.loads((out / "key.json").read_text(encoding="utf-8"))["items"]}
    assert answers == {"-(t1*log(y1) + t2*log(y2))", "t1*log(y1) + t2*log(y2)"}
    student = "\n".join("".join(cell.source) for cell in read(out / "student.ipynb").cells)
    assert "3*log(y1) - t2" in student
    for answer in answers:
        assert answer not in student, answer


def test_same_arguments_same_bytes_whatever_the_hash_seed(tmp_path):
    outputs = []
    for n, hash_seed in enumerate(("1", "2")):
        out = tmp_path / f"run{n}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "xentlab", "notebook", *ITEMS, "--format", "otter", "--lang", "ja", "-o", str(out)],
                       check=True, env=env, capture_output=True, timeout=300)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 3


def test_command_errors_are_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "notebook", *ITEMS, "--format", "jupyter", "-o", str(tmp_path / "x"))
    one_line_error(code, err, "jupyter")
    code, _, err = run(capsys, "notebook", *ITEMS, "--format", "otter", "--implement", "hinge", "-o", str(tmp_path / "x"))
    one_line_error(code, err, "hinge")
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.txt").write_text("keep", encoding="utf-8")
    code, _, err = run(capsys, "notebook", *ITEMS, "--format", "otter", "-o", str(full))
    one_line_error(code, err, "not empty")
    assert [p.name for p in full.iterdir()] == ["mine.txt"]


def test_failure_messages_name_the_mistakes(capsys, tmp_path):
    book = read(make(capsys, tmp_path, "otter", "ja") / "assignment.ipynb")
    tests = [c.source for c in book.cells if c.cell_type == "code" and "BEGIN TEST CONFIG" in c.source]
    messages = [json.loads(re.search(r"failure_message: (.*)", t).group(1)) for t in tests]
    assert any("常用対数（log10）を使いました" in m for m in messages)
    assert any("ソフトマックスを安定化していません" in m for m in messages)
    assert all('"' not in m for m in messages)


# --- a real kernel ------------------------------------------------------------------------------

def _execute(book, tmp_path):
    from nbclient import NotebookClient

    client = NotebookClient(book, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return book


def _errors(book):
    """(cell source, error text) for every cell that raised."""
    found = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((cell.source, f"{output['ename']}: {output['evalue']}"))
    return found


WRONG_CODE = {  # the classic mistakes, as students write them
    "cross_entropy": "def cross_entropy(y, t):\n    return -np.sum(t * np.log(y))",  # seed 001, verbatim
    "binary_cross_entropy": "def binary_cross_entropy(y, t):\n    y = np.clip(y, 1e-12, 1 - 1e-12)\n    return -np.mean(t * np.log(y))",
    "softmax_cross_entropy": ("def softmax_cross_entropy(z, t):\n    e = np.exp(z)\n    p = e / np.sum(e, axis=-1, keepdims=True)\n"
                              "    return -np.mean(np.sum(t * np.log(p), axis=-1))"),
}


# The derive-lines item --seed 11 --derivations 1 draws at difficulty 2: the binary likelihood
# L = y^t (1 − y)^(1 − t) to E. This derivation (written by hand) drops the exponent 1 − t in its
# first line: log (1 − y)^(1 − t) is not log(1 − y).
DERIVATION = {"derivation": "binary", "classes": None, "from": 0, "to": 4}
WRONG_DERIVATION = 'q3 = """\nlog L = t*log(y) + log(1 - y)\nE = -(t*log(y) + (1 - t)*log(1 - y))\n"""'


def _wrong_answers(key) -> dict[str, str]:
    """q1: log10 with the sign dropped (−E/ln 10); q2: the formula without its minus sign; q3 (when
    there is one): the derivation above."""
    number, formula, *derivation = key["items"]
    text = formula["answer"]
    wrong = {"q1": f"q1 = {-number['answer'] / math.log(10)!r}",
             "q2": f"q2 = {json.dumps(text[1:] if text.startswith('-') else '-(' + text + ')')}"}
    if derivation:
        assert derivation[0]["question_params"] == DERIVATION
        wrong["q3"] = WRONG_DERIVATION
    return wrong


def _fill(book, answers: dict[str, str]):
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for name, code in answers.items():
            if cell.source.startswith((f"{name} =", f"def {name}(")) or f"\n{name} =" in cell.source or cell.source.startswith(f"### BEGIN SOLUTION\n{name} ="):
                cell.source = code
    return book


@pytest.mark.kernel
@pytest.mark.parametrize("fmt", ["otter", "nbgrader"])
def test_kernel_runs_the_solutions_and_names_each_wrong_one(capsys, tmp_path, fmt):
    out = make(capsys, tmp_path, fmt, "en", "--derivations", "1")
    right = _execute(read(out / "assignment.ipynb"), tmp_path)
    assert _errors(right) == []
    ran_tests = [c for c in right.cells if c.cell_type == "code" and ("assert" in c.source)]
    assert len(ran_tests) >= 4 and all(c.get("execution_count") for c in ran_tests)
    assert any("steps.check(q3" in c.source for c in ran_tests)

    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    wrong = _execute(_fill(read(out / "assignment.ipynb"), {**WRONG_CODE, **_wrong_answers(key)}), tmp_path)
    errors = "\n".join(text for _, text in _errors(wrong))
    expected = ["used the common logarithm (log10) and dropped the minus sign",  # q1
                "dropped the minus sign",  # q2
                "added the samples' losses up instead of averaging them",  # seed 001: sum_not_mean
                "took the log of 0",  # seed 001: no_epsilon
                "left out the (1 − t) log(1 − y) term",  # binary: missing_complement
                "computed the softmax without stabilising it",  # softmax
                "wrong [exponent_dropped]: The exponent inside the log disappeared",  # q3, the public test's report
                "Line 1 is wrong: you dropped the exponent inside the log"]  # q3, the verdict (public and hidden tests)
    for phrase in expected:
        assert phrase in errors, (phrase, errors)


def _otter_or_skip():
    if shutil.which("otter") is None and not (Path(sys.executable).parent / "otter").exists():
        pytest.skip("otter-grader is not installed (pip install -e '.[otter]'; .ci/run installs it)")
    return str(Path(sys.executable).parent / "otter") if (Path(sys.executable).parent / "otter").exists() else shutil.which("otter")


@pytest.mark.kernel
def test_otter_assign_and_otter_run_grade_the_otter_version(capsys, tmp_path):
    exe = _otter_or_skip()
    out = make(capsys, tmp_path, "otter", "en", "--derivations", "1")
    dist = tmp_path / "dist"
    subprocess.run([exe, "assign", "assignment.ipynb", str(dist)], cwd=out, check=True, capture_output=True, timeout=600)
    zips = sorted((dist / "autograder").glob("*.zip"))
    assert len(zips) == 1 and (dist / "student" / "assignment.ipynb").is_file()
    student = (dist / "student" / "assignment.ipynb").read_text(encoding="utf-8")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    assert repr(key["items"][0]["answer"]) not in student and "np.clip(y, 1e-12" not in student

    def grade(notebook_path, name):
        results = tmp_path / name
        results.mkdir()
        subprocess.run([exe, "run", "-a", str(zips[0]), "-o", str(results), "--no-logo", str(notebook_path)],
                       check=True, capture_output=True, timeout=600)
        return json.loads((results / "results.json").read_text(encoding="utf-8"))

    right = grade(dist / "autograder" / "assignment.ipynb", "right")
    scores = {t["name"]: (t["score"], t["max_score"]) for t in right["tests"] if "score" in t}  # "Public Tests" has none
    assert set(scores) == {"q1", "q2", "q3", "cross_entropy", "binary_cross_entropy", "softmax_cross_entropy"}
    assert all(score == top for score, top in scores.values()), scores

    filled = _fill(read(dist / "student" / "assignment.ipynb"), {**WRONG_CODE, **_wrong_answers(key)})
    submission = tmp_path / "submission.ipynb"
    submission.write_text(nbformat.writes(filled), encoding="utf-8")
    wrong = grade(submission, "wrong")
    by_name = {t["name"]: t for t in wrong["tests"] if "score" in t}
    for name in ("q1", "q2", "q3", "cross_entropy", "binary_cross_entropy", "softmax_cross_entropy"):
        assert by_name[name]["score"] < by_name[name]["max_score"], name
    text = json.dumps(wrong, ensure_ascii=False)
    for phrase in ("used the common logarithm (log10)", "added the samples' losses up instead of averaging them",
                   "left out the (1 − t) log(1 − y) term", "computed the softmax without stabilising it",
                   "you dropped the exponent inside the log"):
        assert phrase in text, phrase


def test_command_errors_in_japanese(capsys, tmp_path):
    code, _, err = run(capsys, "notebook", *ITEMS, "--format", "jupyter", "--lang", "ja", "-o", str(tmp_path / "x"))
    assert code == 2 and err.startswith("xentlab：エラー：ノートブックの形式「jupyter」はありません") and len(err.strip().splitlines()) == 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_implement_option_parses_or_refuses_in_one_line(text):
    from xentlab.errors import UsageError
    from xentlab.notebook import FUNCTIONS, parse_implement

    try:
        chosen = parse_implement(text)
    except UsageError as error:
        assert error.key == "notebook_implement"
        return
    assert all(entry in FUNCTIONS for entry in chosen)
