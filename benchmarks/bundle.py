"""Bundle export of one manager's week and year, on a station made from the county demo: the
year is the demo's history in the station's journal; a week is six working days recorded
through the notebook service before it (what came before acknowledged by the hub, so the outbox
holds just the week). Three weeks, in this order: the customers acknowledge by PIN and choose
it (a first PIN record each, reported), by PIN again (the routine, the budget), on paper.
Time of `sync export` (build, sign, seal, write, fsync) and bytes per visit on disk. Floors:
the same journal entries read by raw sqlite3, zlib-compressed as plain JSON lines and written
with fsync; for size, those compressed JSON lines per visit."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time as clock
import zlib
from datetime import datetime, time, timedelta
from pathlib import Path

from benchmarks import stations
from benchmarks.core import Figure, median, need

WEEK_MS, BYTES_PER_VISIT = 100.0, 100.0


def demo_pin(licence_no: str) -> str:
    """The demo's rule (docs/ACKNOWLEDGEMENT.md): the licence number's last six digits."""
    return licence_no[-6:]


def record_week(manager_id: str, per_day: int = 25, *, weeks_before: int = 1,
                method: str = "paper") -> int:
    """Six working days, `weeks_before` weeks before the first one in the notebook (and before
    the real today, for a demo built as of a later day), through the notebook service: the
    notebook refuses a visit in the future, and the days after the demo's last one are.
    `method` "pin": each customer acknowledges with the demo's PIN, choosing it if needed."""
    from kjtui.models import Customer, DayLog, database
    from kjtui.services import acknowledgement, pin_state, session, visits
    from kjtui.services import day as day_service

    first_day = min(DayLog.select(DayLog.day).order_by(DayLog.day).scalar(), session.today())
    monday = first_day - timedelta(days=7 * weeks_before + first_day.weekday())
    customers = [(c.id, c.licence_no) for c in Customer.select(Customer.id, Customer.licence_no)
                 .where(Customer.manager == manager_id).order_by(Customer.licence_no)]
    odo = (day_service.last_reading(manager_id, monday) or 0) + 5
    n = 0
    for d in range(6):
        day = monday + timedelta(days=d)
        with database.atomic():
            day_service.start_day(manager_id, day, odo)
            at = datetime.combine(day, time(8, 30))
            for i in range(per_day):
                cid, licence = customers[(d * per_day + i) % len(customers)]
                ordered = (n % 5) < 3
                v = visits.record_visit(manager_id, day, cid, ordered=ordered,
                                          quantity=5 + n % 20 if ordered else 0, arrived_at=at,
                                          departed_at=at + timedelta(minutes=8))
                if method == "pin":
                    pin = demo_pin(licence)
                    again = pin if pin_state.state_of(cid) in pin_state.CHOOSES_NEW else None
                    acknowledgement.acknowledge(v.id, pin=pin, new_pin=again)
                else:
                    acknowledgement.acknowledge(v.id, "paper", handbook_page=str(n % 200 + 1))
                at += timedelta(minutes=17)
                n += 1
            day_service.phone_in(manager_id, day, "first")
            day_service.phone_in(manager_id, day, "last")
            odo += 60
            day_service.end_day(manager_id, day, odo)
    return n


def _export(station: Path, out: Path, reps: int) -> tuple[float, int]:
    """(median seconds of `sync export`, bytes of the file)."""
    from kjtui.models import close, connect
    from sync import exporter

    connect(stations.url(station))
    try:
        times, size = [], 0
        for _ in range(reps):
            t0 = clock.perf_counter()
            (path,) = exporter.export(str(out))
            times.append(clock.perf_counter() - t0)
            size = os.path.getsize(path)
            os.unlink(path)
        return median(times), size
    finally:
        close()


def _raw_floor(station: Path, after: int, out: Path, reps: int) -> tuple[float, int]:
    """(median seconds, bytes) to read the same entries and write them as zlib JSON lines."""
    times, size = [], 0
    for _ in range(reps):
        t0 = clock.perf_counter()
        con = sqlite3.connect(station)
        lines = "\n".join(p for (p,) in con.execute(
            "SELECT payload FROM journal_entry WHERE seq > ? ORDER BY seq", (after,)))
        con.close()
        blob = zlib.compress(lines.encode(), 9)
        with open(out / "raw.jsonl.z", "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        times.append(clock.perf_counter() - t0)
        size = len(blob)
    return median(times), size


def run(ctx) -> list[Figure]:
    need("sync.exporter", "export", "station_bundle")
    need("sync.enroll", "enroll", "join", "hub_init")
    from kjtui.models import Manager, close, connect
    from sync import node

    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-bundle-"))
    try:
        hub = stations.hub_from(ctx.demo(ctx.county), tmp / "hub.db")
        code = stations.station_codes(hub, 1, working=True)[0]
        enrollment, records = stations.enroll_station(hub, code, tmp)
        ctx.say(f"station {code}: {len(records):,} records of the year in its journal")
        station = stations.make_station(enrollment, records, tmp / "station.db")
        reps = 2 if ctx.quick else 5
        year_visits = sum(t == "visit" for t, _ in records)
        year_s, year_bytes = _export(station, tmp, reps)
        year_floor_s, year_floor_bytes = _raw_floor(station, 0, tmp, reps)
        weeks = {}
        for back, method in ((3, "pin"), (2, "pin"), (1, "paper")):
            connect(stations.url(station))
            try:
                peer = node.hub_peer()
                peer.their_ack = node.last_seq()  # the hub has what came before
                node.save_peer(peer)
                week_from = peer.their_ack
                # A PIN acknowledgement costs a scrypt (~50 ms): CI's quick run signs fewer.
                per_day = 10 if ctx.quick and method == "pin" else 25
                n = record_week(Manager.get(Manager.code == code).id, per_day,
                                weeks_before=back, method=method)
            finally:
                close()
            weeks[back] = (n, *_export(station, tmp, reps),
                           *_raw_floor(station, week_from, tmp, reps))
        week_visits, week_s, week_bytes, week_floor_s, week_floor_bytes = weeks[2]
    finally:
        close()
        shutil.rmtree(tmp, ignore_errors=True)
    raw = "raw read + zlib JSON lines + fsync"
    per_visit = "zlib JSON lines per visit"

    def size(week, name, budget=True):
        n, _, size, _, floor = weeks[week]
        return Figure(name, size / n, "B", floor / n, per_visit,
                      f"≤ {BYTES_PER_VISIT:g} B" if budget else "reported",
                      size / n <= BYTES_PER_VISIT if budget else None,
                      "visits, acks, day logs, all in")

    return [
        Figure(f"bundle export, one manager's week ({week_visits} visits)", week_s * 1000, "ms",
               week_floor_s * 1000, raw, f"≤ {WEEK_MS:g} ms", week_s * 1000 <= WEEK_MS,
               f"median of {reps}, {week_bytes:,} bytes, signed by PIN"),
        size(2, "bundle size, week signed by PIN, bytes per visit"),
        size(1, "bundle size, week signed on paper, bytes per visit"),
        size(3, "bundle size, week the customers choose their PINs, bytes per visit", False),
        Figure(f"bundle export, one manager's year ({year_visits:,} visits)", year_s * 1000,
               "ms", year_floor_s * 1000, raw, "reported", None,
               f"median of {reps}, {year_bytes:,} bytes, {code}"),
        Figure("bundle size, year, bytes per visit", year_bytes / max(1, year_visits), "B",
               year_floor_bytes / max(1, year_visits), per_visit, f"≤ {BYTES_PER_VISIT:g} B",
               year_bytes / max(1, year_visits) <= BYTES_PER_VISIT,
               "every record of the year, all in"),
    ]
