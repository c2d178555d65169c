"""A small soak of `xentlab grade` (the 10⁵-answer one is in `make bench`): hostile names and answers,
CR/LF/quotes/NUL/formula cells, odd item numbers, short and long rows, 100 KB cells. Every row comes
back in place, nothing crashes, every check ends within the time limit."""

import importlib.util
import json
from pathlib import Path

from conftest import run

DATA = Path(__file__).parent / "data"


def corpus():
    spec = importlib.util.spec_from_file_location("grading_corpus", DATA / "grading_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_soak_two_thousand_rows(tmp_path, capsys):
    code, _, err = run(capsys, "worksheet", "--count", "12", "--seed", "3", "-o", str(tmp_path / "ws"))
    assert code == 0, err
    key = json.loads((tmp_path / "ws" / "key.json").read_text("utf-8"))
    module = corpus()
    rows = module.responses(key, 2000, seed=1, big_cells=2)
    result = module.soak(tmp_path / "ws" / "key.json", rows, tmp_path)
    assert (result["rows"], result["crashes"], result["lost_or_moved"], result["over_limit"]) == (2000, 0, 0, 0), result
    assert all(result["statuses"][s] > 0 for s in ("correct", "incorrect", "invalid", "superseded")), result
