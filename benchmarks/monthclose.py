"""The month's close (kjtui month close): the demo's last scored month closed again from its
records on a copy of the county (23 managers) and of the province (2,300 managers).

The close computes every figure from the records, ranks, and writes each score, the close record
and the awards through the write path (journal, stamps). Its floor, in the same run on the same
copy: the same scores computed (`scoring.compute_month`, the reads) plus a raw sqlite3
`executemany` of as many score rows into a bare table, i.e. the close without its bookkeeping.
No budget is set yet: the ratio is reported."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks import data, stations
from benchmarks.core import Figure, need


def _last_month(path: Path, today) -> tuple:
    """The demo's last scored month, its scores and awards removed so the close writes them
    all; a demo without history (the province: master data only) closes last month, from no
    records: every part missing, 2,300 scores written all the same."""
    from datetime import date

    from kjtui.services.periods import add_months

    con = sqlite3.connect(path)
    try:
        (month,) = con.execute("SELECT MAX(month) FROM monthly_score").fetchone()
        if month is None:
            return add_months((today or date.today()).replace(day=1), -1), "no history"
        con.execute("DELETE FROM monthly_score WHERE month = ?", (month,))
        con.execute("DELETE FROM award WHERE period = ?", (month[:7],))
        con.commit()
    finally:
        con.close()
    return date.fromisoformat(month[:10]), "with a year of history"


def _one(ctx, scale: str, label: str, tmp: Path) -> Figure:
    from kjtui.models import close, connect
    from kjtui.services import month_close, periods, scoring

    name = f"month close, {label} ({scale} demo)"
    demo = ctx.demo(scale)
    work = data.copy_of(demo, tmp / f"{label}.db")
    month, history = _last_month(work, ctx.today)
    after = datetime.combine(periods.month_end(month) + timedelta(days=1),
                             datetime.min.time()).replace(hour=9)
    connect(stations.url(work))
    try:
        t0 = time.perf_counter()
        result = month_close.close_month(month, now=after)
        close_s = time.perf_counter() - t0
        n = sum(1 for s in result.scores if s.rank)
        # the floor: the same reads, and a bare insert of n rows
        t0 = time.perf_counter()
        again = scoring.compute_month(month)
        compute_s = time.perf_counter() - t0
    finally:
        close()
    rows = [(s.manager_id, month.isoformat(), *s.stored_parts().values(), s.total, s.rank)
            for s in again]
    raw = sqlite3.connect(tmp / f"{label}-raw.db")
    try:
        parts = ", ".join(f"{p} REAL" for p in scoring.PARTS)
        raw.execute(f"CREATE TABLE s (m TEXT, month TEXT, {parts}, total REAL, rank INTEGER)")
        t0 = time.perf_counter()
        with raw:
            raw.executemany(f"INSERT INTO s VALUES ({', '.join('?' * len(rows[0]))})", rows)
        insert_s = time.perf_counter() - t0
    finally:
        raw.close()
    wrong = "" if len(again) == n else f" WRONG: {n} ranked by the close, {len(again)} computed"
    return Figure(name, close_s * 1000, "ms", (compute_s + insert_s) * 1000,
                  "compute_month + raw executemany", "", None,
                  f"{n} ranked, {month:%Y-%m}, {history}{wrong}")


def run(ctx) -> list[Figure]:
    need("kjtui.services.month_close", "close_month")
    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-close-"))
    try:
        return [_one(ctx, ctx.county, "county", tmp), _one(ctx, ctx.province, "province", tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
