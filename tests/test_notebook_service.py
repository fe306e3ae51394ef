"""The notebook service on a real SQLite file: odometer rules, visits, acknowledgement by PIN,
paper or refusal, corrections that keep both records, check-ins; every refusal changes nothing."""

from datetime import datetime, time

import notebook_county
import pin_support
import pytest

from kjtui import i18n
from kjtui.exception import Refused
from kjtui.models import Acknowledgement, CustomerPin, DayLog, JournalEntry, Visit
from kjtui.services import acknowledgement, search, settings, today, visit_checks, visit_times, visits
from kjtui.services import day as day_service


@pytest.fixture
def county(db, clock):
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
    assert line.satisfaction == 5 and line.departed_at is None  # on until the customer signs
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
    v2 = visits.record_visit(m, d, c.id, confirmed={"visit.again_today"})
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
    refused("visit.delete", visits.delete_visit, v.id)  # asked first: not undone
    visits.delete_visit(v.id, confirmed={"visit.delete"})
    view = today.day_view(m, d)
    assert view.visits == [] and view.next_stop == 0


def test_phone_in_toggles_check_ins(county):
    m, d = county.manager.id, county.today
    refused("checkin.no_visit", day_service.phone_in, m, d, "first")
    visits.record_visit(m, d, county.customers[0].id)
    assert day_service.phone_in(m, d, "first") and today.day_view(m, d).figures.first_phoned
    assert day_service.phone_in(m, d, "last") and today.day_view(m, d).figures.last_phoned
    # A second press un-reports, only once the manager confirms it.
    err = refused("checkin.unreport_first", day_service.phone_in, m, d, "first")
    assert err.confirmable
    assert not day_service.phone_in(m, d, "first", confirmed={"checkin.unreport_first"})
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


# --- nonsense refused, the irreversible asked first ------------------------------------------


def at(county, hour, minute=0):
    return datetime.combine(county.today, time(hour, minute))


def test_a_second_visit_the_same_day_is_asked_and_flagged(county):
    m, d, c = county.manager.id, county.today, county.customers[0]
    first = visits.record_visit(m, d, c.id)
    err = refused("visit.again_today", visits.record_visit, m, d, c.id)
    assert err.confirmable and err.params["shop"] == c.shop_name
    again = visits.record_visit(m, d, c.id, confirmed={"visit.again_today"})
    lines = {line.id: line for line in today.day_view(m, d).visits}
    assert lines[first.id].flags == () and lines[again.id].flags == ("repeat",)
    assert visits.record_visit(m, d, county.customers[1].id).flags == ()  # another: not asked


def test_off_route_pick_of_a_customer_on_the_route_or_of_another_township(county):
    from kjtui.models import Customer, Township
    from kjtui.services import week

    m, d = county.manager.id, county.today
    err = refused("visit.on_todays_route", visits.record_visit, m, d, county.customers[2].id,
                  off_route=True)
    assert err.confirmable and err.params["position"] == 3
    line = visits.record_visit(m, d, county.customers[2].id, off_route=True,
                               confirmed={"visit.on_todays_route"})
    assert line.on_route and line.flags == ()  # a visit on the route, as it is
    # Off the route in a township the manager serves: nothing to ask.
    assert not visits.record_visit(m, d, county.off_route.id, off_route=True).on_route
    far = Customer.create(licence_no="431399100001", shop_name="外镇烟酒店", owner_name="钱七",
                          township=Township.create(code="T09", name="下梅镇"), area="rural",
                          retail_format="grocery")
    err = refused("visit.other_township", visits.record_visit, m, d, far.id, off_route=True)
    assert err.confirmable and err.params["township"] == "下梅镇"
    line = visits.record_visit(m, d, far.id, off_route=True,
                               confirmed={"visit.other_township"})
    assert not line.on_route and line.flags == ("other_township",)
    # The supervisor reads the same flag in the week.
    flagged = week.week_notebook(m, d, d).flagged
    assert [(x.shop_name, x.flags) for x in flagged] == [("外镇烟酒店", ("other_township",))]


def test_times_after_now_are_refused(county, clock):
    m, d, c = county.manager.id, county.today, county.customers[0]
    clock.at = at(county, 6, 2)
    refused("visit.future_arrival", visits.record_visit, m, d, c.id, arrived_at=time(23, 59))
    refused("visit.future_departure", visits.record_visit, m, d, c.id, arrived_at=time(6, 0),
            departed_at=time(6, 30))
    line = visits.record_visit(m, d, c.id, arrived_at=time(6, 0))
    refused("visit.future_arrival", visits.edit_visit, line.id, arrived_at=time(7, 0))
    acknowledgement.acknowledge(line.id, "paper", handbook_page="3")
    refused("visit.future_arrival", visits.correct_visit, line.id, arrived_at=time(8, 0))
    figures = today.day_view(m, d).figures
    assert figures.last_visit_at == at(county, 6, 0)  # the last check-in is never in the future


def test_departure_is_the_acknowledgement_or_when_it_was_put_off(county, clock):
    m, d = county.manager.id, county.today
    clock.at = at(county, 9)
    a = visits.record_visit(m, d, county.customers[0].id)
    assert (a.arrived_at, a.departed_at) == (at(county, 9), None)  # on until signed
    clock.at = at(county, 9, 12)
    assert acknowledgement.acknowledge(a.id, pin="246813", new_pin="246813").departed_at == clock.at
    clock.at = at(county, 9, 30)
    b = visits.record_visit(m, d, county.customers[1].id)
    clock.at = at(county, 9, 41)
    assert visits.close_visit(b.id).departed_at == at(county, 9, 41)  # acknowledgement put off
    clock.at = at(county, 10, 5)
    assert acknowledgement.acknowledge(b.id, "paper", handbook_page="8").departed_at == at(
        county, 9, 41)
    c = visits.record_visit(m, d, county.customers[2].id, arrived_at=time(10, 0),
                            departed_at=time(10, 2))
    assert acknowledgement.acknowledge(c.id, "paper", handbook_page="9").departed_at == at(
        county, 10, 2)  # a time typed stays


def test_arrival_is_when_the_stop_was_chosen_by_hand(county, clock):
    m, d = county.manager.id, county.today
    visits.record_visit(m, d, county.customers[0].id, arrived_at=time(9, 0),
                        departed_at=time(9, 20))
    clock.at = at(county, 9, 50)
    # Chosen before the previous visit ended: no arrival here, the visit starts now.
    line = visits.record_visit(m, d, county.customers[1].id, selected_at=at(county, 9, 10))
    assert line.arrived_at == at(county, 9, 50)
    visits.close_visit(line.id)
    clock.at = at(county, 10, 30)
    line = visits.record_visit(m, d, county.customers[2].id, selected_at=at(county, 10, 5))
    assert line.arrived_at == at(county, 10, 5)
    assert visit_times.arrival(m, d, at(county, 11)) == at(county, 10, 30)  # never in the future


def test_an_order_far_above_the_usual_is_asked_and_flagged(county):
    from datetime import timedelta

    m, d, c = county.manager.id, county.today, county.customers[0]
    for weeks, qty in ((3, 6), (2, 5), (1, 7)):
        visits.record_visit(m, d - timedelta(days=7 * weeks), c.id, ordered=True, quantity=qty,
                            arrived_at=time(9, 0))
    assert visit_checks.usual_orders([c.id], d) == {c.id: 6}
    assert not visit_checks.far_above_usual(30, 6) and visit_checks.far_above_usual(31, 6)
    assert not visit_checks.far_above_usual(31, 11) and visit_checks.far_above_usual(31, None)
    err = refused("visit.big_order", visits.record_visit, m, d, c.id, ordered=True,
                  quantity=100_000)
    assert err.confirmable and err.params == {"shop": c.shop_name, "qty": 100_000, "usual": 6,
                                              "factor": 3, "floor": 30}
    assert "3" in i18n.t("visit.big_order", **err.params)  # the rule is in the sentence
    line = visits.record_visit(m, d, c.id, ordered=True, quantity=100,
                               confirmed={"visit.big_order"})
    assert line.flags == ("big_order",)
    visits.edit_visit(line.id, note="节前备货")  # the order unchanged: not asked again
    refused("visit.big_order", visits.edit_visit, line.id, quantity=200)
    first = county.customers[1]  # never ordered
    refused("visit.big_first_order", visits.record_visit, m, d, first.id, ordered=True,
            quantity=31)
    assert visits.record_visit(m, d, first.id, ordered=True, quantity=30).flags == ()


def test_a_visit_note_is_capped(county):
    m, d, c = county.manager.id, county.today, county.customers[0]
    err = refused("visit.note_too_long", visits.record_visit, m, d, c.id,
                  note="长" * (visit_checks.MAX_NOTE + 1))
    assert err.params == {"n": visit_checks.MAX_NOTE + 1, "max": visit_checks.MAX_NOTE}
    line = visits.record_visit(m, d, c.id, note="长" * visit_checks.MAX_NOTE)
    refused("visit.note_too_long", visits.edit_visit, line.id, note="短" * 500)


def test_a_last_check_in_moved_later_is_no_longer_phoned_in(county, clock):
    m, d = county.manager.id, county.today
    clock.at = at(county, 16, 45)
    visits.record_visit(m, d, county.customers[0].id, arrived_at=time(16, 40))
    assert day_service.phone_in(m, d, "last")
    assert DayLog.get(DayLog.day == d).last_phoned_at == at(county, 16, 40)  # the time reported
    clock.at = at(county, 17, 30)
    visits.record_visit(m, d, county.customers[1].id)  # a later visit: a new last check-in
    figures = today.day_view(m, d).figures
    assert figures.last_visit_at == at(county, 17, 30) and not figures.last_phoned
    assert day_service.phone_in(m, d, "last")  # phoned in again: nothing to ask
    visits.record_visit(m, d, county.customers[2].id, arrived_at=time(15, 0))  # earlier
    assert today.day_view(m, d).figures.last_phoned


def test_a_time_of_this_very_second_is_not_in_the_future(db):
    """On the real clock: the form's arrival (a datetime.now() with microseconds, kept when the
    manager leaves it as shown) is no later than the service's now, which counts in seconds."""
    c = notebook_county.build()
    line = visits.record_visit(c.manager.id, c.today, c.customers[0].id,
                               arrived_at=datetime.now(), selected_at=datetime.now())
    assert line.arrived_at <= datetime.now()
