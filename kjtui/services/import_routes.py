"""Routes and their stops from the county's sheets: one row a stop, the route's columns the same
on each of its rows; the stops in the order given, a customer on one route at a time; a route
handed to a manager of another post refused; a route changing hands takes its customers and
stops with it."""

from __future__ import annotations

from kjtui.models import Customer, Route, RouteStop
from kjtui.services.import_rows import Changes, Work, stored


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
        for s in stored(RouteStop):
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


class RouteRows(Work):
    """One row a stop: the route's columns repeat on each of its rows; a route with no stop
    listed keeps the stops it has."""

    def check_rows(self, progress):
        self.out = Changes(Route)
        self.customers = Changes(Customer)
        self.stops = Stops()
        have = {r["code"]: r for r in stored(Route)}
        customers = {c["licence_no"]: c for c in stored(Customer, Customer.deleted == False)}
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
