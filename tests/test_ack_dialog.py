"""The acknowledgement and new-PIN dialogs take a burst of keys exactly as typed keys.

`333333 enter 333333 enter` arrives at once from a paste, an IME commit or a fast typist. Before,
the dialog answered "两次输入的密码不一致" every time (Input's enter ran as a binding after the
box already held the digits typed after it), and an empty first PIN was taken and moved on.
Each burst is sent twice: with one `pilot.press(*keys)`, and with every key handed to the driver
at once (what a paste without bracketed-paste mode does), with no pause between keys."""

from __future__ import annotations

import notebook_county
import pin_support
import pytest
from pilot_wait import until
from textual import events

from kjtui import i18n
from kjtui.models import Acknowledgement, CustomerPin
from kjtui.services import acknowledgement, pin_state, visit_checks, visits
from kjtui.widgets.ack_dialog import AckDialog, PinResetDialog

BURST = [*"333333", "enter", *"333333", "enter"]


def _visit_again(*args, **kwargs):
    """A visit, the same customer again the same day answered yes (these tests are about PINs)."""

    return visits.record_visit(*args, confirmed=visit_checks.VISIT_QUESTIONS, **kwargs)


@pytest.fixture
def county(db):
    return notebook_county.build()


async def burst(app, pilot, keys, how):
    if how == "press":
        await pilot.press(*keys)
        return
    for key in keys:  # straight to the driver, all at once: no idle wait between keys
        char = "\r" if key == "enter" else key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def open_dialog(app, pilot, dialog, results):
    app.push_screen(dialog, results.append)
    await until(pilot, lambda: app.screen is dialog and dialog.focused, "the dialog up")
    return dialog


def ack_dialog(line):
    return AckDialog(line, lambda **values: acknowledgement.acknowledge(line.id, **values))


@pytest.mark.parametrize("how", ["press", "driver"])
async def test_a_new_pin_typed_twice_in_one_burst(app_for, db, county, how):
    line = _visit_again(county.manager.id, county.today, county.customers[1].id)
    assert line.pin_state == pin_state.NONE
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        await open_dialog(app, pilot, ack_dialog(line), results)
        await burst(app, pilot, BURST, how)
        await until(pilot, lambda: results, "acknowledged")
        assert results[0].ack_method == "pin" and results[0].customer_has_pin
    assert acknowledgement.acknowledge(
        _visit_again(county.manager.id, county.today, county.customers[1].id).id,
        pin="333333").ack_method == "pin"


@pytest.mark.parametrize("how", ["press", "driver"])
async def test_a_known_pin_then_another_visit_in_one_burst(app_for, db, county, how):
    c = county.customers[0]
    acknowledgement.acknowledge(_visit_again(county.manager.id, county.today, c.id).id,
                                pin="333333", new_pin="333333")
    line = _visit_again(county.manager.id, county.today, c.id)
    (wrong,) = pin_support.refused_pins(c.id, 1)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        await open_dialog(app, pilot, ack_dialog(line), results)
        # a wrong PIN and, before its refusal came back, the right one
        await burst(app, pilot, [*wrong, "enter", *"333333", "enter"], how)
        await until(pilot, lambda: results, "acknowledged")
        assert results[0].ack_method == "pin"
    assert pin_state.wrong_tries(c.id) == 1


async def test_a_pasted_pin_with_line_breaks_is_typed_twice(app_for, db, county):
    line = _visit_again(county.manager.id, county.today, county.customers[2].id)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        await open_dialog(app, pilot, ack_dialog(line), results)
        app.screen.query_one("#pin").post_message(events.Paste("３３３３３３\r\n333333\r\n"))
        await until(pilot, lambda: results, "acknowledged")
        assert results[0].ack_method == "pin"


async def test_an_empty_first_pin_is_refused(app_for, db, county):
    line = _visit_again(county.manager.id, county.today, county.customers[1].id)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        await open_dialog(app, pilot, ack_dialog(line), results)
        dialog = app.screen
        await pilot.press("enter")
        await until(pilot, lambda: str(dialog.query_one("#dialog-msg").render()) == i18n.t(
            "pin.empty"), "refused")
        assert str(dialog.query_one("#ack-hint").render()) == i18n.t("ack.ask_new_pin")
        assert dialog.twice.first is None and app.screen is dialog
        await pilot.press(*BURST)
        await until(pilot, lambda: results, "acknowledged")
    assert CustomerPin.select().count() == 1 and Acknowledgement.select().count() == 1


@pytest.mark.parametrize("how", ["press", "driver"])
async def test_the_new_pin_dialog_takes_the_burst(app_for, db, county, how):
    c = county.customers[0]
    acknowledgement.acknowledge(_visit_again(county.manager.id, county.today, c.id).id,
                                pin="246813", new_pin="246813")
    line = _visit_again(county.manager.id, county.today, c.id)
    acknowledgement.request_pin_reset(line.id)
    (pending,) = acknowledgement.pending_pin_resets()
    acknowledgement.decide_pin_reset(pending.id, True)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        await open_dialog(app, pilot, PinResetDialog(
            c.shop_name, True, lambda **v: acknowledgement.set_new_pin(line.id, **v)), results)
        await pilot.press("enter")  # an empty first PIN: refused, nothing moves on
        await until(pilot, lambda: str(app.screen.query_one("#dialog-msg").render()) == i18n.t(
            "pin.empty"), "refused")
        await burst(app, pilot, BURST, how)
        await until(pilot, lambda: results, "acknowledged")
        assert results[0].pin_state == pin_state.ACTIVE
    assert acknowledgement.acknowledge(line.id, pin="333333").ack_method == "pin"


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 50)])
async def test_the_pin_box_and_the_choice_are_on_screen(app_for, db, county, size):
    line = _visit_again(county.manager.id, county.today, county.customers[1].id)
    app = app_for(db)
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(app, pilot, ack_dialog(line), [])
        await until(pilot, lambda: dialog.query_one("#pin").region, "laid out")
        screen = dialog.region
        for selector in ("#pin", "#ack-methods", "#ack-hint"):
            region = dialog.query_one(selector).region
            assert region.height and screen.contains_region(region), selector
        assert "● " + i18n.t("choice.ack.pin") in str(dialog.query_one("#ack-methods").render())
        await pilot.press(*"1234", "ctrl+o")  # changing the way empties the PIN box
        await until(pilot, lambda: dialog.focused.id == "page", "paper chosen")
        assert dialog.query_one("#pin").value == "" and dialog.focused.id == "page"
        assert "○ " + i18n.t("choice.ack.pin") in str(dialog.query_one("#ack-methods").render())
