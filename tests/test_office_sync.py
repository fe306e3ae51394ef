"""The county office's word carried to the station through bundles (issue 11 §3–4): a spot
check's outcome and a talk's advice reach the manager's laptop and show on its Home; feedback on
his information shows on his Information screen as fed back; a proposal's decision comes back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sync_sample
import sync_stations as county_
from pilot_wait import until
from screen_cells import text

from kjtui.models import Manager, MonthlyScore, SpotCheck
from kjtui.services import (
    acting,
    county_word,
    customers,
    feedback_desk,
    information,
    proposal_desk,
    spot_desk,
    talk_desk,
)

MONDAY = county_.MONDAY
TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    c = county_.build(tmp_path_factory.mktemp("county"), codes=("KJ01",))
    c.at("KJ01")
    sync_sample.record_week("KJ01", MONDAY, per_day=3)
    information.collect(manager_id("KJ01"), "competitor", "邻县烟草在集市低价促销", MONDAY)
    customers.propose(county_.customer(county_.licence(0, 0, 1)).id, manager_id("KJ01"),
                      "phone", "0745-2860000")
    c.push("KJ01")
    county_.close()
    return c


@pytest.fixture
def county(template, tmp_path):
    return county_.copy(template, tmp_path / "c")


def manager_id(code: str) -> str:
    return Manager.get(Manager.code == code).id


async def test_a_spot_check_and_a_talks_advice_reach_the_station_and_its_home(county, app_for,
                                                                              monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    county.at("hub")
    week = spot_desk.week(MONDAY)
    assert len(week.rows) == 2  # 10% of 18 visits, rounded up
    assert {r.why for r in week.rows} == {"paper"}  # every visit was signed on paper
    sup = acting.supervisor_until_sign_in().id
    first = week.rows[0]
    spot_desk.record(first.visit_id, "phone", "unreachable", "", sup,
                     now=datetime(2026, 11, 30, 9))
    spot_desk.record(first.visit_id, "onsite", "confirmed", "手册页码相符", sup,
                     now=datetime(2026, 11, 30, 15))
    nov = date(2026, 11, 1)  # November's results, closed: a talk, its advice
    MonthlyScore.create(manager=manager_id("KJ01"), month=nov, sales=0, success=0,
                        maintenance=0, review=0, checkin=0, spot_check=0, training=0, total=80,
                        rank=1, computed_at=datetime(2026, 12, 1, 9))
    talk_desk.hold(manager_id("KJ01"), nov, {"gains": "拜访全覆盖", "advice": "纸质签名改用密码"},
                   sup, held_on=TODAY)
    county.push("KJ01")

    county.at("KJ01")
    assert SpotCheck.select().count() == 2  # both outcomes kept on the laptop too
    word = county_word.for_manager(manager_id("KJ01"), TODAY)
    assert [(s.result, s.note) for s in word.spots] == [("confirmed", "手册页码相符")]
    assert word.month_counts == {}  # a November visit: nothing this month (December) yet
    assert (word.talk.month, word.talk.supervisor, word.talk.advice) == (
        date(2026, 11, 1), "刘主任", "纸质签名改用密码")
    app = app_for(county.stations["KJ01"], "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "The county's spot checks" in text(app), "the county's word")
        shown = text(app)
        assert f"{first.day:%m-%d} {first.shop}, on-site check: confirmed — 手册页码相符" in shown
        assert "unreachable" not in shown  # superseded
        assert "Advice from the 2026-11 talk (刘主任): 纸质签名改用密码" in shown


async def test_an_answer_reaches_the_managers_information_screen_fed_back(county, app_for,
                                                                          monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    county.at("hub")
    row = feedback_desk.queue().rows[0]
    assert row.manager_code == "KJ01" and row.line.state == "collected"
    feedback_desk.answer(row.line.id, "已报市场部核实", acting.supervisor_until_sign_in().id,
                         now=datetime(2026, 11, 30, 11))
    county.push("KJ01")

    county.at("KJ01")
    line = information.items(manager_id("KJ01"))[0]
    assert (line.state, [f.text for f in line.feedback]) == ("fed_back", ["已报市场部核实"])
    app = app_for(county.stations["KJ01"], "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: "County feedback (刘主任 11-30): 已报市场部核实" in text(app),
                    "the county's answer under the item")
        assert "fed back 1" in text(app) and "collected 0" in text(app)


def test_a_proposals_decision_comes_back_to_the_station(county):
    county.at("hub")
    (row,) = proposal_desk.pending()
    assert (row.station, row.field, row.new) == ("KJ01", "phone", "0745-2860000")
    proposal_desk.decide(row.id, True, "", acting.supervisor_until_sign_in().id)
    county.push("KJ01")

    county.at("KJ01")
    shop = county_.customer(county_.licence(0, 0, 1))
    assert shop.phone == "0745-2860000"
    assert [(p.decision, p.new_value) for p in customers.proposals_for(shop.id)] == [
        ("accepted", "0745-2860000")]
