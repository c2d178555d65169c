"""A class's responses as a table, read from what a teacher has and written back for a spreadsheet.

Reading: a CSV in UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM, or CP932
(Shift_JIS, the "CSV" of Japanese Excel), detected deterministically; or an .xlsx workbook (its
first sheet) through openpyxl. Every cell is kept exactly as read.

Writing: RFC 4180 CSV (CRLF, quoting where needed) in UTF-8 with a BOM so Excel shows Japanese,
every cell a spreadsheet would evaluate escaped with a leading apostrophe (encode.for_spreadsheet);
or an .xlsx workbook in which every cell is a string or a number, never a formula.
This module returns text and bytes; only the CLI and files.py write files.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path

from xentlab.errors import InputError

MAX_BYTES = 256 * 2**20  # a responses file
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELL = 2**20  # characters in one cell (a 100 KB answer is kept; a 1 MB one is refused)
MAX_XLSX_UNPACKED = 256 * 2**20  # an .xlsx's parts, unpacked: openpyxl reads the shared strings whole
EXCEL_CELL = 32_767  # characters Excel holds in one cell
ENCODINGS = "UTF-8, UTF-16, CP932 (Shift_JIS)"
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    header: list
    rows: list[list]  # cells as read: str (CSV) or str / int / float (.xlsx)
    source: str  # "utf-8", "utf-8-sig", "utf-16", "cp932" or "xlsx"
    number_text: dict = field(default_factory=dict)  # (row, column) → a number as the sheet showed it


def is_xlsx(path: Path) -> bool:
    return Path(path).suffix.lower() in XLSX_SUFFIXES


def read(path: Path) -> Table:
    """The responses at `path`, by extension: .xlsx through openpyxl, anything else as a CSV."""
    path = Path(path)
    if not path.is_file():  # say what is wrong: a folder, or nothing at all
        raise InputError(key="responses_is_directory" if path.is_dir() else "responses_missing", path=str(path))
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(key="responses_too_large", path=str(path), limit=MAX_BYTES)
    data = path.read_bytes()
    if is_xlsx(path):
        return read_xlsx(data, str(path))
    text, encoding = decode(data, str(path))
    del data  # the text replaces it: peak memory stays near the rows themselves
    return Table(*parse_csv(text, str(path)), source=encoding)


# --- CSV ----------------------------------------------------------------------------------------


def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """(text, encoding). A BOM decides (UTF-8, UTF-16 LE/BE); else strict UTF-8; else strict CP932.
    Bytes that are neither, or that look like UTF-16 without its BOM, are refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path), "utf-16"
    if data[:200].count(b"\x00") * 4 > min(len(data), 200):  # every other byte 0: UTF-16 with its BOM lost
        raise InputError(key="responses_encoding_ambiguous", path=path, encodings=ENCODINGS)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            raise InputError(key="responses_not_text", path=path, byte=utf8.start, encodings=ENCODINGS) from None


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(key="responses_not_text", path=path, byte=error.start, encodings=ENCODINGS) from None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str):
    """The text's lines with their endings (CRLF, CR or LF), as io.StringIO(newline="") gives them,
    one at a time: StringIO would first copy the whole text at 4 bytes a character."""
    for match in _LINE.finditer(text):
        yield match.group()


@contextlib.contextmanager
def _field_limit(limit: int):
    previous = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def parse_csv(text: str, path: str = "") -> tuple[list[str], list[list[str]]]:
    """(header, rows), every cell exactly as the CSV holds it (quotes undone, nothing trimmed)."""
    reader = csv.reader(_lines(text), strict=False)
    rows: list[list[str]] = []
    try:
        with _field_limit(MAX_CELL):
            for cells in reader:
                if len(rows) > MAX_ROWS:
                    raise InputError(key="responses_too_many_rows", path=path, limit=MAX_ROWS)
                if len(cells) > MAX_COLUMNS:
                    raise InputError(key="responses_too_many_columns", path=path, row=len(rows) + 1, limit=MAX_COLUMNS)
                rows.append(cells)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputError(key="responses_cell_too_large", path=path, row=len(rows) + 1, limit=MAX_CELL) from None
        raise InputError(key="responses_not_csv", path=path, row=len(rows) + 1, error=str(error)) from None
    if not rows:
        raise InputError(key="responses_empty", path=path)
    return rows[0], rows[1:]


def csv_chunks(header: list, rows, added_header: list[str], added_rows, width: int):
    """graded.csv as RFC 4180 text chunks (one per record): the header padded to `width`, then
    each row's cells as read, padded to `width`, and its added cells."""
    from xentlab.encode import csv_record

    yield csv_record([_text(c) for c in header] + [""] * (width - len(header)) + added_header)
    for cells, added in zip(rows, added_rows):
        yield csv_record([_text(c) for c in cells] + [""] * (width - len(cells)) + [_text(a) for a in added])


def _text(cell) -> str:
    if isinstance(cell, str):
        return cell
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell) if math.isfinite(cell) else str(cell)
    return str(cell)


# --- .xlsx --------------------------------------------------------------------------------------


def read_xlsx(data: bytes, path: str = "") -> Table:
    """The first worksheet. Cached values, never formulas; strings unescaped as Excel reads them
    (_x000D_ is CR); numbers kept as numbers, with the text the cell's number format shows."""
    import zipfile

    import openpyxl

    from xentlab.encode import from_xlsx

    try:
        # A few MB can unpack to gigabytes (a zip bomb). zipfile never reads past a part's declared
        # size, so the declared sizes bound what openpyxl will unpack.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise InputError(key="responses_xlsx_too_large", path=path, limit=MAX_XLSX_UNPACKED // 2**20)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError(key="responses_not_xlsx", path=path, error=type(error).__name__) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list] = []
        shown: dict = {}
        for r, cells in enumerate(sheet.iter_rows()):
            if len(rows) > MAX_ROWS:
                raise InputError(key="responses_too_many_rows", path=path, limit=MAX_ROWS)
            if len(cells) > MAX_COLUMNS:
                raise InputError(key="responses_too_many_columns", path=path, row=r + 1, limit=MAX_COLUMNS)
            row = []
            for c, cell in enumerate(cells):
                value = cell.value
                if isinstance(value, str):  # openpyxl cuts a cell at Excel's 32,767 characters, below MAX_CELL
                    value = from_xlsx(value)
                elif isinstance(value, bool):
                    value = "TRUE" if value else "FALSE"
                elif isinstance(value, (int, float)):
                    shown[(r, c)] = number_as_shown(value, getattr(cell, "number_format", "General"))
                elif value is not None:
                    value = value.isoformat() if hasattr(value, "isoformat") else str(value)
                row.append("" if value is None else value)
            while row and row[-1] == "":  # read-only sheets pad rows to the widest one
                row.pop()
            rows.append(row)
    finally:
        workbook.close()
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        raise InputError(key="responses_empty", path=path)
    header = [_text(c) for c in rows[0]]
    body = rows[1:]
    number_text = {(r - 1, c): text for (r, c), text in shown.items() if r > 0}
    return Table(header, body, "xlsx", number_text)


def number_as_shown(value: int | float, number_format: str | None) -> str:
    """A number as the sheet shows it: "0.000" keeps three decimals (1.10 stays 1.10, which
    matters for significant figures), "0.0%" shows 0.755 as 75.5% (what the student typed into
    the cell, and a percent is never a loss); rounded half away from zero on the decimal, as Excel
    shows it. Any other format gives the shortest exact text."""
    fmt = (number_format or "General").split(";")[0]
    percent = fmt.endswith("%")
    digits = fmt[:-1] if percent else fmt
    if digits.startswith("0") and set(digits) <= set("0.") and digits.count(".") <= 1:
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        exact = Decimal(value if isinstance(value, int) else repr(value)) * (100 if percent else 1)
        shown = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=Context(prec=400))
        return f"{shown}%" if percent else str(shown)
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def xlsx_bytes(header: list, rows, added_header: list[str], added_rows, width: int, sheet_title: str = "graded") -> bytes:
    """An .xlsx workbook: every cell a string (data type "s", so "=…" stays text) or a number;
    control characters written as Excel's _xHHHH_. A cell longer than Excel holds is refused."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    from xentlab.encode import for_xlsx

    for cells in [header, *rows]:  # before the workbook exists: a refusal leaves nothing half-built
        for value in cells:
            if isinstance(value, str) and len(value) > EXCEL_CELL // 7 and len(for_xlsx(value)) > EXCEL_CELL:
                raise InputError(key="xlsx_cell_too_long", limit=EXCEL_CELL)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)

    def cell(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return WriteOnlyCell(sheet, value=value)
        text = for_xlsx(_text(value))
        if not text:
            return WriteOnlyCell(sheet, value=None)  # an empty cell, as the sheet had it
        if len(text) > EXCEL_CELL:
            raise InputError(key="xlsx_cell_too_long", limit=EXCEL_CELL)
        made = WriteOnlyCell(sheet, value=None)
        made.value = text
        made.data_type = "s"  # set after the value: openpyxl would read "=…" as a formula
        return made

    sheet.append([cell(c) for c in list(header) + [""] * (width - len(header)) + added_header])
    for cells, added in zip(rows, added_rows):
        sheet.append([cell(c) for c in list(cells) + [""] * (width - len(cells)) + list(added)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
