"""Sync day at the county office: a folder (a USB stick, the office's shared folder) holding the
bundles of many laptops is imported in one go at the hub, each bundle by sync.importer in its own
transaction, station by station in seq order (a stick's files come in any order; a bundle after a
gap is parked, never lost). Then each station's return bundle (the hub's acknowledgement, the gaps
it still needs, the county's news) is written onto the same folder, to go back on the stick.

The summary says, per station, what became of its bundles (applied, already imported, parked
behind a gap, refused and why) and of their records (written, held for the administrator with the
rule they break, kept as conflicts). A refused bundle changes nothing and stops nothing: the next
file is imported all the same."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kjtui.exception import BundleError, KjtuiError, Refused
from kjtui.services import settings

FOLDER = "sync_day.folder"  # the hub's setting: the folder imported last

# sync.bundle.file_name: SENDER-to-RECIPIENT-iINC-FIRST-LAST-ID.kjb
NAME = re.compile(r"^(?P<sender>.+?)-to-(?P<recipient>.+?)-i(?P<inc>\d+)-(?P<first>\d+)-(?P<last>\d+)-")


@dataclass(frozen=True)
class RefusedBundle:
    """A bundle the hub did not take, and why (a catalog key and its parameters); which one by
    its seqs when its manifest or its name says, else by its name."""

    file: str
    key: str
    params: dict = field(default_factory=dict)
    first: int = 0
    last: int = 0

    @property
    def label(self) -> str:
        return os.path.splitext(self.file)[0]


@dataclass
class StationDay:
    station: str  # the sender's code ("" when neither the file nor its name says)
    bundles: int = 0
    applied: int = 0  # bundles applied (those parked that they completed too)
    duplicate: int = 0  # bundles the hub already had
    parked: int = 0  # bundles waiting behind a gap
    records: int = 0  # records written at the hub
    held: int = 0  # records held for the administrator's decision
    held_reasons: list[tuple[str, dict]] = field(default_factory=list)  # why, one a record
    conflicts: int = 0  # values that lost, kept for the administrator
    refused: list[RefusedBundle] = field(default_factory=list)
    missing: list[list[int]] = field(default_factory=list)  # seqs the hub still lacks
    returned: list[str] = field(default_factory=list)  # the return bundles written (paths)
    incarnations: set[int] = field(default_factory=set)


@dataclass
class SyncDay:
    folder: str
    files: int
    stations: list[StationDay]  # in the order of their codes

    def total(self, what: str) -> int:
        return sum(len(v) if isinstance(v := getattr(s, what), list) else v
                   for s in self.stations)


def bundles_in(folder: str) -> list[str]:
    """The bundles in `folder` addressed to the hub (the return bundles beside them are not),
    a station's in the order of their seqs."""
    from kjtui.models import HUB
    from sync.bundle import SUFFIX

    if not os.path.isdir(folder):
        raise BundleError("sync.no_folder", path=folder)
    names = [n for n in os.listdir(folder) if n.endswith(SUFFIX) and not n.startswith(".")]

    def order(name: str):
        m = NAME.match(name)
        if m is None:
            return ("~", 0, 0, name)  # renamed: after the others, parked if it must wait
        return (m["sender"], int(m["inc"]), int(m["first"]), name)

    return [os.path.join(folder, n) for n in sorted(names, key=order)
            if (m := NAME.match(n)) is None or m["recipient"] == HUB]


def _refusal(exc: BaseException, path: str) -> KjtuiError:
    """Any failure of one bundle as a refusal (the transaction was rolled back by then)."""
    import peewee

    if isinstance(exc, KjtuiError):
        return exc
    if isinstance(exc, OSError):
        return BundleError("bundle.unreadable", path=os.path.basename(path),
                           reason=exc.strerror or str(exc))
    if isinstance(exc, peewee.PeeweeException):
        return BundleError("bundle.apply_failed", reason=str(exc).splitlines()[0] if str(exc)
                           else type(exc).__name__)
    raise exc


def _refused(exc: BaseException, path: str, data: bytes | None) -> tuple[str, RefusedBundle]:
    """Who sent a refused bundle and what it was: its manifest says, if it can be read; else
    its file name."""
    from sync import bundle

    refusal, name = _refusal(exc, path), os.path.basename(path)
    sender, first, last = "", 0, 0
    if (m := NAME.match(name)) is not None:
        sender, first, last = m["sender"], int(m["first"]), int(m["last"])
    if data is not None:
        try:
            b = bundle.parse(data)
            sender, first, last = b.sender, b.first, b.last
        except KjtuiError:
            pass
    return sender, RefusedBundle(name, refusal.key, dict(refusal.params), first, last)


def import_folder(folder: str, reply_to: str | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> SyncDay:
    """Import every bundle in `folder` for this hub, then write each station's return bundle
    into `reply_to` (default: the same folder). `progress(done, total, file)` after each file."""
    from kjtui.models import HUB, SyncConflict
    from kjtui.models.journal import node_id
    from sync import bundle, importer, node

    if node_id() != HUB:
        raise Refused("hub.is_station", node=node_id())
    node.keys()  # a hub without keys says so before a file is read
    paths = bundles_in(folder)
    days: dict[str, StationDay] = {}
    conflicts_before = _conflicts(SyncConflict)
    if progress:
        progress(0, len(paths), "")
    for i, (path, data, result) in enumerate(importer.import_each(paths, bundle.read_file), 1):
        name = os.path.basename(path)
        if isinstance(result, Exception):  # each failure is said, then the next file
            sender, refusal = _refused(result, path, data)
            day = days.setdefault(sender, StationDay(sender))
            day.bundles += 1
            day.refused.append(refusal)
        else:
            day = days.setdefault(result.sender, StationDay(result.sender))
            day.bundles += 1
            day.incarnations.add(result.incarnation)
            day.applied += (result.status == "applied") + result.unparked
            day.duplicate += result.status in ("duplicate", "acknowledged")
            day.parked += result.status == "parked"
            day.records += result.changes
            day.held += len(result.held)
            day.held_reasons += [(h.why.key, dict(h.why.params)) for h in result.held]
        if progress:
            progress(i, len(paths), name)
    after = _conflicts(SyncConflict)
    for code, day in days.items():
        day.conflicts = after.get(code, 0) - conflicts_before.get(code, 0)
        _reply(day, reply_to or folder)
    settings.put(FOLDER, folder)
    return SyncDay(folder, len(paths), [days[k] for k in sorted(days)])


def last_folder() -> str | None:
    """The folder the last sync day imported (the office's stick mounts at the same place)."""
    return settings.get(FOLDER) or None


def _conflicts(model) -> dict[str, int]:
    import peewee as pw

    return dict(model.select(model.node, pw.fn.COUNT(model.id)).group_by(model.node).tuples())


def _reply(day: StationDay, folder: str) -> None:
    """The station's return bundle, for each of its enrolled laptops that sent something (or,
    when none of its bundles could be read, its current one): its ack, its gaps, its news."""
    from sync import bundle, exporter, node

    peers = [p for p in node.stations(day.station) if not day.incarnations
             or p.incarnation in day.incarnations] if day.station else []
    for peer in peers[-1:] if not day.incarnations else peers:
        day.missing = exporter.missing_ranges(peer)
        try:
            name, data = exporter.return_bundle(peer)
            day.returned.append(bundle.write_atomic(folder, name, data))
        except OSError as exc:
            day.refused.append(RefusedBundle("", "bundle.write_failed",
                                       {"path": folder, "reason": exc.strerror or str(exc)}))
