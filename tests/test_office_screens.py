"""The county office's desk by keyboard and mouse (issue 11 §3–4): a spot check's outcome, an
answer to information, a proposal decided, a talk held — at 80×24 and 60×20."""

from __future__ import annotations

from datetime import date

import pytest
from county_small import TODAY, build
from pilot_wait import on_screen, until
from screen_cells import text

from kjtui.models import SpotCheck, Supervisor

SIZES = [(80, 24), (60, 20)]


@pytest.fixture
def county(db, monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    return build()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_spot_checks_outcome_by_keys_then_a_later_one(app_for, county, size):
    Supervisor.create(code="S02", name="李副主任", title="deputy")
    app = app_for(county.manager._meta.database, "en")
    async with app.run_test(size=size) as pilot:
        await pilot.press("alt+s")
        screen = await on_screen(pilot, "SpotChecksScreen")
        await until(pilot, lambda: "week of 2026-05-04" in text(app), "last week's sample")
        assert "No visit to check this week." in text(app)
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: "week of 2026-05-11" in text(app) and screen.shown)
        assert "谭主任" in text(app)  # the stand-in for the signed-in supervisor: the director
        row = screen.shown[0]
        await pilot.press("o")
        await on_screen(pilot, "SpotDialog")
        assert f"phone {row.phone}" in text(app)
        await pilot.press("tab", *"all good", "ctrl+s")
        await on_screen(pilot, "SpotChecksScreen")
        await until(pilot, lambda: f"Check recorded: “{row.shop}” confirmed." in text(app))
        await until(pilot, lambda: "1/1 checked" in text(app))

        await pilot.press("enter")  # enter on the row: the outcome again
        dialog = await on_screen(pilot, "SpotDialog")
        await pilot.press("enter", "down", "enter")  # the outcome's list: not confirmed
        await until(pilot, lambda: dialog.query_one("#spot-result").value == "discrepancy")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not confirmed: say in the note what differs." in text(app))
        await pilot.press("tab", *"closed", "ctrl+s")
        await until(pilot, lambda: "discrepancy." in text(app) and app.screen is screen)
    checks = list(SpotCheck.select().order_by(SpotCheck.at, SpotCheck.hlc))
    assert [(c.result, c.note, c.supervisor.code) for c in checks] == [
        ("confirmed", "all good", "S01"), ("discrepancy", "closed", "S01")]
    assert all(c.visit_id == row.visit_id and c.day == date(2026, 5, 11) for c in checks)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_answer_to_information_by_keys_and_mouse(app_for, county, size):
    from kjtui.models import InfoFeedback

    app = app_for(county.manager._meta.database, "en")
    async with app.run_test(size=size) as pilot:
        await pilot.press("alt+f")
        screen = await on_screen(pilot, "FeedbackScreen")
        await until(pilot, lambda: "Feedback · 1 waiting" in text(app) and screen.shown)
        assert "客户想要芙蓉王硬盒" in text(app)
        await pilot.press("a")
        await on_screen(pilot, "TextDialog")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "The answer is empty." in text(app))
        await pilot.press(*"restocked", "enter")
        await until(pilot, lambda: "Answered KJ07: 客户想要芙蓉王硬盒" in text(app)
                    and app.screen is screen)
        await until(pilot, lambda: "No information waits for an answer." in text(app))
        await pilot.press("s")
        await until(pilot, lambda: "2 answered in 90 days · 0 waiting" in text(app))
        # the mouse: a click takes the second row, a second click opens its answer
        await pilot.click("#office-table", offset=(2, 2))
        await until(pilot, lambda: "已转专卖稽查" in text(app), "the second row's detail")
        await pilot.click("#office-table", offset=(2, 2))
        await on_screen(pilot, "TextDialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    answers = [(f.item_id, f.text, f.supervisor.code) for f in InfoFeedback.select()
               .where(InfoFeedback.item == county.info[0].id)]
    assert answers == [(county.info[0].id, "restocked", "S01")]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_proposals_decided_showing_old_and_new(app_for, county, size):
    from kjtui.models import Customer, ProposalDecision
    from kjtui.services import customers

    shop = county.customers["431322100003"]
    phone = customers.propose(shop.id, county.manager.id, "phone", "13900001111")
    fmt = customers.propose(shop.id, county.manager.id, "retail_format", "convenience")
    app = app_for(county.manager._meta.database, "en")
    async with app.run_test(size=size) as pilot:
        await pilot.press("alt+p")
        screen = await on_screen(pilot, "ProposalsScreen")
        await until(pilot, lambda: "Proposals · 2 waiting" in text(app) and screen.shown)
        assert "13807459876 → 13900001111" in text(app)
        await pilot.press("a")
        await until(pilot, lambda: "Accepted: “红梅烟酒行” phone is now 13900001111." in text(app)
                    and "Proposals · 1 waiting" in text(app))
        assert "grocery → convenience" in text(app)
        await pilot.press("r")
        await on_screen(pilot, "TextDialog")
        await pilot.press("enter")
        await until(pilot, lambda: "Rejected: say why." in text(app))
        await pilot.press(*"still a grocery", "enter")
        await until(pilot, lambda: "No proposal waits for the county." in text(app)
                    and app.screen is screen)
    assert Customer.get_by_id(shop.id).phone == "13900001111"
    assert Customer.get_by_id(shop.id).retail_format == "grocery"
    decisions = {d.proposal_id: (d.accepted, d.note, d.decided_by.code)
                 for d in ProposalDecision.select()}
    assert decisions == {phone.id: (True, "", "S01"), fmt.id: (False, "still a grocery", "S01")}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_talk_after_the_months_results_with_the_last_advice_beside_it(app_for, county,
                                                                              size):
    from datetime import datetime

    from kjtui.models import MonthlyScore, Talk

    april = date(2026, 4, 1)
    for rank, m in enumerate((county.manager, county.other), start=1):
        MonthlyScore.create(manager=m, month=april, sales=0, success=0, maintenance=0, review=0,
                            checkin=0, spot_check=0, training=0, total=90 - rank, rank=rank,
                            computed_at=datetime(2026, 5, 2))
    Talk.create(manager=county.manager, supervisor=county.supervisor, month=date(2026, 3, 1),
                held_on=date(2026, 4, 8), advice="按时报首末签到")
    app = app_for(county.manager._meta.database, "en")
    async with app.run_test(size=size) as pilot:
        await pilot.press("alt+t")
        screen = await on_screen(pilot, "TalksScreen")
        await until(pilot, lambda: "Talks on 2026-04 · 0/2 held" in text(app) and screen.shown)
        await pilot.press("down")
        await until(pilot, lambda: "Last advice (2026-03, 谭主任): 按时报首末签到" in text(app))
        await pilot.press("t")
        dialog = await on_screen(pilot, "TalkDialog")
        assert "Last advice (2026-03, 谭主任): 按时报首末签到" in text(app)
        await pilot.press(*"sales up", "enter", "enter", *"late check-ins", "enter",
                          *"long route", "enter")
        await until(pilot, lambda: dialog.focused is dialog.query_one("#talk-advice"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "A talk gives advice" in text(app))
        await pilot.press(*"phone both check-ins", "enter")
        await until(pilot, lambda: "Talk recorded: KJ07 周丽娜 (2026-04)." in text(app)
                    and "1/2 held" in text(app))
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: "The month is not closed yet" in text(app))
    t = Talk.get(Talk.month == april)
    assert (t.manager_id, t.supervisor.code, t.held_on) == (county.manager.id, "S01", TODAY)
    assert (t.gains, t.suggestions, t.shortcomings, t.causes, t.advice) == (
        "sales up", "", "late check-ins", "long route", "phone both check-ins")
