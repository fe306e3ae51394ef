"""What sync remembers about other nodes (migration 0004). Local bookkeeping, never synced."""

from __future__ import annotations

import peewee as pw

from kjtui.models.base import BaseModel, new_id


class SyncPeer(BaseModel):
    """A node we exchange bundles with: on the hub each station incarnation, on a station the hub.

    acked_seq: the highest of its seqs applied here without a gap. their_ack: the highest of our
    seqs it said it applied. their_clock / skew: its clock at its last bundle."""

    node = pw.CharField(max_length=40)
    incarnation = pw.IntegerField()
    sign_pub = pw.CharField(max_length=64)  # Ed25519, hex
    kem_pub = pw.CharField(max_length=64)  # X25519 for HPKE, hex
    revoked = pw.BooleanField(default=False)
    acked_seq = pw.BigIntegerField(default=0)
    their_ack = pw.BigIntegerField(default=0)
    their_clock = pw.BigIntegerField(default=0)
    skew_ms = pw.BigIntegerField(default=0)
    skew_flagged = pw.BooleanField(default=False)
    missing = pw.TextField(default="")  # JSON [[first, last], …] the other side still lacks
    enrolled_at = pw.CharField(max_length=32, default="")
    last_import_at = pw.CharField(max_length=32, default="")
    replaced_at = pw.CharField(max_length=32, default="")  # a newer incarnation was enrolled

    class Meta:
        primary_key = pw.CompositeKey("node", "incarnation")


class SyncReceived(BaseModel):
    """Seqs applied from a peer, one row per applied range: 16 hex digits of digest per seq."""

    node = pw.CharField(max_length=40)
    incarnation = pw.IntegerField()
    first_seq = pw.BigIntegerField()
    last_seq = pw.BigIntegerField()
    digests = pw.TextField()

    class Meta:
        primary_key = pw.CompositeKey("node", "incarnation", "first_seq")


class SyncParked(BaseModel):
    """A verified bundle that came before the range it follows: kept until the gap is filled."""

    node = pw.CharField(max_length=40)
    incarnation = pw.IntegerField()
    first_seq = pw.BigIntegerField()
    last_seq = pw.BigIntegerField()
    data = pw.TextField()  # the bundle file, base64
    received_at = pw.CharField(max_length=32)

    class Meta:
        primary_key = pw.CompositeKey("node", "incarnation", "first_seq")


class SyncConflict(BaseModel):
    """A value that did not win, kept for the administrator: nothing is dropped."""

    id = pw.CharField(max_length=32, primary_key=True, default=new_id)
    node = pw.CharField(max_length=40)
    kind = pw.CharField(max_length=20)
    table_name = pw.CharField(max_length=40)
    record_id = pw.CharField(max_length=32)
    detail = pw.TextField()  # JSON
    at = pw.CharField(max_length=32)
    resolved = pw.BooleanField(default=False)


SYNC_STATE = (SyncPeer, SyncReceived, SyncParked, SyncConflict)
