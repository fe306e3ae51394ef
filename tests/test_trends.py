"""Home's pictures: the last months' scores and ranks, kilometres per week."""

from datetime import date, datetime

from pilot_wait import until

from kjtui.models import DayLog, Manager, MonthlyScore, Post, Township
from kjtui.services import trends
from kjtui.widgets.bars import bar


def _manager(code="KJ07", stationed=True):
    t = Township.get_or_create(code="T1", defaults={"name": "上梅镇"})[0]
    p = Post.create(code=f"P{code}", name="炉观驻点", kind="stationed" if stationed else "rural",
                    township=t)
    return Manager.create(code=code, name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                          education="college", employment="contract", post=p)


def _score(m, month, total, rank):
    parts = dict(sales=total, success=total, maintenance=total, review=total, checkin=total,
                 spot_check=total, training=total)
    MonthlyScore.create(manager=m, month=month, total=total, rank=rank,
                        computed_at=datetime(2026, 11, 1), **parts)


def test_scores_oldest_first_with_how_many_were_ranked(db):
    me, other = _manager("KJ07"), _manager("KJ08", stationed=False)
    for i, month in enumerate([date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]):
        _score(me, month, 80 + i, 2 - (i == 2))
        _score(other, month, 85 - i, 1 + (i == 2))
    got = trends.recent_scores(me.id, months=2)
    assert [(s.month, s.total, s.rank, s.ranked) for s in got] == [
        (date(2026, 9, 1), 81, 2, 2), (date(2026, 10, 1), 82, 1, 2)]


def test_mileage_per_week_counts_only_complete_days(db):
    m = _manager()
    DayLog.create(manager=m, day=date(2026, 11, 16), odometer_start=100, odometer_end=140)
    DayLog.create(manager=m, day=date(2026, 11, 18), odometer_start=140, odometer_end=175)
    DayLog.create(manager=m, day=date(2026, 11, 24), odometer_start=175, odometer_end=None)
    DayLog.create(manager=m, day=date(2026, 11, 26), odometer_start=175, odometer_end=230)
    weeks = trends.weekly_mileage(m.id, until=date(2026, 11, 28), weeks=3)
    assert [(w.monday, w.km, w.days) for w in weeks] == [
        (date(2026, 11, 9), 0, 0), (date(2026, 11, 16), 75, 2), (date(2026, 11, 23), 55, 1)]


def test_bar_lengths():
    assert bar(50, 100, 10) == "█████     "
    assert bar(100, 100, 4) == "████" and bar(0, 100, 4) == "    "
    assert bar(1, 8, 1) == "▏"


async def test_home_draws_both_pictures(app_for, db):
    m = _manager()
    _score(m, date(2026, 10, 1), 88.4, 3)
    DayLog.create(manager=m, day=date.today(), odometer_start=100, odometer_end=142)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "2026-10" in str(app.screen.query_one("#scores").render()),
                    "the scores drawn")
        scores = str(app.screen.query_one("#scores").render())
        mileage = str(app.screen.query_one("#mileage").render())
    assert "2026-10" in scores and "88.4 #3/1" in scores and "█" in scores
    assert "42 km" in mileage
