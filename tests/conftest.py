import os
import shutil
from pathlib import Path

import pytest

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
