"""What `xentlab check --steps FILE` and `check --key … --answer FILE` need from this package:
reading a derivation from a file or standard input, and running the check. Only the CLI calls
this; errors are keyed (templates/<lang>/errors.j2, block "issue 14")."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from xentlab.errors import InputError, UsageError

MAX_BYTES = 100_000
ENCODINGS = "UTF-8, UTF-16"


def read_derivation(path: str) -> str:
    """The text of FILE, or of standard input for '-'. UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        shown = "-"
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(key="steps_file_missing", path=str(path))
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        shown = str(path)
    if len(data) > MAX_BYTES:
        raise InputError(key="steps_too_large", path=shown, limit=MAX_BYTES)
    for bom, encoding in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(key="steps_not_text", path=shown, encodings=ENCODINGS) from None


def values_from(y: str | None, t: str | None) -> dict | None:
    from xentlab.solve import parse_matrix

    values = {}
    for name, text in (("y", y), ("t", t)):
        if text is None:
            continue
        matrix = parse_matrix(text, f"--{name}")
        rows = matrix.tolist() if matrix.ndim == 2 else [matrix.tolist()]
        if not all(math.isfinite(v) for row in rows for v in row):
            raise InputError(key="steps_bad_values", option=f"--{name}")
        values[name] = rows
    return values or None


def run(path: str, *, start: str | None, kind: str | None, y: str | None, t: str | None, fmt: str, lang: str,
        other_modes: list[str]) -> str:
    """The report of `check --steps`, rendered."""
    from xentlab.render import check_format, check_lang
    from xentlab.steps.kinds import ALIASES, KINDS

    check_format(fmt, ("text", "md", "tex", "json"))
    check_lang(lang)
    if other_modes:
        raise UsageError(key="steps_with_other_mode", modes=", ".join(other_modes))
    if kind is not None and ALIASES.get(kind, kind) not in KINDS:
        raise UsageError(key="steps_unknown_kind", kind=kind, kinds=", ".join(KINDS))
    text = read_derivation(path)
    from xentlab import steps

    report = steps.check(text, values=values_from(y, t), start=start, kind=kind)
    return steps.render(report, fmt, lang)


def answer_text(item, answer: str) -> str:
    """For a derive-lines item, --answer names a file (or '-'), or is the lines themselves (with \\n);
    other items take the text as typed."""
    if getattr(item, "answer_kind", None) != "lines":
        return answer
    if answer == "-" or Path(answer).is_file():
        return read_derivation(answer)
    if "=" not in answer:  # every derivation has an '=': this names a file that is not there
        raise InputError(key="steps_file_missing", path=answer)
    return answer.replace("\\n", "\n")
