"""The county's own data in from spreadsheets (docs/IMPORT.md): townships, posts, managers,
customers, routes with their stops in order, monthly sales targets and actual sales.

`check(kind, path)` reads the sheet and checks every row before anything is written: required
cells, formats (licence numbers, dates, months, numbers, choices), a key twice in the file,
unknown townships, posts, managers, routes and customers, a route handed to a manager of another
post. It returns a Plan: every problem with its row, column and cell, and what would change.
`apply(plan)` writes it in one transaction through the write path (kjtui.models.journal), so each
station receives its changes in its next return bundle; nothing is written while a row is wrong
unless `good_rows` is chosen, and then only the rows that are right.

Importing the same sheet again updates by key (licence number, manager code, route code, ...),
creates no duplicates and changes nothing when nothing changed. Only the columns a sheet has are
changed: a column left out keeps what the county holds, a blank cell in a column that is there
clears it (or gives its default). Customers missing from a customers sheet are listed, and
retired only when asked (`retire_missing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kjtui.exception import KjtuiError
from kjtui.models import (
    Customer,
    ExamScore,
    Manager,
    Post,
    Route,
    RouteStop,
    SalesActual,
    SalesTarget,
    Township,
    TrainingSession,
    database,
    journal,
    new_id,
)
from kjtui.services import sheets
from kjtui.services.import_columns import KINDS, Bad, Kind, header_index, normalise_header

BULK_INDEX = 20_000  # customers written at once past which the search index is rebuilt once


@dataclass(frozen=True)
class Issue:
    """One wrong cell (or row): the row number the spreadsheet program shows, the column's key
    (kjtui.services.import_columns; "" for the whole row), the cell as typed, and why."""

    row: int
    column: str
    value: str
    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    """An active customer the county holds that a customers sheet does not list."""

    licence_no: str
    shop_name: str
    manager_code: str


@dataclass
class Plan:
    kind: str
    path: str
    encoding: str
    rows: int  # data rows read
    issues: list[Issue]
    bad_rows: set[int]
    ignored_columns: list[str]
    counts: dict[str, list[int]]  # table -> [new, changed] if the good rows are written
    same: int  # rows whose record is already exactly so
    missing: list[Missing]
    _work: _Work | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class Result:
    kind: str
    counts: dict[str, list[int]]
    same: int
    skipped_rows: int
    retired: int


Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    pass


# --- pending writes -----------------------------------------------------------------------------


class Changes:
    """What an import will write to one model: new records and changed fields of known ones
    (merged, so a record changed by two rows is written once)."""

    def __init__(self, model):
        self.model = model
        self.new: dict[str, dict] = {}
        self.current: dict[str, dict] = {}
        self.changed: dict[str, dict] = {}

    def create(self, **values) -> str:
        rid = values.setdefault("id", new_id())
        self.new[rid] = values
        return rid

    def update(self, current: dict, **values) -> None:
        rid = current["id"]
        if rid in self.new:
            self.new[rid].update(values)
            return
        pending = self.changed.get(rid, {})
        diff = {k: v for k, v in values.items() if current.get(k) != v}
        for k, v in values.items():  # a change back to what is stored is no change
            if k in pending and current.get(k) == v:
                del pending[k]
        pending.update(diff)
        if pending or rid in self.changed:
            self.current[rid] = current
            self.changed[rid] = pending

    def touch(self, current: dict) -> None:
        """Write it again as it is (rev + 1): it travels to the stations whose scope it entered."""
        if current["id"] not in self.new and current["id"] not in self.changed:
            self.current[current["id"]] = current
            self.changed[current["id"]] = {}

    def value(self, current: dict, name: str):
        """The value the record will have after these changes."""
        rid = current["id"]
        if rid in self.new:
            return self.new[rid].get(name)
        return self.changed.get(rid, {}).get(name, current.get(name))

    def count(self) -> list[int]:
        return [len(self.new), len(self.changed)]

    def write(self) -> None:
        journal.create_many(self.model, list(self.new.values()))
        journal.update_many(self.model, [(self.current[r], c) for r, c in self.changed.items()])


def _rows(model, where=None) -> list[dict]:
    q = model.select()
    if where is not None:
        q = q.where(where)
    return list(q.dicts().iterator())


class Stops:
    """Route stops: a customer on one route at a time, in order. Positions only order the
    stops; a new order takes numbers above every number the route ever used, so no two stops of
    a route share one at any moment, here or on a station applying the changes in any order
    (a tombstone keeps its number and its (route, customer) pair: a stop that comes back is
    revived, never created twice)."""

    def __init__(self):
        self.changes = Changes(RouteStop)
        self.by_pair: dict[tuple[str, str], dict] = {}
        self.live_of_customer: dict[str, list[dict]] = {}
        self.live_of_route: dict[str, list[dict]] = {}
        self.next_pos: dict[str, int] = {}
        for s in _rows(RouteStop):
            self.by_pair[s["route"], s["customer"]] = s
            self.next_pos[s["route"]] = max(self.next_pos.get(s["route"], 0), s["position"] + 1)
            if not s["deleted"]:
                self.live_of_customer.setdefault(s["customer"], []).append(s)
                self.live_of_route.setdefault(s["route"], []).append(s)
        for stops in self.live_of_route.values():
            stops.sort(key=lambda s: s["position"])

    def _position(self, route: str) -> int:
        n = self.next_pos.get(route, 0)
        self.next_pos[route] = n + 1
        return n

    def route_customers(self, route: str) -> list[str]:
        return [s["customer"] for s in self.live_of_route.get(route, ())]

    def place(self, customer: str, route: str | None, position: int | None = None) -> None:
        """Put the customer on `route` (at its end, or at `position`), off every other route;
        None: off every route."""
        for s in self.live_of_customer.get(customer, ()):
            if s["route"] != route:
                self.changes.update(s, deleted=True)
        if route is None:
            return
        stop = self.by_pair.get((route, customer))
        if stop is None:
            self.changes.create(route=route, customer=customer,
                                position=self._position(route) if position is None else position)
            self.by_pair[route, customer] = {"id": None}  # placed once
        elif stop["id"] is not None and (stop["deleted"] or position is not None):
            self.changes.update(stop, deleted=False,
                                position=self._position(route) if position is None else position)

    def order(self, route: str, customers: list[str]) -> None:
        """The route's stops are exactly `customers`, in this order."""
        live = self.route_customers(route)
        wanted = set(customers)
        kept = [c for c in live if c in wanted]
        renumber = customers[: len(kept)] != kept
        for s in self.live_of_route.get(route, ()):
            if s["customer"] not in wanted:
                self.changes.update(s, deleted=True)
        base = self.next_pos.get(route, 0)
        if renumber:
            self.next_pos[route] = base + len(customers)
        for i, c in enumerate(customers):
            self.place(c, route, base + i if renumber else None)

    def touch_route(self, route: str) -> None:
        for s in self.live_of_route.get(route, ()):
            self.changes.touch(s)


# --- the work common to every kind --------------------------------------------------------------


class _Work:
    kind: Kind
    key_columns: tuple[str, ...] = ()

    def __init__(self, kind: Kind):
        self.kind = kind
        self.issues: list[Issue] = []
        self.bad: set[int] = set()
        self.present: set[str] = set()
        self.same = 0
        self.missing: list[Missing] = []
        self.first_row: dict[tuple, int] = {}
        self.rows: list[tuple[int, dict, dict]] = []  # (row, values, raw)

    # issues
    def problem(self, row: int, column: str, value: str, key: str, **params) -> None:
        self.issues.append(Issue(row, column, value, key, params))
        self.bad.add(row)

    # references, loaded on first use
    _townships: tuple[dict, dict] | None = None

    def township(self, row: int, column: str, value: str) -> dict | None:
        if self._townships is None:
            by_code, by_name = {}, {}
            for t in _rows(Township, Township.deleted == False):
                by_code[t["code"]] = t
                by_name.setdefault(t["name"], []).append(t)
            self._townships = (by_code, by_name)
        by_code, by_name = self._townships
        if value in by_code:
            return by_code[value]
        named = by_name.get(value, [])
        if len(named) == 1:
            return named[0]
        if named:
            self.problem(row, column, value, "import.ambiguous_township",
                         codes="、".join(sorted(t["code"] for t in named)))
        else:
            self.problem(row, column, value, "import.unknown_township")
        return None

    _managers: dict | None = None

    def managers(self) -> dict[str, dict]:
        if self._managers is None:
            self._managers = {m["code"]: m for m in _rows(Manager, Manager.deleted == False)}
        return self._managers

    def manager(self, row: int, column: str, value: str, active: bool = True) -> dict | None:
        m = self.managers().get(value)
        if m is None:
            self.problem(row, column, value, "import.unknown_manager")
        elif active and m["status"] != "active":
            self.problem(row, column, value, "import.manager_not_active", status=m["status"])
            return None
        return m

    _posts: dict | None = None

    def posts(self) -> dict[str, dict]:
        if self._posts is None:
            self._posts = {p["code"]: p for p in _rows(Post, Post.deleted == False)}
        return self._posts

    _routes: dict | None = None

    def routes(self) -> dict[str, dict]:
        if self._routes is None:
            self._routes = {r["code"]: r for r in _rows(Route, Route.deleted == False)}
        return self._routes

    def manager_by_id(self, manager_id: str | None) -> dict | None:
        if not hasattr(self, "_manager_ids"):
            self._manager_ids = {m["id"]: m for m in self.managers().values()}
        return self._manager_ids.get(manager_id)

    def post_of(self, manager_id: str | None) -> str | None:
        m = self.manager_by_id(manager_id)
        return m["post"] if m else None

    # the flow
    def read_row(self, row: int, cells: list, columns: list) -> None:
        values, raw = {}, {}
        for i, column in enumerate(columns):
            if column is None:
                continue
            cell = cells[i] if i < len(cells) else None
            text = sheets.cell_text(cell)
            raw[column.key] = text
            if text == "":
                if column.required:
                    self.problem(row, column.key, "", "import.required")
                values[column.key] = None
                continue
            try:
                values[column.key] = column.read(cell)
            except Bad as exc:
                self.problem(row, column.key, text, exc.key, **exc.params)
                values[column.key] = None
        if self.key_columns and all(values.get(k) is not None for k in self.key_columns):
            key = tuple(values[k] for k in self.key_columns)
            first = self.first_row.setdefault(key, row)
            if first != row:
                shown = " / ".join(raw[k] for k in self.key_columns)
                self.problem(row, self.key_columns[0], shown, "import.duplicate", first=first)
                if first not in self.bad:
                    self.problem(first, self.key_columns[0], shown, "import.duplicate", first=row)
        self.rows.append((row, values, raw))

    def check_rows(self, progress: Progress) -> None:
        """Per-kind checks of references, then the changes the good rows make."""
        raise NotImplementedError

    def changes(self) -> list[Changes]:
        raise NotImplementedError

    def good(self):
        for row, values, raw in self.rows:
            if row not in self.bad:
                yield row, values, raw

    def retire_missing(self) -> int:
        return 0


# --- townships, posts, managers -----------------------------------------------------------------


class _Townships(_Work):
    key_columns = ("township_code",)

    def check_rows(self, progress):
        self.out = Changes(Township)
        have = {t["code"]: t for t in _rows(Township)}
        for _, v, _ in self.good():
            values = dict(code=v["township_code"], name=v["township_name"])
            if "is_urban" in self.present:
                values["is_urban"] = bool(v["is_urban"])
            current = have.get(v["township_code"])
            if current is None:
                self.out.create(**{"is_urban": False, **values})
            else:
                self.out.update(current, deleted=False, **values)
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.out]


class _Posts(_Work):
    key_columns = ("post_code",)

    def check_rows(self, progress):
        self.out = Changes(Post)
        have = {p["code"]: p for p in _rows(Post)}
        for row, v, _raw in self.rows:
            town = None
            if v.get("township"):
                t = self.township(row, "township", v["township"])
                town = t["id"] if t else None
            elif v["post_kind"] == "stationed":
                self.problem(row, "township", "", "import.stationed_needs_township")
            if row in self.bad:
                continue
            values = dict(code=v["post_code"], name=v["post_name"], kind=v["post_kind"])
            if "township" in self.present:
                values["township"] = town
            current = have.get(v["post_code"])
            if current is None:
                self.out.create(**values)
            else:
                self.out.update(current, deleted=False, **values)
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.out]


class _Managers(_Work):
    key_columns = ("manager_code",)
    OPTIONAL = {"hired_on": None, "phone": "", "model_worker": False}

    def check_rows(self, progress):
        self.out = Changes(Manager)
        have = {m["code"]: m for m in _rows(Manager)}
        holds = {r["manager"] for r in self.routes().values() if r["manager"]}
        today = date.today()
        for row, v, raw in self.rows:
            born = v["birth_date"]
            if born is not None:
                age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
                if not 16 <= age <= 70:
                    self.problem(row, "birth_date", raw["birth_date"], "import.bad_birth", age=age)
            post = None
            if v.get("post_code"):
                p = self.posts().get(v["post_code"])
                if p is None:
                    self.problem(row, "post_code", raw["post_code"], "import.unknown_post")
                    continue
                post = p["id"]
            current = have.get(v["manager_code"])
            if (current is not None and "post_code" in self.present
                    and current["post"] != post and current["id"] in holds):
                self.problem(row, "post_code", raw["post_code"], "import.post_change_with_routes")
            if row in self.bad:
                continue
            values = dict(code=v["manager_code"], name=v["manager_name"], gender=v["gender"],
                          birth_date=born, education=v["education"], employment=v["employment"])
            if "post_code" in self.present:
                values["post"] = post
            for name, default in self.OPTIONAL.items():
                if name in self.present:
                    values[name] = default if v[name] is None else v[name]
            if current is None:
                self.out.create(status="active", **values)
            else:
                self.out.update(current, deleted=False, **values)
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.out]


# --- customers ----------------------------------------------------------------------------------


class _Customers(_Work):
    key_columns = ("licence_no",)

    def check_rows(self, progress):
        self.out = Changes(Customer)
        self.stops = Stops()
        have = {c["licence_no"]: c for c in _rows(Customer)}
        self.have = have
        routes = self.routes()
        total = len(self.rows)
        for i, (row, v, raw) in enumerate(self.rows):
            if i % 2000 == 0:
                progress("check", i, total)
            town = self.township(row, "township", v["township"]) if v["township"] else None
            manager = route = None
            if v.get("route_code"):
                route = routes.get(v["route_code"])
                if route is None:
                    self.problem(row, "route_code", raw["route_code"], "import.unknown_route")
            if v.get("manager_code"):
                manager = self.manager(row, "manager_code", v["manager_code"])
            if route is not None and route["manager"] is not None:
                if manager is not None and route["manager"] != manager["id"]:
                    owner = (self.manager_by_id(route["manager"]) or {"code": "?"})["code"]
                    self.problem(row, "route_code", raw["route_code"],
                                 "import.route_of_other_manager", manager=owner)
            if row in self.bad:
                continue
            current = have.get(v["licence_no"])
            values = dict(licence_no=v["licence_no"], shop_name=v["shop_name"],
                          owner_name=v["owner_name"], township=town["id"],
                          retail_format=v["retail_format"], active=True)
            for name in ("phone", "address"):
                if name in self.present:
                    values[name] = v[name] or ""
            if "area" in self.present or current is None:
                values["area"] = v.get("area") or ("urban" if town["is_urban"] else "rural")
            if "grade" in self.present or current is None:
                values["grade"] = v.get("grade") or "C"
            if "route_code" in self.present:
                values["route"] = route["id"] if route else None
                if route is not None and route["manager"] is not None:
                    values["manager"] = route["manager"]
            if "manager_code" in self.present and "manager" not in values:
                values["manager"] = manager["id"] if manager else None
                if current is not None and current["route"] and values["manager"] != \
                        self._route_manager(current["route"]):
                    values["route"] = None  # a customer handed to another manager leaves the route
            if current is None:
                rid = self.out.create(**values)
                if values.get("route"):
                    self.stops.place(rid, values["route"])
                continue
            self.out.update(current, deleted=False, **values)
            if "route" in values and (
                    values["route"] != current["route"]
                    or values["route"] not in self._live_routes(current["id"])):
                self.stops.place(current["id"], values["route"])
            self.same += current["id"] not in self.out.changed
        progress("check", total, total)
        listed = {v["licence_no"] for _, v, _ in self.rows if v.get("licence_no")}
        codes = {m["id"]: m["code"] for m in self.managers().values()}
        self.missing = sorted(
            (Missing(c["licence_no"], c["shop_name"], codes.get(c["manager"], ""))
             for c in have.values()
             if c["active"] and not c["deleted"] and c["licence_no"] not in listed),
            key=lambda m: m.licence_no)

    def _route_manager(self, route_id: str) -> str | None:
        if not hasattr(self, "_route_ids"):
            self._route_ids = {r["id"]: r for r in self.routes().values()}
        route = self._route_ids.get(route_id)
        return route["manager"] if route else None

    def _live_routes(self, customer: str) -> set:
        return {s["route"] for s in self.stops.live_of_customer.get(customer, ())} or {None}

    def retire_missing(self) -> int:
        for m in self.missing:
            current = self.have[m.licence_no]
            self.out.update(current, active=False)
            self.stops.place(current["id"], None)
        return len(self.missing)

    def changes(self):
        return [self.out, self.stops.changes]


# --- routes and their stops ---------------------------------------------------------------------


class _Routes(_Work):
    """One row a stop: the route's columns repeat on each of its rows; a route with no stop
    listed keeps the stops it has."""

    def check_rows(self, progress):
        self.out = Changes(Route)
        self.customers = Changes(Customer)
        self.stops = Stops()
        have = {r["code"]: r for r in _rows(Route)}
        customers = {c["licence_no"]: c for c in _rows(Customer, Customer.deleted == False)}
        by_id = {c["id"]: c for c in customers.values()}
        groups: dict[str, list] = {}
        for row, v, raw in self.rows:
            if v.get("route_code"):
                groups.setdefault(v["route_code"], []).append((row, v, raw))
        seen_licence: dict[str, int] = {}
        for code, rows in groups.items():
            first: dict[str, tuple[int, str]] = {}
            positions: dict[int, int] = {}
            for row, v, raw in rows:
                for name in ("route_name", "manager_code", "township"):
                    if not raw.get(name):
                        continue
                    if name not in first:
                        first[name] = (row, raw[name])
                    elif first[name][1] != raw[name]:
                        self.problem(row, name, raw[name], "import.route_inconsistent",
                                     first=first[name][0], other=first[name][1])
                stop, licence = v.get("stop"), v.get("licence_no")
                if raw.get("stop") and not raw.get("licence_no"):
                    self.problem(row, "licence_no", "", "import.required")
                elif raw.get("licence_no") and not raw.get("stop"):
                    self.problem(row, "stop", "", "import.required")
                if stop is not None:
                    if stop in positions:
                        self.problem(row, "stop", raw["stop"], "import.duplicate_stop",
                                     first=positions[stop])
                    positions.setdefault(stop, row)
                if licence is not None:
                    if licence in seen_licence:
                        self.problem(row, "licence_no", licence, "import.duplicate",
                                     first=seen_licence[licence])
                        self.problem(seen_licence[licence], "licence_no", licence,
                                     "import.duplicate", first=row)
                    seen_licence.setdefault(licence, row)
                    c = customers.get(licence)
                    if c is None:
                        self.problem(row, "licence_no", licence, "import.unknown_customer")
                    elif not c["active"]:
                        self.problem(row, "licence_no", licence, "import.customer_retired")
            current = have.get(code)
            manager = town = None
            if "manager_code" in first:
                row, value = first["manager_code"]
                manager = self.manager(row, "manager_code", value)
                if manager is not None and current is not None and current["manager"]:
                    old_post = self.post_of(current["manager"])
                    if old_post is not None and manager["post"] != old_post:
                        posts = {p["id"]: p["code"] for p in self.posts().values()}
                        self.problem(row, "manager_code", value, "import.other_post",
                                     route_post=posts.get(old_post, "?"),
                                     manager_post=posts.get(manager["post"], "—"))
            if "township" in first:
                row, value = first["township"]
                town = self.township(row, "township", value)
            rows_of_route = [r for r, _, _ in rows]
            if any(r in self.bad for r in rows_of_route):
                for r in rows_of_route:  # with --good-rows a route is written whole or not at all
                    self.bad.add(r)
                continue
            values = {"code": code}
            if "route_name" in first:
                values["name"] = first["route_name"][1]
            if "manager_code" in self.present:
                values["manager"] = manager["id"] if manager else None
            if "township" in self.present:
                values["township"] = town["id"] if town else None
            if current is None:
                rid = self.out.create(**values)
                new_manager = values.get("manager")
                moved = False
            else:
                rid = current["id"]
                self.out.update(current, deleted=False, **values)
                new_manager = values.get("manager", current["manager"])
                moved = new_manager != current["manager"]
            stops = sorted((v["stop"], by_id_of(customers, v["licence_no"]))
                           for _, v, _ in rows if v.get("stop") is not None)
            before = list(self.stops.route_customers(rid))
            if stops:
                wanted = [cid for _, cid in stops]
                self.stops.order(rid, wanted)
                for cid in wanted:
                    values_c = {"route": rid}
                    if new_manager is not None:
                        values_c["manager"] = new_manager
                    self.customers.update(by_id[cid], **values_c)
                for cid in before:
                    c = by_id.get(cid)
                    if cid not in wanted and c is not None and \
                            self.customers.value(c, "route") == rid:
                        self.customers.update(c, route=None)
            if moved:
                # The route changes hands: its customers and stops go with it to the new station.
                self.stops.touch_route(rid)
                for c in by_id.values():
                    if self.customers.value(c, "route") == rid and new_manager is not None:
                        self.customers.update(c, manager=new_manager)
            if current is not None and rid not in self.out.changed and not moved and (
                    not stops or [cid for _, cid in stops] == before):
                self.same += 1

    def changes(self):
        return [self.out, self.customers, self.stops.changes]


def by_id_of(customers: dict[str, dict], licence: str) -> str:
    return customers[licence]["id"]


# --- targets and actual sales -------------------------------------------------------------------


class _Monthly(_Work):
    key_columns = ("manager_code", "month")
    model = SalesTarget
    column = "target"

    def check_rows(self, progress):
        self.out = Changes(self.model)
        have = {(r["manager"], r["month"]): r for r in _rows(self.model)}
        for row, v, _raw in self.rows:
            m = None
            if v["manager_code"]:
                m = self.manager(row, "manager_code", v["manager_code"], active=False)
            if row in self.bad:
                continue
            current = have.get((m["id"], v["month"]))
            if current is None:
                self.out.create(manager=m["id"], month=v["month"], quantity=v[self.column])
            else:
                self.out.update(current, deleted=False, quantity=v[self.column])
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.out]


class _Actuals(_Monthly):
    model = SalesActual
    column = "actual"


# --- training: meetings with their lecture, stage exams with the scores --------------------------


class _Training(_Work):
    """One row a session; a session is known by its day, kind and topic."""

    key_columns = ("held_on", "training_kind", "topic")

    def check_rows(self, progress):
        self.out = Changes(TrainingSession)
        have = {(s["held_on"], s["kind"], s["topic"]): s for s in _rows(TrainingSession)}
        for row, v, raw in self.rows:
            lecturer = None
            if v.get("lecturer_code"):
                lecturer = self.manager(row, "lecturer_code", v["lecturer_code"], active=False)
            if v["training_kind"] not in (None, "weekly_meeting") and (
                    raw.get("lecturer_code") or raw.get("lecture_rating")):
                self.problem(row, "lecturer_code", raw.get("lecturer_code", ""),
                             "import.lecture_only_at_meetings")
            if row in self.bad:
                continue
            values = dict(held_on=v["held_on"], kind=v["training_kind"], topic=v["topic"])
            if "lecturer_code" in self.present:
                values["lecturer"] = lecturer["id"] if lecturer else None
            if "lecture_rating" in self.present:
                values["lecture_rating"] = v.get("lecture_rating")
            current = have.get((v["held_on"], v["training_kind"], v["topic"]))
            if current is None:
                self.out.create(**values)
            else:
                self.out.update(current, deleted=False, **values)
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.out]


class _Exams(_Work):
    """One row a manager's score; the exam is the session of that day and topic (made here if
    the county holds none yet)."""

    key_columns = ("held_on", "topic", "manager_code")

    def check_rows(self, progress):
        self.sessions = Changes(TrainingSession)
        self.out = Changes(ExamScore)
        exams = {(s["held_on"], s["topic"]): s
                 for s in _rows(TrainingSession, TrainingSession.kind == "exam")}
        made: dict[tuple, str] = {}
        have = {(s["session"], s["manager"]): s for s in _rows(ExamScore)}
        for row, v, _raw in self.rows:
            m = None
            if v["manager_code"]:
                m = self.manager(row, "manager_code", v["manager_code"], active=False)
            if row in self.bad:
                continue
            key = (v["held_on"], v["topic"])
            session = exams.get(key)
            if session is None:
                sid = made.get(key) or self.sessions.create(held_on=key[0], kind="exam",
                                                            topic=key[1])
                made[key] = sid
            else:
                sid = session["id"]
            current = have.get((sid, m["id"]))
            if current is None:
                self.out.create(session=sid, manager=m["id"], score=v["exam_score"])
            else:
                self.out.update(current, deleted=False, score=v["exam_score"])
                self.same += current["id"] not in self.out.changed

    def changes(self):
        return [self.sessions, self.out]


WORK = {
    "townships": _Townships, "posts": _Posts, "managers": _Managers, "customers": _Customers,
    "routes": _Routes, "targets": _Monthly, "actuals": _Actuals, "training": _Training,
    "exams": _Exams,
}


# --- check and apply ----------------------------------------------------------------------------


def _must_be_hub() -> None:
    if journal.is_station():
        raise KjtuiError("import.not_hub", node=journal.node_id())


def check(kind: str, path: str, progress: Progress = _quiet) -> Plan:
    """Read `path` as a sheet of `kind` and check every row; nothing is written."""
    if kind not in KINDS:
        raise KjtuiError("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    _must_be_hub()
    spec = KINDS[kind]
    progress("read", 0, 1)
    sheet = sheets.read(path)
    progress("read", 1, 1)
    work = WORK[kind](spec)
    index = header_index(spec)
    columns, ignored = [], []
    for h in sheet.headers:
        c = index.get(normalise_header(h)) if h else None
        if c is not None and c.key in work.present:
            work.problem(1, c.key, h, "import.column_twice")
            c = None
        columns.append(c)
        if c is not None:
            work.present.add(c.key)
        elif h:
            ignored.append(h)
    for c in spec.columns:
        if c.required and c.key not in work.present:
            work.problem(1, c.key, "", "import.missing_column")
    if not work.issues:
        total = len(sheet.rows)
        for i, (row, cells) in enumerate(sheet.rows):
            if i % 5000 == 0:
                progress("check", i, total)
            work.read_row(row, cells, columns)
        with database.atomic():  # one consistent reading of what the county holds
            work.check_rows(progress)
        progress("check", total, total)
    counts = {c.model._meta.table_name: c.count() for c in work.changes()} if not any(
        i.row == 1 for i in work.issues) else {}
    issues = sorted(work.issues, key=lambda i: (i.row, _column_order(spec, i.column)))
    return Plan(kind, sheet.path, sheet.encoding, len(sheet.rows), issues, set(work.bad),
                ignored, counts, work.same, work.missing, work)


def _column_order(spec: Kind, key: str) -> int:
    keys = [c.key for c in spec.columns]
    return keys.index(key) if key in keys else -1


def apply(plan: Plan, *, good_rows: bool = False, retire_missing: bool = False,
          progress: Progress = _quiet) -> Result:
    """Write what `plan` found, in one transaction through the write path. Refused while a row
    is wrong, unless `good_rows`: then the wrong rows are left out."""
    _must_be_hub()
    if any(i.row == 1 for i in plan.issues):
        raise KjtuiError("import.bad_header", n=len(plan.issues))
    if plan.issues and not good_rows:
        raise KjtuiError("import.has_errors", n=len(plan.issues), rows=len(plan.bad_rows))
    work = plan._work
    if retire_missing and plan.missing and not (plan.rows - len(plan.bad_rows)):
        raise KjtuiError("import.retire_all", n=len(plan.missing))  # an empty sheet retires no one
    retired = work.retire_missing() if retire_missing else 0
    changes = work.changes()
    customers = sum(len(c.new) + len(c.changed) for c in changes if c.model is Customer)
    from kjtui.services.search import bulk_load

    steps = len(changes)
    with database.atomic():
        if customers > BULK_INDEX:
            with bulk_load():
                _write(changes, progress, steps)
        else:
            _write(changes, progress, steps)
    return Result(plan.kind, {c.model._meta.table_name: c.count() for c in changes}, work.same,
                  len(plan.bad_rows), retired)


def _write(changes: list[Changes], progress: Progress, steps: int) -> None:
    for i, c in enumerate(changes):
        progress("write", i, steps)
        c.write()
    progress("write", steps, steps)


def template(kind: str, path: str, lang: str = "zh") -> str:
    """An empty sheet of `kind` with its headers (Chinese), and a sheet of notes on each column
    in `lang`."""
    from kjtui.catalog import text

    if kind not in KINDS:
        raise KjtuiError("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    spec = KINDS[kind]
    headers = [c.header("zh") for c in spec.columns]
    notes = [[text("import.note.column", lang), text("import.note.required", lang),
              text("import.note.how", lang)]]
    for c in spec.columns:
        key, params = c.hint
        if "codes" in params:
            params = {"choices": " / ".join(text(f"choice.{params['field']}.{code}", lang)
                                            for code in params["codes"])}
        notes.append([c.header("zh"), text("import.yes" if c.required else "import.no", lang),
                      text(key, lang, **params)])
    return sheets.write_template(path, text(f"import.kind.{kind}", "zh"), headers,
                                 {i for i, c in enumerate(spec.columns) if c.text}, notes,
                                 text("import.note.sheet", "zh"))
