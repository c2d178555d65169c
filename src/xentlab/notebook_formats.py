"""An Assignment (notebook.py) laid out as cells: Otter-Grader's master format, nbgrader's source
format, and the student's version of each.

Otter (https://otter-grader.readthedocs.io, "Creating Assignments", v5+ notebook format): raw cells
`# ASSIGNMENT CONFIG`, `# BEGIN QUESTION` … `# END QUESTION`, `# BEGIN SOLUTION`, `# BEGIN TESTS`;
tests in the exception-based ("Python") format (`tests: ok_format: false`): a test cell is a
`# BEGIN TEST CONFIG` docstring (points, hidden, failure_message), one function and its call.
Solution lines end in `# SOLUTION`, or sit between `# BEGIN SOLUTION` and `# END SOLUTION`.

nbgrader (https://nbgrader.readthedocs.io, "Creating and grading assignments" and the cell metadata
schema v3): solution cells {"solution": true, "grade": false} with `### BEGIN SOLUTION` regions;
autograder test cells {"grade": true, "locked": true, "points"} with `### BEGIN HIDDEN TESTS` regions;
every grade_id unique and made of [A-Za-z0-9_-].
"""

from __future__ import annotations

import json

METADATA = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}}


class _Cells:
    """Cells numbered in order, so their ids (required since nbformat 4.5) are the same every run."""

    def __init__(self):
        self.cells: list = []

    def add(self, kind: str, source: str, metadata: dict | None = None):
        import nbformat

        factory = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell, "raw": nbformat.v4.new_raw_cell}[kind]
        cell = factory(source, metadata=metadata or {})
        cell["id"] = f"xentlab-{len(self.cells) + 1:03d}"
        self.cells.append(cell)
        return cell

    def notebook(self):
        import nbformat

        book = nbformat.v4.new_notebook(cells=self.cells, metadata=json.loads(json.dumps(METADATA)))
        book["nbformat_minor"] = 5
        return book


def dumps(book) -> str:
    import nbformat

    nbformat.validate(book)
    return nbformat.writes(book) + "\n"


def _header(cells: _Cells, assignment, setup_heading: str, metadata=None):
    cells.add("markdown", f"# {assignment.title}\n\n{assignment.intro}", metadata and metadata("intro"))
    cells.add("markdown", f"## {setup_heading}", metadata and metadata("setup-heading"))
    cells.add("code", "\n".join(assignment.setup), metadata and metadata("setup"))


def _prompt(question) -> str:
    return f"## {question.heading}\n\n" + "\n\n".join(question.prompt)


# --- Otter ---------------------------------------------------------------------------------------

OTTER_CONFIG = """# ASSIGNMENT CONFIG
name: xentlab
init_cell: true
check_all_cell: false
export_cell: false
generate: true
tests:
  ok_format: false
  files: false"""


def _otter_solution(question) -> str:
    start, end = question.region
    lines = question.solution
    if end - start == 1 and start == 0:
        return f"{lines[0]}  # SOLUTION"
    indent = " " * (len(lines[start]) - len(lines[start].lstrip()))
    return "\n".join(lines[:start] + [f"{indent}# BEGIN SOLUTION"] + lines[start:end] + [f"{indent}# END SOLUTION"] + lines[end:])


def _otter_test(test) -> str:
    config = {"hidden": test.hidden, "points": test.points, "failure_message": test.message}
    header = '""" # BEGIN TEST CONFIG\n' + "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in config.items())
    body = "\n".join(f"    {line}" for line in test.lines)
    args = ", ".join(test.args)
    return f'{header}\n""" # END TEST CONFIG\ndef test_{test.name}({args}):\n{body}\n\ntest_{test.name}({args})'


def otter_master(assignment, setup_heading: str):
    cells = _Cells()
    cells.add("raw", OTTER_CONFIG)
    _header(cells, assignment, setup_heading)
    for q in assignment.questions:
        cells.add("raw", f"# BEGIN QUESTION\nname: {q.name}")
        cells.add("markdown", _prompt(q))
        cells.add("raw", "# BEGIN SOLUTION")
        cells.add("code", _otter_solution(q))
        cells.add("raw", "# END SOLUTION")
        cells.add("raw", "# BEGIN TESTS")
        for test in q.tests:
            cells.add("code", _otter_test(test))
        cells.add("raw", "# END TESTS")
        cells.add("raw", "# END QUESTION")
    return cells.notebook()


def _stub(question, placeholder: list[str], region: tuple[int, int] | None = None) -> str:
    """The solution with the student's part replaced by the placeholder (indented like it)."""
    start, end = region or question.region
    lines = question.solution
    indent = " " * (len(lines[start]) - len(lines[start].lstrip()))
    if start == 0 and end == 1 and "=" in lines[0]:
        return lines[0].split("=", 1)[0] + "= ..." if placeholder == ["..."] else "\n".join(placeholder)
    return "\n".join(lines[:start] + [indent + p for p in placeholder] + lines[end:])


def otter_student(assignment, setup_heading: str):
    """What `otter assign` hands students, without Otter's own cells: solutions are `...`, hidden tests gone."""
    cells = _Cells()
    _header(cells, assignment, setup_heading)
    for q in assignment.questions:
        cells.add("markdown", _prompt(q))
        cells.add("code", _stub(q, ["..."]))
        for test in q.tests:
            if not test.hidden:
                cells.add("code", _plain_test(test))
    return cells.notebook()


def _plain_test(test) -> str:
    return "\n".join(test.lines)


# --- nbgrader ------------------------------------------------------------------------------------

def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _locked(name: str) -> dict:
    return _nbgrader(name, locked=True)


NBGRADER_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


def _nbgrader_region(question) -> tuple[int, int]:
    return question.nbgrader_region or question.region


def _nbgrader_solution(question) -> str:
    start, end = _nbgrader_region(question)
    lines = question.solution
    indent = " " * (len(lines[start]) - len(lines[start].lstrip()))
    return "\n".join(lines[:start] + [f"{indent}### BEGIN SOLUTION"] + lines[start:end] + [f"{indent}### END SOLUTION"] + lines[end:])


def _nbgrader_tests(question, with_hidden: bool) -> str:
    public = [line for t in question.tests if not t.hidden for line in t.lines]
    hidden = [line for t in question.tests if t.hidden for line in t.lines]
    lines = list(dict.fromkeys(public))  # the probe's import and call once, then every assertion
    if hidden:
        lines += ["### BEGIN HIDDEN TESTS", *hidden, "### END HIDDEN TESTS"] if with_hidden else []
    return "\n".join(lines)


def _nbgrader_cells(assignment, setup_heading: str, student: bool):
    cells = _Cells()
    _header(cells, assignment, setup_heading, metadata=_locked)
    for q in assignment.questions:
        cells.add("markdown", _prompt(q), _locked(f"{q.name}-prompt"))
        code = _stub(q, NBGRADER_STUB, _nbgrader_region(q)) if student else _nbgrader_solution(q)
        cells.add("code", code, _nbgrader(f"{q.name}-answer", solution=True))
        points = sum(t.points for t in q.tests)
        cells.add("code", _nbgrader_tests(q, not student), _nbgrader(f"{q.name}-tests", grade=True, locked=True, points=points))
    return cells.notebook()


def nbgrader_source(assignment, setup_heading: str):
    return _nbgrader_cells(assignment, setup_heading, student=False)


def nbgrader_student(assignment, setup_heading: str):
    """Like `nbgrader generate_assignment`'s release, without its checksums: solution regions stubbed,
    hidden tests removed."""
    return _nbgrader_cells(assignment, setup_heading, student=True)
