"""The county office at the keyboard (issue 11): opening the hub's database asks for an account
and password (a wrong one, a lockout and a disabled account each say so), then the review queue
(ctrl+y) opens a week under review on the Week screen, whose records are marked with notes and
returned, or approved with a comment and a score; at 60×20 and 80×24, in Chinese and English,
with no English word on a Chinese screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sync_sample
import sync_stations as county_

from kjtui import i18n
from kjtui.models import WeeklyReview
from kjtui.services import accounts, review
from tests.pilot_wait import on_screen, until
from tests.screen_cells import text

TODAY = county_.MONDAY + timedelta(days=9)  # the Wednesday after
SIZES = [(60, 20), (80, 24)]
ENGLISH = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
LATIN = {"ctrl", "esc", "tab", "enter", "km", "kjtui", "account", "add", "role", "admin",
         "NAME", "up", "down", "pgup", "pgdn", "home", "end", "shift", "super", "alt",
         "root", "gone", "liu"}  # the accounts typed


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    c = county_.build(tmp_path_factory.mktemp("county"))
    for code in ("KJ01", "KJ02"):
        c.at(code)
        sync_sample.record_week(code, county_.MONDAY, per_day=3)
        c.push(code)
    c.at("hub")
    accounts.add("liu", "supervisor", "correct horse", "S01")
    accounts.add("root", "admin", "correct horse")
    accounts.add("gone", "supervisor", "correct horse", "S01")
    accounts.disable("gone")
    county_.close()
    return c


@pytest.fixture
def hub(template, tmp_path, monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    c = county_.copy(template, tmp_path / "c")
    county_.close()
    return c.hub


def english(app) -> set[str]:
    tooltips = [str(w.tooltip) for w in app.screen.query("*") if w.tooltip]
    return {w for w in ENGLISH.findall("\n".join([text(app), *tooltips]))
            if w not in LATIN and not re.fullmatch("[0-9a-f]{8,}", w)}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_sign_in_then_return_and_approve_weeks(app_for, hub, size, lang):
    app = app_for(hub.removeprefix("sqlite:///"), lang)
    leaks: dict[str, set[str]] = {}

    async with app.run_test(size=size) as pilot:

        def seen(where: str) -> None:
            if lang == "zh" and (words := english(app)):
                leaks[where] = words

        def says(key: str, **params):
            return lambda: i18n.t(key, **params) in text(app)

        screen = await on_screen(pilot, "SignInScreen")
        seen("sign-in")
        await pilot.press("ctrl+y")  # the places stay shut until someone signs in
        assert app.screen is screen

        async def sign_in(name: str, password: str) -> None:
            screen.query_one("#signin-account").value = ""
            await pilot.click("#signin-account")
            await pilot.press(*name, "enter", *password, "enter")

        await sign_in("root", "wrong pass")
        await until(pilot, says("account.wrong"), "a wrong password said")
        seen("wrong password")
        await sign_in("root", "wrong pass")
        await until(pilot, lambda: screen.query_one("#signin-password").value == "" and not
                    screen.busy, "the second try")
        await sign_in("root", "wrong pass")
        await until(pilot, says("account.now_locked", s=30), "locked")
        seen("locked")
        await sign_in("root", "correct horse")  # locked: even the right one waits
        await until(pilot, lambda: i18n.t("account.locked", until="", s="")[:6] in text(app),
                    "still locked")
        await sign_in("gone", "correct horse")
        await until(pilot, says("account.disabled", name="gone"), "disabled said")
        seen("disabled")
        await sign_in("liu", "correct horse")
        await until(pilot, lambda: app.account is not None and app.screen is not screen,
                    "signed in")

        await pilot.press("ctrl+y")
        queue = await until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen"
                            and app.screen.rows and app.screen, "the queue")
        assert [r.code for r in queue.rows] == ["KJ01", "KJ02"]
        seen("queue")
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query("HelpPanel"), "keys")
        seen("queue F1")
        await pilot.press("f1")

        await pilot.press("enter")
        week = await until(pilot, lambda: type(app.screen).__name__ == "WeekScreen"
                           and app.screen.review and app.screen, "the week under review")
        assert week.review.code == "KJ01" and week.review.records
        seen("week under review")
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query("HelpPanel"), "keys")
        seen("week F1")
        await pilot.press("f1")
        await pilot.press("x")  # nothing marked: said, nothing sent
        await until(pilot, says("review.nothing_marked"), "nothing marked")
        week.query_one("#week-records").focus()
        await pilot.press("down", "m")
        await on_screen(pilot, "MarkDialog")
        seen("mark")
        await pilot.press(*"里程不对" if lang == "zh" else "odometer", "enter")
        await until(pilot, lambda: app.screen is week and week.marks, "marked")
        seen("marked")
        await pilot.press("x")
        await on_screen(pilot, "DecisionDialog")
        seen("return")
        await pilot.press(*"请更正", "enter")
        await until(pilot, lambda: app.screen is week and week.review.state == "returned",
                    "returned")
        seen("returned")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is queue
                    and [r.code for r in queue.rows] == ["KJ02"], "KJ01 left the queue")

        await pilot.press("enter")
        week = await until(pilot, lambda: type(app.screen).__name__ == "WeekScreen"
                           and app.screen.review and app.screen.review.code == "KJ02"
                           and app.screen, "KJ02's week")
        await pilot.press("a")
        dialog = await on_screen(pilot, "DecisionDialog")
        seen("approve")
        await pilot.press(*"很好", "tab", *"101", "enter")
        await until(pilot, says("review.bad_score", score=101), "a score out of range said")
        seen("bad score")
        dialog.query_one("#score").value = ""
        await pilot.click("#score")
        await pilot.press(*"95", "enter")
        await until(pilot, lambda: app.screen is week and week.review.state == "approved",
                    "approved")
        seen("approved")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is queue and queue.rows == [], "queue empty")
        seen("queue empty")
    assert not leaks, leaks
    county_.close()
    from kjtui.models import connect

    connect(hub)
    kept = {(r.state, r.score, r.comment) for r in WeeklyReview.select()}
    assert kept == {("returned", None, "请更正"), ("reviewed", 95, "很好")}
    assert review.queue("liu", TODAY) == []


@pytest.mark.parametrize("who, shut, opens", [
    ("liu", ("ctrl+e", "ctrl+d", "f11", "alt+p"), ("alt+s", "SpotChecksScreen")),
    ("root", ("ctrl+y", "alt+s", "alt+f", "alt+t"), ("ctrl+e", "MasterDataScreen")),
])
async def test_each_role_opens_its_own_places_only(app_for, hub, who, shut, opens):
    """The directors read and check the notebooks, the administrator keeps the county's data:
    a place of the other role stays shut and says why."""
    app = app_for(hub.removeprefix("sqlite:///"), "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await on_screen(pilot, "SignInScreen")
        await pilot.click("#signin-account")
        await pilot.press(*who, "enter", *"correct horse", "enter")
        home = await on_screen(pilot, "HomeScreen")
        for key in shut:
            app.clear_notifications()
            await pilot.press(key)
            await until(pilot, lambda: any(n.message == i18n.t("desk.not_your_place")
                                           for n in app._notifications), f"{key} refused")
            assert app.screen is home
        await pilot.press(opens[0])
        await on_screen(pilot, opens[1])
    assert screen is not None


async def test_a_station_opens_no_desk(app_for, tmp_path):
    """A manager's laptop holds no county rights: the desk's places stay shut on it."""
    c = county_.build(tmp_path / "c", codes=("KJ01",))
    county_.close()
    app = app_for(c.stations["KJ01"], "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.station, "the station known")
        for key in ("f10", "ctrl+y", "ctrl+e"):
            app.clear_notifications()
            await pilot.press(key)
            await until(pilot, lambda: any(n.message == i18n.t("desk.station_has_no_desk")
                                           for n in app._notifications), f"{key} refused")
            assert type(app.screen).__name__ == "HomeScreen"


async def test_a_month_reopened_at_the_desk_is_reopened_by_the_account_signed_in(app_for, hub):
    app = app_for(hub.removeprefix("sqlite:///"), "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, "SignInScreen")
        await pilot.click("#signin-account")
        await pilot.press(*"root", "enter", *"correct horse", "enter")
        await on_screen(pilot, "HomeScreen")
        await pilot.press("f10")
        month = await on_screen(pilot, "MonthScreen")
        await until(pilot, lambda: month.month is not None, "the month read")
        await pilot.press("r")
        box = await until(pilot, lambda: app.screen.query_one("#by"), "the reopen dialog")
        assert box.value == "root" and box.disabled  # who reopens is who signed in
