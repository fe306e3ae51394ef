"""The notebook service on a real SQLite file: odometer rules, visits, acknowledgement by PIN,
paper or refusal, corrections that keep both records, check-ins; every refusal changes nothing."""

from datetime import time

import notebook_county
import pin_support
import pytest

from kjtui import i18n
from kjtui.exception import Refused
from kjtui.models import Acknowledgement, CustomerPin, DayLog, JournalEntry, Visit
from kjtui.services import acknowledgement, search, settings, today, visits
from kjtui.services import day as day_service


@pytest.fixture
def county(db):
    return notebook_county.build()


def snapshot():
    """Everything a refused write must leave untouched."""
    return (
        [(d.id, d.rev, d.odometer_start, d.odometer_end, d.first_phoned) for d in DayLog.select()],
        [(v.id, v.rev) for v in Visit.select()],
        Acknowledgement.select().count(),
        CustomerPin.select().count(),
        JournalEntry.select().count(),
    )


def refused(key, fn, *args, **kwargs):
    before = snapshot()
    with pytest.raises(Refused) as err:
        fn(*args, **kwargs)
    assert err.value.key == key
    assert snapshot() == before
    assert i18n.t(key, **err.value.params) != key  # a sentence in the catalog
    return err.value


def test_day_view_shows_plan_route_and_last_reading(county):
    view = today.day_view(county.manager.id, county.today)
    assert view.route.route_name == "炉观一线" and view.route.planned
    assert [s.shop_name for s in view.route.stops] == list(notebook_county.SHOPS)
    assert view.planned_route_name == "炉观一线" and view.plan_note == "带宣传册"
    assert view.last_reading == 12000 and view.odometer_start is None
    assert view.next_stop == 0 and view.visits == []


def test_odometer_start_end_and_mileage(county):
    m, d = county.manager.id, county.today
    day_service.start_day(m, d, "12003")
    assert day_service.end_day(m, d, 12068) == 12068
    view = today.day_view(m, d)
    assert (view.odometer_start, view.odometer_end, view.figures.mileage) == (12003, 12068, 65)
    assert view.flags == []


def test_odometer_bad_readings_are_refused_and_change_nothing(county):
    m, d = county.manager.id, county.today
    refused("odo.below_last", day_service.start_day, m, d, 11990)
    refused("odo.not_a_number", day_service.start_day, m, d, "12x")
    refused("odo.no_start", day_service.end_day, m, d, 12050)
    err = refused("odo.gap", day_service.start_day, m, d, 12500)
    assert err.confirmable and err.params["gap"] == 500
    day_service.start_day(m, d, 12001)
    refused("odo.end_below_start", day_service.end_day, m, d, 12000)
    err = refused("odo.day_jump", day_service.end_day, m, d, 12001 + 301)
    assert err.confirmable
    # Confirmed, it is saved and flagged for the supervisor.
    day_service.end_day(m, d, 12302, confirm=True)
    view = today.day_view(m, d)
    assert view.figures.mileage == 301
    assert [k for k, _ in view.flags] == ["flag.odo_day"]


def test_routine_visit_defaults_and_route_progress(county):
    m, d = county.manager.id, county.today
    day_service.start_day(m, d, 12001)
    first = county.customers[0]
    line = visits.record_visit(m, d, first.id)
    assert line.on_route and not line.ordered and line.quantity == 0
    assert (line.price_tags, line.agreement_sales, line.retail_format_ok,
            line.brand_cultivation) == (True, True, True, True)
    assert line.satisfaction == 5 and line.departed_at >= line.arrived_at
    view = today.day_view(m, d)
    assert view.route.stops[0].visited and view.next_stop == 1
    assert view.figures.households == 1
    assert view.figures.first_visit_at == line.arrived_at


def test_visit_off_route_and_find_customers(county):
    m, d = county.manager.id, county.today
    hits = search.find_customers("4313221000")
    assert {h.shop_name for h in hits} >= {"[老街]便民店", "远山小卖部"}
    assert [h.shop_name for h in search.find_customers("远山")] == ["远山小卖部"]
    assert [h.owner_name for h in search.find_customers("赵")] == ["赵六"]
    line = visits.record_visit(m, d, county.off_route.id, ordered=True, quantity=3)
    assert not line.on_route and line.ordered and line.quantity == 3
    assert visits.last_quantities([county.off_route.id]) == {county.off_route.id: 3}


def test_bad_visit_fields_are_refused(county):
    m, d, c = county.manager.id, county.today, county.customers[0].id
    refused("visit.bad_quantity", visits.record_visit, m, d, c, ordered=True, quantity="many")
    refused("visit.bad_satisfaction", visits.record_visit, m, d, c, satisfaction=9)
    refused("visit.departed_before", visits.record_visit, m, d, c,
            arrived_at=time(9, 30), departed_at=time(9, 0))


def test_first_pin_confirmation_then_pin_checked(county):
    m, d, c = county.manager.id, county.today, county.customers[0]
    v1 = visits.record_visit(m, d, c.id)
    assert not v1.customer_has_pin and v1.pin_state == "none"
    refused("pin.format", acknowledgement.acknowledge, v1.id, pin="2468", new_pin="2468")
    refused("pin.mismatch", acknowledgement.acknowledge, v1.id, pin="246813", new_pin="246814")
    line = acknowledgement.acknowledge(v1.id, pin="246813", new_pin="246813")
    assert line.signed and line.ack_method == "pin" and line.customer_has_pin
    row = CustomerPin.get()
    assert len(row.salt) == 32 and 0 <= row.check_bits < 64 and row.pin_hash == ""
    refused("ack.already", acknowledgement.acknowledge, v1.id, pin="246813")
    v2 = visits.record_visit(m, d, c.id)
    (wrong,) = pin_support.refused_pins(c.id, 1)
    refused("ack.wrong_pin", acknowledgement.acknowledge, v2.id, pin=wrong)
    assert acknowledgement.pin_tries_left(c.id) == 4
    assert acknowledgement.acknowledge(v2.id, pin="246813").signed


def test_paper_and_declined_acknowledgements(county):
    m, d = county.manager.id, county.today
    a = visits.record_visit(m, d, county.customers[1].id)
    b = visits.record_visit(m, d, county.customers[2].id)
    refused("ack.need_page", acknowledgement.acknowledge, a.id, "paper")
    refused("ack.need_reason", acknowledgement.acknowledge, b.id, "declined", handbook_page="12")
    assert acknowledgement.acknowledge(a.id, "paper", handbook_page=" 17 ").ack_page == "17"
    line = acknowledgement.acknowledge(b.id, "declined", reason="嫌麻烦")
    assert (line.ack_method, line.ack_reason) == ("declined", "嫌麻烦")


def test_signed_visit_refuses_edit_and_correction_keeps_both(county):
    m, d, c = county.manager.id, county.today, county.customers[0]
    v = visits.record_visit(m, d, c.id)
    edited = visits.edit_visit(v.id, note="补货", ordered=True, quantity=5)  # unsigned: edits in place
    assert (edited.note, edited.quantity) == ("补货", 5)
    acknowledgement.acknowledge(v.id, "paper", handbook_page="3")
    refused("visit.signed", visits.edit_visit, v.id, quantity=6)
    refused("visit.signed", visits.delete_visit, v.id)
    new = visits.correct_visit(v.id, quantity=6)
    assert new.supersedes_id == v.id and new.quantity == 6 and not new.signed
    refused("visit.already_corrected", visits.correct_visit, v.id, quantity=7)
    lines = today.day_view(m, d).visits
    assert [(x.id, x.superseded_by_id) for x in lines] == [(v.id, new.id), (new.id, None)]
    assert today.day_view(m, d).figures.quantity == 6  # the corrected visit no longer counts
    refused("ack.already", acknowledgement.acknowledge, v.id, pin="1234")
    u = visits.record_visit(m, d, county.customers[1].id)
    visits.correct_visit(u.id, ordered=True, quantity=2)
    refused("ack.superseded", acknowledgement.acknowledge, u.id, "paper", handbook_page="4")


def test_unsigned_visit_can_be_deleted(county):
    m, d = county.manager.id, county.today
    v = visits.record_visit(m, d, county.customers[0].id)
    visits.delete_visit(v.id)
    view = today.day_view(m, d)
    assert view.visits == [] and view.next_stop == 0


def test_phone_in_toggles_check_ins(county):
    m, d = county.manager.id, county.today
    refused("checkin.no_visit", day_service.phone_in, m, d, "first")
    visits.record_visit(m, d, county.customers[0].id)
    assert day_service.phone_in(m, d, "first") and today.day_view(m, d).figures.first_phoned
    assert day_service.phone_in(m, d, "last") and today.day_view(m, d).figures.last_phoned
    assert not day_service.phone_in(m, d, "first")
    assert not today.day_view(m, d).figures.first_phoned


def test_station_writes_are_journaled_with_station_owner(county):
    from kjtui.models import HUB, SyncPeer
    from sync import crypto

    settings.put("node_id", "KJ07")
    hub = crypto.public_of(crypto.new_keys())
    SyncPeer.create(node=HUB, incarnation=1, sign_pub=hub["sign"], kem_pub=hub["kem"])
    m, d = county.manager.id, county.today
    v = visits.record_visit(m, d, county.customers[0].id)
    acknowledgement.acknowledge(v.id, pin="135790", new_pin="135790")
    tables = [e.table_name for e in JournalEntry.select().order_by(JournalEntry.seq)]
    assert tables == ["day_log", "visit", "customer_pin", "acknowledgement"]
    assert {Visit.get_by_id(v.id).owner, Acknowledgement.get().owner} == {"KJ07"}
    # what travels: the verifier sealed to the hub and the proof, never K
    assert CustomerPin.get().verifier and Acknowledgement.get().proof


def test_ride_another_route_keeps_the_plan(county):
    from kjtui.models import Manager, PlanDay, Route, RouteStop
    from kjtui.services import plan

    m, d = county.manager.id, county.today
    other = Route.create(code="R02", name="炉观二线", manager=county.manager,
                         township=county.route.township)
    RouteStop.create(route=other, customer=county.off_route, position=0)
    stranger = Manager.create(code="KJ99", name="外人", gender="M", birth_date=d,
                              education="college", employment="contract", post=county.manager.post)
    theirs = Route.create(code="R99", name="别人的线", manager=stranger,
                          township=county.route.township)
    refused("plan.not_your_route", day_service.ride_route, m, d, theirs.id)

    day_service.ride_route(m, d, other.id)
    view = today.day_view(m, d)
    assert (view.route.route_name, view.planned_route_name) == ("炉观二线", "炉观一线")
    assert [s.customer_id for s in view.route.stops] == [county.off_route.id]
    assert PlanDay.get(PlanDay.day == d).route_id == county.route.id  # the plan is not changed
    v = visits.record_visit(m, d, county.off_route.id)
    assert v.on_route  # on the route ridden
    (day,) = plan.plan_against_actual(m, d, d, d)
    assert (day.route_name, day.ridden_route_name) == ("炉观一线", "炉观二线")
    assert (day.planned, day.missed, day.extra) == (5, 5, 1)
