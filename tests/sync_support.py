"""Two real notebooks for sync tests: a hub (keys, a small county, KJ01 enrolled) and KJ01's
station joined from its enrollment file. Built once, copied for each test."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kjtui.models import close, connect, resolve_url

MONDAY = date(2026, 11, 23)


def use(path: Path):
    """Bind the models to one of the two notebooks (one process plays both ends)."""
    close()
    return connect(resolve_url(path))


def dump(path: Path) -> dict:
    """Every row of every table, read-only: 'nothing changed' means this is equal."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        con.close()


def data_dump(path: Path) -> dict:
    """The synced records and acknowledgements only (not clocks or import times)."""
    from kjtui.models import SYNCED

    full = dump(path)
    keep = {m._meta.table_name for m in SYNCED} | {"sync_received", "sync_parked"}
    return {t: rows for t, rows in full.items() if t in keep}


@dataclass
class Pair:
    hub: Path
    station: Path
    folder: Path
    enrollment: Path


def build(folder: Path, codes=("KJ01",)) -> Pair:
    import sync_sample as sample

    from sync import enroll

    folder.mkdir(parents=True, exist_ok=True)
    hub, station = folder / "hub.db", folder / "station.db"
    use(hub)
    enroll.hub_init()
    sample.county(codes)
    enrollment = Path(enroll.enroll(codes[0], str(folder)))
    use(station)
    enroll.join(enrollment.read_bytes())
    close()
    return Pair(hub, station, folder, enrollment)


def with_six_visits(folder: Path) -> Pair:
    """A hub and a laptop (KJ01) whose outbox holds six visits: the HTTP and autosync tests'
    template, copied for each test."""
    pair = build(folder)
    use(pair.station)
    visits(6)
    close()
    return pair


def copy(template: Pair, folder: Path) -> Pair:
    folder.mkdir(parents=True, exist_ok=True)
    for p in (template.hub, template.station, template.enrollment):
        shutil.copy(p, folder / p.name)
    return Pair(folder / template.hub.name, folder / template.station.name, folder,
                folder / template.enrollment.name)


def visits(n: int, day: date = MONDAY, start: int = 0) -> list[str]:
    """n visits with acknowledgements on the bound station, through the notebook service."""
    from kjtui.models import Customer, Manager
    from kjtui.services import acknowledgement, visit_checks, visits

    m = Manager.get(Manager.code == "KJ01")
    customers = list(Customer.select().order_by(Customer.licence_no))
    ids = []
    for i in range(start, start + n):
        at = datetime.combine(day, datetime.min.time()).replace(hour=8)
        at = at.replace(minute=i % 60, hour=8 + i // 60)
        # Any customer of the county, again the same day: every question answered yes.
        v = visits.record_visit(m.id, day, customers[i % len(customers)].id, arrived_at=at,
                                departed_at=at, confirmed=visit_checks.VISIT_QUESTIONS)
        acknowledgement.acknowledge(v.id, "paper", handbook_page=str(i % 200 + 1))
        ids.append(v.id)
    return ids


def export_station(pair: Pair, out: Path | None = None) -> Path:
    from sync import exporter

    use(pair.station)
    (path,) = exporter.export(str(out or pair.folder))
    return Path(path)


def set_hub_ack(pair: Pair, seq: int) -> None:
    """As if the hub's answer had said it holds the station's seqs up to `seq`."""
    from kjtui.models import HUB, SyncPeer

    use(pair.station)
    SyncPeer.update(their_ack=seq).where(SyncPeer.node == HUB).execute()


def pg_hub_with_station(pg_url: str, folder: Path, per_day: int) -> tuple[Path, int]:
    """A PostgreSQL hub with KJ01 enrolled and a laptop (SQLite, bound on return) that recorded
    a week of `per_day` visits a day. Returns (the laptop's file, visits recorded)."""
    import sync_sample as sample

    from kjtui.models import connect
    from sync import enroll

    connect(pg_url)
    enroll.hub_init()
    sample.county()
    enrollment = enroll.enroll("KJ01", str(folder))
    station = folder / "laptop.db"
    use(station)
    enroll.join(Path(enrollment).read_bytes())
    return station, sample.record_week("KJ01", MONDAY, per_day=per_day)
