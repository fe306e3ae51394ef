"""The county office's desk as services (issue 11 §3–4): the spot checks' sample and outcomes,
feedback on information, proposals decided, talks after a month's results."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from county_small import MONDAY, build

from kjtui.exception import Refused
from kjtui.models import Acknowledgement, AckVerdict, Manager, SpotCheck
from kjtui.services import acting, county_word, score_figures, settings, spot_desk, spotcheck


@pytest.fixture
def county(db):
    return build()


def test_the_stand_in_for_the_signed_in_supervisor_is_the_director(county):
    from kjtui.models import Supervisor

    Supervisor.create(code="S00", name="副主任", title="deputy")
    assert acting.supervisor_until_sign_in().code == "S01"
    assert acting.acting(None).code == "S01"
    with pytest.raises(Refused) as no:
        acting.acting("f" * 32)
    assert no.value.key == "office.no_supervisor"


def test_the_weeks_sample_is_reproducible_and_takes_a_failed_pin_first(county):
    week = spot_desk.week(MONDAY)
    assert week.share == 10.0 and len(week.rows) == 1  # 10% of 4 visits: at least one
    assert [r.visit_id for r in spot_desk.week(MONDAY).rows] == [week.rows[0].visit_id]
    assert week.rows[0].phone and week.rows[0].sampled and week.rows[0].current is None

    pin = county.visits[3]  # acknowledged by PIN; the hub's check of its proof failed
    ack = Acknowledgement.get(Acknowledgement.visit == pin.id)
    AckVerdict.create(ack=ack, visit=pin, passed=False, reason="ackcheck.bad_proof",
                      checked_at=datetime(2026, 5, 12))
    rows = spot_desk.week(MONDAY).rows
    assert pin.id in [r.visit_id for r in rows]
    assert next(r for r in rows if r.visit_id == pin.id).why == "pin_failed"

    settings.put(spot_desk.SHARE_SETTING, "100")
    rows = spot_desk.week(MONDAY).rows
    assert {r.why for r in rows} == {"pin_failed", "declined", "open", "drawn"}
    assert [r.arrived_at for r in rows] == sorted(r.arrived_at for r in rows)


def test_the_draw_weighs_paper_and_moves_no_visit_for_a_late_one():
    weights = {f"v{i:02d}": (spotcheck.PIN_WEIGHT, "drawn") for i in range(40)}
    weights.update({f"p{i:02d}": (spotcheck.PAPER_WEIGHT, "paper") for i in range(40)})
    papers = sum(v.startswith("p") for seed in range(50)
                 for v in spotcheck.sample(weights, 10, f"s{seed}"))
    assert papers > 0.65 * 50 * 8  # three times the weight: three in four drawn are paper
    drawn = spotcheck.sample(weights, 10, "seed")
    assert len(drawn) == 8 and drawn == spotcheck.sample(dict(weights), 10, "seed")
    late = {**weights, "zz": (spotcheck.PIN_WEIGHT, "drawn")}
    assert set(spotcheck.sample(late, 10, "seed")) >= set(drawn[:7])
    assert spotcheck.sample_size(0, 10) == 0 and spotcheck.sample_size(3, 10) == 1


def test_a_later_outcome_supersedes_an_earlier_one_both_kept_the_latest_counts(county):
    sup = acting.supervisor_until_sign_in().id
    visit = spot_desk.week(MONDAY).rows[0].visit_id
    with pytest.raises(Refused) as why:
        spot_desk.record(visit, "phone", "discrepancy", " ", sup)
    assert why.value.key == "office.say_what_differs"
    with pytest.raises(Refused):
        spot_desk.record(visit, "phone", "confirmed", "", "nobody")
    spot_desk.record(visit, "phone", "unreachable", "无人接听", sup, now=datetime(2026, 5, 12, 9))
    spot_desk.record(visit, "onsite", "discrepancy", "店主说当天没来", sup,
                     now=datetime(2026, 5, 12, 15))
    row = spot_desk.week(MONDAY).rows[0]
    assert [(o.result, o.standing, o.supervisor) for o in row.outcomes] == [
        ("discrepancy", True, "谭主任"), ("unreachable", False, "谭主任")]
    f = score_figures.figures_for(MONDAY, [county.manager.id])[county.manager.id]
    assert (f.spot_confirmed, f.spot_discrepancy) == (0, 1)
    spot_desk.record(visit, "inquiry", "confirmed", "", sup, now=datetime(2026, 5, 14, 10))
    f = score_figures.figures_for(MONDAY, [county.manager.id])[county.manager.id]
    assert (f.spot_confirmed, f.spot_discrepancy) == (1, 0)
    assert SpotCheck.select().count() == 3
    word = county_word.for_manager(county.manager.id, date(2026, 5, 20))
    assert [(s.result, s.method) for s in word.spots] == [("confirmed", "inquiry")]
    assert word.month_counts == {"confirmed": 1}


def test_feedback_answers_an_item_which_shows_fed_back_to_the_manager(county):
    from kjtui.services import feedback_desk, information

    q = feedback_desk.queue()
    assert [r.line.id for r in q.rows] == [county.info[0].id] and q.waiting == 1
    assert q.rows[0].manager_code == "KJ07"
    sup = acting.supervisor_until_sign_in().id
    with pytest.raises(Refused) as empty:
        feedback_desk.answer(county.info[0].id, "  ", sup)
    assert empty.value.key == "office.answer_empty"
    feedback_desk.answer(county.info[0].id, "已联系厂家补货", sup, now=datetime(2026, 5, 13, 9))
    assert feedback_desk.queue().rows == []
    answered = feedback_desk.queue("answered")
    assert [r.line.id for r in answered.rows] == [county.info[0].id, county.info[1].id]
    line = next(i for i in information.items(county.manager.id) if i.id == county.info[0].id)
    assert line.state == "fed_back" and not line.can_organize
    assert [(f.text, f.supervisor) for f in line.feedback] == [("已联系厂家补货", "谭主任")]


def test_a_proposal_decided_on_the_desk_as_by_hub_resolve(county):
    from kjtui.models import Customer, ProposalDecision
    from kjtui.services import customers, proposal_desk
    from sync import conflicts

    shop = county.customers["431322100003"]
    phone = customers.propose(shop.id, county.manager.id, "phone", "13900001111")
    grade = customers.propose(shop.id, county.manager.id, "grade", "A")
    rows = proposal_desk.pending()
    assert [(r.field, r.old, r.new, r.station, r.stale) for r in rows] == [
        ("phone", "13807459876", "13900001111", "KJ07", False), ("grade", "C", "A", "KJ07", False)]
    sup = acting.supervisor_until_sign_in().id
    with pytest.raises(Refused) as why:
        proposal_desk.decide(grade.id, False, "", sup)
    assert why.value.key == "office.say_why_rejected"
    assert proposal_desk.decide(phone.id, True, "", sup, now=datetime(2026, 5, 13, 9)) is True
    assert Customer.get_by_id(shop.id).phone == "13900001111"
    d = ProposalDecision.get(ProposalDecision.proposal == phone.id)
    assert (d.accepted, d.decided_by.code, d.decided_at) == (True, "S01", datetime(2026, 5, 13, 9))
    with pytest.raises(Refused) as twice:
        proposal_desk.decide(phone.id, False, "不对", sup)
    assert twice.value.key == "proposal.decided"
    # the command line's resolve takes the same road
    conflicts.resolve(grade.id[:8], accept=False, note="档位按销量定", supervisor="S01")
    assert proposal_desk.pending() == [] and Customer.get_by_id(shop.id).grade == "C"
    assert {(p.field, p.decision, p.decision_note) for p in customers.proposals_for(shop.id)} == {
        ("grade", "rejected", "档位按销量定"), ("phone", "accepted", "")}


def test_talks_follow_the_closes_lists_and_show_the_last_advice(county):
    from kjtui.models import MonthlyScore, Supervisor, Talk
    from kjtui.services import talk_desk

    april, march = date(2026, 4, 1), date(2026, 3, 1)
    Supervisor.create(code="S02", name="李副主任", title="deputy")
    extra = [Manager.create(code=c, name=c, gender="M", birth_date=date(1990, 1, 1),
                            education="college", employment="regular") for c in ("KJ05", "KJ06")]
    team = [county.manager, *extra, county.other]
    for rank, m in enumerate(team, start=1):
        MonthlyScore.create(manager=m, month=april, sales=0, success=0, maintenance=0, review=0,
                            checkin=0, spot_check=0, training=0, total=90 - rank, rank=rank,
                            computed_at=datetime(2026, 5, 2))
    sup = acting.supervisor_until_sign_in().id
    with pytest.raises(Refused) as no:
        talk_desk.hold(county.manager.id, march, {"advice": "多跑"}, sup)
    assert no.value.key == "office.talk_no_results"
    Talk.create(manager=county.manager, supervisor=county.supervisor, month=march,
                held_on=date(2026, 4, 8), advice="首末签到要按时电话报告")
    v = talk_desk.month_talks(april)
    # the bottom two are warned: the director's; the others dealt from the bottom
    assert [(r.code, r.director, r.talk) for r in v.rows] == [
        ("KJ08", "S01", None), ("KJ06", "S01", None), ("KJ05", "S02", None), ("KJ07", "S02", None)]
    assert v.rows[3].last.advice == "首末签到要按时电话报告" and v.rows[0].last is None
    assert [r.code for r in talk_desk.month_talks(april, "S02").rows] == [
        "KJ05", "KJ07", "KJ08", "KJ06"]
    with pytest.raises(Refused) as why:
        talk_desk.hold(county.manager.id, april, {"gains": "销量完成好"}, sup)
    assert why.value.key == "office.talk_needs_advice"
    talk_desk.hold(county.manager.id, april, {"gains": "销量完成好", "advice": "补齐客户手册"}, sup,
                   held_on=date(2026, 5, 9))
    talk_desk.hold(county.manager.id, april, {"gains": "销量完成好", "advice": "补齐手册页码"}, sup,
                   held_on=date(2026, 5, 10))
    row = next(r for r in talk_desk.month_talks(april).rows if r.code == "KJ07")
    assert (row.talk.advice, row.talk.supervisor, row.earlier) == ("补齐手册页码", "谭主任", 1)
    word = county_word.for_manager(county.manager.id, date(2026, 5, 13))
    assert (word.talk.month, word.talk.advice) == (april, "补齐手册页码")


def test_the_answered_list_takes_an_item_a_laptop_marked_fed_back_without_an_answer(county):
    from kjtui.models import InfoItem
    from kjtui.services import feedback_desk

    InfoItem.create(manager=county.manager, category="market", content="旧记录", state="fed_back",
                    collected_on=date(2026, 5, 1), owner="KJ07")
    rows = feedback_desk.queue("answered").rows
    assert [r.line.content for r in rows] == ["炉观集市有人无证卖烟", "旧记录"]


def test_the_desk_acts_as_the_signed_in_supervisor_and_never_for_an_administrator(county):
    """The desk's decisions carry the signed-in account's supervisor; an administrator signed
    in is no supervisor (refused), and the director stands in only where nobody signs in."""
    from kjtui.models import Supervisor
    from kjtui.services import accounts

    deputy = Supervisor.create(code="S02", name="副主任", title="deputy")
    accounts.add("lihua", "supervisor", "a-long-secret", supervisor="S02")
    accounts.add("admin", "admin", "another-secret")
    signed = accounts.sign_in("lihua", "a-long-secret")
    assert signed.supervisor_id == deputy.id
    assert acting.acting(signed.supervisor_id, signed_in=True).code == "S02"
    admin = accounts.sign_in("admin", "another-secret")
    assert admin.supervisor_id is None
    with pytest.raises(Refused) as no:
        acting.acting(admin.supervisor_id, signed_in=True)
    assert no.value.key == "office.no_supervisor"
