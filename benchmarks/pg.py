"""The hub import on PostgreSQL: the same emptied hub and the same station bundles, loaded into a
database of its own (kjtui_bench_PID, never the tests' database, dropped after) on the server
of KJTUI_TEST_PG_URL.
Floor: psycopg `executemany` of the same rows, into the same database after they are removed
again."""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks import stations
from benchmarks.core import Figure

# A name of this process's own: two runs on one server (two checkouts, CI beside a developer)
# must never drop each other's database mid-figure.
DB = f"kjtui_bench_{os.getpid()}"


def _url(base: str, name: str = DB) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _fresh_database(base: str, name: str = DB) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")
    return _url(base, name)


def _load(emptied: Path, url: str) -> None:
    """Every table of the emptied SQLite hub, read through the models (types converted)."""
    from kjtui.models import ALL_MODELS, close, connect, database

    connect(stations.url(emptied))
    try:
        contents = [(m, list(m.select().tuples())) for m in ALL_MODELS]
    finally:
        close()
    connect(url)
    with database.atomic():
        # Hub-owned rows (decisions, reviews) point at the station rows taken out; the import
        # puts those back. Triggers stay off for the load only (this session, this transaction).
        database.execute_sql("SET LOCAL session_replication_role = replica")
        cur = database.connection().cursor()
        for model, rows in contents:  # COPY: a province's hub in minutes, not a quarter hour
            if not rows:
                continue
            fields = model._meta.sorted_fields
            to_db = [f.db_value for f in fields]
            names = ", ".join(f'"{f.column_name}"' for f in fields)
            with cur.copy(f'COPY "{model._meta.table_name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([c(v) for c, v in zip(to_db, row)])


def import_figure(ctx, emptied: Path, taken, bundles: list[bytes], rows: int) -> Figure:
    import psycopg

    from benchmarks.hubimport import _figure, timed_import
    from kjtui.models import SYNCED

    url = _fresh_database(ctx.pg_url)
    _load(emptied, url)  # leaves the models bound to it
    written, import_s = timed_import(bundles)
    types = {m._meta.table_name: {f.column_name: f for f in m._meta.sorted_fields}
             for m in SYNCED}
    batches = []
    for table, cols, values in taken:
        fields = [types[table][c] for c in cols]
        # As the driver gets them from Python: the model's own values (bools, datetimes).
        conv = [f.python_value for f in fields]
        batches.append((table, cols, [tuple(c(v) for c, v in zip(conv, r)) for r in values]))
    with psycopg.connect(url) as con:
        con.execute("SET session_replication_role = replica")  # reviews point at them
        for table, _, values in reversed(batches):
            con.execute(f'DELETE FROM "{table}" WHERE id = ANY(%s)', [[r[0] for r in values]])
        con.commit()
        # The rows go back as the import writes them: foreign keys checked, triggers on.
        con.execute("SET session_replication_role = origin")
        t0 = time.perf_counter()
        with con.cursor() as cur:
            for table, cols, values in batches:
                if values:
                    cur.executemany(
                        f'INSERT INTO "{table}" ({", ".join(cols)}) '
                        f'VALUES ({", ".join(["%s"] * len(cols))})', values)
        con.commit()
        raw_s = time.perf_counter() - t0
    with psycopg.connect(ctx.pg_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return _figure(f"hub import, {ctx.county} year, PostgreSQL", rows, written, import_s, raw_s,
                   len(bundles), "raw psycopg executemany")
