"""`xentlab moodle`: a Moodle XML quiz. Well-formed and valid against tests/data/moodle_subset.xsd
(XSD 1.1, written from Moodle's documentation of the format and its importer); a round trip
against `xentlab worksheet`'s key.json for the same arguments; answers that never conflict;
hostile text escaped; deterministic bytes; golden files; one-line errors. The CLI runs in-process
through cli.main, so the derivations proved by one test are reused by the next."""

import json
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import xmlschema

from conftest import one_line_error, run
from xentlab import moodle
from xentlab.cli import main
from xentlab.problems import Mistake, problem_type

DATA = Path(__file__).parent / "data"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "moodle"
SCHEMA = xmlschema.XMLSchema11(str(DATA / "moodle_subset.xsd"))
RTOL = 0.005  # xentlab's default: 0.5 % of the answer
DIGITS_REL = 1e-11  # numbers are written to 12 significant figures
HOSTILE = '<script>alert("x")</script> & ]]> <b>'


def export(capsys, tmp_path, *args, name="quiz.xml"):
    out = tmp_path / name
    code, _, err = run(capsys, "moodle", *args, "-o", str(out))
    assert code == 0, err
    return out.read_bytes(), err


def worksheet_keys(capsys, tmp_path, *args):
    folder = tmp_path / "ws"
    code, _, err = run(capsys, "worksheet", *args, "-o", str(folder))
    assert code == 0, err
    return folder


def questions(root):
    """(category path, question element) for every real question, in file order."""
    category, out = None, []
    for q in root.findall("question"):
        if q.get("type") == "category":
            category = q.findtext("category/text")
        else:
            out.append((category, q))
    return out


def answers(q):
    return [(float(a.get("fraction")), a.findtext("text"), a.findtext("tolerance"), a.findtext("feedback/text")) for a in q.findall("answer")]


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def html_of(text):
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser.tags, "".join(parser.text)


@pytest.fixture(scope="module")
def quiz_and_key(tmp_path_factory):
    """The teacher's example (all 12 types) and the worksheet key for the same arguments."""
    import contextlib
    import io

    tmp = tmp_path_factory.mktemp("roundtrip")
    args = ["--count", "12", "--seed", "7", "--lang", "ja"]
    for argv in (["moodle", *args, "-o", str(tmp / "quiz.xml")], ["worksheet", *args, "-o", str(tmp / "ws")]):
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                main(argv)
            except SystemExit as done:
                assert done.code == 0
    key = json.loads((tmp / "ws" / "key.json").read_text(encoding="utf-8"))
    return (tmp / "quiz.xml").read_bytes(), {item["id"]: item for item in key["items"]}


def item_id(q):
    return int(re.fullmatch(r"[a-z-]+ (\d+)(-\d+)?", q.findtext("name/text")).group(1))


# --- structure ---------------------------------------------------------------------------------


def test_well_formed_and_valid_against_the_schema(quiz_and_key):
    data, key = quiz_and_key
    root = ET.fromstring(data)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    SCHEMA.validate(data.decode("utf-8"))
    found = questions(root)
    assert len(found) == 12 and sorted(item_id(q) for _, q in found) == list(range(1, 13))
    types = {key[item_id(q)]["kind"]: q.get("type") for _, q in found}
    assert types["log-rule"] == types["derive-step"] == "multichoice"
    assert {t for k, t in types.items() if k not in ("log-rule", "derive-step")} == {"numerical"}


def test_the_schema_rejects_what_moodle_would_misread(quiz_and_key):
    """The XSD is not vacuous: each of these breakages of a valid file is caught."""
    data, _ = quiz_and_key

    def broken(change):
        root = ET.fromstring(data)
        change(root)
        return SCHEMA.is_valid(ET.tostring(root, encoding="unicode"))

    assert not broken(lambda r: r.remove(r.find("question")))  # a question before any category
    numerical = ".//question[@type='numerical']"
    assert not broken(lambda r: r.find(numerical).remove(r.find(numerical).findall("answer")[-1]))  # no "*"
    assert not broken(lambda r: r.find(numerical).set("type", "multichoice"))
    assert not broken(lambda r: setattr(r.find(numerical + "/answer/tolerance"), "text", "5e-3"))
    assert not broken(lambda r: r.find(numerical + "/answer[2]").set("fraction", "100"))
    assert not broken(lambda r: setattr(r.find(".//question[@type='category']/category/text"), "text", "$course$/other"))
    assert not broken(lambda r: setattr(r.find(".//question[@type='multichoice']/answernumbering"), "text", "A"))


def test_categories_group_the_questions_by_kind(quiz_and_key):
    data, key = quiz_and_key
    root = ET.fromstring(data)
    found = questions(root)
    for category, q in found:
        kind = key[item_id(q)]["kind"]
        assert category == f"$course$/xentlab/{kind}"
        assert q.findtext("name/text") == f"{kind} {item_id(q):02d}"
    paths = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert len(paths) == len(set(paths)) == 12


# --- the round trip: the key, the mistakes, the tolerances --------------------------------------


def test_numerical_answers_match_the_worksheet_key_and_the_mistakes(quiz_and_key):
    data, key = quiz_and_key
    numerical = [(key[item_id(q)], q) for _, q in questions(ET.fromstring(data)) if q.get("type") == "numerical"]
    assert len(numerical) == 10
    mistakes_seen = 0
    for item, q in numerical:
        rows = answers(q)
        fraction, text, tol, _ = rows[0]
        correct = float(text)
        assert fraction == 100 and correct == pytest.approx(item["answer"], rel=DIGITS_REL, abs=0)
        assert float(tol) == pytest.approx(RTOL * abs(item["answer"]), rel=DIGITS_REL)
        assert rows[-1][:3] == (0, "*", "0")
        values = [m.value for m in problem_type(item["kind"]).mistakes(item["question_params"])]
        for fraction, text, tol, _ in rows[1:-1]:
            value = float(text)
            assert fraction == 0
            assert any(value == pytest.approx(v, rel=DIGITS_REL, abs=0) for v in values), (item["kind"], value)
            assert abs(value - correct) > float(rows[0][2]), "a mistake inside the correct answer's tolerance"
            assert float(tol) == pytest.approx(RTOL * abs(value), rel=DIGITS_REL)
            mistakes_seen += 1
        intervals = sorted((float(t) - float(w), float(t) + float(w)) for _, t, w, _ in rows[:-1])
        for (_, high), (low, _) in zip(intervals, intervals[1:]):
            assert high < low, f"{item['kind']}: two answers' tolerance intervals overlap"
    assert mistakes_seen >= 30


def test_the_log10_mistake_gets_its_own_feedback(quiz_and_key):
    """ce-single: the value computed with log10 (E / ln 10) is an answer whose feedback says so."""
    data, key = quiz_and_key
    q = next(q for _, q in questions(ET.fromstring(data)) if key[item_id(q)]["kind"] == "ce-single")
    truth = key[item_id(q)]["answer"]
    by_value = {float(text): feedback for _, text, _, feedback in answers(q)[:-1]}
    log10 = next(v for v in by_value if v == pytest.approx(truth / math.log(10), rel=1e-9))
    _, words = html_of(by_value[log10])
    assert "常用対数（log10）" in words and f"{truth:.4g}" in words
    _, words = html_of(answers(q)[-1][3])
    assert "不正解" in words and f"{truth:.4g}" in words


def test_the_log_rule_choice_is_the_key_letter(quiz_and_key):
    data, key = quiz_and_key
    q = next(q for _, q in questions(ET.fromstring(data)) if key[item_id(q)]["kind"] == "log-rule")
    item = key[item_id(q)]
    fractions = [float(a.get("fraction")) for a in q.findall("answer")]
    assert fractions["ABCD".index(item["choice_letter"])] == 100 and sorted(fractions) == [0, 0, 0, 100]
    assert q.findtext("shuffleanswers") == "false"  # the worked solution names the letter
    assert "1行目を2行目に変形" in html_of(q.findtext("questiontext/text"))[1]
    assert "（A）" not in html_of(q.findtext("questiontext/text"))[1]  # Moodle lists the choices itself


def test_derive_step_is_a_multichoice_of_checked_variants(quiz_and_key):
    data, key = quiz_and_key
    q = next(q for _, q in questions(ET.fromstring(data)) if key[item_id(q)]["kind"] == "derive-step")
    rows = [(float(a.get("fraction")), a.findtext("text")) for a in q.findall("answer")]
    assert [f for f, _ in rows].count(100) == 1 and len(rows) == 5
    assert len({text for _, text in rows}) == 5
    assert all(text.count(r"\(") == 1 and text.count(r"\)") == 1 for _, text in rows)


@pytest.mark.parametrize("params", [
    {"derivation": "multiclass", "classes": 3, "to": "E"},
    {"derivation": "multiclass", "classes": 2, "to": "log_L"},
    {"derivation": "binary", "classes": None, "to": "E"},
])
def test_every_distractor_is_a_wrong_answer_with_its_own_diagnosis(params):
    """The checker itself (xentlab check) calls each distractor wrong, and names its mistake."""
    from xentlab.check import check_expression
    from xentlab.parse import parse_expression
    from xentlab.printing import to_str

    answer = problem_type("derive-step").answer(params).value
    found = moodle.distractors(parse_expression(answer))
    assert len(found) >= 3
    for codes, variant, _ in found:
        verdict = check_expression(to_str(variant), answer)
        assert verdict.status == "incorrect" and verdict.diagnosis == codes, (codes, verdict)
    if params["to"] == "log_L":  # no minus to drop: "dropped the minus sign" would be a false diagnosis
        assert ("sign_dropped",) not in [codes for codes, _, _ in found]


def test_kept_mistakes_never_conflict_and_prefer_fewer_codes():
    truth = moodle.written(1.0)  # accepts [0.995, 1.005]
    mistakes = [Mistake(("a", "b"), 1.004),  # inside the truth's tolerance
                Mistake(("c", "d"), 2.0),
                Mistake(("e",), 2.009),  # [1.998955, 2.019045] overlaps 2.0's [1.99, 2.01]: beats ("c", "d")
                Mistake(("f",), 3.0),
                Mistake(("g",), 3.02),  # [3.0049, 3.0351] and [2.985, 3.015] overlap: the first kept stays
                Mistake(("h",), -1.0)]
    kept = [m.codes for m, _ in moodle.kept_mistakes(truth, mistakes)]
    assert kept == [("e",), ("f",), ("h",)]


# --- variants ----------------------------------------------------------------------------------


def test_variants_are_the_worksheet_variants_in_one_category(capsys, tmp_path):
    args = ["--count", "3", "--seed", "11", "--types", "inverse,units,log-rule", "--variants", "2", "--lang", "en"]
    data, _ = export(capsys, tmp_path, *args)
    SCHEMA.validate(data.decode("utf-8"))
    folder = worksheet_keys(capsys, tmp_path, *args)
    keys = {v: {i["id"]: i for i in json.loads((folder / f"variant-0{v}" / "key.json").read_text())["items"]} for v in (1, 2)}
    found = questions(ET.fromstring(data))
    assert len(found) == 6
    names = [q.findtext("name/text") for _, q in found]
    assert len(set(names)) == 6
    for category, q in found:
        item, variant = map(int, re.fullmatch(r"[a-z-]+ (\d+)-(\d+)", q.findtext("name/text")).groups())
        entry = keys[variant][item]
        assert category == f"$course$/xentlab/{entry['kind']}"
        if q.get("type") == "numerical":
            assert float(answers(q)[0][1]) == pytest.approx(entry["answer"], rel=DIGITS_REL, abs=0)
    inverse = [q for category, q in found if category.endswith("/inverse")]
    assert len(inverse) == 2 and answers(inverse[0])[0][1] != answers(inverse[1])[0][1]  # two different variants


# --- text: escaping, TeX, language --------------------------------------------------------------


@pytest.mark.parametrize("text", ["]]>", "a]]>b]]>c", "]]]]>", "<![CDATA[x]]>", "plain"])
def test_cdata_keeps_any_text_exactly(text):
    assert ET.fromstring(f"<t>{moodle.cdata(text)}</t>").text == text


def test_hostile_prose_never_appears_unescaped(capsys, tmp_path, monkeypatch):
    """Every sentence any macro renders (question, solution, feedback, labels, choices) carries
    markup, an ampersand and a CDATA terminator: the file still parses and validates, and each
    HTML text shows them as text, with no element made from them."""
    original = moodle.Prose.call

    def hostile(self, name, macro, *args):
        return original(self, name, macro, *args) + " " + HOSTILE

    monkeypatch.setattr(moodle.Prose, "call", hostile)
    data, _ = export(capsys, tmp_path, "--count", "2", "--seed", "3", "--types", "ce-single,log-rule", "--lang", "en")
    SCHEMA.validate(data.decode("utf-8"))
    root = ET.fromstring(data)
    htmls = [e.text for e in root.iter("text") if e.text and e.text.startswith("<")]
    assert len(htmls) >= 10
    for html in htmls:
        tags, words = html_of(html)
        assert "script" not in tags and "b" not in tags, html
        assert HOSTILE in words, html


def test_names_and_paths_are_escaped_too():
    quiz = moodle.Quiz("en", (moodle.Category("x", "$course$/xentlab/a&b<c>]]>", [], (
        moodle.Question("numerical", "n & <m> ]]>", "x", 1, None, 0, {}, [], [], (
            moodle.Answer(100, [], "1", "0.005"), moodle.Answer(0, [], "*", "0"))),)),))
    root = ET.fromstring(moodle.render_quiz(quiz).encode("utf-8"))
    assert root.find("question/category/text").text == "$course$/xentlab/a&b<c>]]>"
    assert root.find("question[@type='numerical']/name/text").text == "n & <m> ]]>"


def test_templates_escape_every_expression():
    """No template writes a value unescaped: each {{ … }} ends in |e or |cdata, or calls one of the
    HTML macros, which are made of such expressions only."""
    for path in sorted(TEMPLATES.glob("*.j2")):
        for expression in re.findall(r"{{-?\s*(.*?)\s*-?}}", path.read_text(encoding="utf-8"), re.S):
            ok = re.search(r"\|\s*(e|cdata)$", expression) or re.fullmatch(r"(inline|cell|html)\(.*\)", expression)
            assert ok, f"{path.name}: {{{{ {expression} }}}} is not escaped"


def test_question_text_is_html_with_tex_delimiters_and_the_solution(quiz_and_key):
    data, key = quiz_and_key
    for _, q in questions(ET.fromstring(data)):
        text, general = q.findtext("questiontext/text"), q.findtext("generalfeedback/text")
        for html in (text, general):
            assert "$" not in html and "**" not in html  # no Markdown math or bold left over
            assert html.count(r"\(") == html.count(r"\)") and html.count(r"\[") == html.count(r"\]")
            assert html.startswith("<p>") or html.startswith("<table")
        assert r"\(" in text or r"\[" in text
    ce = next(q for _, q in questions(ET.fromstring(data)) if key[item_id(q)]["kind"] == "ce-single")
    tags, words = html_of(ce.findtext("questiontext/text"))
    assert "table" in tags and "有効数字 3 桁以上" in words
    assert "数値を代入する" in html_of(ce.findtext("generalfeedback/text"))[1]  # the worked solution


def test_english_has_no_japanese(capsys, tmp_path):
    data, _ = export(capsys, tmp_path, "--count", "12", "--seed", "7", "--lang", "en")
    SCHEMA.validate(data.decode("utf-8"))
    words = "".join(html_of(e.text or "")[1] for e in ET.fromstring(data).iter("text"))
    assert "You used the common logarithm (log10)" in words
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words)


# --- bytes, files, errors ----------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(capsys, tmp_path):
    args = ["--count", "4", "--seed", "5", "--types", "sse,derive-step", "--lang", "en"]
    first, _ = export(capsys, tmp_path, *args, name="a.xml")
    second, _ = export(capsys, tmp_path, *args, name="b.xml")
    other, _ = export(capsys, tmp_path, *args[:3], "6", *args[4:], name="c.xml")
    assert first == second and first != other


@pytest.mark.parametrize(("lang", "args"), [("ja", []), ("en", ["--types", "log-rule,derive-step,units,inverse"])])
def test_golden_seed_0(capsys, tmp_path, golden, lang, args):
    data, _ = export(capsys, tmp_path, "--count", "4", "--seed", "0", "--lang", lang, *args)
    golden(f"moodle/seed0-count4{'-choice' if args else ''}.{lang}.xml", data.decode("utf-8"))


def test_existing_file_is_refused_without_force(capsys, tmp_path):
    out = tmp_path / "quiz.xml"
    out.write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "moodle", "--count", "1", "--seed", "0", "-o", str(out))
    one_line_error(code, err, "already exists", "--force")
    assert out.read_text(encoding="utf-8") == "mine"
    code, _, err = run(capsys, "moodle", "--count", "1", "--seed", "0", "--types", "inverse", "-o", str(out), "--force")
    assert code == 0, err
    assert ET.parse(out).getroot().tag == "quiz"


@pytest.mark.parametrize(("args", "needle"), [
    (["--count", "0", "--seed", "1"], "--count"),
    (["--count", "2", "--seed", "-1"], "--seed"),
    (["--count", "2", "--seed", "1", "--difficulty", "4"], "--difficulty"),
    (["--count", "2", "--seed", "1", "--variants", "0"], "--variants"),
    (["--count", "2", "--seed", "1", "--lang", "fr"], "language"),
    (["--count", "2", "--seed", "1", "--types", "ce-single,nope"], "nope"),
    (["--count", "50", "--seed", "1", "--types", "log-rule", "--difficulty", "1"], "cannot draw"),
])
def test_bad_options_are_one_line_exit_2(capsys, tmp_path, args, needle):
    out = tmp_path / "quiz.xml"
    code, _, err = run(capsys, "moodle", *args, "-o", str(out))
    one_line_error(code, err, needle)
    assert not out.exists()


def test_a_mistake_without_a_feedback_phrase_is_left_to_the_catch_all(capsys, tmp_path, monkeypatch):
    original = moodle.Prose.has
    monkeypatch.setattr(moodle.Prose, "has", lambda self, name, macro: macro != "phrase_percent_scale" and original(self, name, macro))
    data, err = export(capsys, tmp_path, "--count", "1", "--seed", "2", "--types", "inverse", "--lang", "en")
    assert "no phrase_percent_scale" in err
    q = questions(ET.fromstring(data))[0][1]
    truth = float(answers(q)[0][1])
    assert all(float(text) < 10 * max(truth, 1) for _, text, _, _ in answers(q)[:-1])  # no ×100 value left
