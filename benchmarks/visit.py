"""Recording a visit: the notebook's service (committed with synchronous=FULL, journaled) against
a raw sqlite3 insert and commit of the same row with the same pragmas, on a copy of the county
demo. The budget is durability (README, Benchmarks): the row is visible to another connection
when the call returns, and the connection runs synchronous=FULL. The ratio is the price of the
service (route lookup, journal entry, clock stamp) over the bare write."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import data
from benchmarks.core import Figure, median, need, percentile

PRAGMAS = ("PRAGMA journal_mode=wal", "PRAGMA foreign_keys=1", "PRAGMA synchronous=full",
           "PRAGMA busy_timeout=5000")


def _raw(path: Path):
    con = sqlite3.connect(path, isolation_level=None)
    for p in PRAGMAS:
        con.execute(p)
    return con


def _copy_rows(con, table: str, ids: list[str], **set_) -> list[tuple[str, list]]:
    """(INSERT sql, values) for each row, the same content but for `set_` (a column -> one value
    per row: a fresh id at least)."""
    out = []
    for i, rid in enumerate(ids):
        cur = con.execute(f'SELECT * FROM "{table}" WHERE id = ?', (rid,))
        cols = [d[0] for d in cur.description]
        row = dict(zip(cols, cur.fetchone()))
        row.update({col: values[i] for col, values in set_.items()})
        sql = (f'INSERT INTO "{table}" ({", ".join(cols)}) '
               f'VALUES ({", ".join("?" * len(cols))})')
        out.append((sql, [row[c] for c in cols]))
    return out


def run(ctx) -> list[Figure]:
    nb = need("kjtui.services.visits", "record_visit")
    ack = need("kjtui.services.acknowledgement", "acknowledge")
    from kjtui.models import Customer, close, database, new_id
    from kjtui.services import session

    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-visit-"))
    path = data.copy_of(ctx.demo(ctx.county), tmp / "county.db")
    n = min(30, ctx.reps * 4)  # one busy day: record_visit reads the day's visits back
    try:
        session.open_notebook("sqlite:///" + str(path))
        sync_mode = database.obj.execute_sql("PRAGMA synchronous").fetchone()[0]
        m = session.current_manager()
        day = ctx.today or session.today()
        customers = [c.id for c in Customer.select(Customer.id).where(Customer.manager == m.id)
                     .order_by(Customer.licence_no).limit(n + 1)]
        nb.record_visit(m.id, day, customers[0])  # the day log is created once: not counted
        visits, record_s, ack_s = [], [], []
        for i in range(n):
            t0 = time.perf_counter()
            line = nb.record_visit(m.id, day, customers[1 + i % (len(customers) - 1)])
            t1 = time.perf_counter()
            ack.acknowledge(line.id, "paper", handbook_page=str(i % 200 + 1))
            t2 = time.perf_counter()
            record_s.append(t1 - t0)
            ack_s.append(t2 - t1)
            visits.append(line.id)
        # Durable when the call returns: another connection sees every row.
        raw = _raw(path)
        seen = raw.execute(f"SELECT count(*) FROM visit WHERE id IN ({','.join('?' * n)})",
                           visits).fetchone()[0]
        ack_of = dict(raw.execute(
            f"SELECT visit_id, id FROM acknowledgement WHERE visit_id IN ({','.join('?' * n)})",
            visits).fetchall())
        ack_ids = [ack_of[v] for v in visits if v in ack_of]
        # The floor: the same rows, inserted and committed one by one on the same file.
        fresh = [new_id() for _ in visits]
        v_rows = _copy_rows(raw, "visit", visits, id=fresh)
        a_rows = _copy_rows(raw, "acknowledgement", ack_ids, id=[new_id() for _ in ack_ids],
                            visit_id=fresh)
        raw_s = []
        for (sql, values), (asql, avalues) in zip(v_rows, a_rows):
            t0 = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute(sql, values)
            raw.execute("COMMIT")
            raw_s.append(time.perf_counter() - t0)
            raw.execute("BEGIN")
            raw.execute(asql, avalues)
            raw.execute("COMMIT")
        raw.close()
    finally:
        close()
        shutil.rmtree(tmp, ignore_errors=True)
    durable = sync_mode == 2 and seen == n and len(ack_ids) == n
    budget = "committed, synchronous=FULL"
    note = (f"median of {n}; p95 {percentile(record_s, 95) * 1000:.1f} ms"
            + ("" if durable else f"; NOT durable: synchronous={sync_mode}, {seen}/{n} visible"))
    return [
        Figure("record a visit (nb.record_visit)", median(record_s) * 1000, "ms",
               median(raw_s) * 1000, "raw sqlite3 insert+commit", budget, durable, note),
        Figure("acknowledge it (paper handbook page)", median(ack_s) * 1000, "ms",
               median(raw_s) * 1000, "raw sqlite3 insert+commit", budget, durable,
               f"median of {n}"),
    ]
