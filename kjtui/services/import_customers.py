"""Customers from the county's sheets, by licence number: their township, manager and route
checked (a route held by another manager is refused), a customer handed to another manager
leaving his route, and those the sheet no longer lists (`Missing`) retired only when asked."""

from __future__ import annotations

from kjtui.models import Customer
from kjtui.services.import_routes import Stops
from kjtui.services.import_rows import Changes, Missing, Work, stored


class CustomerRows(Work):
    key_columns = ("licence_no",)

    def check_rows(self, progress):
        self.out = Changes(Customer)
        self.stops = Stops()
        have = {c["licence_no"]: c for c in stored(Customer)}
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
