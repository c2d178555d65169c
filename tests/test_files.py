"""Files that never lose anything (issue 11): outputs never collide, --force replaces regular files
only, write errors are one line with exit 2, a worksheet directory changes as a whole under a lock."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import one_line_error, run
from xentlab import files
from xentlab.errors import OutputExistsError

KEY = Path(__file__).parent / "data" / "class-key.json"
RESPONSES = Path(__file__).parent / "data" / "class.csv"


def grade(capsys, *args):
    return run(capsys, "grade", "--key", str(KEY), "--responses", str(RESPONSES), "--lang", "en", *args)


def test_output_equal_to_report_is_refused(tmp_path, capsys):
    target = tmp_path / "same.md"
    target.write_text("keep me", "utf-8")
    code, _, err = grade(capsys, "-o", str(target), "--report", str(target), "--force")
    one_line_error(code, err, "same file")
    assert target.read_text("utf-8") == "keep me"


def test_output_equal_to_a_report_figure_is_refused(tmp_path, capsys):
    code, _, err = grade(capsys, "-o", str(tmp_path / "r.items.svg"), "--report", str(tmp_path / "r.md"))
    one_line_error(code, err, "same file")
    assert not any(tmp_path.iterdir())


def test_force_never_replaces_a_fifo_a_directory_or_a_symlink(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "dir").mkdir()
    (tmp_path / "real.csv").write_text("mine", "utf-8")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    for target, needle in ((fifo, "FIFO"), (tmp_path / "dir", "is a directory"), (tmp_path / "link.csv", "symbolic link")):
        code, _, err = grade(capsys, "-o", str(target), "--force")
        one_line_error(code, err, needle)
    assert (tmp_path / "real.csv").read_text("utf-8") == "mine" and (tmp_path / "link.csv").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "link.csv", "pipe", "real.csv"]  # no temporary file left


def test_a_device_is_never_a_target():
    # only looked at, never opened: as root, writing here would replace the device
    with pytest.raises(OutputExistsError) as caught:
        files.check_target(Path("/dev/null"), force=True)
    assert "device" in str(caught.value)


def test_write_errors_are_one_line_exit_2(capsys):
    code, _, err = grade(capsys, "-o", "/proc/x.csv")
    one_line_error(code, err, "cannot write /proc/x.csv")
    code, _, err = grade(capsys, "-o", "/nonexistent-dir/x.csv")
    one_line_error(code, err, "does not exist")


def test_write_errors_speak_the_users_language(capsys):
    # /proc refuses a new file with ENOENT; the OS's own words are English whatever --lang says
    code, _, err = run(capsys, "grade", "--key", str(KEY), "--responses", str(RESPONSES), "--lang", "ja", "-o", "/proc/x.csv")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "/proc/x.csv を書けません" in err and "No such file" not in err, err
    from xentlab.render import error_text

    rare = files._failed(Path("x"), OSError(errno.EXDEV, "Invalid cross-device link"))  # not worded: the OS's words
    assert error_text(rare, "en") == "cannot write x: Invalid cross-device link"


def test_force_replaces_a_regular_file(tmp_path, capsys):
    target = tmp_path / "g.csv"
    target.write_text("old", "utf-8")
    code, _, err = grade(capsys, "-o", str(target))
    one_line_error(code, err, "already exists")
    assert target.read_text("utf-8") == "old"
    code, _, _ = grade(capsys, "-o", str(target), "--force")
    assert code == 0 and target.read_bytes().startswith(b"\xef\xbb\xbfstudent,item,answer")


# --- a directory, swapped in whole -----------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from xentlab import files
    real_open = open
    def slow_open(*args, **kwargs):  # a slow disk: every file takes a while, so a kill lands mid-way
        time.sleep(float(sys.argv[3]))
        return real_open(*args, **kwargs)
    files.open = slow_open
    tag = sys.argv[2]
    batch = [(Path(f"sub/file-{i:02d}.txt"), f"{tag} {i}\\n".encode()) for i in range(12)]
    print("start", flush=True)
    files.write_tree(Path(sys.argv[1]), batch, force=True)
    print("done", flush=True)
""")


def writer(directory: Path, tag: str, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(directory), tag, str(delay)], stdout=subprocess.PIPE, text=True)


def contents(directory: Path) -> set[str]:
    return {p.read_text() for p in sorted(directory.rglob("*.txt"))}


def test_kill_9_leaves_the_old_set_or_the_new_one(tmp_path):
    directory = tmp_path / "ws"
    proc = writer(directory, "old", 0.0)
    assert proc.wait(timeout=120) == 0
    old = contents(directory)
    assert old == {f"old {i}\n" for i in range(12)}
    for attempt, delay in enumerate((0.02, 0.05, 0.08, 0.11)):
        proc = writer(directory, f"new{attempt}", 0.02)
        assert proc.stdout.readline().strip() == "start"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = contents(directory)
        assert now in (old, {f"new{attempt} {i}\n" for i in range(12)}), (attempt, sorted(now)[:3])
        old = now
        assert not list(directory.rglob("*.tmp")) and sorted(p.name for p in directory.iterdir()) == ["sub"]
    proc = writer(directory, "last", 0.0)  # the next run cleans what the killed ones left beside DIR
    assert proc.wait(timeout=120) == 0
    assert contents(directory) == {f"last {i}\n" for i in range(12)}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ws.lock", "ws"]


def test_a_second_writer_fails_at_once(tmp_path, capsys):
    directory = tmp_path / "ws"
    first = writer(directory, "first", 0.3)  # holds the lock for about 4 s
    assert first.stdout.readline().strip() == "start"
    time.sleep(0.3)
    started = time.monotonic()
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "12", "--types", "inverse", "-o", str(directory), "--force", "--lang", "en")
    one_line_error(code, err, "another xentlab is writing into")
    assert time.monotonic() - started < 3.5 and first.poll() is None  # refused while the first still writes
    assert first.wait(timeout=120) == 0
    assert contents(directory) == {f"first {i}\n" for i in range(12)}


def test_force_keeps_the_users_other_files(tmp_path, capsys):
    directory = tmp_path / "ws"
    directory.mkdir()
    (directory / "notes.txt").write_text("mine", "utf-8")
    (directory / "key.json").write_text("stale", "utf-8")
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "12", "--types", "inverse", "-o", str(directory), "--force")
    assert code == 0, err
    assert (directory / "notes.txt").read_text("utf-8") == "mine" and (directory / "key.json").read_text("utf-8") != "stale"
    code, _, err = run(capsys, "worksheet", "--count", "2", "--seed", "12", "--types", "inverse", "-o", str(directory), "--lang", "en")
    one_line_error(code, err, "not empty")
