"""Stations made from the county demo for the sync benchmarks: the hub (a copy of the demo)
enrolls a manager's laptop, the laptop joins, and its journal is given the manager's own records
of the demo's year (the demo writes history without a journal, as a loader does), so that the
station's real exporter makes the bundle the manager's year would have made."""

from __future__ import annotations

import json
import os
from pathlib import Path

from benchmarks import data


def url(path: Path) -> str:
    return "sqlite:///" + str(path)


def own_records(code: str) -> list[tuple[str, dict]]:
    """(table, payload) of every record station `code` owns, in the order they were written."""
    from kjtui.models import OWNED_BY_STATION, SYNCED
    from kjtui.models.journal import to_payload

    order = {m: i for i, m in enumerate(SYNCED)}
    out = []
    for model in OWNED_BY_STATION:
        for rec in model.select().where(model.owner == code):
            out.append((rec.hlc, order[model], model._meta.table_name, to_payload(rec)))
    out.sort(key=lambda r: r[:2])
    return [(t, p) for _, _, t, p in out]


def hub_from(county: Path, dest: Path) -> Path:
    """A copy of the demo as the county's hub, with its keys."""
    from kjtui.models import close, connect
    from sync import enroll, node

    data.copy_of(county, dest)
    connect(url(dest))
    if not node.has_keys():
        enroll.hub_init()
    close()
    return dest


def enroll_station(hub: Path, code: str, folder: Path) -> tuple[bytes, list[tuple[str, dict]]]:
    """At the hub: the enrollment file for `code` and the records it owns."""
    from kjtui.models import close, connect
    from sync import enroll

    connect(url(hub))
    try:
        path = enroll.enroll(code, str(folder))
        return Path(path).read_bytes(), own_records(code)
    finally:
        close()


def make_station(enrollment: bytes, records: list[tuple[str, dict]], dest: Path) -> Path:
    """A laptop that joined with `enrollment`, its journal holding `records` (seq 1..n)."""
    from kjtui.models import JournalEntry, close, connect, database
    from sync import enroll

    if dest.exists():
        os.unlink(dest)
    connect(url(dest))
    try:
        enroll.join(enrollment)
        rows = [
            {"seq": i + 1, "table_name": t, "record_id": p["id"], "rev": p["rev"], "hlc": p["hlc"],
             "payload": json.dumps(p, ensure_ascii=False, separators=(",", ":"))}
            for i, (t, p) in enumerate(records)
        ]
        with database.atomic():
            for i in range(0, len(rows), 2000):
                JournalEntry.insert_many(rows[i : i + 2000]).execute()
    finally:
        close()
    return dest


def station_codes(hub: Path, n: int | None = None, *, working: bool = False) -> list[str]:
    """Managers who own visits, stationed ones first (the notebook's main users).

    `working`: only those who can record a week today: in post (status active) with customers
    and a route with stops. Chosen by what the figure needs, never by position: the demo's own
    history puts different managers on standby depending on the day it is built."""
    import sqlite3

    working_sql = (
        " AND m.status = 'active'"
        " AND EXISTS (SELECT 1 FROM customer AS c WHERE c.manager_id = m.id)"
        " AND EXISTS (SELECT 1 FROM route AS r JOIN route_stop AS s ON s.route_id = r.id"
        "             WHERE r.manager_id = m.id)"
    ) if working else ""
    con = sqlite3.connect(hub)
    codes = [r[0] for r in con.execute(
        "SELECT m.code FROM manager AS m LEFT JOIN post AS p ON p.id = m.post_id "
        "WHERE EXISTS (SELECT 1 FROM visit AS v WHERE v.owner = m.code)" + working_sql +
        " ORDER BY p.kind IS NOT 'stationed', m.code")]
    con.close()
    if working and not codes:
        raise LookupError(f"{hub}: no manager in post with customers, a route and visits")
    return codes[:n] if n else codes
