"""Personnel: the entry gates with their reasons and the ranking of candidates; status changes
with their history, date and who decided; a leaving manager hands over his customers and routes
and his laptop is retired; the team's figures equal the seed's on the demo county."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import county_small
import pytest
import sync_support as sup

from kjtui.exception import Refused
from kjtui.models import (
    Customer,
    Manager,
    ManagerStatusChange,
    Route,
    RouteStop,
    SyncPeer,
    TrainingSession,
)
from kjtui.services import entry, scoring, staff
from kjtui.services.staff_figures import staff_figures

ON = date(2026, 5, 13)


def run(cmd, *args, lang="en"):
    out = subprocess.run([*cmd, "--lang", lang, *map(str, args)], capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def test_the_demo_countys_figures_are_the_seeds(demo_db_path, tmp_path, kjtui_cmd):
    path = shutil.copy(demo_db_path, tmp_path / "county.db")
    code, out, err = run(kjtui_cmd, "report", "staff", "--json", "--db", path)
    assert code == 0, err
    got = json.loads(out)
    assert (got["head_count"], got["men"], got["women"]) == (23, 16, 7)
    assert (got["urban"], got["rural"], got["stationed"]) == (5, 18, 11)
    assert round(got["average_age"]) == 28 and round(100 * got["college_share"]) == 83
    code, out, err = run(kjtui_cmd, "report", "staff", "--db", path, lang="zh")
    assert "在岗客户经理 23 名" in out and "占 83%" in out


@pytest.fixture
def county(db):
    return county_small.build(with_week=False)


def candidate(**kw):
    values = dict(kind="recruit", name="新人", gender="M", birth_date=date(2000, 1, 1),
                  education="college", applied_on=ON, written=80, interview=80)
    values.update(kw)
    return entry.add_candidate(**values)


def test_entry_gates_each_outcome_with_its_reason_model_workers_first(county):
    klass = TrainingSession.create(held_on=ON, kind="class", topic="新员工培训班")
    best = candidate(name="甲", written=95, interview=90, training_class=klass.id)
    model = candidate(name="乙", written=70, interview=72, model_worker=True)
    low = candidate(name="丙", education="junior_high")
    old = candidate(name="丁", birth_date=date(1989, 1, 1))
    unscored = candidate(name="戊", written=None, interview=None)
    transfer = candidate(name="己", kind="transfer_in", former_department="办公室",
                         written=None, interview=None)
    approved = candidate(name="庚", kind="transfer_in", former_department="专卖科",
                         department_approved=True, written=None, interview=None)
    rows = {r.name: r for r in entry.ranked(ON)}
    assert [r.name for r in entry.ranked(ON) if r.rank] == ["乙", "甲", "庚"]
    assert rows["乙"].reasons == (("entry.first_model_worker", {}),)
    assert rows["甲"].combined == 92.5 and rows["甲"].reasons == (("entry.passes", {}),)
    assert rows["丙"].reasons == (("entry.low_education", {"education": "junior_high"}),)
    assert rows["丁"].reasons == (("entry.too_old", {"age": 37, "max": 35}),)
    assert rows["戊"].reasons == (("entry.no_scores", {}),)
    assert rows["己"].reasons == (("entry.no_approval", {"department": "办公室"}),)
    assert not any(rows[n].passed for n in "丙丁戊己")

    with pytest.raises(Refused) as err:
        entry.admit(old.id, code="KJ30", decided_by="S01", on=ON)
    assert err.value.key == "entry.too_old"
    m = entry.admit(best.id[:12], code="KJ30", decided_by="S01", on=ON, post="P01")
    assert (m.status, m.employment, m.hired_on, m.post.code) == ("active", "contract", ON, "P01")
    decided = entry.ranked(ON)[-1]
    assert decided.name == "甲" and decided.outcome == "admitted" and decided.rank is None
    assert Manager.get(Manager.code == "KJ30").name == "甲"
    t = entry.admit(approved.id, code="KJ31", decided_by="S01", on=ON)
    assert t.employment == "regular"
    with pytest.raises(Refused) as err:
        entry.admit(best.id, code="KJ32", decided_by="S01", on=ON)
    assert err.value.key == "entry.decided"
    entry.decline(low.id, decided_by="S01", on=ON, reason="学历不够")
    with pytest.raises(Refused):
        entry.admit(model.id, code="KJ30", decided_by="S01", on=ON)  # the code is taken
    waiting = [r.name for r in entry.ranked(ON, undecided_only=True)]
    assert waiting == ["乙", "丁", "己", "戊"]  # passing first, then the others by score, name
    assert {unscored.name, transfer.name} <= set(waiting)


def test_a_leaving_manager_hands_over_first_and_his_history_names_who_decided(county):
    with pytest.raises(Refused) as err:
        staff.change_status("KJ07", "standby", on=ON, decided_by="S01", reason="末位")
    assert err.value.key == "staff.hand_over_first"
    assert err.value.params == {"code": "KJ07", "customers": 8, "routes": 2}
    with pytest.raises(Refused) as err:
        staff.change_status("KJ07", "dismissed", on=ON, decided_by="S01", hand_to="KJ08")
    assert err.value.key == "staff.other_post"  # KJ08 has no post, KJ07 is at P01
    Manager.update(post=county.manager.post_id).where(Manager.code == "KJ08").execute()
    with pytest.raises(Refused) as err:
        staff.change_status("KJ08", "dismissed", on=ON, decided_by="S01")
    assert err.value.key == "staff.dismiss_regular"
    staff.change_status("KJ07", "dismissed", on=ON, decided_by="S01", reason="连续两月末位",
                        hand_to="KJ08")
    kj08 = Manager.get(Manager.code == "KJ08")
    assert Route.select().where(Route.manager == kj08.id).count() == 3
    assert Customer.select().where(Customer.manager == kj08.id).count() == 9
    assert RouteStop.select().where(RouteStop.rev == 2).count() == 7  # written again: they travel
    assert Manager.get(Manager.code == "KJ07").status == "dismissed"
    (h,) = staff.history("KJ07")
    assert (h.effective_on, h.status, h.reason, h.decided_by) == (ON, "dismissed",
                                                                  "连续两月末位", "S01")
    assert scoring.status_on(ON)[county.manager.id] == "dismissed"
    with pytest.raises(Refused) as err:
        staff.change_status("KJ07", "active", on=ON, decided_by="S01")
    assert err.value.key == "staff.no_return_dismissed"
    with pytest.raises(Refused) as err:
        staff.change_status("KJ08", "standby", on=ON, decided_by="S99")
    assert err.value.key == "staff.unknown_supervisor"
    assert ManagerStatusChange.select().count() == 1


def test_standby_and_return_of_regular_staff(county):
    Customer.update(manager=None).where(Customer.manager == county.other.id).execute()
    Route.update(manager=None).where(Route.manager == county.other.id).execute()
    staff.change_status("KJ08", "standby", on=date(2026, 6, 1), decided_by="S01", reason="待岗学习")
    staff.change_status("KJ08", "active", on=date(2026, 7, 1), decided_by="S01", reason="考核合格")
    assert [(h.status, h.effective_on) for h in staff.history("KJ08")] == [
        ("standby", date(2026, 6, 1)), ("active", date(2026, 7, 1))]
    assert scoring.status_on(date(2026, 6, 15))[county.other.id] == "standby"
    assert scoring.status_on(date(2026, 7, 1))[county.other.id] == "active"
    assert staff_figures(date(2026, 6, 15)).head_count == 1
    assert staff_figures(date(2026, 7, 2)).head_count == 2


def test_the_command_retires_the_leaving_managers_laptop(tmp_path, kjtui_cmd):
    pair = sup.build(tmp_path, codes=("KJ01", "KJ02"))
    sup.close()
    code, out, err = run(kjtui_cmd, "staff", "status", "KJ01", "dismissed", "--by", "S01",
                         "--to", "KJ02", "--reason", "合同到期", "--db", pair.hub)
    assert code == 0, err
    assert "handed to KJ02" in out and "Revoked 1 laptop(s) of KJ01" in out
    sup.use(pair.hub)
    assert SyncPeer.get(SyncPeer.node == "KJ01").revoked
    sup.close()
    sent = sup.export_station(pair)
    sup.close()
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", pair.hub, sent)
    assert code != 0 and "revoked" in err
    code, out, err = run(kjtui_cmd, "staff", "history", "KJ01", "--db", pair.hub)
    assert "dismissed" in out and "S01" in out and "合同到期" in out
    code, out, err = run(kjtui_cmd, "staff", "status", "KJ02", "dismissed", "--by", "S01",
                         "--db", pair.hub, lang="zh")
    assert code == 2 and "先移交" in err


def test_candidates_by_command(db, kjtui_cmd, db_path):
    county_small.build(with_week=False)
    sup.close()
    code, out, err = run(kjtui_cmd, "staff", "candidate", "--kind", "transfer_in", "--name",
                         "王五", "--gender", "男", "--birth", "1995-02-01", "--education", "本科",
                         "--department", "办公室", "--db", db_path, lang="zh")
    assert code == 0, err
    code, out, err = run(kjtui_cmd, "staff", "candidates", "--db", db_path, "--on", "2026-05-13",
                         lang="zh")
    assert "王五" in out and "原部门（办公室）未同意调出" in out
    cid = out.split()[1]
    code, out, err = run(kjtui_cmd, "staff", "admit", cid, "--code", "KJ40", "--by", "S01",
                         "--db", db_path, lang="zh")
    assert code == 2 and "未同意" in err
