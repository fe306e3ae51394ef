"""Import of the county's customers sheet (`kjtui import customers`): the 4,222 customers of the
demo county and the province's 422,200, from an XLSX written from the demo's own customers (with
their township, manager and route), into a hub holding that scale's townships, posts, managers
and routes and no customer. Timed: the whole import (read, check every row, write customers and
their route stops through the journal, search index included). Floor, same run: reading the same
sheet alone plus a raw sqlite3 `executemany` of the same rows (the customers and stops the import
wrote) into another such hub, in one transaction, with the search index kept the same way (row by
row by its triggers; set aside and built once past county_import.BULK_INDEX customers, as the
import does). Budget: ≤ 3× the floor. With --quick: the tiny demo for both.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.core import Figure, need
from benchmarks.visit import PRAGMAS

BUDGET = 3.0
MASTER = ("township", "post", "supervisor", "manager", "route")


def sheet_of(demo: Path, out: Path) -> int:
    """The demo's customers as the county's customers sheet (cached next to the demo)."""
    from kjtui.services import import_columns, sheets

    con = sqlite3.connect(f"file:{demo}?mode=ro", uri=True)
    rows = [list(r) for r in con.execute(
        "SELECT c.licence_no, c.shop_name, c.owner_name, c.phone, c.address, t.code, "
        "CASE c.area WHEN 'urban' THEN '城区' ELSE '农村' END, c.retail_format, c.grade, "
        "coalesce(m.code, ''), coalesce(r.code, '') FROM customer c "
        "JOIN township t ON t.id = c.township_id LEFT JOIN manager m ON m.id = c.manager_id "
        "LEFT JOIN route r ON r.id = c.route_id "
        "LEFT JOIN route_stop s ON s.customer_id = c.id AND s.route_id = c.route_id "
        "ORDER BY c.route_id, s.position, c.licence_no")]
    con.close()
    heads = [c.header() for c in import_columns.KINDS["customers"].columns]
    tmp = out.with_suffix(".building.xlsx")
    sheets.write_template(tmp, "客户", heads, {0, 3, 9, 10}, [], "", rows)
    tmp.rename(out)
    return len(rows)


def empty_hub(demo: Path, path: Path) -> Path:
    """A new hub (every migration) holding the demo's master data but no customer."""
    from kjtui.models import close, connect

    connect("sqlite:///" + str(path))
    close()
    from kjtui.models.db import register_sql_functions

    con = sqlite3.connect(path, isolation_level=None)
    register_sql_functions(con)  # the search index's triggers spell the customers' names
    con.execute("ATTACH DATABASE ? AS demo", (f"file:{demo}?mode=ro",))
    con.execute("BEGIN")
    for table in MASTER:
        con.execute(f'INSERT INTO main."{table}" SELECT * FROM demo."{table}"')
    con.execute("COMMIT")
    con.execute("DETACH DATABASE demo")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _raw(path: Path, taken: list[tuple[str, list[str], list[tuple]]], bulk: bool) -> float:
    from kjtui.models import search_index
    from kjtui.models.db import register_sql_functions

    con = sqlite3.connect(path, isolation_level=None)
    register_sql_functions(con)
    for p in PRAGMAS:
        con.execute(p)
    t0 = time.perf_counter()
    con.execute("BEGIN")
    if bulk:
        for name in search_index.TRIGGERS:
            con.execute(f'DROP TRIGGER "{name}"')
    for table, cols, rows in taken:
        con.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) '
                        f'VALUES ({", ".join("?" * len(cols))})', rows)
    if bulk:
        for table in ("customer_gram", "customer_fts", "customer_search_key"):
            con.execute(f"DELETE FROM {table}")
        for statement in search_index.backfill_statements() + search_index.trigger_statements():
            con.execute(statement)
    con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def _written(path: Path) -> list[tuple[str, list[str], list[tuple]]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    for table in ("customer", "route_stop"):
        cur = con.execute(f'SELECT * FROM "{table}"')
        out.append((table, [d[0] for d in cur.description], cur.fetchall()))
    con.close()
    return out


def one(ctx, scale: str, tmp: Path) -> Figure:
    from kjtui.models import close, connect
    from kjtui.services import county_import, sheets

    demo = ctx.demo(scale)
    xlsx = ctx.cache / (demo.stem + "-customers.xlsx")
    if not xlsx.exists():
        ctx.say(f"writing the {scale} customers sheet (once, cached)")
        sheet_of(demo, xlsx)
    hub = empty_hub(demo, tmp / f"{scale}-hub.db")
    floor_hub = shutil.copy(hub, tmp / f"{scale}-floor.db")
    connect("sqlite:///" + str(hub))
    try:
        t0 = time.perf_counter()
        plan = county_import.check("customers", str(xlsx))
        result = county_import.apply(plan)
        seconds = time.perf_counter() - t0
    finally:
        close()
    rows = plan.rows
    t0 = time.perf_counter()
    sheets.read(xlsx)
    read_s = time.perf_counter() - t0
    taken = _written(hub)
    written = sum(len(r) for _, _, r in taken)
    raw_s = _raw(Path(floor_hub), taken, rows > county_import.BULK_INDEX)  # as the import does
    floor = read_s + raw_s
    ok = plan.ok and result.counts["customer"] == [rows, 0]
    bulk = rows > county_import.BULK_INDEX
    note = (f"{rows:,} customers ({written:,} rows with their stops) in {seconds:.1f} s; "
            f"floor: read {read_s:.1f} s + executemany {raw_s:.1f} s"
            + (" (search index built once, in both)" if bulk else ""))
    if not ok:
        note += f"; WRONG: {len(plan.issues)} issues, counts {result.counts}"
    return Figure(f"import customers sheet, {scale} ({rows:,})", seconds, "s", floor,
                  "read + raw executemany", f"≤ {BUDGET:g}× floor", ok and seconds <= BUDGET * floor,
                  note)


def run(ctx) -> list[Figure]:
    need("kjtui.services.county_import", "check", "apply")
    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-countyimport-"))
    try:
        if ctx.quick:
            return [one(ctx, "tiny", tmp)]
        return [one(ctx, ctx.county, tmp), one(ctx, ctx.province, tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
