"""The month's close on the hub: written through the write path, idempotent, a re-close after
late records lists what changed and keeps the earlier run in history, a reopen needs a reason;
a close reaches a station through real bundles and its Home shows its true rank among all."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sync_support as sup
from pilot_wait import until

from kjtui.exception import Refused
from kjtui.models import (
    JournalEntry,
    Manager,
    ManagerStatusChange,
    MonthClose,
    MonthlyScore,
    SalesActual,
    SalesTarget,
    Setting,
    SyncPeer,
)
from kjtui.services import month_close, scoring

NOV = date(2026, 11, 1)
AFTER = datetime(2026, 12, 2, 9)  # the close is run after the month is over


def _team(codes=("KJ01", "KJ02", "KJ03", "KJ04")):
    out = {}
    for code in codes:
        out[code] = Manager.create(code=code, name=f"经理{code[-1]}", gender="M",
                                   birth_date=date(1998, 1, 1), education="college",
                                   employment="contract", hired_on=date(2020, 1, 1))
    return out


def _sales(team, actual: dict[str, int]):
    for code, q in actual.items():
        SalesTarget.create(manager=team[code], month=NOV, quantity=100)
        SalesActual.create(manager=team[code], month=NOV, quantity=q)


def test_close_writes_through_the_journal_and_is_idempotent(db):
    team = _team()
    _sales(team, {"KJ01": 90, "KJ02": 60, "KJ03": 30, "KJ04": 75})
    first = month_close.close_month(NOV, by="王管理员", now=AFTER)
    assert first.outcome == "closed" and first.run == 1
    assert [(s.code, s.rank) for s in first.scores] == [
        ("KJ01", 1), ("KJ04", 2), ("KJ02", 3), ("KJ03", 4)]
    rows = list(MonthlyScore.select())
    assert len(rows) == 4 and all(r.owner == "hub" and r.rev == 1 for r in rows)
    # every score is in the journal, so it travels
    journaled = {e.record_id for e in JournalEntry.select().where(
        JournalEntry.table_name == "monthly_score")}
    assert journaled == {r.id for r in rows}
    # missing parts are recorded with their reason (no visit, no review … in this month)
    assert "success:no_visit" in rows[0].missing
    seq = JournalEntry.select().count()
    again = month_close.close_month(NOV, now=AFTER)
    assert again.outcome == "unchanged" and again.run == 1
    assert JournalEntry.select().count() == seq and MonthClose.select().count() == 1
    assert month_close.is_closed(NOV)


def test_a_reclose_after_late_records_shows_what_changed_and_keeps_history(db):
    team = _team()
    _sales(team, {"KJ01": 90, "KJ02": 60, "KJ03": 30, "KJ04": 75})
    month_close.close_month(NOV, now=AFTER)
    # a late correction of KJ03's sales arrives after the close; KJ02 is dismissed in November
    SalesActual.update(quantity=95).where(SalesActual.manager == team["KJ03"]).execute()
    ManagerStatusChange.create(manager=team["KJ02"], status="dismissed",
                               effective_on=date(2026, 11, 20))
    Manager.update(status="dismissed").where(Manager.code == "KJ02").execute()
    second = month_close.close_month(NOV, now=datetime(2026, 12, 5, 9))
    assert second.outcome == "reclosed" and second.run == 2
    changes = {c.code: (c.before_rank, c.after_rank) for c in second.changes}
    assert changes == {"KJ03": (4, 1), "KJ01": (1, 2), "KJ04": (2, 3), "KJ02": (3, None)}
    # the dismissed manager leaves the ranking: the score is a tombstone, which travels
    kj02 = MonthlyScore.get(MonthlyScore.manager == team["KJ02"])
    assert kj02.deleted and kj02.rev == 2
    unranked = {s.code: s.unranked for s in second.scores if not s.rank}
    assert unranked == {"KJ02": "not_active_at_end"}
    runs = month_close.history(NOV)
    assert [(r.run, r.state) for r in runs] == [(1, "superseded"), (2, "closed")]
    assert {c["code"] for c in json.loads(runs[1].changes)} == {"KJ01", "KJ02", "KJ03", "KJ04"}


def test_reopen_needs_a_reason_and_a_closed_month(db):
    team = _team()
    _sales(team, {"KJ01": 90, "KJ02": 60, "KJ03": 30, "KJ04": 75})
    with pytest.raises(Refused) as err:
        month_close.reopen_month(NOV, reason="核对销量")
    assert err.value.key == "month.not_closed"
    month_close.close_month(NOV, now=AFTER)
    with pytest.raises(Refused) as err:
        month_close.reopen_month(NOV, reason="  ")
    assert err.value.key == "month.reason_needed"
    c = month_close.reopen_month(NOV, reason="核对销量", by="王管理员")
    assert (c.state, c.reason, c.reopened_by) == ("reopened", "核对销量", "王管理员")
    assert not month_close.is_closed(NOV)
    # closing again is a new run, even with nothing changed
    assert month_close.close_month(NOV, now=AFTER).run == 2


def test_a_month_not_over_and_a_station_are_refused(db):
    _team()
    with pytest.raises(Refused) as err:
        month_close.close_month(NOV, now=datetime(2026, 11, 30, 18))
    assert err.value.key == "month.not_over"
    Setting.create(key="node_id", value="KJ01")
    with pytest.raises(Refused) as err:
        month_close.close_month(NOV, now=AFTER)
    assert err.value.key == "month.hub_only"


async def test_a_close_on_the_hub_reaches_the_station_with_the_county_table(app_for, tmp_path):
    from kjtui.services import session, settings, trends
    from sync import exporter, importer

    codes = ("KJ01", "KJ02", "KJ03")
    pair = sup.build(tmp_path, codes=codes)
    sup.use(pair.hub)
    for code, q in zip(codes, (1200, 2900, 2100)):
        m = Manager.get(Manager.code == code)
        SalesActual.create(manager=m, month=NOV, quantity=q)
    result = month_close.close_month(NOV, now=AFTER)
    mine = next(s for s in result.scores if s.code == "KJ01")
    assert mine.rank == 3
    _, reply = exporter.return_bundle(SyncPeer.get(SyncPeer.node == "KJ01"))
    sup.use(pair.station)
    importer.import_bytes(reply)
    table = {r.manager.code: (r.total, r.rank) for r in MonthlyScore.select()}
    assert table == {s.code: (s.total, s.rank) for s in result.scores if s.rank}
    assert {m.name for m in Manager.select()} >= {"客户经理1", "客户经理2", "客户经理3"}
    me = Manager.get(Manager.code == "KJ01")
    (got,) = trends.recent_scores(me.id)
    assert (got.rank, got.ranked) == (3, 3)
    from kjtui.services import elimination

    # third of three: in the bottom two, the laptop warns as the hub does
    assert elimination.warning_for(me.id).rule == "consecutive_bottom_two"
    settings.put(session.SIGNED_IN, "KJ01")
    sup.close()
    app = app_for(pair.station, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "#3/3" in str(app.screen.query_one("#scores").render()),
                    "the scores drawn")
        scores = str(app.screen.query_one("#scores").render())
    assert f"{mine.total:.1f} #3/3" in scores
    assert "warning: bottom two (2026-11)" in scores


async def test_a_reopened_month_is_provisional_on_the_station_until_closed_again(app_for, tmp_path):
    """Every close and reopen travels to every station (the month's star with it): its Home
    marks a reopened month."""
    from kjtui.services import session, settings, trends
    from sync import exporter, importer

    pair = sup.build(tmp_path, codes=("KJ01", "KJ02"))

    def deliver():
        sup.use(pair.hub)
        _, reply = exporter.return_bundle(SyncPeer.get(SyncPeer.node == "KJ01"))
        sup.use(pair.station)
        importer.import_bytes(reply)
        me = Manager.get(Manager.code == "KJ01")
        return [(s.rank, s.provisional) for s in trends.recent_scores(me.id)]

    sup.use(pair.hub)
    for code, q in (("KJ01", 2900), ("KJ02", 1200)):
        SalesActual.create(manager=Manager.get(Manager.code == code), month=NOV, quantity=q)
    month_close.close_month(NOV, now=AFTER)
    assert deliver() == [(1, False)]
    assert [c.state for c in MonthClose.select()] == ["closed"]
    from kjtui.models import Award

    assert [(a.kind, a.manager.code) for a in Award.select()] == [("monthly_star", "KJ01")]
    sup.use(pair.hub)
    month_close.reopen_month(NOV, reason="核对销量", by="王管理员")
    assert deliver() == [(1, True)]
    (c,) = MonthClose.select()
    assert (c.state, c.reason) == ("reopened", "核对销量")
    settings.put(session.SIGNED_IN, "KJ01")
    sup.close()
    app = app_for(pair.station, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "#1/2" in str(app.screen.query_one("#scores").render()))
        assert "#1/2 (provisional)" in str(app.screen.query_one("#scores").render())
    sup.use(pair.hub)
    month_close.close_month(NOV, now=AFTER)
    assert deliver() == [(1, False)]
    sup.close()


def test_scores_of_an_unclosed_month_stay_with_their_own_manager(tmp_path):
    """Only a closed month's table goes to every station; the demo's or a trial's scores do not."""
    from sync import exporter, importer

    pair = sup.build(tmp_path, codes=("KJ01", "KJ02"))
    sup.use(pair.hub)
    scores = scoring.compute_month(NOV)
    from kjtui.models import journal

    for s in scores:
        journal.create(MonthlyScore, manager=s.manager_id, month=NOV, **s.stored_parts(),
                       total=s.total, rank=s.rank, computed_at=AFTER)
    _, reply = exporter.return_bundle(SyncPeer.get(SyncPeer.node == "KJ01"))
    sup.use(pair.station)
    importer.import_bytes(reply)
    assert [r.manager.code for r in MonthlyScore.select()] == ["KJ01"]


def test_the_command_closes_recloses_and_reopens(db_path, kjtui_cmd):
    import subprocess

    from kjtui.models import close, connect, resolve_url

    connect(resolve_url(db_path))
    team = _team(("KJ01", "KJ02"))
    june = date(2025, 6, 1)
    from kjtui.models import Supervisor

    Supervisor.create(code="S1", name="主任", title="director")
    for month in (june, date(2025, 7, 1)):
        for code, q in (("KJ01", 80), ("KJ02", 40)):
            SalesTarget.create(manager=team[code], month=month, quantity=100)
            SalesActual.create(manager=team[code], month=month, quantity=q)
    close()

    def run(*args):
        out = subprocess.run([*kjtui_cmd, "month", *args, "--db", str(db_path), "--lang", "en"],
                             capture_output=True, text=True)
        return out.returncode, out.stdout, out.stderr

    code, out, err = run("close", "--month", "2025-06")
    assert code == 0, err
    assert "closed (run 1): 2 ranked" in out and "missing: no visit this month" in out
    # two managers: both in the bottom two, warned one month before the rule
    assert out.count("warning:") == 2 and "star of the month 2025-06: KJ01" in out
    assert "unchanged" in run("close", "--month", "2025-06")[1]
    code, out, err = run("reopen", "--month", "2025-06", "--reason", "check the sales")
    assert code == 0 and "reopened (run 1 ended): check the sales" in out
    # July: both in the bottom two again, the rule is triggered; the administrator decides
    code, out, err = run("close", "--month", "2025-07")
    assert code == 0 and "elimination triggered: KJ02" in out, err
    code, out, err = run("decide", "--manager", "KJ02", "--status", "standby", "--by", "S1")
    assert code != 0 and "allowed: dismissed" in err
    code, out, err = run("decide", "--manager", "KJ02", "--status", "dismissed", "--by", "S1",
                         "--on", "2025-08-05")
    assert code == 0, err
    connect(resolve_url(db_path))
    change = ManagerStatusChange.get()
    assert (change.status, change.effective_on) == ("dismissed", date(2025, 8, 5))
    assert "末位淘汰" in change.reason
    close()
    code, out, err = run("close", "--month", "2025-13")
    assert code != 0 and "a month is YYYY-MM" in err
    bad = db_path.parent / "bad.toml"
    bad.write_text("[weights]\nsales = 1\n", encoding="utf-8")
    code, out, err = run("close", "--month", "2025-06", "--rules", str(bad))
    assert code != 0 and "scoring rules file" in err and "Traceback" not in err


def test_the_close_writes_the_star_and_the_quarter_through_the_journal(db):
    from kjtui.models import Award

    team = _team(("KJ01", "KJ02"))
    sep = date(2026, 9, 1)
    for i, month in enumerate((date(2026, 7, 1), date(2026, 8, 1), sep)):
        for code, q in (("KJ01", 90 - 20 * (i == 2)), ("KJ02", 80)):
            SalesTarget.create(manager=team[code], month=month, quantity=100)
            SalesActual.create(manager=team[code], month=month, quantity=q)
        month_close.close_month(month, now=datetime(2026, 10, 2, 9))
    result = month_close.close_month(sep, now=datetime(2026, 10, 2, 9))
    got = {r.kind: r for r in result.recognitions}
    assert got["monthly_star"].code == "KJ02" and "第1名/2人" in got["monthly_star"].note
    # the quarter: KJ01 90 + 90 + 70 = 250 against KJ02 240 (missing parts left out of each total)
    q = got["quarterly_excellent"]
    assert (q.code, q.period) == ("KJ01", "2026-Q3") and "名次 1、1、2" in q.note
    awards = list(Award.select())
    assert len(awards) == 4 and all(a.owner == "hub" for a in awards)
    journaled = {e.record_id for e in JournalEntry.select().where(
        JournalEntry.table_name == "award")}
    assert journaled == {a.id for a in awards}


def test_report_month_json_has_every_part_and_the_records_behind_it(db_path, kjtui_cmd):
    import subprocess

    from kjtui.models import (
        Customer,
        DayLog,
        Route,
        SpotCheck,
        Supervisor,
        Township,
        Visit,
        close,
        connect,
        resolve_url,
    )

    connect(resolve_url(db_path))
    team = _team(("KJ01", "KJ02"))
    june = date(2025, 6, 1)
    SalesTarget.create(manager=team["KJ01"], month=june, quantity=100)
    actual = SalesActual.create(manager=team["KJ01"], month=june, quantity=80)
    t = Township.create(code="T1", name="上梅镇")
    route = Route.create(code="R1", name="线", manager=team["KJ01"], township=t)
    c = Customer.create(licence_no="431322000001", shop_name="店", owner_name="王", township=t,
                        area="rural", retail_format="grocery")
    log = DayLog.create(manager=team["KJ01"], day=date(2025, 6, 2), route=route,
                        first_phoned=True, last_phoned=True, owner="KJ01")
    v = Visit.create(day=log, manager=team["KJ01"], customer=c, owner="KJ01",
                     arrived_at=datetime(2025, 6, 2, 9), ordered=True)
    sup_ = Supervisor.create(code="S1", name="主任", title="director")
    spot = SpotCheck.create(manager=team["KJ01"], day=date(2025, 6, 2), method="phone",
                            result="confirmed", supervisor=sup_, at=datetime(2025, 6, 3))
    close()
    out = subprocess.run([*kjtui_cmd, "report", "month", "--month", "2025-06", "--json",
                          "--db", str(db_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["month"] == "2025-06" and data["close"] is None
    first, second = data["ranking"]
    assert (first["code"], first["rank"], second["code"], second["rank"]) == (
        "KJ01", 1, "KJ02", 2)
    parts = first["parts"]
    assert parts["sales"]["score"] == 80.0
    assert parts["sales"]["records"]["actuals"] == [{"id": actual.id, "quantity": 80}]
    assert parts["success"]["records"] == {"visits": [v.id], "ordered": [v.id]}
    assert parts["spot_check"]["records"]["checks"] == [{"id": spot.id, "result": "confirmed"}]
    assert parts["review"] == {"score": None, "missing": "no_review",
                               "records": {"weeks": []}}
    assert second["parts"]["sales"]["missing"] == "no_target"
    # the text form too
    out = subprocess.run([*kjtui_cmd, "report", "month", "--month", "2025-06", "--lang", "en",
                          "--db", str(db_path)], capture_output=True, text=True)
    assert out.returncode == 0 and "missing: no sales target this month" in out.stdout


@pytest.mark.pg
def test_the_close_and_a_reclose_on_a_postgresql_hub(pg_url):
    from kjtui.models import close, connect

    connect(pg_url)
    try:
        team = _team()
        _sales(team, {"KJ01": 90, "KJ02": 60, "KJ03": 30, "KJ04": 75})
        assert month_close.close_month(NOV, now=AFTER).outcome == "closed"
        assert month_close.close_month(NOV, now=AFTER).outcome == "unchanged"
        SalesActual.update(quantity=95).where(SalesActual.manager == team["KJ03"]).execute()
        second = month_close.close_month(NOV, now=datetime(2026, 12, 5, 9))
        assert second.run == 2 and len(second.changes) == 4  # KJ03 4th to 1st, the rest down one
        assert MonthlyScore.get(MonthlyScore.manager == team["KJ03"]).rank == 1
        assert [r.state for r in month_close.history(NOV)] == ["superseded", "closed"]
    finally:
        close()


def test_the_close_gives_each_director_his_list_of_talks(db):
    """The warned and the named go to the director; the rest are dealt from the bottom to
    whoever has the fewest, so each list starts with its lowest ranked."""
    from kjtui.models import Supervisor

    team = _team(("KJ01", "KJ02", "KJ03", "KJ04", "KJ05", "KJ06"))
    for code, q in zip(team, (90, 80, 70, 60, 50, 40)):
        SalesTarget.create(manager=team[code], month=NOV, quantity=100)
        SalesActual.create(manager=team[code], month=NOV, quantity=q)
    Supervisor.create(code="S2", name="副主任甲", title="deputy")
    Supervisor.create(code="S1", name="主任", title="director")
    Supervisor.create(code="S3", name="副主任乙", title="deputy")
    result = month_close.close_month(NOV, now=AFTER)
    # KJ05 and KJ06 in the bottom two: warned, the director's
    got = {t.supervisor: t.managers for t in result.talks}
    assert got == {"S1": ["KJ06", "KJ05"], "S2": ["KJ04", "KJ02"], "S3": ["KJ03", "KJ01"]}
    assert [t.supervisor for t in result.talks] == ["S1", "S2", "S3"]
