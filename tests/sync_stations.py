"""A county hub and two stations (KJ01, KJ02) enrolled and joined, for tests of sync between
several laptops. One process plays every end: `at(who)` binds the models to that notebook.
Bundles travel as they would on a stick: the station's outbox to the hub, the hub's answer back.
The hub is SQLite (a template built once and copied) or PostgreSQL (built in place)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sync_sample as sample

from kjtui.models import close, connect, resolve_url

CODES = ("KJ01", "KJ02")
MONDAY = date(2026, 11, 23)


@dataclass
class County:
    folder: Path
    hub: str  # a database URL
    stations: dict[str, Path] = field(default_factory=dict)
    enrollments: dict[str, Path] = field(default_factory=dict)

    bound: str = ""

    def at(self, who: str):
        self.bound = who
        close()
        return connect(self.hub if who == "hub" else resolve_url(self.stations[who]))

    def outbox(self, code: str) -> bytes:
        from sync import exporter

        self.at(code)
        return exporter.station_bundle()[1]

    def push(self, code: str, data: bytes | None = None):
        """The station's outbox (or `data`) imported at the hub, the answer applied at the
        station. Returns (the hub's result, the station's result)."""
        from sync import importer

        data = self.outbox(code) if data is None else data
        self.at("hub")
        at_hub = importer.import_bytes(data)
        self.at(code)
        back = importer.import_bytes(at_hub.reply[1])
        return at_hub, back


def build(folder: Path, hub_url: str | None = None, codes=CODES) -> County:
    from sync import enroll

    folder.mkdir(parents=True, exist_ok=True)
    url = hub_url or resolve_url(folder / "hub.db")
    county = County(folder, url)
    county.at("hub")
    enroll.hub_init()
    sample.county(codes)
    for code in codes:
        county.enrollments[code] = Path(enroll.enroll(code, str(folder)))
    for code in codes:
        county.stations[code] = folder / f"{code}.db"
        county.at(code)
        enroll.join(county.enrollments[code].read_bytes())
    close()
    return county


def copy(template: County, folder: Path) -> County:
    """A copy of a county whose hub is SQLite."""
    folder.mkdir(parents=True, exist_ok=True)
    hub = folder / "hub.db"
    shutil.copy(resolve_url(template.hub).removeprefix("sqlite:///"), hub)
    out = County(folder, resolve_url(hub))
    for code, path in template.stations.items():
        out.stations[code] = folder / path.name
        shutil.copy(path, out.stations[code])
        out.enrollments[code] = template.enrollments[code]
    return out


def customer(licence_no: str):
    from kjtui.models import Customer

    return Customer.get(Customer.licence_no == licence_no)


def licence(k: int, route: int, stop: int) -> str:
    """The licence number sync_sample gives manager k's route's stop."""
    return f"4313{k:02d}{route:02d}{stop:04d}"


def visit(code: str, licence_no: str, at: datetime, **fields) -> str:
    """A visit on the bound station, through the notebook service."""
    from kjtui.models import Manager
    from kjtui.services import visit_checks, visits

    m = Manager.get(Manager.code == code)
    fields.setdefault("confirmed", visit_checks.VISIT_QUESTIONS)  # the same customer again is fine here
    return visits.record_visit(m.id, at.date(), customer(licence_no).id, arrived_at=at,
                               departed_at=at, **fields).id


def ack_pin(visit_id: str, pin: str, *, first: bool):
    from kjtui.services import acknowledgement

    if first:
        return acknowledgement.acknowledge(visit_id, "pin", pin=pin, new_pin=pin)
    return acknowledgement.acknowledge(visit_id, "pin", pin=pin)


def ack_paper(visit_id: str, page: str):
    from kjtui.services import acknowledgement

    return acknowledgement.acknowledge(visit_id, "paper", handbook_page=page)


def forge(code: str, table: str, payload: dict, *, rev: int | None = None) -> int:
    """A record written straight into the bound station's journal, as a hostile laptop (its own
    keys, its own database) would send it. Returns its seq."""
    import json

    from kjtui.models import JournalEntry, hlc
    from sync import node

    seq = node.last_seq() + 1
    payload = {"owner": code, "rev": 1, "hlc": hlc.tick(), "deleted": False, **payload}
    if rev is not None:
        payload["rev"] = rev
    JournalEntry.create(seq=seq, table_name=table, record_id=payload["id"], rev=payload["rev"],
                        hlc=payload["hlc"], payload=json.dumps(payload, ensure_ascii=False))
    return seq


def payload_of(model, ident: str) -> dict:
    from kjtui.models.journal import to_payload

    return to_payload(model.get_by_id(ident))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serving:
    """`kjtui hub serve` in its own process on a loopback port (the models of one process bind
    one database); `log` holds its stderr once stopped."""

    def __init__(self, kjtui_cmd, hub_db: str, port: int | None = None):
        self.cmd, self.db = kjtui_cmd, hub_db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ""
        self.proc = None

    def __enter__(self) -> Serving:
        import subprocess
        import time

        import httpx

        self.proc = subprocess.Popen([*self.cmd, "hub", "serve", "--db", self.db, "--port",
                                      str(self.port), "--lang", "en"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(300):  # up to ~30 s for the interpreter to start on a loaded machine
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.communicate()[1])
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the hub did not start")

    def peak_rss_kib(self) -> int:
        """The server's peak resident memory so far (VmHWM), in KiB."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM")

    def rss_kib(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def __exit__(self, *exc) -> None:
        import subprocess

        self.proc.terminate()
        try:
            _, self.log = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.log = self.proc.communicate(timeout=10)


def journal_top_of(county: County, code: str) -> int:
    from sync import node

    county.at(code)
    return node.last_seq()


def maximal_bundle(county: County, code: str, *, rows: int, text: str,
                   sealed: bool = True) -> bytes:
    """A bundle of `rows` information items from `code`'s laptop (signed with its key), made
    column by column (fast at the caps). `sealed=False`: a payload of random bytes of the size
    `text` gives, which no one can open (a maximal body that fails only when decrypted)."""
    import json
    import os

    from kjtui.models import Manager, hlc, new_id
    from sync import bundle, exporter, node

    county.at(code)
    keys, hub = node.keys(), node.hub_peer()
    m_id = Manager.get(Manager.code == code).id
    t0 = hlc.tick()
    cols = {"id": [new_id() for _ in range(rows)], "owner": [code] * rows, "rev": [1] * rows,
            "deleted": [False] * rows, "manager_id": [m_id] * rows,
            "customer_id": [None] * rows, "category": ["market"] * rows,
            "content": [text] * rows, "summary": [""] * rows, "state": ["collected"] * rows,
            "collected_on": ["2026-11-23"] * rows, "organized_at": [None] * rows}
    line = {"t": "info_item", "seq": [1] * rows, "hlc": [t0] + [1] * (rows - 1), "cols": cols}
    lines = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode()
    m = exporter._manifest("changes", hub, 1, rows, hub.acked_seq, [], {"info_item": rows}, rows)
    if sealed:
        return bundle.build(m, lines, keys["sign"], hub.kem_pub)
    import hashlib
    import struct

    payload = os.urandom(len(text) * rows)
    m.update(raw_size=len(lines), compression=bundle.COMPRESSION, enc="hpke-x25519-hkdfsha256-"
             "chacha20poly1305", members={"payload": {"size": len(payload),
                                                       "sha256": hashlib.sha256(payload).hexdigest()}})
    raw = bundle.canonical(m)
    signed = bundle.MAGIC + struct.pack(">I", len(raw)) + raw
    from sync import crypto

    return signed + crypto.sign(keys["sign"], signed) + payload
