"""The hub under load (issue 15, section 3): many stations upload at the same moment over HTTP to
real `kjtui hub serve` processes.

- **Sync day**: every working station of the county demo (--quick: the tiny demo), each with the
  last week of its records (taken out of the hub, so that the week arrives as new), all uploaded
  at the same moment.
- **A province's evening**: every working station of the province demo (2,300; --quick: the
  hidden tiny-province demo, 48) with a day each, IN_FLIGHT uploading at any moment. The
  province holds notebooks for one county only, so each day is made here: a day log on the
  manager's first route and a visit to each of the first stops of the manager's routes, signed
  on paper (no PIN proof to make), with new ids, its owner and its manager.

Each station is enrolled at the hub as `hub enroll` enrolls it (its peer row, fresh keys; the
enrollment file, which only the laptop reads, is not made) and its bundle is made as the
station's exporter makes it from its journal (the records in seq order, signed with the
station's key, sealed to the hub). SQLite: one `hub serve`; PostgreSQL (KJTUI_TEST_PG_URL set):
two on one database, the uploads alternating between them.

Figures: bundles per second (every answer in, over the wall time) and the 95th percentile of an
upload's answer time (its first byte sent to its answer, a retry after a busy hub included).
Floor: the same bundles imported one after another in this process by sync.importer.import_bytes
(the answer made too, as the server makes it) into another copy of the same hub. Reported, no
budget. Checked after both: every station's bundle applied exactly once (one answer "applied",
any other "duplicate"; its peer acknowledges its last seq; one received range; every record
there; none held); a figure whose check fails says WRONG and misses."""

from __future__ import annotations

import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks import data, stations
from benchmarks.core import Figure, need, percentile

IN_FLIGHT = 32  # a province's evening: stations uploading at any one moment
DAY_VISITS = 25  # a manager's day (benchmarks/bundle.py records as many)
PG_DB = f"kjtui_bench_load_{os.getpid()}"  # databases of this run's own on the server
FLOOR = "one after another in process"
FLOOR_P95 = "one import in process, p95"


@dataclass
class Station:
    code: str
    data: bytes  # its bundle
    ids: dict[str, list[str]]  # table -> ids of the records the bundle carries
    last: int  # its last seq

    @property
    def rows(self) -> int:
        return sum(len(v) for v in self.ids.values())


@dataclass
class Answer:
    code: str
    http: int  # 0: no answer at all
    status: str  # the hub's X-Kjtui-Status, or why there was none
    changes: int
    seconds: float
    retries: int


# --- the hub and its stations --------------------------------------------------------------------


def _enroll(codes: list[str]) -> tuple[dict[str, dict], dict]:
    """At the bound hub: each station's peer row as `hub enroll` writes it. Returns (code -> the
    station's keys, what the station knows of the hub)."""
    from kjtui.models import SyncPeer, database
    from sync import crypto, node

    hub = {"inc": node.incarnation(), "kem": crypto.public_of(node.keys())["kem"],
           "seq": node.last_seq()}
    keys = {c: crypto.new_keys() for c in codes}
    now = node.utc_now()
    rows = []
    for code, k in keys.items():
        pub = crypto.public_of(k)
        rows.append({"node": code, "incarnation": 1, "sign_pub": pub["sign"],
                     "kem_pub": pub["kem"], "their_ack": hub["seq"], "enrolled_at": now})
    with database.atomic():
        for i in range(0, len(rows), 500):
            SyncPeer.insert_many(rows[i : i + 500]).execute()
    return keys, hub


def _bundle(code: str, keys: dict, hub: dict, records: list[tuple[str, dict]]) -> Station:
    """The bundle station `code`'s exporter makes of a journal holding `records` (seq 1..n)."""
    from kjtui.models import HUB, hlc, new_id
    from kjtui.models.migrations import latest
    from sync import bundle, node

    changes = [(i + 1, t, p) for i, (t, p) in enumerate(records)]
    ids: dict[str, list[str]] = {}
    for _, t, p in changes:
        ids.setdefault(t, []).append(p["id"])
    m = {"format": bundle.FORMAT, "schema": latest(), "kind": "changes", "id": new_id(),
         "sender": code, "sender_inc": 1, "recipient": HUB, "recipient_inc": hub["inc"],
         "seq": [1, len(changes)], "ack": hub["seq"], "missing": [],
         "counts": {t: len(v) for t, v in ids.items()}, "lines": len(changes),
         "clock": hlc.pack(hlc.wall_ms()), "created": node.utc_now()}
    data_ = bundle.build(m, bundle.encode_lines(changes, code, 0, 0), keys["sign"], hub["kem"])
    return Station(code, data_, ids, len(changes))


def _sync_day(hub: Path, say) -> list[Station]:
    """Every working station with the last week of its records, taken out of the hub."""
    from kjtui.models import OWNED_BY_STATION, close, connect

    codes = stations.station_codes(hub, working=True)
    con = sqlite3.connect(hub)
    (last,) = con.execute("SELECT MAX(day) FROM day_log").fetchone()
    start = (date.fromisoformat(last) - timedelta(days=6)).isoformat()
    (since,) = con.execute("SELECT MIN(hlc) FROM day_log WHERE day >= ?", (start,)).fetchone()
    con.close()
    connect(stations.url(hub))
    try:
        keys, known = _enroll(codes)
        out = []
        for code in codes:
            week = [(t, p) for t, p in stations.own_records(code) if p["hlc"] >= since]
            out.append(_bundle(code, keys[code], known, week))
    finally:
        close()
    marks = ",".join("?" * len(codes))
    con = sqlite3.connect(hub, isolation_level=None)
    con.execute("PRAGMA foreign_keys=0")  # hub-owned reviews point at them: the import puts back
    con.execute("BEGIN")
    for model in reversed(OWNED_BY_STATION):
        con.execute(f'DELETE FROM "{model._meta.table_name}" WHERE owner IN ({marks}) '
                    "AND hlc >= ?", (*codes, since))
    con.execute("COMMIT")
    con.close()
    say(f"sync day: {len(out)} stations, the week from {start}, "
        f"{sum(s.rows for s in out):,} records")
    return out


def _working(hub: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """(code, manager id, route ids, customers on its routes' stops) of every manager in post
    with customers and a route with stops."""
    con = sqlite3.connect(hub)
    managers = con.execute(
        "SELECT m.code, m.id FROM manager AS m WHERE m.status = 'active' "
        "AND EXISTS (SELECT 1 FROM customer AS c WHERE c.manager_id = m.id) ORDER BY m.code"
    ).fetchall()
    stops: dict[str, list[tuple[str, str]]] = {}
    for manager_id, route_id, customer_id in con.execute(
            "SELECT r.manager_id, r.id, s.customer_id FROM route AS r "
            "JOIN route_stop AS s ON s.route_id = r.id ORDER BY r.manager_id, r.code, s.position"):
        stops.setdefault(manager_id, []).append((route_id, customer_id))
    con.close()
    out = []
    for code, mid in managers:
        if stops.get(mid):
            routes = list(dict.fromkeys(r for r, _ in stops[mid]))
            out.append((code, mid, routes, [c for _, c in stops[mid]]))
    return out


def _payload(model, **values) -> dict:
    """Every column of `model`, its default where `values` names none."""
    out = {f.column_name: (None if callable(f.default) else f.default)
           for f in model._meta.sorted_fields}
    out.update(values)
    return out


def _day(code: str, manager_id: str, routes: list[str], customers: list[str],
         day: date) -> list[tuple[str, dict]]:
    """A manager's day as the notebook journals it: the day, then each visit and its
    acknowledgement on paper."""
    from kjtui.models import Acknowledgement, DayLog, Visit, hlc, new_id

    at = datetime.combine(day, datetime.min.time()).replace(hour=8, minute=30)
    base = {"owner": code, "rev": 1, "deleted": False}
    day_id = new_id()
    first = at
    out: list[tuple[str, dict]] = []
    for n in range(min(DAY_VISITS, len(customers))):
        ordered = n % 5 < 3
        left = at + timedelta(minutes=8)
        visit = _payload(Visit, **base, id=new_id(), hlc=hlc.at(at), day_id=day_id,
                         manager_id=manager_id, customer_id=customers[n],
                         arrived_at=at.isoformat(), departed_at=left.isoformat(),
                         ordered=ordered, quantity=5 + n % 20 if ordered else 0,
                         price_tags=True, agreement_sales=n % 7 != 0, retail_format_ok=True,
                         brand_cultivation=n % 3 == 0, satisfaction=5 - n % 2)
        ack = _payload(Acknowledgement, **base, id=new_id(), hlc=hlc.at(left) + 1,
                       visit_id=visit["id"], method="paper", handbook_page=str(n + 1),
                       at=left.isoformat())
        out += [("visit", visit), ("acknowledgement", ack)]
        at += timedelta(minutes=17)
    log = _payload(DayLog, **base, id=day_id, hlc=hlc.at(first) - 1, manager_id=manager_id,
                   day=day.isoformat(), route_id=routes[0], odometer_start=1000,
                   odometer_end=1060, first_phoned=True, first_phoned_at=first.isoformat(),
                   last_phoned=True, last_phoned_at=(at - timedelta(minutes=17)).isoformat())
    return [("day_log", log), *out]


def _province_evening(hub: Path, say) -> list[Station]:
    """Every working station of the province with a day each, the day after the last one the
    demo wrote."""
    from kjtui.models import close, connect

    con = sqlite3.connect(hub)
    (last,) = con.execute("SELECT MAX(day) FROM day_log").fetchone()
    con.close()
    day = date.fromisoformat(last) + timedelta(days=1) if last else date.today()
    working = _working(hub)
    connect(stations.url(hub))
    try:
        keys, known = _enroll([w[0] for w in working])
        out = [_bundle(code, keys[code], known, _day(code, mid, routes, customers, day))
               for code, mid, routes, customers in working]
    finally:
        close()
    say(f"province evening: {len(out)} stations, {day}, {sum(s.rows for s in out):,} records")
    return out


# --- serving and uploading -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Serving:
    """`kjtui hub serve` in a process of its own on a loopback port."""

    def __init__(self, db: str, log: Path):
        self.db, self.log = db, log
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> _Serving:
        import httpx

        self.fh = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kjtui", "hub", "serve", "--db", self.db, "--port",
             self.url.rsplit(":", 1)[1], "--lang", "en"],
            stdout=subprocess.DEVNULL, stderr=self.fh)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub serve stopped: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("hub serve did not answer /health within 60 s")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.fh.close()


def _send(client, url: str, st: Station) -> Answer:
    """One station's upload as its laptop makes it: again after a busy hub or a dropped link."""
    import httpx

    from sync.hub_server import MEDIA

    t0, retries = time.perf_counter(), 0
    while True:
        try:
            r = client.post(url + "/bundles", content=st.data, headers={"Content-Type": MEDIA})
            if r.status_code != 503 or retries >= 20:
                return Answer(st.code, r.status_code,
                              r.headers.get("x-kjtui-status", r.text[:80]),
                              int(r.headers.get("x-kjtui-changes", "0")),
                              time.perf_counter() - t0, retries)
        except httpx.TransportError as exc:
            if retries >= 20:
                return Answer(st.code, 0, type(exc).__name__, 0, time.perf_counter() - t0,
                              retries)
        retries += 1
        time.sleep(min(2.0, 0.1 * 2 ** retries) * random.uniform(0.5, 1.0))


def _upload(urls: list[str], sts: list[Station], in_flight: int) -> tuple[float, list[Answer]]:
    """`in_flight` laptops at once, released together, each taking the next station's bundle
    as it is answered (station i to urls[i % len(urls)]). Returns (wall seconds, answers)."""
    import httpx

    answers: list[Answer | None] = [None] * len(sts)
    todo = iter(range(len(sts)))
    lock = threading.Lock()
    n = min(in_flight, len(sts))
    ready = threading.Barrier(n + 1)

    def laptop() -> None:
        with httpx.Client(timeout=120) as client:
            ready.wait()
            while True:
                with lock:
                    i = next(todo, None)
                if i is None:
                    return
                answers[i] = _send(client, urls[i % len(urls)], sts[i])

    threads = [threading.Thread(target=laptop) for _ in range(n)]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, [a for a in answers if a is not None]


def _floor(url: str, sts: list[Station]) -> tuple[float, list[Answer]]:
    """The same bundles imported one after another in this process (the answer made too)."""
    from kjtui.models import close, connect
    from sync import importer

    connect(url)
    try:
        answers = []
        t_all = time.perf_counter()
        for st in sts:
            t0 = time.perf_counter()
            r = importer.import_bytes(st.data)
            answers.append(Answer(st.code, 200, r.status, r.changes, time.perf_counter() - t0, 0))
        return time.perf_counter() - t_all, answers
    finally:
        close()


# --- the check -----------------------------------------------------------------------------------


def _wrong(url: str, sts: list[Station], answers: list[Answer]) -> str:
    """What says a bundle was not applied exactly once at the hub of `url` ("" if none)."""
    from kjtui.models import HeldRecord, SyncPeer, SyncReceived, close, connect, database

    statuses: dict[str, list[str]] = {}
    for a in answers:
        statuses.setdefault(a.code, []).append(a.status if a.http == 200 else f"{a.http} "
                                                                               f"{a.status}")
    bad = [f"{c}: {s}" for c, s in statuses.items()
           if s.count("applied") != 1 or any(x not in ("applied", "duplicate") for x in s)]
    bad += [f"{st.code}: no answer" for st in sts if st.code not in statuses]
    if bad:
        return f"answers {'; '.join(bad[:3])}"
    written = sum(a.changes for a in answers)
    if written != sum(st.rows for st in sts):
        return f"{written:,} records written of {sum(st.rows for st in sts):,}"
    connect(url)
    try:
        codes = [st.code for st in sts]
        acked = dict(SyncPeer.select(SyncPeer.node, SyncPeer.acked_seq)
                     .where(SyncPeer.node.in_(codes)).tuples())
        behind = [st.code for st in sts if acked.get(st.code) != st.last]
        if behind:
            return f"{len(behind)} peer(s) acknowledge another seq ({behind[0]})"
        ranges: dict[str, int] = {}
        for (code,) in SyncReceived.select(SyncReceived.node).where(
                SyncReceived.node.in_(codes)).tuples():
            ranges[code] = ranges.get(code, 0) + 1
        twice = [c for c in codes if ranges.get(c) != 1]
        if twice:
            return f"{len(twice)} station(s) without one received range ({twice[0]})"
        held = HeldRecord.select().where(HeldRecord.station.in_(codes)).count()
        if held:
            return f"{held} record(s) held"
        ids: dict[str, list[str]] = {}
        for st in sts:
            for t, v in st.ids.items():
                ids.setdefault(t, []).extend(v)
        p = database.obj.param
        for table, v in ids.items():
            there = 0
            for i in range(0, len(v), 400):
                chunk = v[i : i + 400]
                there += database.obj.execute_sql(
                    f'SELECT COUNT(*) FROM "{table}" WHERE id IN ({", ".join([p] * len(chunk))})',
                    chunk).fetchone()[0]
            if there != len(set(v)):
                return f"{table}: {there:,} of {len(set(v)):,} records there"
        return ""
    finally:
        close()


# --- a scenario on one database ------------------------------------------------------------------


def _figures(name: str, db: str, sts: list[Station], served: tuple[float, list[Answer]],
             floor: tuple[float, list[Answer]], wrong: str, processes: int,
             in_flight: int) -> list[Figure]:
    wall, answers = served
    floor_s, floor_answers = floor
    n = len(sts)
    note = (f"{n:,} stations, {sum(st.rows for st in sts):,} records, {in_flight} at once, "
            f"{processes} hub serve; ")
    retries = sum(a.retries for a in answers)
    note += f"{retries} retried after a busy hub; " if retries else ""
    note += f"WRONG: {wrong}" if wrong else "each applied exactly once"
    ok = False if wrong else None
    p95 = percentile([a.seconds for a in answers], 95) * 1000
    floor_p95 = percentile([a.seconds for a in floor_answers], 95) * 1000
    return [Figure(f"{name}, {db}: bundles per second", n / wall, "bundles/s", n / floor_s,
                   FLOOR, "reported", ok, note),
            Figure(f"{name}, {db}: an upload's answer, 95th percentile", p95, "ms", floor_p95,
                   FLOOR_P95, "reported", ok, f"{wall:.1f} s in all (floor {floor_s:.1f} s)")]


def _on_sqlite(name: str, hub: Path, sts: list[Station], in_flight: int,
               tmp: Path) -> list[Figure]:
    served_db = data.copy_of(hub, tmp / f"{name}-served.db")
    floor_db = data.copy_of(hub, tmp / f"{name}-floor.db")
    with _Serving(str(served_db), tmp / "serve.log") as hub_:
        served = _upload([hub_.url], sts, in_flight)
    floor = _floor(stations.url(floor_db), sts)
    wrong = (_wrong(stations.url(served_db), sts, served[1])
             or _wrong(stations.url(floor_db), sts, floor[1]))
    return _figures(name, "SQLite", sts, served, floor, wrong, 1, in_flight)


def _on_postgresql(ctx, name: str, hub: Path, sts: list[Station], in_flight: int,
                   tmp: Path) -> list[Figure]:
    import psycopg

    from benchmarks import pg
    from kjtui.models import close

    served_url = pg._fresh_database(ctx.pg_url, PG_DB)
    floor_url = pg._url(ctx.pg_url, PG_DB + "_floor")
    pg._load(hub, served_url)
    close()
    with psycopg.connect(ctx.pg_url, autocommit=True) as con:  # a copy of the loaded hub
        con.execute(f"DROP DATABASE IF EXISTS {PG_DB}_floor")
        con.execute(f"CREATE DATABASE {PG_DB}_floor TEMPLATE {PG_DB}")
    try:
        with _Serving(served_url, tmp / "serve-1.log") as one, \
                _Serving(served_url, tmp / "serve-2.log") as two:
            served = _upload([one.url, two.url], sts, in_flight)
        floor = _floor(floor_url, sts)
        wrong = _wrong(served_url, sts, served[1]) or _wrong(floor_url, sts, floor[1])
    finally:
        close()
        with psycopg.connect(ctx.pg_url, autocommit=True) as con:
            for db in (PG_DB, PG_DB + "_floor"):
                con.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return _figures(name, "PostgreSQL", sts, served, floor, wrong, 2, in_flight)


def _scenario(ctx, name: str, hub: Path, sts: list[Station], in_flight: int,
              tmp: Path) -> list[Figure]:
    figs = _on_sqlite(name, hub, sts, in_flight, tmp)
    if ctx.pg_url:
        figs += _on_postgresql(ctx, name, hub, sts, in_flight, tmp)
    else:
        figs.append(Figure(f"{name}, PostgreSQL",
                           note="no server (set KJTUI_TEST_PG_URL; bash .ci/pg.sh)"))
    return figs


def run(ctx) -> list[Figure]:
    need("sync.hub_server", "create_app")
    need("sync.importer", "import_bytes")
    from kjtui.models import close

    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-load-"))
    try:
        hub = stations.hub_from(ctx.demo(ctx.county), tmp / "county.db")
        week = _sync_day(hub, ctx.say)
        figs = _scenario(ctx, f"sync day, {ctx.county}", hub, week, len(week), tmp)
        province = "tiny-province" if ctx.quick else ctx.province
        hub = stations.hub_from(ctx.demo(province), tmp / "province.db")
        evening = _province_evening(hub, ctx.say)
        return figs + _scenario(ctx, f"a province's evening, {province}", hub, evening,
                                IN_FLIGHT, tmp)
    finally:
        close()
        shutil.rmtree(tmp, ignore_errors=True)
