"""The one write path for synced records: sets owner, rev and clock stamp, refuses what this node
may not change, and journals the node's own changes in the same transaction with a gapless seq.

Services write through `create`, `update` and `delete`, or `create_many` and `update_many` for
thousands of records at once (a master-data import: one statement run for every row, the same
journal); the demo, which writes the county's history rather than this node's changes, writes rows
directly and does not journal.
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
from kjtui.models.db import serialize_writers


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
    return payload_of(type(record), record.__data__)  # a foreign key holds the id there


def payload_of(model, values: dict) -> dict:
    """A record given as {field name: value} (foreign keys as ids) as JSON values, keyed by
    column name: what the journal keeps and a bundle carries."""
    out = {}
    for field in model._meta.sorted_fields:
        value = values.get(field.name)
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


def _last_seq() -> int:
    serialize_writers()  # the next seq is this one + 1 until the transaction ends
    return JournalEntry.select(JournalEntry.seq).order_by(JournalEntry.seq.desc()).scalar() or 0


def _journal(record: SyncModel) -> None:
    me = node_id()
    own = station_owned(type(record)) if me != HUB else not station_owned(type(record))
    if not own:
        return
    last = _last_seq()
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


# --- many records at once -----------------------------------------------------------------------


def _check_may_write(model, owner: str) -> None:
    """For writes of many records at once (a master-data import at the hub): the owner rules of
    kjtui.models.rules that do not need each record."""
    me = node_id()
    if me == HUB:
        return
    if not station_owned(model):
        raise Refused("write.hub_owned", kind=model.__name__)
    if owner != me:
        raise Refused("write.not_owner", kind=model.__name__, owner=owner)


def _journal_many(model, records: list[dict]) -> None:
    me = node_id()
    own = station_owned(model) if me != HUB else not station_owned(model)
    if not own or not records:
        return
    last = _last_seq()
    table = model._meta.table_name
    rows = [
        (last + i + 1, table, r["id"], r["rev"], r["hlc"],
         json.dumps(payload_of(model, r), ensure_ascii=False, separators=(",", ":")))
        for i, r in enumerate(records)
    ]
    _execute_many(JournalEntry, ("seq", "table_name", "record_id", "rev", "hlc", "payload"), rows)


def _execute_many(model, names, rows, *, update: bool = False) -> None:
    """One statement run for every row (peewee would build SQL text per row)."""
    db = database.obj
    cols = [model._meta.fields[n].column_name for n in names]
    table = f'"{model._meta.table_name}"'
    if update:  # names[0] is the key, the rest are set
        sets = ", ".join(f'"{c}" = {db.param}' for c in cols[1:])
        sql = f'UPDATE {table} SET {sets} WHERE "{cols[0]}" = {db.param}'
        rows = [r[1:] + r[:1] for r in rows]
    else:
        names_sql = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join([db.param] * len(cols))
        sql = f"INSERT INTO {table} ({names_sql}) VALUES ({marks})"
    cursor = db.cursor()
    for i in range(0, len(rows), 10_000):
        cursor.executemany(sql, rows[i : i + 10_000])


def _db_row(fields, record: dict) -> tuple:
    return tuple(f.db_value(record[f.name]) for f in fields)


def create_many(model, rows: list[dict], *, owner: str | None = None) -> list[dict]:
    """Insert many new records of `model` ({field name: value}, foreign keys as ids; a missing
    field takes its default) in one transaction, journaled like `create`. Returns the records
    as written (id, owner, rev and stamp included)."""
    if not rows:
        return []
    me = node_id()
    if owner is None:
        owner = me if (me != HUB or not station_owned(model)) else None
        if owner is None:
            raise ValueError(f"{model.__name__} is station-owned: pass owner=<manager code>")
    fields = model._meta.sorted_fields
    names = {f.name for f in fields}
    with database.atomic():
        _check_may_write(model, owner)
        records = []
        for values, stamp in zip(rows, hlc.tick_many(len(rows))):
            unknown = set(values) - names
            if unknown:
                raise ValueError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
            record = {}
            for f in fields:
                if f.name in values:
                    record[f.name] = values[f.name]
                elif callable(f.default):
                    record[f.name] = f.default()
                else:
                    record[f.name] = f.default
            record.update(owner=owner, rev=1, hlc=stamp, deleted=False)
            records.append(record)
        _execute_many(model, [f.name for f in fields], [_db_row(fields, r) for r in records])
        _journal_many(model, records)
    return records


def update_many(model, changes: list[tuple[dict, dict]]) -> list[dict]:
    """Change many records at once: each (the record as it is, {field name: new value}), the
    record given as {field name: value} with every field (as `select().dicts()` reads it).
    rev + 1, a new stamp each, journaled like `update`. Signed kinds are refused: correct them
    one by one with `update`, which checks each."""
    if not changes:
        return []
    if model in (Acknowledgement, WeeklyReview) or model.immutable_once_signed:
        raise ValueError(f"{model.__name__} can be signed: update records one by one")
    fields = model._meta.sorted_fields
    order = [model._meta.primary_key] + [f for f in fields if f is not model._meta.primary_key]
    with database.atomic():
        for owner in {current["owner"] for current, _ in changes}:
            _check_may_write(model, owner)
        records = []
        for (current, new), stamp in zip(changes, hlc.tick_many(len(changes))):
            record = {**current, **new, "rev": current["rev"] + 1, "hlc": stamp}
            records.append(record)
        _execute_many(model, [f.name for f in order], [_db_row(order, r) for r in records],
                      update=True)
        _journal_many(model, records)
    return records


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
