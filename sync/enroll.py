"""Enrollment at the county office: the hub's keys, a laptop's identity and its master data.

The enrollment file is a bundle of kind "enroll": signed by the hub but not encrypted, because
it carries the station's new private keys (the station has no key to encrypt to yet). It is
handed over at the office like a key and written 0600.
"""

from __future__ import annotations

import json
import os

from kjtui.exception import BundleError
from kjtui.models import (
    HUB,
    SYNCED,
    JournalEntry,
    Manager,
    Setting,
    SyncPeer,
    database,
    hlc,
    new_id,
)
from kjtui.models.journal import node_id
from kjtui.models.migrations import latest
from sync import bundle, crypto, node, scope
from sync.importer import apply_records


def hub_init() -> dict[str, str]:
    """Make the hub's signing and HPKE keys (once). Returns the public keys."""
    if node_id() != HUB:
        raise BundleError("hub.is_station", node=node_id())
    if node.has_keys():
        raise BundleError("hub.already_initialised")
    keys = crypto.new_keys()
    with database.atomic():
        node.put(crypto.SIGN_KEY, keys["sign"])
        node.put(crypto.KEM_KEY, keys["kem"])
        node.put(node.INCARNATION, "1")
    node.protect_file()
    return crypto.public_of(keys)


def enroll(code: str, out_dir: str) -> str:
    """A new incarnation of station `code`: fresh keys made here, and a file with its identity,
    the hub's public keys and everything in the manager's scope — his own earlier records too,
    so a new laptop gets them back.

    An earlier incarnation still in use is *replaced*, not revoked: what it already wrote (a
    stick with its outbox, the old laptop's last changes) is still accepted, record by record
    under the same rules, until the administrator retires it (`revoke`, which names the
    incarnation, and `unrevoke` takes a mistake back)."""
    if node_id() != HUB:
        raise BundleError("hub.is_station", node=node_id())
    hub_keys = node.keys()
    if not os.path.isdir(out_dir):
        raise BundleError("sync.no_folder", path=out_dir)
    manager = Manager.get_or_none(Manager.code == code)
    if manager is None:
        raise BundleError("hub.unknown_manager", code=code)
    keys = crypto.new_keys()
    pub = crypto.public_of(keys)
    with database.atomic():
        last_inc = (SyncPeer.select(SyncPeer.incarnation).where(SyncPeer.node == code)
                    .order_by(SyncPeer.incarnation.desc()).scalar()) or 0
        inc = last_inc + 1
        SyncPeer.update(replaced_at=node.utc_now()).where(
            (SyncPeer.node == code) & (SyncPeer.replaced_at == "")).execute()
        hub_seq = node.last_seq()
        rows = scope.snapshot(manager)
        SyncPeer.create(node=code, incarnation=inc, sign_pub=pub["sign"], kem_pub=pub["kem"],
                        their_ack=hub_seq, enrolled_at=node.utc_now())
        identity = {
            "node": code, "incarnation": inc, "keys": keys, "hub_seq": hub_seq,
            "hub": {"node": HUB, "incarnation": node.incarnation(),
                    **crypto.public_of(hub_keys)},
        }
        order = {m._meta.table_name: i for i, m in enumerate(SYNCED)}
        changes = [(None, t, p) for (t, _), p in sorted(rows.items(),
                                                         key=lambda kv: (order[kv[0][0]], kv[0][1]))]
        lines = bundle.canonical(identity) + b"\n" + bundle.encode_lines(changes, HUB, 0, 0)
        counts: dict[str, int] = {}
        for _, t, _ in changes:
            counts[t] = counts.get(t, 0) + 1
        m = {
            "format": bundle.FORMAT, "schema": latest(), "kind": "enroll",
            "id": new_id(),
            "sender": HUB, "sender_inc": node.incarnation(), "recipient": code,
            "recipient_inc": inc, "seq": [1, 0], "ack": 0, "missing": [], "counts": counts,
            "lines": len(changes), "clock": hlc.now(), "created": node.utc_now(),
        }
        data = bundle.build(m, lines, hub_keys["sign"], None)
        name = f"enroll-{code}-i{inc}.kje"
        return bundle.write_atomic(out_dir, name, data)


def revoke(code: str, incarnation: int | None = None) -> list[int]:
    """Refuse every bundle from this station (or from one incarnation of it) from now on: a
    stolen laptop, or a replaced one retired. Returns the incarnations revoked."""
    if node_id() != HUB:
        raise BundleError("hub.is_station", node=node_id())
    q = SyncPeer.select().where(SyncPeer.node == code)
    if not q.exists():
        raise BundleError("hub.unknown_station", code=code)
    if incarnation is not None:
        q = q.where(SyncPeer.incarnation == incarnation)
        if not q.exists():
            raise BundleError("hub.unknown_incarnation", code=code, inc=incarnation)
    incs = [p.incarnation for p in q.where(SyncPeer.revoked == False)]
    with database.atomic():
        SyncPeer.update(revoked=True).where(
            (SyncPeer.node == code) & SyncPeer.incarnation.in_(incs)).execute()
    return incs


def unrevoke(code: str, incarnation: int | None = None) -> int:
    """Take a revocation back: that incarnation's bundles are accepted again (the newest revoked
    one when none is named). Returns the incarnation."""
    if node_id() != HUB:
        raise BundleError("hub.is_station", node=node_id())
    q = SyncPeer.select().where((SyncPeer.node == code) & (SyncPeer.revoked == True))
    if incarnation is not None:
        q = q.where(SyncPeer.incarnation == incarnation)
    peer = q.order_by(SyncPeer.incarnation.desc()).first()
    if peer is None:
        if not SyncPeer.select().where(SyncPeer.node == code).exists():
            raise BundleError("hub.unknown_station", code=code)
        raise BundleError("hub.not_revoked", code=code, inc=incarnation or 0)
    with database.atomic():
        SyncPeer.update(revoked=False).where((SyncPeer.node == code)
                                             & (SyncPeer.incarnation == peer.incarnation)
                                             ).execute()
    return peer.incarnation


def incarnations(code: str) -> list[SyncPeer]:
    return list(SyncPeer.select().where(SyncPeer.node == code).order_by(SyncPeer.incarnation))


def read_enrollment(data: bytes) -> tuple[dict, list, dict]:
    """Check an enrollment file and return (identity, record blocks, manifest)."""
    b = bundle.parse(data)
    m = b.manifest
    if m["kind"] != "enroll" or m["enc"] != "none" or m["sender"] != HUB:
        raise BundleError("station.not_enrollment")
    # The identity inside names the hub's key; the signature is checked with it below, which
    # proves the file is whole (trust itself comes from the hand-over at the office).
    raw = bundle.decompress(b.payload, m["raw_size"])
    head, _, rest = raw.partition(b"\n")
    try:
        identity = json.loads(head)
        hub_sign = identity["hub"]["sign"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleError("bundle.corrupt") from exc
    bundle.open_payload(b, hub_sign, None)
    if m["schema"] > latest():
        raise BundleError("bundle.schema_newer", version=m["schema"], latest=latest())
    if identity.get("node") != m["recipient"] or identity.get("incarnation") != m["recipient_inc"]:
        raise BundleError("bundle.corrupt")
    blocks = bundle.decode_blocks(rest, HUB, 0, 0)
    if sum(blk.n for blk in blocks) != m["lines"]:
        raise BundleError("bundle.corrupt")
    return identity, blocks, m


def join(data: bytes) -> dict:
    """Set up an empty notebook as the station named in an enrollment file, in one transaction."""
    identity, blocks, m = read_enrollment(data)
    if Setting.get_or_none(Setting.key == "node_id") is not None or node.has_keys():
        raise BundleError("station.not_empty")
    if any(model.select().exists() for model in SYNCED) or JournalEntry.select().exists():
        raise BundleError("station.not_empty")
    code = identity["node"]
    with database.atomic():
        node.put("node_id", code)
        node.put("signed_in_manager", code)
        node.put(crypto.SIGN_KEY, identity["keys"]["sign"])
        node.put(crypto.KEM_KEY, identity["keys"]["kem"])
        node.put(node.INCARNATION, str(identity["incarnation"]))
        hub = identity["hub"]
        SyncPeer.create(node=HUB, incarnation=hub["incarnation"], sign_pub=hub["sign"],
                        kem_pub=hub["kem"], acked_seq=identity["hub_seq"],
                        their_clock=m["clock"], enrolled_at=node.utc_now())
        written, _ = apply_records(blocks, HUB)
        hlc.receive(m["clock"], trusted=True)  # the county's clock corrects the laptop's
    node.protect_file()
    return {"node": code, "incarnation": identity["incarnation"], "records": written}
