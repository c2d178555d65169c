"""`xentlab practice` in a real terminal, under tmux (send-keys, capture-pane): the prompt appears,
line editing works (readline), feedback is shown, Ctrl-D and Ctrl-C save, and the state file resumes.
Skipped where tmux is missing, unless XENTLAB_REQUIRE_TMUX is set (CI installs tmux)."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time

import pytest

import simstudent as sim
from xentlab.practice import Session, Settings
from xentlab.skills import SKILLS


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        if os.environ.get("XENTLAB_REQUIRE_TMUX"):
            pytest.fail("tmux is required here (XENTLAB_REQUIRE_TMUX is set) but not installed")
        pytest.skip("tmux is not installed (CI installs it)")
    socket = tmp_path / "tmux.sock"

    def call(*args, check=True):
        return subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True, text=True, check=check, timeout=30)

    yield call
    call("kill-server", check=False)


def start(tmux, command: str, first: bool) -> None:
    env = f"env LANG=C.UTF-8 LC_ALL=C.UTF-8 PYTHONPATH={shlex.quote(os.pathsep.join(sys.path))}"
    if first:
        tmux("new-session", "-d", "-s", "xl", "-x", "160", "-y", "60", f"{env} {command}")
        tmux("set-option", "-t", "xl", "remain-on-exit", "on")
    else:
        tmux("respawn-pane", "-k", "-t", "xl", f"{env} {command}")


def screen(tmux) -> str:
    return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "xl").stdout


def wait_for(tmux, text: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = screen(tmux)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen:\n{screen(tmux)}")


def test_a_session_in_a_real_terminal(tmux, tmp_path):
    state = tmp_path / "me.json"
    command = f"{shlex.quote(sys.executable)} -m xentlab practice --state {shlex.quote(str(state))} --seed 2 --lang en"
    expected = Session(Settings(2, SKILLS, 40, 2, (), "en"))  # the same seed draws the same first item
    item = expected.next_item()
    right = sim.answer(item.kind, item.params, frozenset())

    start(tmux, command, first=True)
    wait_for(tmux, "answer> ")
    assert "Item 1 (of at most 40)" in screen(tmux)
    # readline: type a stray 9 first, then Ctrl-A (start of line) and Delete remove it
    tmux("send-keys", "-t", "xl", "-l", "9" + right)
    tmux("send-keys", "-t", "xl", "C-a", "DC", "Enter")
    shown = wait_for(tmux, "✓ Correct")
    assert f"answer> {right}" in shown and "Mastery:" in shown
    wait_for(tmux, "Item 2 (of at most 40)")
    tmux("send-keys", "-t", "xl", "?", "Enter")
    wait_for(tmux, "Worked solution")
    wait_for(tmux, "Item 3 (of at most 40)")
    tmux("send-keys", "-t", "xl", "C-d")
    shown = wait_for(tmux, "Progress saved to")
    assert "Traceback" not in shown and "Stopped after 2 items." in shown
    document = json.loads(state.read_text("utf-8"))
    assert document["answers"] == [right, "?"] and document["summary"]["items"] == 2

    tmux("clear-history", "-t", "xl")
    start(tmux, command, first=False)
    shown = wait_for(tmux, "Resuming where you left off (2 items so far).")
    assert "Item 3 (of at most 40)" in wait_for(tmux, "answer> ")
    tmux("send-keys", "-t", "xl", "C-c")
    shown = wait_for(tmux, "Interrupted.")
    assert "Traceback" not in wait_for(tmux, "Progress saved to")
    assert json.loads(state.read_text("utf-8"))["answers"] == [right, "?"]
