"""A report (kjtui.reports.model) as bytes in one of the formats the county office uses:

- json: the services' data, UTF-8.
- csv: the report's main table, UTF-8 with a BOM (a spreadsheet program then opens Chinese
  right) or GBK on request; a text cell starting with = + - @ (or a tab, a carriage return) gets a
  leading ' so that no spreadsheet runs a shop name as a formula.
- xlsx: one sheet a table, Chinese headers, widths from the content, the header row frozen and
  repeated on each printed page, numbers as numbers and dates as dates; XlsxWriter never turns a
  text into a formula or a link.
- html: one self-contained A4 page a section (styles inline, no network, CJK fonts by family
  name, bars as inline SVG), from a Jinja2 template with autoescaping: every shop name and note
  is user text.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from kjtui import i18n
from kjtui.exception import KjtuiError
from kjtui.reports.model import Chart, Column, Report, Table

FORMATS = ("json", "csv", "xlsx", "html")
ENCODINGS = ("utf-8", "gbk")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report, fmt: str, *, encoding: str = "utf-8") -> bytes:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report, encoding)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "html":
        return to_html(report)
    raise KjtuiError("report.bad_format", value=fmt, formats=", ".join(FORMATS))


# --- text of a cell -------------------------------------------------------------------------


def cell_text(value, column: Column | None = None) -> str:
    """A cell as a person reads it (CSV, HTML): no value is empty, never 0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.t("rep.yes") if value else i18n.t("rep.no")
    if isinstance(value, datetime):
        return value.strftime("%H:%M" if column is not None and column.kind == "time"
                              else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        decimals = column.decimals if column is not None and column.kind == "float" else None
        return f"{value:.{decimals}f}" if decimals is not None else f"{value:.10g}"
    return str(value)


def defused(text: str) -> str:
    """A text cell a spreadsheet will not run (CSV formula injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


# --- JSON, CSV ----------------------------------------------------------------------------------


def to_json(report: Report) -> bytes:
    return (json.dumps(report.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(report: Report, encoding: str = "utf-8") -> bytes:
    table = report.main_table()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if table is not None:
        w.writerow([defused(c.label) for c in table.columns])
        for row in table.rows:
            w.writerow([defused(cell_text(v, c)) if isinstance(v, str) else cell_text(v, c)
                        for v, c in zip(row, table.columns)])
    text = buf.getvalue()
    if encoding == "gbk":
        try:
            return text.encode("gbk")
        except UnicodeEncodeError as exc:
            raise KjtuiError("report.not_gbk", char=exc.object[exc.start:exc.end]) from None
    return text.encode("utf-8-sig")


# --- XLSX ---------------------------------------------------------------------------------------

SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(SHEET_FORBIDDEN).strip("'")[:31] or "sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def to_xlsx(report: Report) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False,
                                   "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"title": f"{report.title} {report.subtitle}".strip(),
                       "comments": "kjtui"})
    header = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top",
                            "bg_color": "#EEEEEE"})
    formats = {
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "time": wb.add_format({"num_format": "hh:mm"}),
        "int": wb.add_format({"num_format": "0"}),
    }
    decimals: dict[int | None, object] = {}
    taken: set[str] = set()
    for table in report.tables():
        ws = wb.add_worksheet(_sheet_name(table.title, taken))
        ws.set_paper(9)  # A4
        if len(table.columns) > 6:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.freeze_panes(1, 0)
        widths = [i18n.display_width(c.label) for c in table.columns]
        for j, c in enumerate(table.columns):
            ws.write_string(0, j, c.label, header)
        for i, row in enumerate(table.rows, start=1):
            for j, (value, c) in enumerate(zip(row, table.columns)):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_string(i, j, cell_text(value))
                elif isinstance(value, datetime):
                    ws.write_datetime(i, j, value, formats["time" if c.kind == "time"
                                                          else "datetime"])
                elif isinstance(value, date):
                    ws.write_datetime(i, j, datetime.combine(value, datetime.min.time()),
                                      formats["date"])
                elif isinstance(value, int):
                    ws.write_number(i, j, value, formats["int"])
                elif isinstance(value, float):
                    places = c.decimals if c.kind == "float" else None
                    if places not in decimals:
                        decimals[places] = wb.add_format(
                            {} if places is None else {"num_format": "0." + "0" * places
                                                       if places else "0"})
                    ws.write_number(i, j, value, decimals[places])
                else:
                    ws.write_string(i, j, str(value))
                widths[j] = max(widths[j], i18n.display_width(cell_text(value, c)))
        for j, w in enumerate(widths):
            ws.set_column(j, j, min(max(w, 4), 60) + 2)
        if table.rows:
            ws.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    wb.close()
    return buf.getvalue()


# --- HTML ---------------------------------------------------------------------------------------


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # autoescape for every template whatever its name: shop names and notes are user text
    return Environment(loader=PackageLoader("kjtui.reports", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def bars(chart: Chart, width: int = 640, height: int = 160) -> dict:
    """A chart's geometry for the template: numbers and the labels (escaped there)."""
    values = [v or 0.0 for v in chart.values]
    top = chart.top or max(values + [1.0])
    n = max(len(values), 1)
    slot = width / n
    base = height - 18
    out = []
    for i, (label, v) in enumerate(zip(chart.labels, chart.values)):
        h = 0.0 if v is None else (base - 14) * min(v, top) / top
        out.append({"x": round(i * slot + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                    "y": round(base - h, 1), "h": round(h, 1), "cx": round((i + 0.5) * slot, 1),
                    "label": label, "value": "—" if v is None else cell_text(v),
                    "ty": round(base - h - 3, 1)})
    return {"title": chart.title, "width": width, "height": height, "base": base,
            "bars": out}


WIDE = 10  # a table of more columns prints its page in landscape, in a smaller type
NOWRAP = 12  # a column whose every cell is at most this wide (display cells) never wraps


def classes(table: Table) -> list[str]:
    """Each column's HTML class: numbers right-aligned, short columns kept on one line."""
    out = []
    for j, c in enumerate(table.columns):
        names = ["num"] if c.kind in ("int", "float") else []
        if all(i18n.display_width(cell_text(r[j], c)) <= NOWRAP for r in table.rows):
            names.append("nw")
        out.append(" ".join(names))
    return out


def to_html(report: Report) -> bytes:
    env = _environment()
    template = env.get_template("report.html")

    def cell(value, column):
        return cell_text(value, column)

    html = template.render(
        report=report, lang=i18n.language(), cell=cell, bars=bars, classes=classes,
        wide=lambda section: any(len(t.columns) > WIDE for t in section.tables),
        words={"signature": i18n.t("rep.signature"), "date": i18n.t("rep.date"),
               "made": i18n.t("rep.made_by")})
    return html.encode("utf-8")


__all__ = ["FORMATS", "ENCODINGS", "Table", "render", "cell_text", "defused"]
