"""The month's results as XLSX (`kjtui report month --format xlsx`): the demo's last scored
month of the county (23 managers, a year of records) and of the province (2,300 managers,
master data only: every part missing, every manager still a row).

Two figures a scale, each against its floor measured in the same run on the same file:

- the report, from the records to the XLSX bytes (`kjtui.reports.build("month")` + render):
  floor = the same scores computed (`scoring.compute_month`, the reads that cannot be avoided)
  plus a bare XlsxWriter write of the ranking's rows (one sheet, no format, no width);
- the rendering alone (the model to XLSX: typed cells, widths, frozen header, every sheet):
  floor = a bare XlsxWriter write of the same rows of every sheet.

The median of `reps` runs (3 to 7; the rendering three times as many), the value and its floor
run in turn. Budgets: the province's report within 3× its floor (a report over 2,300 managers,
the issue's figure), the rendering within 2× the bare write at either scale. The county's report
has none: what it adds to the floor is
its content: the records behind each part (`month_report.evidence`), the KPIs
(`kpis.month_kpis`, a pass over the month's visits), the warnings and the recognition."""

from __future__ import annotations

import io
import statistics
import time
from datetime import date

from benchmarks import stations
from benchmarks.core import Figure, need


def _last_scored_month(path, today) -> date:
    import sqlite3

    from kjtui.services.periods import add_months

    con = sqlite3.connect(path)
    try:
        (month,) = con.execute("SELECT MAX(month) FROM monthly_score").fetchone()
    finally:
        con.close()
    if month is None:
        return add_months((today or date.today()).replace(day=1), -1)
    return date.fromisoformat(month[:10])


def _bare(tables) -> bytes:
    """The plainest XLSX of these rows: XlsxWriter, constant memory, no format at all."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    for n, (header, rows) in enumerate(tables):
        ws = wb.add_worksheet(f"s{n}")
        ws.write_row(0, 0, header)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, ["" if v is None else v for v in row])
    wb.close()
    return buf.getvalue()


def _pair(value, floor, reps: int) -> tuple[float, float, object]:
    """Median ms of `value` and of `floor`, run in turn (on a shared machine a slow spell then
    touches both), and the last value's result."""
    times: tuple[list, list] = ([], [])
    out = None
    for _ in range(reps):
        for fn, into in ((value, times[0]), (floor, times[1])):
            t0 = time.perf_counter()
            got = fn()
            into.append(time.perf_counter() - t0)
            out = got if fn is value else out
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000, out


def _one(ctx, scale: str, label: str) -> list[Figure]:
    from kjtui import i18n, reports
    from kjtui.models import close, connect
    from kjtui.reports.render import render
    from kjtui.services import scoring

    demo = ctx.demo(scale)
    month = _last_scored_month(demo, ctx.today)
    reps = max(3, min(ctx.reps, 7))
    i18n.set_language("zh")
    connect(stations.url(demo), create=False)
    try:
        report = reports.build("month", month=month)
        ranking = report.main_table()
        head = [c.label for c in ranking.columns]

        def floor():
            scoring.compute_month(month, with_unranked=True)
            return _bare([(head, ranking.rows)])

        full_ms, floor_ms, data = _pair(
            lambda: render(reports.build("month", month=month), "xlsx"), floor, reps)
        tables = [([c.label for c in t.columns], t.rows) for t in report.tables()]
        render_ms, bare_ms, _ = _pair(lambda: render(report, "xlsx"), lambda: _bare(tables),
                                      3 * reps)
    finally:
        close()
    rows = len(ranking.rows)
    note = f"{month:%Y-%m}, {rows} managers, {len(data) // 1024} KiB, {len(tables)} sheets"
    # The budgets are for the real sizes: the tiny demo's few rows measure the fixed costs.
    whole, sized = label == "province" and not ctx.quick, not ctx.quick
    return [
        Figure(f"month XLSX, {label} ({scale} demo)", full_ms, "ms", floor_ms,
               "compute_month + bare XlsxWriter of the ranking", "≤ 3× floor" if whole else "",
               full_ms <= 3 * floor_ms if whole else None, note),
        Figure(f"month XLSX rendering only, {label} ({scale} demo)", render_ms, "ms", bare_ms,
               "bare XlsxWriter of the same rows", "≤ 2× floor" if sized else "",
               render_ms <= 2 * bare_ms if sized else None, note),
    ]


def run(ctx) -> list[Figure]:
    need("kjtui.reports", "build")
    return _one(ctx, ctx.county, "county") + _one(ctx, ctx.province, "province")
