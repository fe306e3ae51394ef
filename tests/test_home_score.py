"""The manager's Home (issue 13 §4): his own last closed month, each part of his score (a part
the month had no data for shown as missing, never as a figure) beside his rank among all the
county ranked, still in view at 60×20."""

from __future__ import annotations

from datetime import date, datetime

import county_small
import pytest
from pilot_wait import until
from screen_cells import text

from kjtui.models import Manager, MonthlyScore


@pytest.fixture
def scored(db):
    county_small.build(with_week=False)
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        for rank, code in enumerate(("KJ08", "KJ07"), start=1):
            MonthlyScore.create(
                manager=Manager.get(Manager.code == code), month=month, sales=80, success=70.4,
                maintenance=0, review=90, checkin=100, spot_check=60, training=85,
                basic_work=90, satisfaction=95, total=90 - rank - month.month, rank=rank,
                missing="maintenance:no_target" if code == "KJ07" else "",
                computed_at=datetime(2026, 11, 2))
    return db


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_home_shows_his_last_months_parts_beside_his_rank(app_for, scored, size):
    app = app_for(scored, "en")
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: "2026-10: my score 78.0, #2 of 2 in the county" in text(app))
        shown = " ".join(text(app).split())
        assert "sales 80 · orders 70 · data — · review 90" in shown  # no target: missing
        assert "training 85" in shown and "satisfied 95" in shown


async def test_home_in_chinese(app_for, scored):
    app = app_for(scored)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "2026-10 我的得分 78.0，全县第 2 名（共 2 人）" in text(app))
        assert "销量 80 · 访销 70 · 资料 —" in text(app)
