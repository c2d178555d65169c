"""Every example in README.md runs as written after `make demo`: the commands of its ```sh and
```console blocks are taken from the README itself and run, in order, in a copy of the project where
tools/demo.sh has written output/; a `$ ` command's printed lines (other than "...") must appear in
what it prints."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def examples() -> list[tuple[list[str], list[str]]]:
    """(command words, expected output lines) for every xentlab command in a sh or console block.
    A block that starts with `$ ` is a terminal session: its other lines are what the command prints."""
    found: list[tuple[list[str], list[str]]] = []
    command = re.compile(r"([A-Z_]+=\S+ )*(\.venv/bin/)?xentlab\b")
    for block in re.findall(r"```(?:sh|console)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S):
        session = block.startswith("$ ")
        for line in block.splitlines():
            if session and line.startswith("$ ") and command.match(line[2:]):
                found.append((shlex.split(line[2:], comments=True), []))
            elif session and found and line.strip() and line.strip() != "...":
                found[-1][1].append(line)
            elif not session and command.match(line):
                found.append((shlex.split(line, comments=True), []))
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project's data with output/ written by tools/demo.sh, and `xentlab` on PATH."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "tests" / "data", root / "tests" / "data")
    (root / "bin").mkdir()
    wrapper = root / "bin" / "xentlab"
    wrapper.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m xentlab \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "xentlab").symlink_to(wrapper)
    env = {**os.environ, "PATH": f"{root / 'bin'}:{os.environ.get('PATH', '')}"}
    env.pop("LANG", None), env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)
    proc = subprocess.run(["bash", str(ROOT / "tools" / "demo.sh"), str(wrapper), "output"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root, env


def test_the_readme_has_examples_to_run():
    commands = [" ".join(words) for words, _ in examples()]
    assert len(commands) >= 12
    assert any("check --key output/ws-demo-ja/key.json" in c for c in commands)  # a path `make demo` creates


def test_every_readme_example_runs_as_written(project):
    root, env = project
    failures = []
    for words, expected in examples():
        assignments = [w for w in words if re.fullmatch(r"[A-Z_]+=\S*", w)]
        words = [w for w in words if w not in assignments]
        if "--pdf" in words and shutil.which("lualatex") is None:
            continue  # needs TeX (tests/test_pdf.py says so where it is missing)
        run_env = {**env, **dict(a.split("=", 1) for a in assignments)}
        proc = subprocess.run(["xentlab" if words[0].endswith("xentlab") else words[0], *words[1:]], cwd=root, env=run_env,
                              capture_output=True, text=True, timeout=600)
        printed = proc.stdout + proc.stderr
        is_error_example = any("error:" in line or "エラー：" in line for line in expected)
        if (proc.returncode != 0) != is_error_example:
            failures.append(f"{' '.join(words)}: exit {proc.returncode}: {printed[-300:]}")
        for line in expected:
            if line.strip() not in printed:
                failures.append(f"{' '.join(words)}: does not print {line.strip()!r}")
    assert not failures, "\n".join(failures)
