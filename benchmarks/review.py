"""Opening a week under review at the county's desk (issue 11): the busiest manager's last
complete week on a copy of the county demo, as the Week screen reads it for a supervisor —
kjtui.services.review.open_week (the week's notebook, the code's concerns against the manager's
usual, the records to mark, what arrived since the account last looked, remembered). Budget: under
100 ms (median). Its floor, in the same run on the same copy: the week's bare rows read with raw
sqlite3 (its day logs, visits with their customers, acknowledgements and information)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks import data
from benchmarks.core import Figure, median, need

BUDGET_MS = 100.0


def _busiest(con, monday: date) -> str | None:
    row = con.execute(
        "SELECT d.manager_id FROM day_log d JOIN visit v ON v.day_id = d.id "
        "WHERE d.day BETWEEN ? AND ? GROUP BY d.manager_id ORDER BY COUNT(*) DESC LIMIT 1",
        (monday.isoformat(), (monday + timedelta(days=6)).isoformat())).fetchone()
    return row[0] if row else None


def _bare(con, manager_id: str, monday: date) -> int:
    first, last = monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    n = 0
    logs = con.execute("SELECT * FROM day_log WHERE manager_id = ? AND day BETWEEN ? AND ?",
                       (manager_id, first, last)).fetchall()
    n += len(logs)
    n += len(con.execute(
        "SELECT v.*, c.shop_name, c.licence_no, a.method, a.handbook_page FROM visit v "
        "JOIN day_log d ON v.day_id = d.id JOIN customer c ON v.customer_id = c.id "
        "LEFT JOIN acknowledgement a ON a.visit_id = v.id "
        "WHERE d.manager_id = ? AND d.day BETWEEN ? AND ?", (manager_id, first, last)).fetchall())
    n += len(con.execute("SELECT * FROM info_item WHERE manager_id = ? AND collected_on "
                         "BETWEEN ? AND ?", (manager_id, first, last)).fetchall())
    return n


def run(ctx) -> list[Figure]:
    review = need("kjtui.services.review", "open_week")
    from kjtui.models import close, connect
    from kjtui.services.periods import monday_of

    name = f"open a week under review ({ctx.county} demo)"
    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-review-"))
    try:
        path = data.copy_of(ctx.demo(ctx.county), tmp / "county.db")
        today = ctx.today or date.today()
        monday = monday_of(today) - timedelta(days=7)
        con = sqlite3.connect(path)
        manager_id = _busiest(con, monday)
        if manager_id is None:
            con.close()
            return [Figure(name, note=f"no visit in the week of {monday}")]
        floors = []
        for _ in range(ctx.reps):
            t0 = time.perf_counter()
            rows = _bare(con, manager_id, monday)
            floors.append(time.perf_counter() - t0)
        con.close()
        connect("sqlite:///" + str(path))
        try:
            week = review.open_week(manager_id, monday, today, "bench")  # warm: caches, plans
            times = []
            for i in range(ctx.reps):  # each time by an account that never saw it: it writes
                t0 = time.perf_counter()
                review.open_week(manager_id, monday, today, f"bench{i}")
                times.append(time.perf_counter() - t0)
        finally:
            close()
        value = median(times) * 1000
        return [Figure(name, value, "ms", median(floors) * 1000, "raw sqlite3 rows of the week",
                       f"< {BUDGET_MS:g} ms", value < BUDGET_MS,
                       f"{len(week.week.lines)} visits, {len(week.concerns)} concerns, "
                       f"{rows} rows")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
