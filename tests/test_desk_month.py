"""The county office's month on its desk (kjtui/screens/desk/month.py): the ranking as the
records are now with a bar of its parts, sorted by any part, the manager under the cursor with
his parts, records and months; the close, the reopening with a reason and the decision on a
manager the rule names, each by its key, through the services."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pilot_wait import until
from screen_cells import text

from kjtui.models import (
    Manager,
    ManagerStatusChange,
    MonthlyScore,
    SalesActual,
    SalesTarget,
    Supervisor,
)
from kjtui.services import month_desk

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
TODAY = date(2026, 12, 5)


@pytest.fixture
def desk(db, monkeypatch):
    """Four managers; October's table already closed with KJ03 and KJ04 at the bottom, and
    November's sales that put them there again (KJ04 contract staff: the rule dismisses him)."""
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    team = {}
    for i, code in enumerate(("KJ01", "KJ02", "KJ03", "KJ04")):
        team[code] = Manager.create(code=code, name=f"经理{i + 1}", gender="M",
                                    birth_date=date(1998, 1, 1), education="college",
                                    employment="contract" if code == "KJ04" else "regular",
                                    hired_on=date(2020, 1, 1))
        MonthlyScore.create(manager=team[code], month=OCT, sales=0, success=0, maintenance=0,
                            review=0, checkin=0, spot_check=0, training=0, total=90 - 10 * i,
                            rank=i + 1, computed_at=datetime(2026, 11, 3))
        SalesTarget.create(manager=team[code], month=NOV, quantity=100)
        SalesActual.create(manager=team[code], month=NOV, quantity=(95, 80, 40, 30)[i])
    Supervisor.create(code="S1", name="刘主任", title="director")
    return db


def test_the_month_as_the_desk_reads_it(desk):
    v = month_desk.month_view(NOV)
    assert v.state == "open" and [r.code for r in v.rows] == ["KJ01", "KJ02", "KJ03", "KJ04"]
    kj01 = v.rows[0]
    assert sum(kj01.shares.values()) == pytest.approx(kj01.total, abs=0.01)
    assert kj01.parts["basic_work"] is None and kj01.missing["satisfaction"] == "no_rating"
    # the candidates are named after the close: October's table and November's as computed
    month_desk.close(NOV, now=datetime(2026, 12, 2, 9))
    v = month_desk.month_view(NOV)
    named = {r.code: (r.candidate, r.choices) for r in v.rows if r.candidate}
    assert named == {"KJ03": ("standby", ("standby", "transferred")),
                     "KJ04": ("dismissed", ("dismissed",))}
    m = month_desk.manager_view(NOV, kj01.manager_id)
    assert [(x.month, x.rank, x.bottom) for x in m.months] == [(OCT, 1, 0), (NOV, 1, 0)]
    assert m.records["sales"] == {"targets": 1, "actuals": 1}
    last = month_desk.manager_view(NOV, v.rows[-1].manager_id).months[-1]
    assert (last.rank, last.ranked, last.bottom) == (4, 4, 2)


async def test_close_sort_reopen_and_decide_by_keys(app_for, desk):
    app = app_for(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await until(pilot, lambda: "2026-11 · not closed · sorted by total" in text(app))
        assert "What each part adds to the total" in text(app)
        await until(pilot, lambda: "KJ01 经理1  total" in text(app), "the first manager opened")
        await pilot.press("c")
        await until(pilot, lambda: "2026-11 closed (run 1): 4 ranked" in text(app))
        await until(pilot, lambda: "closed (run 1) · sorted by total" in text(app))
        assert MonthlyScore.select().where(MonthlyScore.month == NOV).count() == 4
        assert "out: dismissed" in text(app) and "out: standby" in text(app)
        await pilot.press("s")
        await until(pilot, lambda: "sorted by sales" in text(app))

        await pilot.press("r")
        await until(pilot, lambda: app.screen.query("#reason"))
        await pilot.press(*"late sales", "tab", *"admin", "ctrl+s")
        await until(pilot, lambda: "reopened, provisional: late sales" in text(app))

        table = app.screen.query_one("#desk-table")
        table.move_cursor(row=3)  # KJ04, the last by sales
        await until(pilot, lambda: "KJ04 经理4  total" in text(app))
        await pilot.press("d")
        await until(pilot, lambda: app.screen.query("#decide-dialog"))
        await pilot.press(*"S1", "ctrl+s")
        await until(pilot, lambda: "KJ04 is dismissed from 2026-12-05." in text(app))
    change = ManagerStatusChange.get()
    assert (change.status, change.effective_on) == ("dismissed", TODAY)
    assert Manager.get(Manager.code == "KJ04").status == "dismissed"


async def test_a_refusal_is_one_line_under_the_table(app_for, desk):
    app = app_for(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await until(pilot, lambda: "not closed" in text(app))
        await pilot.press("right_square_bracket")  # December is not over
        await until(pilot, lambda: "2026-12 · not closed" in text(app))
        await pilot.press("c")
        await until(pilot, lambda: "2026-12 is not over yet" in text(app))
        await pilot.press("d")
        await until(pilot, lambda: "KJ01 is not eliminated by the rule after 2026-12" in text(app))
