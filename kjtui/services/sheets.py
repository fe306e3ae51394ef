"""Spreadsheets in and out: the county's exports (XLSX from newer marketing systems, CSV in GBK
from older ones, UTF-8 with or without a BOM from anything else) read into rows of cells, and
empty templates written with their headers.

XLSX (and XLS, ODS) is read with python-calamine (100,000 rows in about 1 s, ten times faster
than openpyxl's read-only mode) and written with XlsxWriter. Both load only when a sheet is read
or written, never at start-up.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kjtui.exception import KjtuiError

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXTS = (".csv", ".txt", ".tsv")


@dataclass
class Sheet:
    """The first sheet of a file: its header cells and its rows, each with the row number a
    spreadsheet program shows (the header is row 1; blank rows are skipped, never renumbered)."""

    path: str
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number, cells)
    encoding: str = ""  # for a text file: the encoding it was read in


def read(path: str | Path) -> Sheet:
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        raise KjtuiError("sheet.missing", path=str(p))
    if suffix in WORKBOOKS:
        table, encoding = _read_workbook(p), ""
    elif suffix in TEXTS:
        table, encoding = _read_text(p)
    else:
        raise KjtuiError("sheet.unknown_format", path=str(p), suffix=suffix or "—")
    header_at = next((i for i, cells in enumerate(table) if any(_present(c) for c in cells)), None)
    if header_at is None:
        raise KjtuiError("sheet.empty", path=str(p))
    headers = [cell_text(c) for c in table[header_at]]
    rows = [(i + 1, cells) for i, cells in enumerate(table)
            if i > header_at and any(_present(c) for c in cells)]
    return Sheet(str(p), headers, rows, encoding)


def _present(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _read_workbook(p: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(p))
        if not book.sheet_names:
            raise KjtuiError("sheet.empty", path=str(p))
        # skip_empty_area=False keeps the row numbers the person sees in the program
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except KjtuiError:
        raise
    except Exception as exc:  # calamine raises its own error types for a damaged file
        raise KjtuiError("sheet.unreadable", path=str(p), reason=str(exc) or type(exc).__name__) \
            from exc


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM says which; else UTF-8 if the bytes are valid UTF-8, else
    GB18030 (a superset of GBK and GB2312, what older Chinese systems export)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"  # Excel's "Unicode text"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise KjtuiError("sheet.bad_encoding", at=exc.start) from exc


def _read_text(p: Path) -> tuple[list[list], str]:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise KjtuiError("sheet.unreadable", path=str(p), reason=exc.strerror or str(exc)) from exc
    try:
        text, encoding = decode(data)
    except KjtuiError as exc:
        raise KjtuiError("sheet.bad_encoding_file", path=str(p), **exc.params) from exc
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding
    except csv.Error as exc:
        raise KjtuiError("sheet.unreadable", path=str(p), reason=str(exc)) from exc


def cell_text(cell, fold: bool = False) -> str:
    """A cell as the text a person typed: trimmed, a whole number read by the program as
    431322100001.0 given back as 431322100001, a date as YYYY-MM-DD. `fold`: full-width letters,
    digits and signs made half-width (NFKC), for codes, numbers and dates, never for names."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime):
        return (cell.date() if cell.time() == datetime.min.time() else cell).isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return (unicodedata.normalize("NFKC", str(cell)) if fold else str(cell)).strip()


def write_template(path: str | Path, title: str, headers: list[str], text_columns: set[int],
                   notes: list[list[str]], notes_title: str, rows: list[list] = ()) -> str:
    """An empty sheet (or one with `rows`) with `headers`; XLSX, or CSV in UTF-8 with a BOM
    (which Excel opens as UTF-8) when the name ends in .csv. In XLSX the columns of codes and
    licence numbers are text, so the program keeps their digits, and a second sheet explains
    every column (`notes`, its first row the headings)."""
    p = Path(path)
    if not p.parent.is_dir():
        raise KjtuiError("sheet.no_folder", path=str(p.parent))
    try:
        if p.suffix.lower() in TEXTS:
            with open(p, "w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(headers)
                out.writerows(rows)
            return str(p)
        if p.suffix.lower() != ".xlsx":
            raise KjtuiError("sheet.unknown_format", path=str(p), suffix=p.suffix or "—")
        _write_xlsx(p, title, headers, text_columns, notes, notes_title, rows)
    except OSError as exc:
        raise KjtuiError("sheet.cannot_write", path=str(p), reason=exc.strerror or str(exc)) \
            from exc
    return str(p)


def _write_xlsx(p, title, headers, text_columns, notes, notes_title, rows) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(p), {"constant_memory": True, "strings_to_numbers": False})
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = book.add_format({"num_format": "@"})
        sheet = book.add_worksheet(title[:31])
        for i, h in enumerate(headers):
            sheet.set_column(i, i, max(10, 2 * len(h) + 2), text if i in text_columns else None)
        for i, h in enumerate(headers):
            sheet.write_string(0, i, h, bold)
        sheet.freeze_panes(1, 0)
        for r, cells in enumerate(rows, start=1):
            for i, v in enumerate(cells):
                if isinstance(v, str):
                    sheet.write_string(r, i, v)
                elif v is not None:
                    sheet.write(r, i, v)
        if notes:
            info = book.add_worksheet(notes_title[:31])
            for i in range(len(notes[0])):
                info.set_column(i, i, 16 if i < len(notes[0]) - 1 else 70)
            for r, cells in enumerate(notes):
                for i, v in enumerate(cells):
                    info.write_string(r, i, v, bold if r == 0 else None)
    finally:
        book.close()
