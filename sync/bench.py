"""Measure bundles of one manager: bytes per visit, export and hub-import time, and the import
against raw sqlite3.executemany of the same rows into the same schema.

    python -m sync.bench [--weeks 1 52] [--dir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kjtui.models import SYNCED, close, connect, resolve_url
from sync import bundle, enroll, exporter, importer, sample


def _use(path: Path) -> None:
    close()
    connect(resolve_url(path))


def measure(folder: Path, weeks: int) -> dict:
    hub, station = folder / "hub.db", folder / "station.db"
    _use(hub)
    enroll.hub_init()
    sample.county()
    enrollment = Path(enroll.enroll("KJ01", str(folder)))
    _use(station)
    enroll.join(enrollment.read_bytes())
    monday = date(2026, 1, 5)
    visits = sum(sample.record_week("KJ01", monday + timedelta(weeks=w), seed=w)
                 for w in range(weeks))
    t = time.perf_counter()
    name, data = exporter.station_bundle()
    export_s = time.perf_counter() - t
    shutil.copy(hub, folder / "hub-copy.db")
    _use(hub)
    t = time.perf_counter()
    result = importer.import_bytes(data, reply=False)
    import_s = time.perf_counter() - t
    rows = result.changes
    # The floor: the same rows, already as tuples, into the same schema with raw executemany.
    close()
    raw_rows = {m._meta.table_name: [] for m in SYNCED}
    con = sqlite3.connect(hub)
    for m in SYNCED:
        table = m._meta.table_name
        raw_rows[table] = con.execute(f'SELECT * FROM "{table}" WHERE owner = ?',
                                      ("KJ01",)).fetchall()
    con.close()
    con = sqlite3.connect(folder / "hub-copy.db")
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=full")
    con.execute("PRAGMA foreign_keys=1")
    t = time.perf_counter()
    with con:
        for m in SYNCED:
            rs = raw_rows[m._meta.table_name]
            if rs:
                marks = ",".join("?" * len(rs[0]))
                con.executemany(f'INSERT INTO "{m._meta.table_name}" VALUES ({marks})', rs)
    raw_s = time.perf_counter() - t
    con.close()
    return {
        "weeks": weeks, "visits": visits, "bundle_bytes": len(data),
        "bytes_per_visit": round(len(data) / visits, 1), "journal_entries": bundle.parse(data).last,
        "export_ms": round(export_s * 1000, 1), "import_ms": round(import_s * 1000, 1),
        "rows": rows, "import_rows_per_s": round(rows / import_s),
        "raw_executemany_ms": round(raw_s * 1000, 1),
        "raw_rows_per_s": round(sum(map(len, raw_rows.values())) / raw_s),
        "import_vs_raw": round((rows / import_s) / (sum(map(len, raw_rows.values())) / raw_s), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--weeks", type=int, nargs="+", default=[1, 52])
    p.add_argument("--dir")
    args = p.parse_args()
    for weeks in args.weeks:
        folder = Path(tempfile.mkdtemp(prefix=f"kjtui-bench-{weeks}w-", dir=args.dir))
        try:
            print(measure(folder, weeks), flush=True)
        finally:
            close()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
