"""The bundle file: one file from one node to another, read in memory and never extracted.

    MAGIC (8) | manifest length (u32, big-endian) | manifest (canonical JSON, UTF-8)
              | Ed25519 signature over all that precedes it (64) | payload (the rest)

The manifest names the sender, recipient, incarnation, seq range and counts and holds the size
and sha256 of the payload, so the signature covers the ciphertext too. The payload is the
changes as JSON lines, compressed, then sealed with HPKE to the recipient with the manifest
(minus its member hashes, which depend on the ciphertext) as HPKE `info`: a payload moved into
another bundle neither matches the hash nor opens. See docs/BUNDLE_FORMAT.md.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import re
import struct
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import accumulate, repeat
from operator import methodcaller

from kjtui.exception import BundleError
from sync import crypto

MAGIC = b"KJTB\x00\x01\r\n"  # \r\n: a copy that mangles line ends breaks the magic, not the data
FORMAT = 1
# Caps. One manager's year is ~50 kB on disk, ~600 kB of JSON lines, ~16,000 rows; an exporter
# splits a longer outbox into several bundles (EXPORT_LINES, EXPORT_RAW), so no honest bundle
# comes near these. They bound what one import may cost the hub (docs/BUNDLE_FORMAT.md,
# "Memory"). An enrollment file (a manager's whole history, read by `station join` on the
# laptop, never by the hub) may hold more rows.
MAX_FILE = 16 * 1024 * 1024
MAX_MANIFEST = 64 * 1024
MAX_RAW = 32 * 1024 * 1024  # decompressed payload: a zip bomb stops here
MAX_LINES = 50_000  # rows of a bundle of changes
MAX_ENROLL_LINES = 2_000_000  # rows of an enrollment file
EXPORT_LINES = 20_000  # rows an exporter puts in one bundle, at most
EXPORT_RAW = 8 * 1024 * 1024  # bytes of JSON lines an exporter puts in one bundle, about
SIG_LEN = 64
COMPRESSION = "lzma2-raw-6-1m"
# Raw LZMA2 (no .xz container: ~60 bytes less a bundle); both ends know the filter chain. A 1 MiB
# dictionary: preset 9's 64 MiB costs 100 ms of allocation per bundle and gains nothing on a
# week (64 kB of JSON lines); preset 6 compresses a week as small as 9e, 30 ms against 40.
LZMA_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 6, "dict_size": 1 << 20}]
PAYLOAD = "payload"
SUFFIX = ".kjb"

_HEX = re.compile(r"[0-9a-f]*")
_NODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def hpke_info(manifest: dict) -> bytes:
    """What HPKE binds the payload to: the whole manifest except the member hashes."""
    return MAGIC + canonical({k: v for k, v in manifest.items() if k != "members"})


# --- the manifest ------------------------------------------------------------------------------

_FIELDS = {
    "format": int, "schema": int, "kind": str, "id": str, "sender": str, "sender_inc": int,
    "recipient": str, "recipient_inc": int, "seq": list, "ack": int, "missing": list,
    "counts": dict, "lines": int, "clock": int, "created": str, "compression": str,
    "raw_size": int, "enc": str, "members": dict,
}
KINDS = ("changes", "enroll")


def check_manifest(m) -> None:
    """Structure only (types, ranges, member names); trust comes from the signature."""
    if not isinstance(m, dict) or set(m) != set(_FIELDS):
        raise BundleError("bundle.bad_manifest")
    for name, kind in _FIELDS.items():
        value = m[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise BundleError("bundle.bad_manifest")
    if m["format"] != FORMAT:
        raise BundleError("bundle.format", version=m["format"])
    if (m["kind"] not in KINDS or not _NODE.fullmatch(m["sender"])
            or not _NODE.fullmatch(m["recipient"])):
        raise BundleError("bundle.bad_manifest")
    seq = m["seq"]
    if (len(seq) != 2 or not all(_int(s, MAX_SEQ) for s in seq)
            or seq[0] < 1 or seq[1] < seq[0] - 1):
        raise BundleError("bundle.bad_manifest")
    # Every number within what the databases store (BIGINT), every list and map of the shape
    # it has: nothing a reader acts on can be of another type.
    if not (_int(m["ack"], MAX_SEQ) and _int(m["clock"], MAX_CLOCK)
            and _int(m["sender_inc"], MAX_SEQ) and _int(m["recipient_inc"], MAX_SEQ)
            and all(isinstance(k, str) and _int(v, MAX_ENROLL_LINES)
                    for k, v in m["counts"].items())
            and len(m["missing"]) <= 1000
            and all(isinstance(r, list) and len(r) == 2 and all(_int(x, MAX_SEQ) for x in r)
                    for r in m["missing"])):
        raise BundleError("bundle.bad_manifest")
    lines = MAX_ENROLL_LINES if m["kind"] == "enroll" else MAX_LINES
    if not (0 <= m["raw_size"] <= MAX_RAW and 0 <= m["lines"] <= lines):
        raise BundleError("bundle.too_big")
    # Exactly one member, with a plain name: nothing in a bundle can name a path.
    if set(m["members"]) != {PAYLOAD}:
        raise BundleError("bundle.bad_member")
    member = m["members"][PAYLOAD]
    if (not isinstance(member, dict) or set(member) != {"size", "sha256"}
            or not _int(member["size"], MAX_FILE) or not isinstance(member["sha256"], str)):
        raise BundleError("bundle.bad_manifest")


MAX_SEQ = 2**53  # seqs, acknowledgements, incarnations
MAX_CLOCK = 2**63 - 1  # a hybrid logical clock stamp: a BIGINT


def _int(v, top: int) -> bool:
    return v.__class__ is int and 0 <= v <= top


@dataclass
class Bundle:
    manifest: dict
    signed: bytes  # MAGIC + manifest bytes: what the signature covers
    signature: bytes
    payload: bytes

    @property
    def sender(self) -> str:
        return self.manifest["sender"]

    @property
    def first(self) -> int:
        return self.manifest["seq"][0]

    @property
    def last(self) -> int:
        return self.manifest["seq"][1]


HEAD = len(MAGIC) + 4  # magic and the manifest's length: what says how long the head is


def head_length(prefix: bytes) -> int:
    """From the first HEAD bytes of a file, the length of its head: magic, length, manifest and
    signature. What follows the head is the payload, whose size the manifest states."""
    if len(prefix) < HEAD or not prefix.startswith(MAGIC):
        raise BundleError("bundle.not_a_bundle")
    (mlen,) = struct.unpack_from(">I", prefix, len(MAGIC))
    if mlen > MAX_MANIFEST:
        raise BundleError("bundle.bad_manifest")
    return HEAD + mlen + SIG_LEN


def parse_head(head: bytes) -> tuple[dict, bytes, bytes]:
    """(manifest, the signed bytes, the signature) of a head, checked for structure and for
    canonical form: the manifest must be exactly the bytes `canonical` writes (keys sorted, no
    space, each key once), so no two readers can see two manifests in one signed text."""
    n = head_length(head[:HEAD])
    if len(head) < n:
        raise BundleError("bundle.truncated")
    raw_manifest = head[HEAD : n - SIG_LEN]
    try:
        manifest = json.loads(raw_manifest.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("bundle.bad_manifest") from exc
    check_manifest(manifest)
    if canonical(manifest) != raw_manifest:
        raise BundleError("bundle.not_canonical")
    return manifest, head[: n - SIG_LEN], head[n - SIG_LEN : n]


def parse(data: bytes) -> Bundle:
    """Split a file into its parts, checking every length before it is used."""
    if len(data) > MAX_FILE:
        raise BundleError("bundle.too_big")
    if len(data) < HEAD or not data.startswith(MAGIC):
        raise BundleError("bundle.not_a_bundle")
    n = head_length(data[:HEAD])
    if len(data) < n:
        raise BundleError("bundle.truncated")
    manifest, signed, signature = parse_head(data[:n])
    payload = data[n:]
    if len(payload) != manifest["members"][PAYLOAD]["size"]:
        raise BundleError("bundle.truncated")
    return Bundle(manifest, signed, signature, payload)


def open_payload(b: Bundle, sign_pub: str, kem_priv: str | None) -> bytes:
    """Verify signature and hash, decrypt (kem_priv None: an unencrypted enrollment), and
    decompress with a hard cap. Returns the JSON lines."""
    try:
        crypto.verify(sign_pub, b.signature, b.signed)
    except crypto.CryptoFailed as exc:
        raise BundleError("bundle.bad_signature") from exc
    if hashlib.sha256(b.payload).hexdigest() != b.manifest["members"][PAYLOAD]["sha256"]:
        raise BundleError("bundle.bad_hash")
    m = b.manifest
    if m["enc"] == crypto.SUITE_NAME and kem_priv is not None:
        try:
            compressed = crypto.open_sealed(kem_priv, b.payload, hpke_info(m))
        except crypto.CryptoFailed as exc:
            raise BundleError("bundle.cannot_decrypt") from exc
    elif m["enc"] == "none" and m["kind"] == "enroll":
        compressed = b.payload
    else:
        raise BundleError("bundle.bad_manifest")
    if m["compression"] != COMPRESSION:
        raise BundleError("bundle.bad_manifest")
    return decompress(compressed, m["raw_size"])


def decompress(compressed: bytes, raw_size: int) -> bytes:
    """At most raw_size (itself capped) bytes come out, whatever the input claims."""
    d = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=LZMA_FILTERS)
    try:
        raw = d.decompress(compressed, raw_size + 1)
    except lzma.LZMAError as exc:
        raise BundleError("bundle.corrupt") from exc
    if len(raw) > raw_size:
        raise BundleError("bundle.too_big")
    if len(raw) != raw_size or not d.eof or d.unused_data:
        raise BundleError("bundle.corrupt")
    return raw


def build(manifest: dict, lines: bytes, sign_priv: str, kem_pub: str | None) -> bytes:
    """The file for a manifest (without members/raw_size/compression/enc) and its JSON lines."""
    m = dict(manifest)
    m["raw_size"] = len(lines)
    m["compression"] = COMPRESSION
    m["enc"] = crypto.SUITE_NAME if kem_pub else "none"
    m["members"] = {}
    compressed = lzma.compress(lines, format=lzma.FORMAT_RAW, filters=LZMA_FILTERS)
    if kem_pub:
        payload = crypto.seal(kem_pub, compressed, hpke_info(m))
    else:
        payload = compressed
    m["members"] = {PAYLOAD: {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}}
    check_manifest(m)
    raw_manifest = canonical(m)
    signed = MAGIC + struct.pack(">I", len(raw_manifest)) + raw_manifest
    if len(raw_manifest) > MAX_MANIFEST or len(signed) + SIG_LEN + len(payload) > MAX_FILE:
        raise BundleError("bundle.too_big")
    return signed + crypto.sign(sign_priv, signed) + payload


# --- the changes as JSON lines ------------------------------------------------------------------
#
# One line per block of changes to one table, column by column (a column of a week's visits is
# mostly the same few values, which LZMA folds to almost nothing; measured 52 bytes a visit with
# its acknowledgement, against 58 for a line per record):
#   {"t": table, "seq": [steps] | null, "hlc": [steps], "cols": {column: [values]}}
# Seqs and stamps are steps from the previous row of the block. "seq": null marks context
# (a parent record, enrollment data), not a change of the sender's journal.


def _models():
    from kjtui.models import SYNCED

    return {m._meta.table_name: m for m in SYNCED}


_DEFAULTS: dict[str, dict] = {}


def defaults(table: str) -> dict:
    """column -> the value a column missing from a block means (a sender one schema older)."""
    if table not in _DEFAULTS:
        model = _models()[table]
        out = {}
        for f in model._meta.sorted_fields:
            d = f.default
            if callable(d) or (d is None and not f.null):
                continue  # required: every sender writes it
            out[f.column_name] = d
        _DEFAULTS[table] = out
    return _DEFAULTS[table]


_COLUMNS: dict[str, list[str]] = {}


def columns(table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = [f.column_name for f in _models()[table]._meta.sorted_fields]
    return _COLUMNS[table]


def _json_value(v):
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    return v


def encode_lines(changes, sender: str = "", base_seq: int = 0, base_hlc: int = 0) -> bytes:
    """changes: (seq or None, table, payload with every column), in seq order."""
    blocks: list[tuple[str, bool, list]] = []
    for seq, table, payload in changes:
        if not blocks or blocks[-1][0] != table or blocks[-1][1] != (seq is None):
            blocks.append((table, seq is None, []))
        blocks[-1][2].append((seq, payload))
    # Gather each table's blocks into one: the column runs get longer.
    merged: dict[tuple[str, bool], list] = {}
    for table, context, rows in blocks:
        merged.setdefault((table, context), []).extend(rows)
    out = []
    for (table, context), rows in merged.items():
        cols = [c for c in columns(table) if c != "hlc"]
        prev_seq, prev_hlc, steps, hsteps = base_seq, base_hlc, [], []
        for seq, payload in rows:
            if not context:
                steps.append(seq - prev_seq)
                prev_seq = seq
            hsteps.append(payload["hlc"] - prev_hlc)
            prev_hlc = payload["hlc"]
        block = {"t": table, "seq": None if context else steps, "hlc": hsteps,
                 "cols": {c: [_json_value(p.get(c)) for _, p in rows] for c in cols}}
        out.append(json.dumps(block, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(out).encode()


@dataclass
class Block:
    """Rows of one table as columns, every column of the reader's model (hlc absolute, a
    column the sender lacks filled with its default); seqs None for context rows."""

    table: str
    seqs: list[int] | None
    cols: dict[str, list]

    @property
    def n(self) -> int:
        return len(self.cols["id"])

    def rows(self) -> list[tuple]:
        """JSON values as tuples in the model's column order."""
        return list(zip(*(self.cols[c] for c in columns(self.table))))

    def digests(self) -> list[str]:
        """16 hex digits per row naming its content: the same seq with another digest is a
        fork. BLAKE2b-64 of repr((table, *values in column order)): JSON values only, so it is
        stable; a chain of maps, so no Python frame per row (a hub imports tens of thousands)."""
        rows = zip(repeat(self.table), *(self.cols[c] for c in columns(self.table)))
        return list(map(_HEXDIGEST, map(_BLAKE64, map(str.encode, map(repr, rows)))))

    def payload(self, i: int) -> dict:
        return {c: v[i] for c, v in self.cols.items()}


_BLAKE64 = partial(hashlib.blake2b, digest_size=8)
_HEXDIGEST = methodcaller("hexdigest")


def _ints(values: list) -> bool:
    return set(map(type, values)) <= {int}  # not bool, not float: whole lists at C speed


def _ids(values) -> bool:
    """Every id 32 lowercase hex digits, checked in one pass over them all."""
    return (isinstance(values, list) and set(map(type, values)) <= {str}
            and set(map(len, values)) <= {32} and _HEX.fullmatch("".join(values)) is not None)


def decode_blocks(raw: bytes, sender: str = "", base_seq: int = 0,
                  base_hlc: int = 0) -> list[Block]:
    """The JSON lines as blocks, column by column (no dict per row: a hub imports tens of
    thousands). Anything unexpected is a corrupt bundle."""
    models = _models()
    result: list[Block] = []
    if not raw:
        return result
    start = 0
    while start <= len(raw):  # line by line, without a second copy of the whole text
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        line, start = raw[start:end], end + 1
        try:
            block = json.loads(line.decode("utf-8"))
            ok = _well_formed(block, models)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:  # UnicodeDecodeError too
            raise BundleError("bundle.corrupt") from exc
        del line
        if not ok:
            raise BundleError("bundle.corrupt")
        table, steps, hsteps, cols = block["t"], block["seq"], block["hlc"], block["cols"]
        n = len(hsteps)
        full = {}
        for c, d in {"owner": sender, **defaults(table)}.items():
            if c not in cols:
                full[c] = [d] * n
        full.update(cols)
        full["hlc"] = list(accumulate(hsteps, initial=base_hlc))[1:]
        seqs = None if steps is None else list(accumulate(steps, initial=base_seq))[1:]
        result.append(Block(table, seqs, full))
    return result


def _well_formed(block, models) -> bool:
    if not isinstance(block, dict) or set(block) != {"t", "seq", "hlc", "cols"}:
        return False
    table, steps, hsteps, cols = block["t"], block["seq"], block["hlc"], block["cols"]
    if not isinstance(table, str) or table not in models or not isinstance(hsteps, list):
        return False
    n = len(hsteps)
    # every column a reader cannot fill in itself (one without a default) is there
    required = set(columns(table)) - {"hlc", "owner"} - set(defaults(table))
    return (isinstance(cols, dict) and set(cols) <= set(columns(table)) - {"hlc"}
            and required <= set(cols)
            and all(isinstance(v, list) and len(v) == n for v in cols.values())
            and _ints(hsteps) and all(abs(h) <= MAX_CLOCK for h in hsteps)
            and (steps is None or (isinstance(steps, list) and len(steps) == n
                                   and _ints(steps) and (n == 0 or min(steps) > 0)))
            and _ids(cols.get("id")))


def legacy_digest(table: str, payload: dict) -> str:
    """The digest of a change as releases before Block.digests stored it (repr of the values in
    column-name order): a resent seq applied by such a release is compared with this too."""
    keys = sorted(payload)
    return hashlib.sha256(repr((table, keys, [payload[k] for k in keys])).encode()).hexdigest()[:16]


# --- files --------------------------------------------------------------------------------------


def file_name(m: dict) -> str:
    first, last = m["seq"]
    return (f"{m['sender']}-to-{m['recipient']}-i{m['sender_inc']}-{first:08d}-{last:08d}"
            f"-{m['id'][:8]}{SUFFIX}")


def write_atomic(folder: os.PathLike | str, name: str, data: bytes) -> str:
    """Temp file in the same folder, fsync, rename, fsync the folder: a pulled stick or a full
    disk leaves at most a `.part` file, never a half bundle under a bundle's name."""
    folder = os.fspath(folder)
    final = os.path.join(folder, name)
    tmp = os.path.join(folder, f".{name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return final  # a folder that cannot be opened (some USB mounts): the rename is done
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
    return final


def read_file(path: os.PathLike | str) -> bytes:
    """At most MAX_FILE + 1 bytes, so a huge file is refused without filling memory."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise BundleError("bundle.too_big")
    return data
