"""What every report is before it has a format: tables of typed cells (one sheet each in XLSX),
charts (inline SVG in HTML), the signature lines of a paper page, and the data the services
returned (the JSON). A report with several sections (one a manager) prints each on its own page;
XLSX and CSV put the sections' rows of a table in one sheet, with a first column naming the
section."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

KINDS = ("text", "int", "float", "date", "datetime", "time")  # time: a datetime shown HH:MM


@dataclass(frozen=True)
class Column:
    label: str  # the header, in the run's language
    kind: str = "text"  # one of KINDS: the cell's type in XLSX, its alignment in HTML
    decimals: int | None = 2  # for "float"; None: as the service rounded it


@dataclass
class Table:
    key: str  # stable English name: the sheet's order, the CSV's choice
    title: str  # the sheet's name and the HTML heading
    columns: list[Column]
    rows: list[tuple]
    pairs: bool = False  # a list of figures (label, value[, unit]): HTML shows it as a list
    empty: str = ""  # what HTML says when there is no row


@dataclass(frozen=True)
class Chart:
    """Bars, one a label: drawn as inline SVG in HTML (nothing in XLSX or CSV)."""

    title: str
    labels: list[str]
    values: list[float | None]
    top: float | None = None  # the axis' top (100 for a score); None: the largest value


@dataclass
class Section:
    heading: str  # one manager ("XH01 曾亮军"), or the report's own subject
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # sentences under the heading
    signatures: list[str] = field(default_factory=list)  # who signs this page, a line each


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str  # the period, and what the figures are as of
    stem: str  # a file name without suffix, e.g. "月度考核-2026-03"
    data: dict  # what the services returned, as plain JSON values
    sections: list[Section]
    by: str = ""  # the first column's header when several sections share a sheet
    main: str = ""  # the table CSV writes (the first table when empty)

    def tables(self) -> list[Table]:
        """Each table key once, in order, with the rows of every section (a first cell naming
        the section when there are several)."""
        several = len(self.sections) > 1
        merged: dict[str, Table] = {}
        for s in self.sections:
            for t in s.tables:
                if t.key not in merged:
                    columns = ([Column(self.by)] if several else []) + list(t.columns)
                    merged[t.key] = dataclasses.replace(t, columns=columns, rows=[])
                merged[t.key].rows.extend((s.heading, *r) if several else tuple(r)
                                          for r in t.rows)
        return list(merged.values())

    def main_table(self) -> Table | None:
        tables = self.tables()
        return next((t for t in tables if t.key == self.main), tables[0] if tables else None)


def plain(value):
    """A service's value as JSON: dataclasses as objects, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value
