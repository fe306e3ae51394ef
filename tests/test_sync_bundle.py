"""The bundle file refuses every damaged, forged, misaddressed or oversized input before a row
is written, with one sentence; both notebooks stay exactly as they were."""

from __future__ import annotations

import io
import json
import lzma
import struct
import zipfile

import pytest
import sync_support as sup

from kjtui import i18n
from kjtui.exception import BundleError
from sync import bundle, crypto, importer


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    pair = sup.build(tmp_path_factory.mktemp("tpl"))
    sup.use(pair.station)
    sup.visits(12)
    data = sup.export_station(pair).read_bytes()
    sup.set_hub_ack(pair, 24)
    sup.use(pair.station)
    sup.visits(3, start=12)
    later = sup.export_station(pair).read_bytes()
    sup.close()
    return pair, data, later


@pytest.fixture
def env(template, tmp_path):
    pair, data, later = template
    return sup.copy(pair, tmp_path), data, later


def refused(pair, data: bytes) -> str:
    """Import on the hub must fail with a catalog key and change neither notebook."""
    before = sup.dump(pair.hub), sup.dump(pair.station)
    sup.use(pair.hub)
    with pytest.raises(BundleError) as err:
        importer.import_bytes(data)
    sup.close()
    assert (sup.dump(pair.hub), sup.dump(pair.station)) == before
    assert err.value.key in i18n.catalog()
    return err.value.key


def test_a_good_bundle_round_trips(env):
    pair, data, _ = env
    b = bundle.parse(data)
    assert b.manifest["sender"] == "KJ01" and b.manifest["recipient"] == "hub"
    assert b.manifest["seq"] == [1, b.last] and b.manifest["counts"]["visit"] == 12
    sup.use(pair.hub)
    result = importer.import_bytes(data)
    assert result.status == "applied" and result.reply is not None


def test_truncated_at_any_offset_is_refused(env):
    pair, data, _ = env
    before = sup.dump(pair.hub)
    sup.use(pair.hub)
    step = max(1, len(data) // 150)
    offsets = sorted(set(range(0, 80)) | set(range(0, len(data), step)) | {len(data) - 1})
    for cut in offsets:
        with pytest.raises(BundleError) as err:
            importer.import_bytes(data[:cut])
        assert err.value.key in ("bundle.not_a_bundle", "bundle.truncated",
                                 "bundle.bad_manifest"), cut
    sup.close()
    assert sup.dump(pair.hub) == before


def test_a_flipped_bit_anywhere_is_refused(env):
    pair, data, _ = env
    before = sup.dump(pair.hub)
    sup.use(pair.hub)
    step = max(1, len(data) // 120)
    for at in list(range(0, len(data), step)) + [len(data) - 1]:
        for bit in (0, 7):
            bad = bytearray(data)
            bad[at] ^= 1 << bit
            with pytest.raises(BundleError):
                importer.import_bytes(bytes(bad))
    sup.close()
    assert sup.dump(pair.hub) == before


def _resign(data: bytes, change, key: str) -> bytes:
    """A bundle whose manifest was edited and signed again with `key`."""
    b = bundle.parse(data)
    m = dict(b.manifest)
    change(m)
    raw = bundle.canonical(m)
    signed = bundle.MAGIC + struct.pack(">I", len(raw)) + raw
    return signed + crypto.sign(key, signed) + b.payload


def _station_key(pair) -> str:
    from kjtui.models import Setting

    sup.use(pair.station)
    key = Setting.get_by_id(crypto.SIGN_KEY).value
    sup.close()
    return key


def test_tampered_manifest_is_refused(env):
    pair, data, _ = env
    b = bundle.parse(data)
    raw = bundle.canonical({**b.manifest, "seq": [1, b.last + 1]})
    forged = bundle.MAGIC + struct.pack(">I", len(raw)) + raw + b.signature + b.payload
    assert refused(pair, forged) == "bundle.bad_signature"


def test_a_payload_taken_from_another_bundle_is_refused(env):
    pair, data, later = env
    a, b = bundle.parse(data), bundle.parse(later)
    # The payload swapped in and the hash in the manifest fixed, signed with the station's own
    # key (the worst case: the sender itself mixes bundles): the HPKE info no longer matches.
    swapped = _resign(data, lambda m: m["members"].update(
        payload={"size": len(b.payload), "sha256": __import__("hashlib").sha256(b.payload).hexdigest()}),
        _station_key(pair))
    swapped = swapped[: len(swapped) - len(a.payload)] + b.payload
    assert refused(pair, swapped) == "bundle.cannot_decrypt"
    # Without re-signing, only the payload swapped: the hash refuses it.
    plain = data[: len(data) - len(a.payload)] + b.payload
    assert refused(pair, plain) in ("bundle.truncated", "bundle.bad_hash")


def test_a_bundle_for_another_recipient_is_refused(env):
    pair, data, _ = env
    sup.use(pair.station)
    with pytest.raises(BundleError) as err:
        importer.import_bytes(data)  # the station's own bundle, brought back to it
    assert err.value.key == "bundle.not_for_me"
    other = _resign(data, lambda m: m.update(recipient="KJ02"), _station_key(pair))
    assert refused(pair, other) == "bundle.not_for_me"


def _rebuild(pair, data: bytes, lines: bytes | None = None, **changes) -> bytes:
    """The bundle made again the honest way by the station (signed, sealed), with changes."""
    from kjtui.models import SyncPeer

    lines = _lines(pair, data) if lines is None else lines
    key = _station_key(pair)
    sup.use(pair.station)
    hub_kem = SyncPeer.get(SyncPeer.node == "hub").kem_pub
    sup.close()
    m = {k: v for k, v in bundle.parse(data).manifest.items()
         if k not in ("members", "raw_size", "compression", "enc")}
    m.update(changes)
    return bundle.build(m, lines, key, hub_kem)


def test_a_schema_newer_than_the_reader_is_refused(env):
    pair, data, _ = env
    from kjtui.models.migrations import latest

    assert refused(pair, _rebuild(pair, data, schema=latest() + 1)) == "bundle.schema_newer"


def _lines(pair, data: bytes) -> bytes:
    from kjtui.models import Setting

    sup.use(pair.hub)
    kem = Setting.get_by_id(crypto.KEM_KEY).value
    b = bundle.parse(data)
    comp = crypto.open_sealed(kem, b.payload, bundle.hpke_info(b.manifest))
    sup.close()
    return bundle.decompress(comp, b.manifest["raw_size"])


def _bomb(pair, data: bytes, claimed: int, real: bytes) -> bytes:
    """A bundle correctly signed and sealed by an enrolled station whose payload inflates to
    `real` while the manifest claims `claimed` bytes."""
    from kjtui.models import SyncPeer

    key = _station_key(pair)
    sup.use(pair.station)
    hub_kem = SyncPeer.get(SyncPeer.node == "hub").kem_pub
    sup.close()
    b = bundle.parse(data)
    m = {k: v for k, v in b.manifest.items() if k not in ("members",)}
    m["raw_size"] = claimed
    m["members"] = {}
    comp = lzma.compress(real, format=lzma.FORMAT_RAW, filters=bundle.LZMA_FILTERS)
    payload = crypto.seal(hub_kem, comp, bundle.hpke_info(m))
    import hashlib

    m["members"] = {"payload": {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}}
    raw = bundle.canonical(m)
    signed = bundle.MAGIC + struct.pack(">I", len(raw)) + raw
    return signed + crypto.sign(key, signed) + payload


def test_a_zip_bomb_is_refused(env):
    pair, data, _ = env
    real = b"\x00" * (50 * 1024 * 1024)  # 50 MB of zeros: a few kB compressed
    bomb = _bomb(pair, data, 1000, real)
    assert len(bomb) < 64 * 1024
    assert refused(pair, bomb) == "bundle.too_big"
    # a manifest that admits the size is stopped by the hard cap before anything inflates
    honest = _resign(data, lambda m: m.update(raw_size=bundle.MAX_RAW + 1), _station_key(pair))
    assert refused(pair, honest) == "bundle.too_big"


def test_a_file_beyond_the_size_cap_is_refused(env, tmp_path):
    pair, data, _ = env
    big = tmp_path / "big.kjb"
    with open(big, "wb") as fh:
        fh.truncate(bundle.MAX_FILE + 10)
    with pytest.raises(BundleError) as err:
        bundle.read_file(big)
    assert err.value.key == "bundle.too_big"
    assert refused(pair, data + b"\0" * (bundle.MAX_FILE - len(data) + 1)) == "bundle.too_big"


def test_member_names_with_dotdot_are_refused(env, tmp_path):
    pair, data, _ = env
    # A zip archive with ../ names given as a bundle: never opened as an archive, never
    # extracted, refused as not a bundle, and no file appears outside.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.txt", "x")
        z.writestr("/etc/evil", "x")
    assert refused(pair, buf.getvalue()) == "bundle.not_a_bundle"
    assert not (tmp_path.parent / "evil.txt").exists()
    # A manifest that names a member other than the payload, even signed by the station.
    for name in ("../payload", "/payload", "payload/../../x"):
        evil = _resign(data, lambda m, n=name: m.update(
            members={n: m["members"]["payload"]}), _station_key(pair))
        assert refused(pair, evil) == "bundle.bad_member"
    extra = _resign(data, lambda m: m["members"].update({"extra": {"size": 0, "sha256": ""}}),
                    _station_key(pair))
    assert refused(pair, extra) == "bundle.bad_member"


def test_unknown_and_revoked_stations_are_refused_before_decrypting(env, monkeypatch):
    pair, data, _ = env
    from sync import enroll

    opened = []
    monkeypatch.setattr(crypto, "open_sealed", lambda *a: opened.append(a))
    unknown = _resign(data, lambda m: m.update(sender="KJ99"), _station_key(pair))
    assert refused(pair, unknown) == "bundle.unknown_sender"
    sup.use(pair.hub)
    enroll.revoke("KJ01")
    sup.close()
    assert refused(pair, data) == "bundle.revoked_sender"
    assert opened == []


def test_a_forged_signature_from_another_key_is_refused(env):
    pair, data, _ = env
    forged = _resign(data, lambda m: None, crypto.new_keys()["sign"])
    assert refused(pair, forged) == "bundle.bad_signature"


def test_a_station_record_claiming_another_owner_is_held_and_the_rest_applies(env):
    """A station may only write its own notebook: a record that says otherwise is held with its
    reason (and what hangs off it), never the whole bundle."""
    from kjtui.models import Acknowledgement, DayLog, HeldRecord, Visit

    pair, data, _ = env
    lines = _lines(pair, data)
    blocks = [json.loads(x) for x in lines.split(b"\n")]
    for blk in blocks:
        if blk["t"] == "visit":
            blk["cols"]["owner"] = ["KJ02"] * len(blk["hlc"])
    evil_lines = "\n".join(json.dumps(b, ensure_ascii=False, separators=(",", ":"))
                           for b in blocks).encode()
    evil = _rebuild(pair, data, evil_lines)
    sup.use(pair.hub)
    r = importer.import_bytes(evil)
    assert r.status == "applied" and DayLog.select().count() == 1
    assert Visit.select().count() == 0 and Acknowledgement.select().count() == 0
    reasons = {(h.table_name, h.reason) for h in HeldRecord.select()}
    assert reasons == {("visit", "write.not_sender"), ("acknowledgement", "write.parent_held")}
