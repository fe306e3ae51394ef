"""Hub import of a county's year: every station's year as its own bundle (made by the station's
real exporter, see stations.py), imported by the hub into a copy of the demo from which those
stations' records were removed. Floor: raw sqlite3 `executemany` of the same rows into another
such copy, same pragmas, one transaction. Budget: at least 0.7 of the raw speed (README,
Benchmarks). The note adds the same raw inserts committed once per station, as durable as the
import (one fsync'd transaction a bundle): what no import can beat. With --quick: the tiny demo's
stations."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import data, stations
from benchmarks.core import Figure, need
from benchmarks.visit import PRAGMAS

BUDGET = 0.7


def _bundles(hub: Path, codes: list[str], tmp: Path, say) -> list[bytes]:
    from kjtui.models import close, connect
    from sync import exporter

    out = []
    for i, code in enumerate(codes):
        enrollment, records = stations.enroll_station(hub, code, tmp)
        station = stations.make_station(enrollment, records, tmp / "station.db")
        connect(stations.url(station))
        try:
            out.append(exporter.station_bundle()[1])
        finally:
            close()
        say(f"station {code}: {len(records):,} records, bundle {len(out[-1]):,} bytes "
            f"({i + 1}/{len(codes)})")
    return out


def _take_out(hub: Path, codes: list[str]) -> list[tuple[str, list[str], list[tuple]]]:
    """Remove the stations' own records from the hub; return them (table, columns, rows),
    parents first, as raw sqlite3 reads them."""
    from kjtui.models import OWNED_BY_STATION, SYNCED

    tables = [m._meta.table_name for m in SYNCED if m in OWNED_BY_STATION]
    marks = ",".join("?" * len(codes))
    con = sqlite3.connect(hub, isolation_level=None)
    con.execute("PRAGMA foreign_keys=0")  # hub-owned reviews still point at them: put back later
    taken = []
    for t in tables:
        cur = con.execute(f'SELECT * FROM "{t}" WHERE owner IN ({marks})', codes)
        taken.append((t, [d[0] for d in cur.description], cur.fetchall()))
    con.execute("BEGIN")
    for t in reversed(tables):
        con.execute(f'DELETE FROM "{t}" WHERE owner IN ({marks})', codes)
    con.execute("COMMIT")
    con.close()
    return taken


def _raw(path: Path, taken, *, per_station: bool = False) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    for p in PRAGMAS:
        con.execute(p)
    groups = [taken]
    if per_station:  # each station's rows in a transaction of their own, as its bundle
        owners = sorted({r[cols.index("owner")] for _, cols, rows in taken for r in rows})
        groups = [[(t, cols, [r for r in rows if r[cols.index("owner")] == o])
                   for t, cols, rows in taken] for o in owners]
    t0 = time.perf_counter()
    for group in groups:
        con.execute("BEGIN")
        for table, cols, rows in group:
            if rows:
                con.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) '
                                f'VALUES ({", ".join("?" * len(cols))})', rows)
        con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def run(ctx) -> list[Figure]:
    need("sync.importer", "import_bytes")
    need("sync.exporter", "station_bundle")
    from kjtui.models import close, connect

    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-import-"))
    try:
        hub = stations.hub_from(ctx.demo(ctx.county), tmp / "hub.db")
        codes = stations.station_codes(hub, 2 if ctx.quick else None)
        bundles = _bundles(hub, codes, tmp, ctx.say)
        taken = _take_out(hub, codes)
        rows = sum(len(r) for _, _, r in taken)
        raw_copy = data.copy_of(hub, tmp / "raw.db")
        durable_copy = data.copy_of(hub, tmp / "durable.db")
        pg_copy = data.copy_of(hub, tmp / "pg.db") if ctx.pg_url else None
        connect(stations.url(hub))
        written, import_s = timed_import(bundles)
        raw_s = _raw(raw_copy, taken)
        durable_s = _raw(durable_copy, taken, per_station=True)
        figs = [_figure(f"hub import, {ctx.county} year, SQLite", rows, written, import_s, raw_s,
                        len(bundles), "raw sqlite3 executemany")]
        figs[0].note += (f"; raw committed once a station {durable_s:.2f} s "
                         f"({raw_s / durable_s:.2f}× raw)")
        if ctx.pg_url:
            from benchmarks import pg

            figs.append(pg.import_figure(ctx, pg_copy, taken, bundles, rows))
        else:
            figs.append(Figure(f"hub import, {ctx.county} year, PostgreSQL",
                               note="no server (set KJTUI_TEST_PG_URL; bash .ci/pg.sh)"))
        return figs
    finally:
        close()
        shutil.rmtree(tmp, ignore_errors=True)


def timed_import(bundles: list[bytes]) -> tuple[int, float]:
    """Import every bundle into the bound hub database, then unbind it: (rows written, seconds)."""
    from kjtui.models import close
    from sync import importer

    try:  # as `kjtui hub import DIR` does (the next bundle opened while one is written)
        t0 = time.perf_counter()
        written = 0
        for _, _, result in importer.import_each(bundles, bytes):
            if isinstance(result, Exception):
                raise result
            written += result.changes
        return written, time.perf_counter() - t0
    finally:
        close()


def _figure(name, rows, written, seconds, raw_seconds, n, floor_label) -> Figure:
    speed, raw_speed = rows / seconds, rows / raw_seconds
    note = (f"{rows:,} rows from {n} station bundles in {seconds:.2f} s "
            f"(raw {raw_seconds:.2f} s)")
    if written != rows:
        note += f"; WRONG: {written:,} rows written"
    return Figure(name, speed, "rows/s", raw_speed, floor_label, f"≥ {BUDGET}× raw",
                  written == rows and speed >= BUDGET * raw_speed, note)
