"""The rules a station's record keeps, each written once: the station's journal checks them on
write (kjtui.models.journal) and the hub checks them again on import, record by record
(sync.importer), because the hub trusts no station (docs/SYNC.md).

A rule is one function `(view, rec) -> Violation | None`, registered with `@rule(...)`:

    @rule(Acknowledgement)
    def pin_mac(view, rec):
        if not ...:
            return Violation("write.pin_mac", kind="Acknowledgement")

`rec` is the record as column values (the JSON a bundle carries), with the row this node holds
under the same id (`rec.old`, or None); `view` answers what a rule may ask of the database as
this record sees it: the rows, what is held, what the sender may refer to, what is taken. On
import the view also holds the records of the same bundle that came earlier in the sender's
journal (seq order), so a rule sees the state in the order the station wrote it.

A violation is a catalog key with its parameters: on a laptop it is the refusal of the write;
at the hub it is the reason a record is held (sync.importer keeps it in HeldRecord) while the
rest of the bundle applies. `on_write=False` marks a rule the station's own database already
enforces on write (types, UNIQUE indexes, revisions), checked again only on import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import peewee as pw

from kjtui.models.base import HUB
from kjtui.models.db import among, in_chunks, one_of
from kjtui.models.entities import (
    OWNED_BY_STATION,
    Acknowledgement,
    Customer,
    CustomerPin,
    Handover,
    HeldRecord,
    Manager,
    Route,
    RouteStop,
    Visit,
    WeeklyReview,
)


@dataclass(frozen=True)
class Violation:
    key: str  # catalog key (kjtui/catalog/sync_core.py)
    params: dict = field(default_factory=dict)


class Row(Mapping):
    """A record's column values as a mapping over one tuple and its table's shared column index:
    a hub importing tens of thousands of rows keeps a tuple a row, not a dict."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple):
        self._index, self._values = index, values

    def __getitem__(self, key):
        return self._values[self._index[key]]

    def get(self, key, default=None):
        i = self._index.get(key)
        return default if i is None else self._values[i]

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def in_order(self, index: dict[str, int]) -> tuple:
        """The values in the column order of `index`: the tuple itself when it is that order."""
        if self._index is index:
            return self._values
        return tuple(self.get(c) for c in index)


def value_columns(recs: list[Rec]) -> dict[str, Sequence]:
    """The records' values column by column (a column a record lacks is None there): one
    transposition in C when they share a column index, as the importer's rows of one table do."""
    index = getattr(recs[0].values, "_index", None) if recs else None
    if index is not None and all(getattr(r.values, "_index", None) is index for r in recs):
        cols = list(zip(*[r.values._values for r in recs]))
        return {c: cols[i] for c, i in index.items()}
    names = dict.fromkeys(c for r in recs for c in r.values)
    return {c: [r.values.get(c) for r in recs] for c in names}


@dataclass(slots=True)
class Rec:
    """One record as column values, and the row held here under its id (None: a new record)."""

    model: type
    values: Mapping
    old: dict | None = None
    seq: int | None = None
    well_formed: bool = False  # already checked by malformed_rows
    id: str = field(init=False)  # read for every rule and lookup: taken once
    table: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.values["id"]
        self.table = self.model._meta.table_name

    @property
    def kind(self) -> str:
        return self.model.__name__


Rule = Callable[["View", Rec], "Violation | None"]
_RULES: list[tuple[tuple[type, ...] | None, bool, bool, Rule]] = []


def rule(*models: type, on_write: bool = True, everywhere: bool = False):
    """Register a rule for records of `models` (none: every station-written record).
    `everywhere`: the hub's own writes keep it too (the hub is otherwise the authority)."""

    def register(fn: Rule) -> Rule:
        _RULES.append((models or None, on_write, everywhere, fn))
        _APPLYING.clear()
        return fn

    return register


def check(view: View, rec: Rec, *, writing: bool = False, authority: bool = False,
          overridden: frozenset[str] = frozenset(),
          decided: frozenset[Rule] = frozenset()) -> Violation | None:
    """The first rule `rec` breaks, or None. `writing`: the journal on this node (rules marked
    on_write=False are left to the database). `authority`: the hub writing its own database
    (only rules marked everywhere). `overridden`: reasons an administrator accepted. `decided`:
    rules already known to pass (kjtui.models.rule_blocks)."""
    key = (rec.model, writing, authority, decided)
    fns = _APPLYING.get(key)
    if fns is None:
        fns = _APPLYING[key] = tuple(
            fn for models, on_write, everywhere, fn in _RULES
            if not ((writing and not on_write) or (authority and not everywhere) or fn in decided)
            and (models is None or rec.model in models))
    for fn in fns:
        found = fn(view, rec)
        if found is not None and found.key not in overridden:
            return found
    return None


# The rules that apply to a model in a way of checking, worked out once (a hub checks a year).
_APPLYING: dict[tuple, tuple[Rule, ...]] = {}


# --- column values as JSON ----------------------------------------------------------------------


def json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def columns(model) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields]


def db_row(model, raw: tuple) -> dict:
    """A row read with plain SQL (columns in model order) as the JSON values a bundle carries."""
    return {f.column_name: json_value(f.python_value(v))
            for f, v in zip(model._meta.sorted_fields, raw)}


_NOT_CONTENT = frozenset(("rev", "hlc"))


def same_content(a: dict, b: dict) -> bool:
    """The same values (every column but the revision and the clock stamp)."""
    return all(a.get(k) == v for k, v in b.items() if k not in _NOT_CONTENT)


# --- what a rule may ask --------------------------------------------------------------------------


class View:
    """The database as a record of `sender` sees it. Reads are cached; `prefetch` loads many at
    once (the importer's bundle); `accept` lays a record over the database for the records that
    follow it in the same bundle."""

    def __init__(self, sender: str, db=None):
        from kjtui.models.db import database

        self.db = db or database.obj
        self.sender = sender
        m = Manager.get_or_none(Manager.code == sender) if sender != HUB else None
        self.manager_id: str | None = m.id if m else None
        self._rows: dict[str, dict[str, dict | None]] = {}
        self._over: dict[str, dict[str, dict]] = {}
        self._held: set[tuple[str, str]] = set()
        self._held_loaded: set[tuple[str, str]] = set()
        self._none_held: bool | None = None
        self._acked: dict[str, bool] = {}
        self._reach: dict[str, set[str]] = {}
        self._reach_known: dict[str, set[str]] = {}
        self._unique: dict[tuple[str, tuple[str, ...]], dict[tuple, set[str]]] = {}
        self._unique_over: dict[tuple[str, tuple[str, ...]], dict[tuple, str]] = {}
        self._unique_loaded: dict[tuple[str, tuple[str, ...]], set[tuple]] = {}

    # rows

    def db_row(self, model, ident: str) -> dict | None:
        """The row the database holds (not what this bundle laid over it)."""
        table = model._meta.table_name
        cache = self._rows.setdefault(table, {})
        if ident not in cache:
            self.prefetch(model, [ident])
        return cache.get(ident)

    def row(self, model, ident: str) -> dict | None:
        over = self._over.get(model._meta.table_name, {}).get(ident)
        return over if over is not None else self.db_row(model, ident)

    def prefetch(self, model, ids: Iterable[str]) -> None:
        table = model._meta.table_name
        cache = self._rows.setdefault(table, {})
        todo = sorted({i for i in ids if i not in cache})
        cols = ", ".join(f'"{c}"' for c in columns(model))
        for chunk in in_chunks(self.db, todo):
            where, params = one_of(self.db, '"id"', chunk)
            for raw in self.db.execute_sql(
                    f'SELECT {cols} FROM "{table}" WHERE {where}', params).fetchall():
                cache[raw[0]] = db_row(model, raw)
            for ident in chunk:
                cache.setdefault(ident, None)

    def known_absent(self, model, ident) -> bool:
        """Read before and not in the database: then no row there can point at it (the foreign
        keys hold), and asking the database what does is a query saved."""
        cache = self._rows.get(model._meta.table_name)
        return cache is not None and ident in cache and cache[ident] is None

    def accept(self, rec: Rec) -> None:
        """`rec` passed: the records after it in the bundle see it."""
        self._over.setdefault(rec.table, {})[rec.id] = rec.values
        if rec.model is Acknowledgement and not rec.values.get("deleted"):
            self._acked[rec.values["visit_id"]] = True
        for cols in unique_indexes(rec.model):
            key = tuple(rec.values.get(c) for c in cols)
            self._unique_over.setdefault((rec.table, cols), {})[key] = rec.id

    # held records

    def hold(self, rec: Rec) -> None:
        self._held.add((rec.table, rec.id))

    def held(self, model, ident: str) -> bool:
        """Held here in this bundle, or earlier and not yet decided."""
        key = (model._meta.table_name, ident)
        if key in self._held:
            return True
        if key not in self._held_loaded:
            self.prefetch_held(model, [ident])
        return key in self._held

    def prefetch_held(self, model, ids: Iterable[str]) -> None:
        table = model._meta.table_name
        if self._none_held is None:
            self._none_held = self.sender == HUB or not HeldRecord.select().where(
                (HeldRecord.station == self.sender) & (HeldRecord.state == "held")).exists()
        if self._none_held:
            return
        todo = sorted({i for i in ids if (table, i) not in self._held_loaded})
        for chunk in in_chunks(self.db, todo):
            q = (HeldRecord.select(HeldRecord.record_id)
                 .where((HeldRecord.station == self.sender) & (HeldRecord.state == "held")
                        & (HeldRecord.table_name == table) & among(HeldRecord.record_id, chunk)))
            self._held.update((table, r) for (r,) in q.tuples())
            self._held_loaded.update((table, r) for r in chunk)

    # signatures

    def acknowledged(self, visit_id: str) -> bool:
        if visit_id not in self._acked:
            self.prefetch_acks([visit_id])
        return self._acked[visit_id]

    def prefetch_acks(self, visit_ids: Iterable[str]) -> None:
        todo = sorted({v for v in visit_ids if v not in self._acked})
        for v in [v for v in todo if self.known_absent(Visit, v)]:
            self._acked[v] = False  # a visit new to the database has no acknowledgement there
        todo = [v for v in todo if v not in self._acked]
        for chunk in in_chunks(self.db, todo):
            where, params = one_of(self.db, '"visit_id"', chunk)
            found = {r for (r,) in self.db.execute_sql(
                f'SELECT "visit_id" FROM "acknowledgement" WHERE {where}', params).fetchall()}
            for v in chunk:
                self._acked[v] = v in found

    def signed(self, model, ident: str) -> bool:
        """Vouched for, so never changed: an acknowledgement, a review, an acknowledged visit."""
        if model in (Acknowledgement, WeeklyReview):
            return True
        if model.immutable_once_signed and model is Visit:
            return self.acknowledged(ident)
        return False

    # what the sender may refer to

    def reachable(self, model, ident: str) -> bool:
        table = model._meta.table_name
        if ident not in self._reach_known.get(table, ()):
            self.prefetch_reach(model, [ident])
        return ident in self._reach[table]

    def prefetch_reach(self, model, ids: Iterable[str]) -> None:
        """Which of `ids` the sender may refer to: asked of those ids only (a province holds
        hundreds of thousands of customers, a bundle names a few hundred)."""
        table = model._meta.table_name
        known = self._reach_known.setdefault(table, set())
        found = self._reach.setdefault(table, set())
        todo = sorted({i for i in ids if i not in known})
        cond = reach(model, self.manager_id, self.sender)
        for chunk in in_chunks(self.db, todo):
            q = model.select(model.id).where(among(model.id, chunk))
            if cond is not None:
                q = q.where(cond)
            found.update(r for (r,) in q.tuples())
            known.update(chunk)

    # unique values

    def taken(self, model, cols: tuple[str, ...], key: tuple, ident: str) -> str | None:
        """The id of another record holding `key` in the unique columns `cols`, or None."""
        table = model._meta.table_name
        over = self._unique_over.get((table, cols), {})
        holder = over.get(key)
        if holder is not None and holder != ident:
            return holder
        if key not in self._unique_loaded.get((table, cols), set()):
            self.prefetch_unique(model, cols, [key])
        for other in self._unique.get((table, cols), {}).get(key, ()):
            if other == ident:
                continue
            laid = self._over.get(table, {}).get(other)
            if laid is not None and tuple(laid.get(c) for c in cols) != key:
                continue  # moved off that value earlier in this bundle
            return other
        return None

    def unique_holders(self, model, cols: tuple[str, ...], key: tuple) -> set[str] | None:
        """The ids the database holds under `key` (prefetched), or None when not read."""
        table = model._meta.table_name
        if key not in self._unique_loaded.get((table, cols), ()):
            return None
        return self._unique.get((table, cols), {}).get(key, set())

    def any_held_here(self, keys: Iterable[tuple[str, str]]) -> bool:
        """Whether any of these (table, id) was held earlier in this bundle."""
        return not self._held.isdisjoint(keys)

    def prefetch_unique(self, model, cols: tuple[str, ...], keys: Iterable[tuple]) -> None:
        table = model._meta.table_name
        loaded = self._unique_loaded.setdefault((table, cols), set())
        todo = sorted({k for k in keys if k not in loaded}, key=repr)
        index = self._unique.setdefault((table, cols), {})
        fields = [model._meta.columns[c] for c in cols]
        if isinstance(fields[0], pw.ForeignKeyField):  # no row holds a parent the db lacks
            none = {k for k in todo if self.known_absent(fields[0].rel_model, k[0])}
            loaded.update(none)
            todo = [k for k in todo if k not in none]
        names = ", ".join(f'"{c}"' for c in ("id", *cols))
        for chunk in in_chunks(self.db, todo):
            firsts = sorted({k[0] for k in chunk}, key=repr)
            where, params = one_of(self.db, f'"{cols[0]}"',
                                   [fields[0].db_value(_from_json(fields[0], v)) for v in firsts])
            wanted = set(chunk)
            for raw in self.db.execute_sql(
                    f'SELECT {names} FROM "{table}" WHERE {where}', params).fetchall():
                key = tuple(json_value(f.python_value(v)) for f, v in zip(fields, raw[1:]))
                if key in wanted:
                    index.setdefault(key, set()).add(raw[0])
            loaded.update(chunk)


def _from_json(f, v):
    if v is None:
        return None
    if isinstance(f, pw.DateTimeField) and isinstance(v, str):
        return datetime.fromisoformat(v)
    if isinstance(f, pw.DateField) and isinstance(v, str):
        return date.fromisoformat(v)
    return v


_UNIQUE: dict[type, list[tuple[str, ...]]] = {}


def unique_indexes(model) -> list[tuple[str, ...]]:
    """Column tuples the database keeps unique (besides the id)."""
    if model not in _UNIQUE:
        out = []
        for f in model._meta.sorted_fields:
            if f.unique and not f.primary_key:
                out.append((f.column_name,))
        for names, unique in model._meta.indexes:
            if unique:
                out.append(tuple(model._meta.fields[n].column_name for n in names))
        _UNIQUE[model] = out
    return _UNIQUE[model]


def reach(model, manager_id: str | None, code: str):
    """Where-clause: the customers or routes a station may refer to. Its manager's own, those
    on its routes, customers no manager holds, and those handed over from it (records it wrote
    before it heard of the handover stay its own records)."""
    handed = Handover.select(Handover.record_id).where(Handover.from_station == code)
    if model is Route:
        return (Route.manager == manager_id) | Route.id.in_(handed)
    if model is Customer:
        my_routes = Route.select(Route.id).where(Route.manager == manager_id)
        stops = RouteStop.select(RouteStop.customer).where(RouteStop.route.in_(my_routes))
        return ((Customer.manager == manager_id) | Customer.manager.is_null()
                | Customer.route.in_(my_routes) | Customer.id.in_(stops)
                | Customer.id.in_(handed))
    return None


# --- the rules ------------------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_INT64 = (-(2**63), 2**63 - 1)


def _parses(v: str) -> bool:
    try:
        (datetime if "T" in v else date).fromisoformat(v)
    except ValueError:
        return False
    return True


def _checker(f) -> Callable[[object], bool]:
    """Whether a JSON value is one this column may hold (None only where the column allows)."""
    null = f.null

    def of(test):
        return (lambda v: null if v is None else test(v))

    if isinstance(f, pw.ForeignKeyField) or f.primary_key:
        return of(lambda v: v.__class__ is str and _HEX32.fullmatch(v) is not None)
    if isinstance(f, pw.CharField):
        n = f.max_length
        return of(lambda v: v.__class__ is str and len(v) <= n)
    if isinstance(f, pw.TextField):
        return of(lambda v: v.__class__ is str and len(v) <= 100_000)
    if isinstance(f, pw.BooleanField):
        return of(lambda v: v.__class__ is bool)
    if isinstance(f, (pw.IntegerField, pw.BigIntegerField)):
        return of(lambda v: v.__class__ is int and _INT64[0] <= v <= _INT64[1])
    if isinstance(f, pw.FloatField):
        return of(lambda v: v.__class__ in (int, float) and v == v and abs(v) < 1e300)
    if isinstance(f, pw.DateTimeField):
        return of(lambda v: v.__class__ is str and _DATETIME.fullmatch(v) is not None
                  and _parses(v))
    if isinstance(f, pw.DateField):
        return of(lambda v: v.__class__ is str and _DATE.fullmatch(v) is not None
                  and _parses(v))
    return of(lambda v: True)


_HEX = re.compile(r"[0-9a-f]*")
_DATES = re.compile(r"(?:\d{4}-\d{2}-\d{2}\n)*")
_DATETIMES = re.compile(r"(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\n)*")
_NONE = type(None)


def _column_checker(f) -> Callable[[list], bool]:
    """Whether every value of a whole column is one the column may hold, tested at C speed
    (sets of types, lengths, one regex over the joined text): True means every row passes
    `_checker`; False only that some row must be looked at one by one."""
    allowed = {_NONE} if f.null else set()

    def typed(*types):
        return lambda col: set(map(type, col)) <= allowed | set(types)

    def present(col):
        return [v for v in col if v is not None] if f.null else col

    if isinstance(f, pw.ForeignKeyField) or f.primary_key:
        return lambda col: (typed(str)(col) and set(map(len, present(col))) <= {32}
                            and _HEX.fullmatch("".join(present(col))) is not None)
    if isinstance(f, (pw.CharField, pw.TextField)):
        n = f.max_length if isinstance(f, pw.CharField) else 100_000
        return lambda col: typed(str)(col) and max(map(len, present(col)), default=0) <= n
    if isinstance(f, pw.BooleanField):
        return typed(bool)
    if isinstance(f, (pw.IntegerField, pw.BigIntegerField)):
        return lambda col: typed(int)(col) and (not present(col) or (
            _INT64[0] <= min(present(col)) and max(present(col)) <= _INT64[1]))
    if isinstance(f, (pw.DateTimeField, pw.DateField)):
        pattern, parse = ((_DATETIMES, datetime.fromisoformat)
                          if isinstance(f, pw.DateTimeField) else (_DATES, date.fromisoformat))

        def dates(col):
            vals = present(col)
            if not typed(str)(col) or pattern.fullmatch("".join(v + "\n" for v in vals)) is None:
                return False
            try:  # a value holding a line break of its own fails here, as alone
                for _ in map(parse, vals):
                    pass
            except ValueError:
                return False
            return True

        return dates
    return lambda col: False


_COLUMN_CHECKERS: dict[type, list[tuple[str, Callable[[list], bool]]]] = {}
_CHECKERS: dict[type, list[tuple[str, Callable[[object], bool]]]] = {}


def checkers(model) -> list[tuple[str, Callable[[object], bool]]]:
    """(column, checker) for every column of `model`."""
    if model not in _CHECKERS:
        _CHECKERS[model] = [(f.column_name, _checker(f)) for f in model._meta.sorted_fields]
    return _CHECKERS[model]


def malformed_rows(model, cols: dict[str, list]) -> set[int]:
    """The rows of a block (columns of JSON values) that `well_formed` refuses, column by
    column (a hub imports tens of thousands): the importer checks a block at once with the very
    checkers the rule uses."""
    if model not in _COLUMN_CHECKERS:
        _COLUMN_CHECKERS[model] = [(f.column_name, _column_checker(f))
                                   for f in model._meta.sorted_fields]
    bad: set[int] = set()
    for (name, ok), (_, all_ok) in zip(checkers(model), _COLUMN_CHECKERS[model]):
        col = cols.get(name)
        if col is None or all_ok(col):
            continue
        if not all(map(ok, col)):
            bad.update(i for i, v in enumerate(col) if not ok(v))
    return bad


@rule(on_write=False)
def well_formed(view: View, rec: Rec) -> Violation | None:
    """Every column of the right type and size (a database would refuse or, SQLite, keep it)."""
    if rec.well_formed:
        return None  # checked with its block (malformed_rows)
    values = rec.values
    for name, ok in checkers(rec.model):
        if not ok(values.get(name)):
            return Violation("write.bad_value", {"kind": rec.kind, "column": name})
    return None


@rule()
def station_owned(view: View, rec: Rec) -> Violation | None:
    """A station writes only its notebook; county records are the hub's."""
    if rec.model not in OWNED_BY_STATION:
        return Violation("write.hub_owned", {"kind": rec.kind})
    return None


# Records that follow a customer to its new manager: the new manager's station may take over the
# one record the old station wrote (a PIN belongs to the customer; its id is the customer's).
TAKEN_OVER_BY_SERVING = (CustomerPin,)


@rule()
def owner(view: View, rec: Rec) -> Violation | None:
    """A station writes only records it owns; a record another station holds stays theirs."""
    old = rec.old
    if old is not None and old["owner"] != view.sender:
        if not (rec.model in TAKEN_OVER_BY_SERVING and rec.values.get("owner") == view.sender
                and serves(view, rec.values.get("customer_id"))):
            return Violation("write.not_owner", {"kind": rec.kind, "owner": old["owner"]})
    if rec.values.get("owner") != view.sender:
        return Violation("write.not_sender", {"kind": rec.kind, "owner": rec.values.get("owner"),
                                              "sender": view.sender})
    return None


def serves(view: View, customer_id: str | None) -> bool:
    """The sender's manager is the customer's manager now."""
    c = view.row(Customer, customer_id) if customer_id else None
    return c is not None and view.manager_id is not None and c["manager_id"] == view.manager_id


@rule(everywhere=True)
def sealed(view: View, rec: Rec) -> Violation | None:
    """A signed record (a customer's acknowledgement, an acknowledged visit) is never changed: a
    correction is a new record that supersedes it."""
    old = rec.old
    if old is None or same_content(old, rec.values):
        return None
    if view.signed(rec.model, rec.id):
        return Violation("write.signed", {"kind": rec.kind})
    return None


@rule(on_write=False)
def newer(view: View, rec: Rec) -> Violation | None:
    """A change is a newer revision than the one held: an older one with other content (two
    laptops of one manager, or a record the county handed to another) is kept, not dropped."""
    old = rec.old
    if (old is not None and old["owner"] == rec.values.get("owner")
            and rec.values.get("rev", 0) <= old["rev"] and not same_content(old, rec.values)):
        return Violation("write.stale", {"kind": rec.kind, "rev": rec.values.get("rev"),
                                         "held_rev": old["rev"]})
    return None


@rule()
def credited(view: View, rec: Rec) -> Violation | None:
    """A record credited to a manager (a visit, a day, a plan, information) is credited to the
    station's own manager: it counts in that manager's score."""
    if "manager_id" not in rec.values and "manager" not in rec.model._meta.fields:
        return None
    given = rec.values.get("manager_id")
    if given != view.manager_id:
        m = view.row(Manager, given) if isinstance(given, str) else None
        return Violation("write.credited", {"kind": rec.kind,
                                            "manager": m["code"] if m else str(given)})
    return None


@rule()
def references(view: View, rec: Rec) -> Violation | None:
    """A record refers only to what its station may refer to: its own records (a visit's day, the
    visit an acknowledgement signs, the visit a correction supersedes) and the customers and
    routes in its manager's care."""
    for f in rec.model._meta.refs:
        target = f.rel_model
        value = rec.values.get(f.column_name)
        if value is None or target is Manager:
            continue
        kind = target.__name__
        row = view.row(target, value) if not (target is rec.model and value == rec.id) else None
        if row is None:
            key = "write.parent_held" if view.held(target, value) else "write.missing_reference"
            return Violation(key, {"kind": rec.kind, "target": kind})
        if target in OWNED_BY_STATION:
            if row["owner"] != view.sender:
                return Violation("write.foreign_reference",
                                 {"kind": rec.kind, "target": kind, "owner": row["owner"]})
        elif target in (Customer, Route) and not view.reachable(target, value):
            return Violation("write.out_of_scope", {"kind": rec.kind, "target": kind})
    return None


@rule(on_write=False)
def unique(view: View, rec: Rec) -> Violation | None:
    """No two records hold what the database keeps unique (one acknowledgement a visit, one PIN
    a customer, one day log a manager and day, one plan a month)."""
    for cols in unique_indexes(rec.model):
        key = tuple(rec.values.get(c) for c in cols)
        if None in key:
            continue
        other = view.taken(rec.model, cols, key, rec.id)
        if other is not None:
            row = view.row(rec.model, other)
            return Violation("write.unique", {"kind": rec.kind, "columns": ", ".join(cols),
                                              "other": other, "owner": row["owner"] if row else ""})
    return None


def held_json(values: Mapping) -> str:
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True, default=str)


from kjtui.models import sealed_weeks  # noqa: E402, F401  (registers the approved week's seal)
