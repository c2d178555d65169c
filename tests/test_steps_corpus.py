"""The corpus of student derivations (tests/data/derivations, tests/data/derivation_corpus.py):
every line's relation, the diagnosis at the first wrong line, the rules named where a teacher
knows them, and coverage: ≥ 80 derivations, ≥ 3 correct per kind in different notations, ≥ 2
wrong per code, every relation, ja and en, plain text and LaTeX. No correct derivation may have
a line marked wrong."""

import importlib.util
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from xentlab import steps
from xentlab.steps.catalogue import CODES, NUMERIC_SLIPS

DATA = Path(__file__).parent / "data"
LETTERS = {"given": "G", "ok": "O", "ok_big_step": "B", "ok_if": "I", "wrong": "W", "ok_from_wrong": "F", "unreadable": "U"}
KINDS = ("multiclass", "multiclass-batch", "binary", "softmax-gradient", "token-average", "sse", "sse-half", "entropy-kl")


def _corpus():
    spec = importlib.util.spec_from_file_location("derivation_corpus", DATA / "derivation_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


CASES = _corpus()
_REPORTS: dict = {}


def report(case):
    if case.file not in _REPORTS:
        text = (DATA / "derivations" / case.file).read_text(encoding="utf-8")
        _REPORTS[case.file] = steps.check(text, values=case.values, start=case.start)
    return _REPORTS[case.file]


def test_the_corpus_is_large_and_covers_what_the_issue_asks():
    files = sorted(p.name for p in (DATA / "derivations").iterdir())
    assert len(CASES) >= 80 and len(files) >= 80
    assert sorted(c.file for c in CASES) == files, "every file has an expectation and every expectation a file"
    correct_by_kind = defaultdict(set)
    for case in CASES:
        if case.correct:
            correct_by_kind[case.kind].add((case.file, case.notation))
    for kind in KINDS:
        assert len(correct_by_kind[kind]) >= 3, kind
        assert len({notation for _, notation in correct_by_kind[kind]}) >= 2, kind
    wrong_codes = Counter(code for case in CASES for code in case.codes)
    wrong_codes.update("cited_rule_mismatch" for case in CASES for _ in case.mismatch)
    for code in (*CODES, *(c for c, _ in NUMERIC_SLIPS), "cited_rule_mismatch"):
        assert wrong_codes[code] >= 2, code
    assert set("GOBIWFU") <= set("".join(c.relations for c in CASES))
    assert {c.lang for c in CASES} >= {"ja", "en"}
    assert {c.notation for c in CASES} >= {"plain", "latex", "unicode"}


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_each_line_of_each_derivation(case):
    r = report(case)
    got = "".join(LETTERS[line.relation] for line in r.lines)
    assert got == case.relations, [(line.n, line.relation, line.rules, line.diagnosis) for line in r.lines]
    first_wrong = next((line for line in r.lines if line.relation == "wrong"), None)
    if case.codes:
        assert tuple(first_wrong.diagnosis) == case.codes, first_wrong
        assert r.status == "incorrect" and r.first_error == first_wrong.n
    by_line = {}
    for line in r.lines:
        by_line.setdefault(line.n, line)  # the first equation on an input line (a = b = c has two)
    for n, rules in case.rules.items():
        assert by_line[n].rules == rules, (n, by_line[n].rules)
    for n, rule in case.cited.items():
        assert by_line[n].cited_rule == rule, (n, by_line[n].cited_rule)
        assert ("cited_rule_mismatch" in by_line[n].diagnosis) == (n in case.mismatch), (n, by_line[n].diagnosis)
    for n, condition in case.conditions.items():
        assert by_line[n].condition == condition, (n, by_line[n].condition)
    if case.kind and case.relations[0] != "W":
        assert r.kind == case.kind


@pytest.mark.parametrize("case", [c for c in CASES if c.correct], ids=[c.file for c in CASES if c.correct])
def test_no_false_alarms(case):
    """A correct derivation never has a line marked wrong (nor a cited rule called mismatched
    when the student cited the rule used)."""
    r = report(case)
    assert all(line.relation != "wrong" for line in r.lines)
    assert r.status == "correct" and r.first_error is None and r.score == 1.0


def test_score_counts_lines_up_to_the_first_error_and_those_that_follow_from_it():
    case = next(c for c in CASES if c.file == "from_wrong_product_of_logs.txt")
    r = report(case)  # given, wrong, ok_from_wrong, ok_from_wrong: 2 of the 3 graded lines
    assert r.score == pytest.approx(2 / 3, abs=1e-4)
    seed = report(next(c for c in CASES if c.file == "seed000_article.tex"))
    assert seed.score == pytest.approx(11 / 12, abs=1e-4)  # 13 lines: 1 given, 11 ok, 1 wrong
