"""Today through Pilot at 80×24: the routine visit in at most 4 manager keys, odometer and PIN
refusals, a signed visit refused for editing and corrected, off-route, paper and declined
acknowledgements, check-ins, English, palette and mouse.

Counting rule for a routine visit: the keys the MANAGER presses on Today, starting with the cursor
already on the next stop (the screen puts it there), until the acknowledgement dialog is up with
the visit committed. The PIN and its enter are typed by the customer, not the manager."""

from datetime import datetime, timedelta

import notebook_county
import pin_support
import pytest
from pilot_wait import burst, on_screen, until

from kjtui import i18n
from kjtui.models import Acknowledgement, DayLog, Visit
from kjtui.services import acknowledgement, visit_checks, visits
from kjtui.services import day as day_service

SIZE = (80, 24)


@pytest.fixture
def county(db, clock):
    c = notebook_county.build()
    # The first customer ordered 8 cartons last week and already chose a PIN.
    last_week = c.today - timedelta(days=7)
    v = visits.record_visit(c.manager.id, last_week, c.customers[0].id, ordered=True, quantity=8,
                        arrived_at=datetime.combine(last_week, datetime.min.time()).replace(hour=9))
    acknowledgement.acknowledge(v.id, pin="246813", new_pin="246813")
    day_service.start_day(c.manager.id, c.today, 12004)
    return c


async def today_up(app, pilot):
    await pilot.press("f3")
    screen = await on_screen(pilot, "TodayScreen")
    await until(pilot, lambda: screen.view is not None, "the day read")
    return screen


def message(screen, selector="#today-msg"):
    return str(screen.query_one(selector).render())


def today_visits(county):
    log = DayLog.get((DayLog.manager == county.manager.id) & (DayLog.day == county.today))
    return list(Visit.select().where(Visit.day == log.id).order_by(Visit.id))  # time-ordered ids


def text_of(screen, selector):
    return str(screen.query_one(selector).render())


def signed(today, n):
    """The day lists `n` visits, the last one acknowledged."""
    return len(today.view.visits) == n and today.view.visits[-1].signed


async def manager_keys(pilot, counted, *keys, then: str):
    counted.extend(keys)
    await pilot.press(*keys)
    return await on_screen(pilot, then)


async def test_routine_visits_take_at_most_four_manager_keys(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        stops = today.query_one("#stops")
        assert stops.cursor_row == 0  # on the next stop without a key

        # 1. Ordered, the customer's last quantity: `o` `enter`; the customer types the PIN.
        keys: list[str] = []
        await manager_keys(pilot, keys, "o", "enter", then="AckDialog")
        await pilot.press(*"246813", "enter")  # the customer's keys
        await until(pilot, lambda: app.screen is today and signed(today, 1), "acknowledged")
        assert keys == ["o", "enter"] and len(keys) <= 4
        (v,) = today_visits(county)
        assert (v.customer_id, v.ordered, v.quantity, v.on_route) == (
            county.customers[0].id, True, 8, True)
        assert (v.price_tags, v.agreement_sales, v.retail_format_ok, v.brand_cultivation,
                v.satisfaction) == (True, True, True, True, 5)
        assert Acknowledgement.get(Acknowledgement.visit == v.id).method == "pin"
        assert stops.cursor_row == 1  # on to the next stop

        # 2. Visited, no order: `v`; a first-time customer chooses a PIN (typed twice).
        keys = []
        await manager_keys(pilot, keys, "v", then="AckDialog")
        await pilot.press(*"135790", "enter", *"135790", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 2), "acknowledged")
        assert keys == ["v"]
        v2 = today_visits(county)[-1]
        assert (v2.customer_id, v2.ordered, v2.quantity) == (county.customers[1].id, False, 0)
        assert Acknowledgement.get(Acknowledgement.visit == v2.id).method == "pin"

        # 3. Through the full form: `enter` `enter`.
        keys = []
        await manager_keys(pilot, keys, "enter", "enter", then="AckDialog")
        await pilot.press(*"999999", "enter", *"999999", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 3), "acknowledged")
        assert keys == ["enter", "enter"]
        assert [v.customer_id for v in today_visits(county)] == [c.id for c in county.customers[:3]]
        assert stops.cursor_row == 3
        assert "户数 3（3/5）" in text_of(today, "#today-head")


async def test_odometer_backwards_and_jump(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("f")
        dialog = await on_screen(pilot, "OdometerDialog")
        await pilot.press(*"12000", "enter")  # below this morning's 12004
        await until(pilot, lambda: message(dialog, "#dialog-msg") == i18n.t(
            "odo.end_below_start", km=12000, start=12004), "refused")
        assert app.screen is dialog
        await pilot.press("ctrl+u", *"12404", "enter")  # 400 km in a day
        await until(pilot, lambda: "400" in message(dialog, "#dialog-msg"), "asked")
        assert app.screen is dialog
        assert DayLog.get(DayLog.day == county.today).odometer_end is None  # nothing changed
        await pilot.press("escape", "s")
        start = await until(pilot, lambda: app.screen is not dialog and app.screen is not today
                            and type(app.screen).__name__ == "OdometerDialog" and app.screen,
                            "the morning's reading")
        await pilot.press("ctrl+u", *"11999", "enter")  # below yesterday's 12000
        await until(pilot, lambda: message(start, "#dialog-msg") == i18n.t(
            "odo.below_last", km=11999, last=12000), "refused")
        await pilot.press("escape", "f", "ctrl+u", *"12071", "enter")
        await until(pilot, lambda: app.screen is today
                    and "12004→12071 = 67 公里" in text_of(today, "#today-head"), "saved")


async def test_confirmed_jump_is_saved_and_flagged(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("f")
        dialog = await on_screen(pilot, "OdometerDialog")
        await pilot.press("ctrl+u", *"12404", "enter")
        await until(pilot, lambda: "400" in message(dialog, "#dialog-msg"), "asked")
        await pilot.press("enter")  # the same reading again: the manager confirms
        await until(pilot, lambda: app.screen is today
                    and i18n.t("flag.odo_day", km=400) in text_of(today, "#today-head"), "saved")
        assert DayLog.get(DayLog.day == county.today).odometer_end == 12404


async def test_wrong_pin_is_refused_and_changes_nothing(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("v")
        dialog = await on_screen(pilot, "AckDialog")
        (wrong,) = pin_support.refused_pins(county.customers[0].id, 1)
        await pilot.press(*wrong, "enter")
        await until(pilot, lambda: message(dialog, "#dialog-msg") == i18n.t(
            "ack.wrong_pin", left=4), "refused")
        assert app.screen is dialog
        assert dialog.query_one("#pin").value == ""
        assert Acknowledgement.select().count() == 1  # only last week's
        await pilot.press("escape")  # later: the visit stays, not yet acknowledged
        await until(pilot, lambda: app.screen is today and today.view.visits
                    and today.view.visits[0].departed_at is not None, "put off")
        assert "待认可" in str(today.query_one("#visits").get_row_at(0))


async def test_signed_visit_cannot_be_edited_and_correction_keeps_both(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("v")
        await on_screen(pilot, "AckDialog")
        await pilot.press(*"246813", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 1), "acknowledged")
        (v,) = today_visits(county)
        await pilot.press("tab")  # to the visits list
        await pilot.press("e")
        await until(pilot, lambda: message(today) == i18n.t("visit.signed", shop="[老街]便民店"),
                    "refused")
        assert app.screen is today
        assert Visit.get_by_id(v.id).rev == 1
        await pilot.press("c")
        await on_screen(pilot, "VisitForm")
        await pilot.press("o", "enter")  # the correction: it was an order after all
        await on_screen(pilot, "AckDialog")
        await pilot.press("escape")  # its acknowledgement later
        await until(pilot, lambda: app.screen is today and len(today.view.visits) == 2
                    and today.view.visits[0].superseded_by_id, "corrected")
        old, new = today_visits(county)
        assert old.id == v.id and new.supersedes_id == v.id and new.ordered and new.quantity == 8
        rows = today.query_one("#visits")
        first = rows.get_row_at(0)
        assert "已更正" in str(first[-1]) and "strike" in str(first[0].style)
        assert "更正" in str(rows.get_row_at(1)[-1])


async def test_off_route_visit_with_paper_acknowledgement(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("n")
        picker = await on_screen(pilot, "CustomerPicker")
        await pilot.press(*"4313221000")
        await pilot.press("ctrl+u")
        await pilot.press(*"远山")  # a Chinese name works like a licence number
        await until(pilot, lambda: picker.query_one("#hits").row_count == 1, "one hit")
        await pilot.press("enter")
        await on_screen(pilot, "VisitForm")
        await pilot.press("enter")  # the form, defaults
        await on_screen(pilot, "AckDialog")
        await pilot.press("ctrl+o", *"17", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 1), "acknowledged")
        (v,) = today_visits(county)
        assert v.customer_id == county.off_route.id and not v.on_route
        ack = Acknowledgement.get(Acknowledgement.visit == v.id)
        assert (ack.method, ack.handbook_page) == ("paper", "17")
        assert "路线外" in str(today.query_one("#visits").get_row_at(0)[-1])


async def test_declined_needs_a_reason_and_reads_as_declined(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("v")
        dialog = await on_screen(pilot, "AckDialog")
        await pilot.press("ctrl+r", "enter")
        await until(pilot, lambda: message(dialog, "#dialog-msg") == i18n.t("ack.need_reason"),
                    "a reason asked")
        await pilot.press(*"busy", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 1), "declined")
        ack = Acknowledgement.get(Acknowledgement.method == "declined")
        assert ack.reason == "busy"
        # it reads as declined, never as acknowledged (before: "已认可：…（客户拒签）")
        said = message(today)
        assert said == i18n.t("today.declined", shop="[老街]便民店", reason="busy")
        assert "已认可" not in said and "拒签" in said


async def test_phone_in_toggles_and_bad_visit_time(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("p")
        await until(pilot, lambda: message(today) == i18n.t("checkin.no_visit"), "refused")
        await pilot.press("enter")
        form = await on_screen(pilot, "VisitForm")
        form.query_one("#arrived").value = "25:00"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: message(form, "#dialog-msg") == i18n.t(
            "visit.bad_time", value="25:00"), "refused")
        assert app.screen is form
        form.query_one("#arrived").value = "09:30"
        form.query_one("#departed").value = "09:10"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: message(form, "#dialog-msg") == i18n.t(
            "visit.departed_before", arrived="09:30", departed="09:10"), "refused")
        assert today_visits(county) == []
        form.query_one("#departed").value = "09:50"
        await pilot.press("ctrl+s")
        await on_screen(pilot, "AckDialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today and len(today.view.visits) == 1, "saved")
        await pilot.press("p", "l")
        await until(pilot, lambda: today.view.figures.first_phoned
                    and today.view.figures.last_phoned, "phoned in")
        log = DayLog.get(DayLog.day == county.today)
        assert log.first_phoned and log.last_phoned
        assert "首签 09:30 已报" in text_of(today, "#today-head")


async def test_english_palette_and_mouse(app_for, db, county):
    app = app_for(db, "en")
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        assert "Route 炉观一线" in text_of(today, "#today-head")
        titles = [c.title for c in app.get_system_commands(today)]
        for key in ("key.visit_quick", "key.visit_order", "key.ack", "key.correct", "key.start",
                    "key.end", "key.phone_first", "key.phone_last", "key.off_route", "key.route"):
            assert any(t.startswith(i18n.t(key)) for t in titles), key
        # Mouse: click the third stop, press enter… no: click it twice to select, then Save.
        await pilot.click("#stops", offset=(20, 3))
        await pilot.click("#stops", offset=(20, 3))
        await on_screen(pilot, "VisitForm")
        await pilot.click("#ordered")
        await pilot.click("#save")
        await on_screen(pilot, "AckDialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today and len(today.view.visits) == 1, "saved")
        (v,) = today_visits(county)
        assert v.customer_id == county.customers[2].id and v.ordered and v.quantity == 0


async def test_route_key_picks_the_route_ridden_when_none_is_planned(app_for, db, county):
    from kjtui.models import PlanDay, Route, RouteStop

    PlanDay.delete().execute()  # a day without a plan (a Sunday, or a plan not made)
    DayLog.update(route=None).where(DayLog.day == county.today).execute()
    other = Route.create(code="R00", name="炉观零线", manager=county.manager,
                         township=county.route.township)
    RouteStop.create(route=other, customer=county.off_route, position=0)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        assert today.query_one("#stops").row_count == 0
        assert i18n.t("today.no_route") in text_of(today, "#today-head")
        assert any(b.description == i18n.t("key.route")
                   for b in today.active_bindings.values() for b in [b.binding])
        await pilot.press("r")
        await on_screen(pilot, "RoutePicker")
        await pilot.press("down", "enter")  # R00 first in code order, then R01
        await until(pilot, lambda: app.screen is today and message(today) == i18n.t(
            "today.route_set", route="炉观一线"), "set")
        await until(pilot, lambda: today.query_one("#stops").row_count == 5, "the stops")
        assert DayLog.get(DayLog.day == county.today).route_id == county.route.id
        assert PlanDay.select().count() == 0  # the plan is not changed
        await pilot.press("v")  # the routine visit works on the chosen route
        await on_screen(pilot, "AckDialog")
        (v,) = today_visits(county)
        assert v.customer_id == county.customers[0].id and v.on_route


async def test_five_wrong_pins_leave_paper_by_choice_and_a_reset_is_the_countys(app_for, db,
                                                                                 county):
    """Before: the fifth wrong PIN turned the PIN box into the page box (the customer's PIN saved
    as the page), and `k` on that visit let anyone set a new PIN."""
    from kjtui.models import CustomerPin

    c = county.customers[0]
    wrong = pin_support.refused_pins(c.id, 5)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("v")
        dialog = await on_screen(pilot, "AckDialog")
        for pin, left in zip(wrong, (4, 3, 2, 1)):
            await pilot.press(*pin, "enter")
            await until(pilot, lambda n=left: message(dialog, "#dialog-msg") == i18n.t(
                "ack.wrong_pin", left=n), f"{left} left")
        await pilot.press(*wrong[4], "enter")
        await until(pilot, lambda: message(dialog, "#dialog-msg") == i18n.t(
            "ack.pin_locked", tries=5), "locked")
        assert dialog.method == "pin" and dialog.query_one("#pin").disabled  # no switch
        await pilot.press(*"246813", "enter")  # the customer types on: it lands nowhere
        await until(pilot, lambda: True, "nothing running")
        assert dialog.query_one("#page").value == "" and not dialog.query_one("#page").display
        assert Acknowledgement.select().count() == 1  # only last week's
        await pilot.press("ctrl+o")  # paper, chosen by the manager, in its own box
        await until(pilot, lambda: "● " + i18n.t("choice.ack.paper") in text_of(
            dialog, "#ack-methods"), "paper chosen")
        assert dialog.focused.id == "page" and dialog.focused.value == ""
        await pilot.press(*"31", "enter")
        await until(pilot, lambda: app.screen is today and signed(today, 1), "acknowledged")
        (v,) = today_visits(county)
        assert Acknowledgement.get(Acknowledgement.visit == v.id).handbook_page == "31"
        assert "手册第31页" in str(today.query_one("#visits").get_row_at(0))

        pins_before = CustomerPin.select().count()
        await pilot.press("tab", "k")  # on the visits list: asks for a confirmation first
        await until(pilot, lambda: message(today) == i18n.t("pin.reset_confirm",
                                                            shop=c.shop_name), "asked")
        await pilot.press("k")
        await until(pilot, lambda: message(today) == i18n.t("pin.reset_requested",
                                                            shop=c.shop_name), "requested")
        assert app.screen is today
        await pilot.press("k")  # waiting for the county: no new PIN here
        await until(pilot, lambda: message(today) == i18n.t("pin.reset_pending",
                                                            shop=c.shop_name), "pending")
        assert CustomerPin.select().count() == pins_before

        (pending,) = acknowledgement.pending_pin_resets()  # the county phones, approves
        acknowledgement.decide_pin_reset(pending.id, True)
        before = today.view
        today.load()
        await until(pilot, lambda: today.view is not before, "read again")
        await pilot.press("k")
        await on_screen(pilot, "PinResetDialog")
        await pilot.press(*"975310", "enter", *"975310", "enter")
        await until(pilot, lambda: app.screen is today and message(today) == i18n.t(
            "pin.reset_done", shop=c.shop_name), "a new PIN")
        assert CustomerPin.select().count() == pins_before + 1
        again = visits.record_visit(county.manager.id, county.today, c.id,
                                    confirmed={"visit.again_today"})
        line = acknowledgement.acknowledge(again.id, pin="975310")
        assert line.ack_method == "pin"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_footer_key_of_today_fits_80_columns(app_for, db, county, lang):
    """At 80×24 the footer holds the visit keys in full; the day's other keys stand in the head
    next to what they change."""
    app = app_for(db, lang)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        footer = today.query_one("Footer")
        palette = footer.query_one(".-command-palette")
        shown = {k.description: k for k in footer.query("FooterKey") if k is not palette}
        for label in ("key.visit_quick", "key.visit_order", "key.ack", "key.off_route",
                      "key.edit", "key.correct", "key.delete", "key.new_pin"):
            key = shown[i18n.t(label)]
            assert key.region.right <= palette.region.x, label  # not cut, not under the palette
        head = text_of(today, "#today-head").splitlines()
        assert head[0].endswith(" r") and " s/f " in head[1] and head[2].endswith(" l")
        assert all(i18n.display_width(line) <= 78 for line in head)


# --- nonsense refused, the irreversible asked first (waits for conditions, keys in bursts) -----


async def test_the_route_done_parks_the_cursor_and_a_second_visit_is_asked(app_for, db, county):
    for c in county.customers:
        visits.record_visit(county.manager.id, county.today, c.id)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        stops = today.query_one("#stops")
        assert stops.parked and not stops.show_cursor  # not wrapped back onto the first stop
        await pilot.press("v")
        await until(pilot, lambda: message(today) == i18n.t("today.route_done"), "route done")
        assert len(today_visits(county)) == 5
        await pilot.press("down", "v")  # the manager chooses the first stop, and visits it again
        question = await on_screen(pilot, "ConfirmDialog")
        shop = county.customers[0].shop_name
        assert f"“{shop}”今天" in str(question.query_one("#confirm-question").render())
        burst(app, "n", "y")  # the first answer counts
        await until(pilot, lambda: app.screen is today and message(today) == i18n.t(
            "confirm.declined"), "no")
        assert len(today_visits(county)) == 5
        await pilot.press("v")
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await on_screen(pilot, "AckDialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today and len(today.view.visits) == 6, "saved")
        assert today_visits(county)[-1].customer_id == county.customers[0].id
        assert i18n.t("flag.visit.repeat") in str(today.query_one("#visits").get_row_at(5)[-1])
        assert stops.parked  # the route is still done


async def test_a_confirmation_takes_a_burst_exactly_as_typed_keys(app_for, db, county):
    visits.record_visit(county.manager.id, county.today, county.customers[0].id)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("tab", "d")  # to the visits list; delete asks first
        question = await on_screen(pilot, "ConfirmDialog")
        assert "删除后不能恢复" in str(question.query_one("#confirm-question").render())
        burst(app, "x", "enter", "n", "y")  # neither x nor enter is an answer; n is
        await until(pilot, lambda: app.screen is today, "back on Today")
        await until(pilot, lambda: message(today) == i18n.t("confirm.declined"), "not deleted")
        assert len(today_visits(county)) == 1
        await pilot.press("d")
        await on_screen(pilot, "ConfirmDialog")
        burst(app, "enter", "y", "y")  # y answers; the second y reaches Today, as typed
        await until(pilot, lambda: app.screen is today and today.view.visits == [], "deleted")
        assert Visit.select().where(Visit.deleted == True).count() == 1
        assert message(today) == i18n.t("today.deleted", shop=county.customers[0].shop_name)


async def test_off_route_pick_says_what_it_is_and_marks_another_township(app_for, db, county):
    from kjtui.models import Customer, Township

    Customer.create(licence_no="431399100001", shop_name="外镇烟酒店", owner_name="钱七",
                    township=Township.create(code="T09", name="下梅镇"), area="rural",
                    retail_format="grocery")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        for query, key, on_route in (("福满多", "visit.on_todays_route", True),
                                     ("外镇", "visit.other_township", False)):
            await pilot.press("n")
            picker = await on_screen(pilot, "CustomerPicker")
            await pilot.press(*query)
            await until(pilot, lambda p=picker: p.query_one("#hits").row_count == 1, "a hit")
            await pilot.press("enter")
            await on_screen(pilot, "VisitForm")
            await pilot.press("enter")
            question = await on_screen(pilot, "ConfirmDialog")
            assert str(question.query_one("#confirm-question").render()).startswith(
                i18n.t(key, shop="x", position=2, township="下梅镇").split("x")[0])
            await pilot.press("y")
            await on_screen(pilot, "AckDialog")
            await pilot.press("escape")
            await until(pilot, lambda q=query: app.screen is today and today.view.visits
                        and today.view.visits[-1].shop_name.startswith(q), query)
            assert today.view.visits[-1].on_route is on_route
        status = str(today.query_one("#visits").get_row_at(1)[-1])
        assert i18n.t("today.off_route") in status and i18n.t("flag.visit.other_township") in status


async def test_a_future_time_is_refused_and_the_departure_is_the_acknowledgement(app_for, db, county,
                                                                                   clock):
    clock.at = datetime.combine(county.today, datetime.min.time()).replace(hour=6, minute=2)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("enter")
        form = await on_screen(pilot, "VisitForm")
        assert form.query_one("#departed").placeholder == i18n.t("form.departed_hint")
        form.query_one("#arrived").value = "23:59"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: message(form, "#dialog-msg") == i18n.t(
            "visit.future_arrival", time="23:59", now="06:02"), "refused")
        assert today_visits(county) == []
        form.query_one("#arrived").value = "05:40"
        await pilot.press("ctrl+s")
        await on_screen(pilot, "AckDialog")
        clock.at = clock.at.replace(minute=9)
        await pilot.press(*"246813", "enter")  # the customer already chose a PIN
        await until(pilot, lambda: app.screen is today and today.view.visits
                    and today.view.visits[0].signed, "signed")
        (line,) = today.view.visits
        assert (line.arrived_at.strftime("%H:%M"), line.departed_at.strftime("%H:%M")) == (
            "05:40", "06:09")  # departure: the customer's acknowledgement
        assert "首签 05:40" in text_of(today, "#today-head")


async def test_a_stop_chosen_by_hand_is_the_arrival(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        stops = today.query_one("#stops")
        assert stops.chosen is None  # the screen placing the cursor is no arrival
        await pilot.press("down", "up")  # at the shop: the manager takes the stop
        customer, chosen = stops.chosen
        assert customer == county.customers[0].id
        await pilot.press("v")
        await on_screen(pilot, "AckDialog")
        (v,) = today_visits(county)
        assert v.arrived_at == chosen and v.departed_at is None


async def test_a_large_order_is_asked_in_the_form(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("o")
        form = await on_screen(pilot, "VisitForm")
        await pilot.press(*"100000", "enter")  # the customer's usual is 8
        question = await on_screen(pilot, "ConfirmDialog")
        assert "100000" in str(question.query_one("#confirm-question").render())
        await pilot.press("n")
        await until(pilot, lambda: app.screen is form and message(form, "#dialog-msg") == i18n.t(
            "confirm.declined"), "back in the form")
        assert today_visits(county) == []
        form.query_one("#quantity").value = "80"
        await pilot.press("ctrl+s")
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await on_screen(pilot, "AckDialog")
        (v,) = today_visits(county)
        assert (v.ordered, v.quantity) == (True, 80)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today and today.view.visits, "listed")
        assert i18n.t("flag.visit.big_order") in str(today.query_one("#visits").get_row_at(0)[-1])


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_pin_box_stays_on_screen_whatever_the_note(app_for, db, county, size):
    line = visits.record_visit(county.manager.id, county.today, county.customers[1].id,
                               note="长" * visit_checks.MAX_NOTE)
    # A notebook from before the cap may hold a far longer note.
    Visit.update(note="旧" * 2000).where(Visit.id == line.id).execute()
    app = app_for(db)
    async with app.run_test(size=size) as pilot:
        today = await today_up(app, pilot)
        await pilot.press("tab", "a")
        dialog = await on_screen(pilot, "AckDialog")
        pin = await until(pilot, lambda: dialog.query_one("#pin").region, "the PIN box laid out")
        assert dialog.query_one("#pin").has_focus
        assert pin.y + pin.height <= size[1] - 1 and pin.x + pin.width <= size[0]
        assert dialog.query_one("#ack-dialog").region.bottom <= size[1] - 1  # above the footer
        assert today is not None


async def test_phoned_in_is_undone_only_after_a_question(app_for, db, county):
    visits.record_visit(county.manager.id, county.today, county.customers[0].id)
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        today = await today_up(app, pilot)
        for key in ("p", "l"):
            await pilot.press(key)
            which = i18n.t("fig.first" if key == "p" else "fig.last")
            await until(pilot, lambda w=which: message(today) == i18n.t("today.checkin_done",
                                                                          which=w), which)
        log = DayLog.get(DayLog.day == county.today)
        assert log.first_phoned and log.last_phoned
        await pilot.press("l")  # a second press: asked
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("n")
        await until(pilot, lambda: app.screen is today, "back")
        assert DayLog.get(DayLog.day == county.today).last_phoned
        await pilot.press("l")
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await until(pilot, lambda: message(today) == i18n.t(
            "today.checkin_undone", which=i18n.t("fig.last")), "undone")
        assert not DayLog.get(DayLog.day == county.today).last_phoned
        assert "末签" in text_of(today, "#today-head") and i18n.t("today.not_phoned") in text_of(
            today, "#today-head")
