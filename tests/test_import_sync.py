"""What an import writes at the hub reaches the stations through real bundles: a customer the
import hands to another manager arrives at the new manager's laptop (with its stop on his route),
and a route handed over arrives with its stops and customers; the old laptop hears that the
customer or route left it, and keeps its own visits."""

from __future__ import annotations

from pathlib import Path

import pytest
import sync_sample as sample
import sync_support as sup

from kjtui.models import Customer, Manager, Route, RouteStop
from kjtui.services import county_import, sheets
from kjtui.services.import_columns import KINDS
from sync import enroll, exporter, importer

MOVED = "431300000000"  # KJ01 (00), route 1 (00), stop 0000: sync_sample.county numbering


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A hub with KJ01 and KJ02, both enrolled, and each one's laptop joined."""
    folder = tmp_path_factory.mktemp("two")
    hub = folder / "hub.db"
    sup.use(hub)
    enroll.hub_init()
    sample.county(("KJ01", "KJ02"))
    files = {code: Path(enroll.enroll(code, str(folder))) for code in ("KJ01", "KJ02")}
    for code, f in files.items():
        sup.use(folder / f"{code}.db")
        enroll.join(f.read_bytes())
    sup.close()
    return folder


@pytest.fixture
def county(template, tmp_path):
    import shutil

    for name in ("hub.db", "KJ01.db", "KJ02.db"):
        shutil.copy(template / name, tmp_path / name)
    return tmp_path


def sheet(path, kind, rows):
    heads = [c.header() for c in KINDS[kind].columns]
    return sheets.write_template(path, kind, heads, set(), [], "", rows)


def deliver(folder: Path) -> None:
    """The hub's answer to every station, imported on each laptop."""
    sup.use(folder / "hub.db")
    out = folder / "out"
    out.mkdir(exist_ok=True)
    paths = exporter.export(str(out))
    for p in paths:
        code = Path(p).name.split("-to-")[1].split("-")[0]
        sup.use(folder / f"{code}.db")
        importer.import_bytes(Path(p).read_bytes())
        Path(p).unlink()
    sup.close()


def import_at_hub(folder: Path, kind: str, rows: list) -> None:
    sup.use(folder / "hub.db")
    plan = county_import.check(kind, sheet(folder / f"{kind}.xlsx", kind, rows))
    assert plan.ok, plan.issues
    county_import.apply(plan)


def moved_customer_row():
    return [MOVED, "便民店0-0", "王明", "", "", "T01", "", "食杂店", "", "", "KJ02-R1"]


def on_station(folder: Path, code: str):
    sup.use(folder / f"{code}.db")
    c = Customer.get_or_none(Customer.licence_no == MOVED)
    stops = [] if c is None else [
        s.route.code for s in RouteStop.select().join(Route).where(
            (RouteStop.customer == c.id) & (RouteStop.deleted == False))]
    me = Manager.get(Manager.code == code)
    return c, stops, me


def test_a_customer_reassigned_by_import_reaches_the_new_managers_station(county):
    c, stops, kj01 = on_station(county, "KJ01")
    assert c.manager_id == kj01.id and stops == ["KJ01-R1"]
    assert on_station(county, "KJ02")[0] is None
    import_at_hub(county, "customers", [moved_customer_row()])
    deliver(county)
    c, stops, kj02 = on_station(county, "KJ02")
    assert c is not None and c.manager_id == kj02.id and c.route.code == "KJ02-R1"
    assert stops == ["KJ02-R1"]


def test_a_customer_reassigned_by_import_leaves_the_old_managers_route(county):
    """The old laptop hears of it through the stop the customer left on its route: the
    customer is no longer its manager's, and off his route."""
    import_at_hub(county, "customers", [moved_customer_row()])
    deliver(county)
    c, stops, kj01 = on_station(county, "KJ01")
    assert c is not None and c.manager_id != kj01.id
    assert stops == []


def visit_at_station(folder: Path, code: str, licence: str, **ack) -> str:
    """A visit of the customer on the laptop, acknowledged (with a new PIN unless `ack` says
    otherwise), sent to the hub."""
    from datetime import date, datetime

    from kjtui.services import acknowledgement, visit_checks, visits

    sup.use(folder / f"{code}.db")
    me = Manager.get(Manager.code == code)
    c = Customer.get(Customer.licence_no == licence)
    day = date.today()
    v = visits.record_visit(me.id, day, c.id, arrived_at=datetime.combine(day, datetime.min.time()),
                            confirmed=visit_checks.VISIT_QUESTIONS)
    acknowledgement.acknowledge(v.id, **(ack or dict(pin="246813", new_pin="246813")))
    out = folder / "up"
    out.mkdir(exist_ok=True)
    for p in exporter.export(str(out)):
        sup.use(folder / "hub.db")
        importer.import_bytes(Path(p).read_bytes(), reply=False)
        Path(p).unlink()
    sup.close()
    return v.id


def test_a_customer_reassigned_by_import_takes_its_pin_out_of_the_old_scope(county):
    """The customer and its PIN leave the old station's scope; the visits it made stay its own,
    on the hub and on its laptop, with the customer they name."""
    from kjtui.models import CustomerPin, Visit
    from sync import scope

    visit = visit_at_station(county, "KJ01", MOVED)
    import_at_hub(county, "customers", [moved_customer_row()])
    sup.use(county / "hub.db")
    kj01, kj02 = (Manager.get(Manager.code == k) for k in ("KJ01", "KJ02"))
    c = Customer.get(Customer.licence_no == MOVED)

    def held(model, manager, where):
        return model.select().where(where & scope.condition(model, manager)).exists()

    # the old laptop keeps hearing of the customer its visits name (handed over), not his PIN
    assert not held(Customer, kj01, Customer.id.in_(
        Customer.select(Customer.id).where(scope.served(kj01))) & (Customer.id == c.id))
    assert not held(CustomerPin, kj01, CustomerPin.customer == c.id)
    assert held(Customer, kj02, Customer.id == c.id)
    assert held(CustomerPin, kj02, CustomerPin.customer == c.id)
    assert held(Visit, kj01, Visit.id == visit)
    deliver(county)
    sup.use(county / "KJ01.db")
    assert Visit.get_by_id(visit).customer.manager_id == kj02.id
    sup.close()


def test_the_pin_follows_a_customer_reassigned_by_import(county):
    """As with `kjtui hub reassign`: the new laptop receives the customer's PIN and the county
    accepts the customer's acknowledgement there; what the old laptop wrote before it heard (a
    visit signed on paper) is accepted too, not held."""
    from kjtui.models import Acknowledgement, AckVerdict, Handover, HeldRecord
    from kjtui.services import pin_state

    visit_at_station(county, "KJ01", MOVED)
    import_at_hub(county, "customers", [moved_customer_row()])
    late = visit_at_station(county, "KJ01", MOVED, method="paper", handbook_page="7")
    sup.use(county / "hub.db")
    (h,) = Handover.select()
    assert (h.kind, h.from_station, h.to_station) == ("customer", "KJ01", "KJ02")
    assert not HeldRecord.select().exists()
    assert Acknowledgement.get(Acknowledgement.visit == late).method == "paper"
    deliver(county)
    sup.use(county / "KJ02.db")
    c = Customer.get(Customer.licence_no == MOVED)
    assert pin_state.current_pin(c.id).owner == "KJ02"
    mine = visit_at_station(county, "KJ02", MOVED, pin="246813")
    sup.use(county / "hub.db")
    ack = Acknowledgement.get(Acknowledgement.visit == mine)
    assert AckVerdict.get_by_id(ack.id).passed
    sup.close()


def test_a_route_handed_over_by_import_leaves_the_old_managers_station(county):
    """A route the county's sheets gave KJ01, then KJ02: the first laptop hears it left."""
    import_at_hub(county, "routes", [["KJ01-R9", "KJ01 线路9", "KJ01", "T01", "", ""]])
    deliver(county)
    sup.use(county / "KJ01.db")
    kj01 = Manager.get(Manager.code == "KJ01")
    assert Route.get(Route.code == "KJ01-R9").manager_id == kj01.id
    import_at_hub(county, "routes", [["KJ01-R9", "KJ01 线路9", "KJ02", "T01", "", ""]])
    deliver(county)
    sup.use(county / "KJ01.db")
    assert Route.get(Route.code == "KJ01-R9").manager.code == "KJ02"
    sup.close()


UNROUTED = "431322990001"


def test_a_customer_without_a_route_reassigned_by_import_leaves_the_old_managers_station(county):
    row = [UNROUTED, "无线路小店", "赵", "", "", "T01", "", "食杂店", "", "KJ01", ""]
    import_at_hub(county, "customers", [row])
    deliver(county)
    sup.use(county / "KJ01.db")
    kj01 = Manager.get(Manager.code == "KJ01")
    assert Customer.get(Customer.licence_no == UNROUTED).manager_id == kj01.id  # it arrived
    import_at_hub(county, "customers", [[*row[:9], "KJ02", ""]])
    deliver(county)
    sup.use(county / "KJ02.db")
    assert Customer.get(Customer.licence_no == UNROUTED).manager.code == "KJ02"
    sup.use(county / "KJ01.db")
    c = Customer.get_or_none(Customer.licence_no == UNROUTED)
    assert c is None or c.deleted or c.manager_id != kj01.id


def test_a_route_handed_over_by_import_arrives_with_its_stops_and_customers(county):
    sup.use(county / "hub.db")
    stops = [(s.position, s.customer.licence_no) for s in RouteStop.select().join(Route).where(
        Route.code == "KJ01-R2").order_by(RouteStop.position)]
    rows = [["KJ01-R2", "KJ01 线路2", "KJ02", "T01", i + 1, licence]
            for i, (_, licence) in enumerate(stops)]
    import_at_hub(county, "routes", rows)
    deliver(county)
    sup.use(county / "KJ02.db")
    route = Route.get(Route.code == "KJ01-R2")
    assert route.manager.code == "KJ02"
    got = [s.customer.licence_no for s in RouteStop.select().where(
        (RouteStop.route == route.id) & (RouteStop.deleted == False)).order_by(RouteStop.position)]
    assert got == [licence for _, licence in stops]
    kj02 = Manager.get(Manager.code == "KJ02")
    assert Customer.select().where(Customer.route == route.id).count() == len(stops)
    assert {c.manager_id for c in Customer.select().where(Customer.route == route.id)} == {kj02.id}
