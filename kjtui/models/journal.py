"""The one write path for synced records: sets owner, rev and clock stamp, refuses what this node
may not change, and journals the node's own changes in the same transaction with a gapless seq.

Services write through `create`, `update` and `delete`; bulk loaders (the demo, an import) write
rows directly and do not journal, because they are not this node's own changes.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from kjtui.exception import Refused
from kjtui.models import (
    HUB,
    OWNED_BY_STATION,
    Acknowledgement,
    JournalEntry,
    Setting,
    SyncModel,
    WeeklyReview,
    database,
    derived_id,
    hlc,
    rules,
)


def node_id() -> str:
    """This node's id: the station's manager code, or "hub" (also a standalone demo)."""
    row = Setting.get_or_none(Setting.key == "node_id")
    return row.value if row else HUB


def is_station() -> bool:
    return node_id() != HUB


def owner_for(manager_code: str) -> str | None:
    """The owner to pass to `create` for a station-owned record: on a station the node itself
    (None), on a standalone/demo database (node "hub") the manager's code."""
    return None if is_station() else manager_code


def station_owned(model) -> bool:
    return model in OWNED_BY_STATION


def to_payload(record: SyncModel) -> dict:
    """The record as JSON values, keyed by column name."""
    out = {}
    for field in record._meta.sorted_fields:
        value = record.__data__.get(field.name)  # a foreign key holds the id here
        if isinstance(value, datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, date):
            value = value.isoformat()
        out[field.column_name] = value
    return out


def is_signed(record: SyncModel) -> bool:
    """Signed records are never edited: an acknowledged visit, a review, an acknowledgement."""
    if isinstance(record, (Acknowledgement, WeeklyReview)):
        return True
    if type(record).immutable_once_signed:
        return Acknowledgement.select().where(Acknowledgement.visit == record.id).exists()
    return False


def _check(record: SyncModel, old: dict | None) -> None:
    """The rules of kjtui.models.rules, as the hub will check them again on import. The hub
    (and a standalone demo) is the authority for every record it holds: it keeps only the rules
    that hold everywhere (a signed record is never changed)."""
    me = node_id()
    found = rules.check(rules.View(me), rules.Rec(type(record), to_payload(record), old),
                        writing=True, authority=me == HUB)
    if found is not None:
        raise Refused(found.key, **found.params)


def _journal(record: SyncModel) -> None:
    me = node_id()
    own = station_owned(type(record)) if me != HUB else not station_owned(type(record))
    if not own:
        return
    last = JournalEntry.select(JournalEntry.seq).order_by(JournalEntry.seq.desc()).scalar() or 0
    JournalEntry.create(
        seq=last + 1,
        table_name=record._meta.table_name,
        record_id=record.id,
        rev=record.rev,
        hlc=record.hlc,
        payload=json.dumps(to_payload(record), ensure_ascii=False, separators=(",", ":")),
    )


def natural_id(model, fields: dict) -> str:
    """The id of a record that exists once per the values of `model.one_per` (kjtui.models.base)."""
    key = []
    for name in model.one_per:
        value = fields[name]
        value = getattr(value, "id", value)  # a record for a foreign key
        key.append(value.isoformat() if isinstance(value, (date, datetime)) else str(value))
    return derived_id(model._meta.table_name, "|".join(key))


def create(model, *, owner: str | None = None, **fields) -> SyncModel:
    """Insert a new record of `model`. On a station the owner is the station; on the hub a
    station-owned record needs its manager's code as `owner`."""
    me = node_id()
    if owner is None:
        owner = me if (me != HUB or not station_owned(model)) else None
        if owner is None:
            raise ValueError(f"{model.__name__} is station-owned: pass owner=<manager code>")
    if model.one_per and "id" not in fields:
        fields["id"] = natural_id(model, fields)
    with database.atomic():
        record = model(owner=owner, rev=1, hlc=0, **fields)
        _check(record, None)
        record.hlc = hlc.tick()
        record.save(force_insert=True)
        _journal(record)
    return record


def update(record: SyncModel, **fields) -> SyncModel:
    """Change fields of an existing record: rev + 1, a new stamp, journaled. Signed records are
    refused: correct them with a new record that supersedes them."""
    with database.atomic():
        old = rules.View(node_id()).db_row(type(record), record.id)
        before = {name: record.__data__.get(name) for name in fields}
        for name, value in fields.items():
            setattr(record, name, value)
        try:
            _check(record, old)
        except Refused:
            record.__data__.update(before)  # the caller's record as it was: nothing changed
            raise
        record.rev += 1
        record.hlc = hlc.tick()
        record.save()
        _journal(record)
    return record


def delete(record: SyncModel) -> SyncModel:
    """A tombstone, never a removed row: the deletion travels like any change."""
    return update(record, deleted=True)


def hand_over(record: SyncModel, owner: str) -> SyncModel:
    """The county gives a station-owned record to another station (a customer's PIN follows the
    customer to its new manager): the hub only, a new revision owned by `owner`. Not journaled:
    the hub's return bundle carries it to its new owner with the handover (sync.scope)."""
    if is_station():
        raise Refused("write.hub_owned", kind=type(record).__name__)
    if not station_owned(type(record)):
        raise ValueError(f"{type(record).__name__} is the hub's own: nothing to hand over")
    with database.atomic():
        record.owner = owner
        record.rev += 1
        record.hlc = hlc.tick()
        record.save()
    return record
