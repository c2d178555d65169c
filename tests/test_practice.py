"""`xentlab practice` with simulated students (tests/simstudent.py answers from its own math), and the
session's state file, answers file, hostile input and command errors."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simstudent as sim
from conftest import run
from xentlab import bkt
from xentlab.practice import Session, Settings, resume
from xentlab.skills import SKILL_OF, SKILLS

DATA = Path(__file__).parent / "data"


def session(seed=0, skills=SKILLS, max_items=40, types=(), lang="en"):
    return Session(Settings(seed, tuple(skills), max_items, 2, tuple(types), lang))


simulate = sim.simulate


def entry_of(item, s):
    """The asked item as a key.json entry with its target, for the independent check: the codes
    practice says it shows, and the codes the student had been diagnosed with before it was asked
    (the item must show those of them it can make; before any, every mistake of the skill it can make)."""
    from xentlab.discriminate import shown
    from xentlab.problems import problem_type

    answer = problem_type(item.kind).answer(item.params)
    codes = [c for c in sorted(shown(item.kind, item.params).codes) if SKILL_OF[c] == item.target]
    seen = sorted({c for earlier in s.asked[: item.number - 1] for c in earlier.diagnosis})
    return {"id": item.number, "kind": item.kind, "question_params": item.params, "answer": answer.value,
            "answer_kind": answer.kind, "target": {"skill": item.target, "codes": codes, "seen_codes": seen}}


@pytest.mark.parametrize("student", list(sim.STUDENTS))
def test_names_the_misconception_within_3_items(student):
    mis = sim.STUDENTS[student]
    for seed in range(4):
        s, _ = simulate(mis, seed)
        at = sim.items_to_diagnosis(s, mis)
        assert at is not None and at <= 3, (seed, [(a.kind, a.diagnosis) for a in s.asked[:3]])
        for item in s.asked:  # every item can show the skill it targets, by the independent oracle
            assert sim.assert_discriminates(entry_of(item, s)) >= 1, entry_of(item, s)


@pytest.mark.parametrize("student", list(sim.STUDENTS))
def test_mastery_within_8_items_after_the_misconception_stops(student):
    mis = sim.STUDENTS[student]
    skills = {sim.SKILL[m] for m in mis}
    for seed in range(3):
        s, history = simulate(mis, seed, stop_after=5)
        assert all(history[4][k] < bkt.MASTERED for k in skills)  # the misconception held for 5 items
        after = sim.items_to_mastery(history, mis, 5)
        assert after is not None and after <= 8, (seed, after)


def test_no_misconception_stops_within_3_items_per_skill():
    for seed in range(3):
        s, _ = simulate(frozenset(), seed)
        assert all(s.p[k] >= bkt.MASTERED for k in s.targets) and len(s.asked) <= 3 * len(s.targets), len(s.asked)
    for skill in session().targets:
        s, _ = simulate(frozenset(), 1, skills=(skill,))
        assert s.p[skill] >= bkt.MASTERED and len(s.asked) <= 3, (skill, len(s.asked))


def test_same_seed_and_answers_same_items_and_resume_replays():
    lines = ["0.5", "?", "1.2", "", "log((", "0.7", "2", "-1"]
    whole = session(seed=9)
    for line in lines:
        whole.next_item()
        whole.respond(line)
    half = session(seed=9)
    for line in lines[:4]:
        half.next_item()
        half.respond(line)
    state = json.loads(json.dumps(half.to_json()))
    state["summary"]["mastery"] = {k: 1.0 for k in state["summary"]["mastery"]}  # a hand-edited summary counts for nothing
    again = resume(state)
    for line in lines[4:]:
        again.next_item()
        again.respond(line)
    assert again.to_json() == whole.to_json()
    assert [(a.kind, a.params) for a in again.asked] == [(a.kind, a.params) for a in whole.asked]
    assert session(seed=10).next_item().params != session(seed=9).next_item().params


def test_question_mark_reveals_and_an_unreadable_answer_is_asked_again():
    s = session(seed=4)
    first = s.next_item()
    outcome = s.respond("log((")
    assert not outcome.counted and s.next_item() is first and not s.asked
    outcome = s.respond("?")
    assert outcome.revealed and outcome.item.evidence == {first.target: False} and s.p[first.target] < bkt.params_for(first.target).prior


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=60), min_size=1, max_size=6))
def test_any_typed_text_is_data(lines):
    s = session(seed=2, max_items=5)
    for line in lines:
        if s.done:
            break
        s.next_item()
        s.respond(line)
    assert resume(json.loads(json.dumps(s.to_json()))).to_json() == s.to_json()


def hostile_lines():
    import importlib.util

    spec = importlib.util.spec_from_file_location("hostile", DATA / "hostile_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [text for _, text, _ in module.HOSTILE] + [text for _, text in module.HEAVY]


def test_lone_surrogates_from_a_terminal_keep_the_state_utf8():
    s = session(seed=1)
    s.next_item()
    s.respond("0.5\udcff\ud800")
    assert s.lines == ["0.5\ufffd\ufffd"]
    json.dumps(s.to_json(), ensure_ascii=False).encode("utf-8")


def test_hostile_answers_file(tmp_path, capsys):
    texts = [t.replace("\r", " ").replace("\n", " ") for t in hostile_lines()] + ["\x1b[31mred\x1b]0;title\x07", "\u202eevil"]
    answers = tmp_path / "answers.txt"
    answers.write_text("\n".join(texts) + "\n", encoding="utf-8", errors="surrogatepass")
    code, _, err = run(capsys, "practice", "--answers", str(answers), "--lang", "en")  # lone surrogates: not UTF-8
    assert code == 2 and "UTF-8" in err
    texts = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
    answers.write_text("\n".join(texts) + "\n", encoding="utf-8")
    state = tmp_path / "state.json"
    proc = subprocess.run([sys.executable, "-m", "xentlab", "practice", "--answers", str(answers), "--state", str(state), "--max", "3",
                           "--lang", "en"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\u202e" not in proc.stdout and "Traceback" not in proc.stderr
    document = json.loads(state.read_text("utf-8"))
    consumed = document["answers"]
    assert consumed == [t[:2000] for t in texts[: len(consumed)]] and (len(consumed) == len(texts) or document["summary"]["items"] == 3)
    assert resume(document).to_json() == document


def test_answers_file_transcript_and_summary(tmp_path, capsys):
    s = session(seed=3)
    item = s.next_item()
    right = sim.answer(item.kind, item.params, frozenset())
    (tmp_path / "a.txt").write_text(f"{right}\n", encoding="utf-8")
    code, out, err = run(capsys, "practice", "--answers", str(tmp_path / "a.txt"), "--seed", "3", "--lang", "en",
                         "--state", str(tmp_path / "s.json"))
    assert code == 0, err
    assert f"answer> {right}\n✓ Correct" in out and "Item 2 (of at most 40)" in out and "Stopped after 1 item." in out
    assert "Progress saved to" in err
    code, out, err = run(capsys, "practice", "--answers", str(tmp_path / "a.txt"), "--state", str(tmp_path / "s.json"), "--lang", "en")
    assert code == 0 and "Resuming where you left off (1 item so far)." in out


@pytest.mark.parametrize(("setup", "args", "key_text"), [
    (lambda p: p.mkdir(), [], "not a regular file"),
    (lambda p: os.mkfifo(p), [], "not a regular file"),
    (lambda p: p.symlink_to(p.parent / "elsewhere.json"), [], "not a regular file"),
    (lambda p: p.write_text("{not json", encoding="utf-8"), [], "not a practice state"),
    (lambda p: p.write_text(json.dumps({"version": 1, "settings": {"seed": -1}}), encoding="utf-8"), [], "not a practice state"),
    (None, ["--max", "0"], "--max"),
    (None, ["--skills", "logs"], "unknown skill"),
    (None, ["--skills", "chain_rule"], "no problem type can show"),
    (None, ["--lang", "fr"], "--lang"),
])
def test_command_errors(tmp_path, capsys, setup, args, key_text):
    state = tmp_path / "state.json"
    if setup:
        setup(state)
    before = state.read_bytes() if state.is_file() else None
    (tmp_path / "a.txt").write_text("1\n", encoding="utf-8")
    code, _, err = run(capsys, "practice", "--state", str(state), "--answers", str(tmp_path / "a.txt"), *args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and key_text in err, err
    assert (state.read_bytes() if state.is_file() else None) == before  # nothing overwritten


@pytest.mark.parametrize(("command", "args", "expected"), [
    ("practice", ["--seed", "-1"], "xentlab：エラー：--seed には 0 以上の整数を指定してください"),
    ("practice", ["--max", "201"], "xentlab：エラー：--max には 1 以上 200 以下の整数を指定してください"),
    ("followup", ["--seed", "-1"], "xentlab：エラー：--seed には 0 以上の整数を指定してください"),
    ("followup", ["--pdf"], "xentlab：エラー：--pdf を使うには --format tex も指定してください。"),
])
def test_option_errors_in_japanese_have_no_english_words(tmp_path, capsys, command, args, expected):
    """The words of a ja error are Japanese; only option names and numbers stay ASCII."""
    files = ["--answers", str(tmp_path / "a.txt")] if command == "practice" else \
        ["--graded", str(DATA / "class.csv"), "--key", str(DATA / "class-key.json"), "-o", str(tmp_path / "o")]
    (tmp_path / "a.txt").write_text("1\n", encoding="utf-8")
    code, _, err = run(capsys, command, "--lang", "ja", *files, *args)
    assert code == 2 and err.strip() == expected, err


def test_a_list_of_choices_in_an_error_is_never_cut(tmp_path, capsys):
    """Terminal-safe parameters are cut at 80 characters; the list of valid names is ours, and
    whole: the last skill of the table and the last exercise of `xentlab notebook` are in it."""
    code, _, err = run(capsys, "practice", "--skills", "logs", "--lang", "ja")
    assert code == 2 and err.strip().endswith("units、reading_question"), err
    code, _, err = run(capsys, "notebook", "--count", "1", "--seed", "1", "--format", "otter", "--implement", "hinge",
                       "-o", str(tmp_path / "nb"), "--lang", "en")
    assert code == 2 and err.strip().endswith("token-loss, token-loss:perplexity"), err


def test_a_state_file_that_cannot_be_written_is_said_before_the_first_question(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.txt").write_text("0.5\n", encoding="utf-8")
    code, out, err = run(capsys, "practice", "--state", str(tmp_path / "missing" / "me.json"), "--answers", str(tmp_path / "a.txt"), "--lang", "en")
    assert code == 2 and out == "" and err.strip() == (
        f"xentlab: error: the directory {tmp_path / 'missing'} for the --state file does not exist; create it first, or give another path")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("xentlab.files.write_bytes", full_disk)
    code, _, err = run(capsys, "practice", "--state", str(tmp_path / "me.json"), "--answers", str(tmp_path / "a.txt"), "--lang", "en")
    assert code == 2 and err.strip().splitlines()[-1] == f"xentlab: error: cannot write the state file {tmp_path / 'me.json'} (No space left on device)"


def test_resuming_with_other_options_is_refused(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("1\n", encoding="utf-8")
    assert run(capsys, "practice", "--state", str(tmp_path / "s.json"), "--answers", str(tmp_path / "a.txt"), "--seed", "4")[0] == 0
    code, _, err = run(capsys, "practice", "--state", str(tmp_path / "s.json"), "--answers", str(tmp_path / "a.txt"), "--seed", "5", "--lang", "ja")
    assert code == 2 and err.startswith("xentlab：エラー：--seed が状態ファイルの値（4）と違います"), err
    code, _, err = run(capsys, "practice", "--state", str(tmp_path / "s.json"), "--answers", str(tmp_path / "a.txt"), "--lang", "en")
    assert code == 2 and "--lang differs from the state file's (ja)" in err, err


def test_ctrl_c_saves_and_exits_cleanly(tmp_path):
    state = tmp_path / "s.json"
    proc = subprocess.Popen([sys.executable, "-m", "xentlab", "practice", "--state", str(state), "--lang", "en", "--seed", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write("?\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 120
    while not state.exists() and time.monotonic() < deadline:  # written after the first answer
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Interrupted." in out and "Progress saved" in err
    assert json.loads(state.read_text("utf-8"))["answers"] == ["?"]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, st.fixed_dictionaries({"version": st.just(1), "settings": st.dictionaries(
    st.sampled_from(["seed", "skills", "max", "difficulty", "types", "lang"]), JSON, max_size=6), "answers": JSON})))
def test_any_state_document_is_refused_in_one_line_or_resumed(document):
    from xentlab.errors import InputError, UsageError

    try:
        resume(document)
    except (InputError, UsageError) as error:
        assert error.key in ("practice_state_invalid", "practice_no_skill")
