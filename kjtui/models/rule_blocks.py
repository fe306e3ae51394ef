"""The rules of kjtui.models.rules decided for a whole bundle at once, where the columns and the
rows read beforehand already give the answer: a hub imports a station's year, tens of thousands
of records, nearly all of them new, the sender's own and referring to what it may refer to.

`passing(view, recs)` marks each record that passes the rules in DECIDED whatever the records
before it in the bundle turn out to be, except for one thing: a parent it has in the same bundle
must not be held. The importer checks such a record against the other rules only (a rule added
later is never skipped); every other record goes through rules.check one by one. The marks only
ever say "passes" where the rules say so: tests/test_rule_blocks.py compares both ways on random
bundles."""

from __future__ import annotations

from collections import Counter

from kjtui.models.entities import OWNED_BY_STATION, Customer, Manager, Route
from kjtui.models.rules import (
    Rec,
    View,
    credited,
    newer,
    owner,
    references,
    sealed,
    station_owned,
    unique,
    unique_indexes,
    value_columns,
    well_formed,
)

# The rules a mark stands for. `sealed` and `newer` say nothing of a record new to this node.
DECIDED = frozenset((well_formed, station_owned, owner, sealed, newer, credited, references,
                     unique))

Parents = tuple[tuple[str, str], ...]


def passing(view: View, recs: list[Rec]) -> list[Parents | None]:
    """For each record (in the order they are checked): None when it must be checked rule by
    rule, else its parents in this bundle, (table, id), that must not be held when it comes."""
    sender, manager_id = view.sender, view.manager_id
    ids = [(rec.table, rec.id) for rec in recs]
    times = Counter(ids)
    first = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1)))  # the first index wins
    keys: Counter = Counter()
    by_model: dict[type, list[Rec]] = {}
    for rec in recs:
        by_model.setdefault(rec.model, []).append(rec)
    for model, group in by_model.items():
        table, cols = model._meta.table_name, value_columns(group)
        for names in unique_indexes(model):
            counted = Counter(zip(*(cols.get(c) or [None] * len(group) for c in names)))
            keys.update({(table, names, k): n for k, n in counted.items()})
    return [_mark(view, rec, i, sender, manager_id, first, times, keys)
            for i, rec in enumerate(recs)]


_SHAPES: dict[type, tuple] = {}


def _shape(model) -> tuple:
    """What _mark asks of a model, worked out once: (owned by a station, credited to a manager,
    its references as (column, target, target's table), its unique column tuples)."""
    if model not in _SHAPES:
        refs = tuple((f.column_name, f.rel_model, f.rel_model._meta.table_name)
                     for f in model._meta.refs if f.rel_model is not Manager)
        _SHAPES[model] = (model in OWNED_BY_STATION, "manager" in model._meta.fields, refs,
                          unique_indexes(model))
    return _SHAPES[model]


def _mark(view, rec, i, sender, manager_id, first, times, keys) -> Parents | None:
    model, values, table, ident = rec.model, rec.values, rec.table, rec.id
    owned, credits, refs, uniques = _shape(model)
    get = values.get
    if (not rec.well_formed or not owned or times[(table, ident)] != 1
            or view.db_row(model, ident) is not None or get("owner") != sender):
        return None
    if (credits or "manager_id" in values) and get("manager_id") != manager_id:
        return None
    parents = []
    for column, target, target_table in refs:
        value = get(column)
        if value is None:
            continue
        if target is model and value == ident:
            return None
        key = (target_table, value)
        at = first.get(key)
        if at is not None:  # a parent in this bundle: before it, new, once, and not held then
            if at >= i or times[key] != 1 or view.db_row(target, value) is not None:
                return None
            parents.append(key)
            continue
        row = view.db_row(target, value)
        if row is None:
            return None
        if target in OWNED_BY_STATION:
            if row["owner"] != sender:
                return None
        elif target in (Customer, Route) and not view.reachable(target, value):
            return None
    for cols in uniques:
        key = tuple(map(get, cols))
        if None in key:
            continue
        if keys[(table, cols, key)] != 1 or view.unique_holders(model, cols, key) != set():
            return None
    return tuple(parents)
