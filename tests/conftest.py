import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run (a landing must not depend on luck); locally hypothesis
# keeps exploring new ones.  Set HYPOTHESIS_PROFILE=ci to reproduce a CI run.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def golden(request):
    """golden(relpath, text): compare with tests/golden/relpath (rewritten under --update-golden)."""
    update = request.config.getoption("--update-golden")

    def check(relpath: str, text: str) -> None:
        path = GOLDEN / relpath
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run `make golden` and review the diff"
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}; if intended, run `make golden`"

    return check


def lualatex_or_skip():
    exe = shutil.which("lualatex")
    if exe is None and os.environ.get("XENTLAB_REQUIRE_PDF"):
        pytest.fail("lualatex is required here (XENTLAB_REQUIRE_PDF is set) but not installed")
    if exe is None:
        pytest.skip("lualatex is not installed (CI installs it: apt-get install texlive-luatex texlive-lang-japanese texlive-latex-recommended texlive-pictures latexmk)")
    return exe


def run(capsys, *args):
    """(exit status, stdout, stderr) of `xentlab *args`, in-process, through the real entry point."""
    from xentlab.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = done.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, *needles):
    """A command error: exit status 2 and one line on stderr naming each needle, no traceback."""
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("xentlab: error:") and "Traceback" not in err, err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
