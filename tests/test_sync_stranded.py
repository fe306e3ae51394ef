"""Issue 10: no single record, clock, enrollment or peer stops a station's other records from
arriving; what cannot be applied is held at the hub with its reason, shown, and decided. Each
case goes through real bundles between a hub and two laptops (tests/sync_stations.py), on
SQLite and, where the database matters, on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
import sync_stations as county_

from kjtui.models import (
    Acknowledgement,
    CustomerPin,
    Handover,
    HeldRecord,
    RouteStop,
    SyncPeer,
    Visit,
)
from sync import handover

L = county_.licence
AT = datetime(2026, 11, 23, 9, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return county_.build(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(template, tmp_path):
    return county_.copy(template, tmp_path / "c")


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def any_county(request, tmp_path):
    """A fresh county on either database (the PostgreSQL one needs the server)."""
    if request.param == "pg":
        url = request.getfixturevalue("pg_url")
        return county_.build(tmp_path / "pg", hub_url=url)
    return county_.copy(request.getfixturevalue("template"), tmp_path / "c")


def held(c, **where) -> list[HeldRecord]:
    c.at("hub")
    q = HeldRecord.select().where(HeldRecord.state == "held")
    for k, v in where.items():
        q = q.where(getattr(HeldRecord, k) == v)
    return list(q.order_by(HeldRecord.seq))


def acked(c, code: str) -> int:
    """What the hub says it holds of this station's seqs, as the station knows it."""
    c.at(code)
    return SyncPeer.get(SyncPeer.node == "hub").their_ack


def journal_top(c, code: str) -> int:
    from sync import node

    c.at(code)
    return node.last_seq()


def flows(c, code: str) -> None:
    """The station is not stranded: a new visit arrives and everything it wrote is acknowledged."""
    c.at(code)
    k = county_.CODES.index(code)
    v = county_.visit(code, L(k, 5, 29), datetime(2026, 11, 28, 17, 0))
    county_.ack_paper(v, "3")
    at_hub, _ = c.push(code)
    assert at_hub.status == "applied"
    assert acked(c, code) == journal_top(c, code)
    c.at("hub")
    assert Visit.get_or_none(Visit.id == v) is not None


# --- 1. a customer changes hands ------------------------------------------------------------------


def test_a_customer_moved_to_another_manager_keeps_its_pin_and_strands_nobody(any_county):
    c = any_county
    moving = L(0, 0, 3)
    # A (KJ01) visits the customer, who chooses a PIN; A syncs.
    c.at("KJ01")
    v1 = county_.visit("KJ01", moving, AT)
    county_.ack_pin(v1, "246800", first=True)
    c.push("KJ01")
    # The county gives the customer to B (KJ02), onto B's first route.
    c.at("hub")
    handover.reassign_customer(moving, "KJ02", "KJ02-R1")
    cust = county_.customer(moving)
    pin = CustomerPin.get(CustomerPin.customer == cust.id)
    assert pin.owner == "KJ02"  # the PIN follows the customer
    assert RouteStop.get((RouteStop.customer == cust.id) & (RouteStop.deleted == False)
                         ).route.code == "KJ02-R1"
    # B syncs: the customer arrives with its PIN, and the customer's own PIN works on B's laptop.
    _, back = c.push("KJ02")
    c.at("KJ02")
    assert county_.customer(moving).manager.code == "KJ02"
    assert CustomerPin.get(CustomerPin.customer == cust.id).owner == "KJ02"
    v2 = county_.visit("KJ02", moving, datetime(2026, 11, 24, 10, 0))
    county_.ack_pin(v2, "246800", first=False)  # the PIN the customer chose at A's visit
    at_hub, _ = c.push("KJ02")
    assert at_hub.status == "applied" and at_hub.held == []
    c.at("hub")  # and the county's full check of both acknowledgements passes (issue 9)
    from kjtui.models import AckVerdict

    assert {(a.visit_id, a.passed, a.reason) for a in AckVerdict.select()} == {
        (v1, True, ""), (v2, True, "")}
    # A syncs: it hears the customer moved (a tombstone for its stop, the handover), nothing held.
    at_hub, _ = c.push("KJ01")
    c.at("KJ01")
    assert Handover.get().to_station == "KJ02"
    assert county_.customer(moving).manager.code == "KJ02"
    assert RouteStop.get(RouteStop.customer == cust.id).deleted
    assert held(c) == []
    flows(c, "KJ01")
    flows(c, "KJ02")


def test_a_pin_set_before_the_old_station_heard_never_blocks_either(any_county):
    """A sets a PIN offline; the customer moves to B; B's customer chooses a PIN before A's
    arrives (and, the other way round, after): one PIN record, no UNIQUE violation."""
    c = any_county
    first, second = L(0, 0, 4), L(0, 0, 5)
    c.at("KJ01")
    a_visits = []
    for lic, hour in ((first, 9), (second, 10)):
        v = county_.visit("KJ01", lic, AT.replace(hour=hour))
        county_.ack_pin(v, "135700", first=True)  # A's customers choose PINs, A does not sync yet
        a_visits.append(v)
    c.at("hub")
    handover.reassign_customer(first, "KJ02", "KJ02-R1")
    handover.reassign_customer(second, "KJ02", "KJ02-R1")
    c.push("KJ02")  # B gets both customers, no PIN (the hub has none yet)
    c.at("KJ02")
    v = county_.visit("KJ02", first, datetime(2026, 11, 24, 9))
    county_.ack_pin(v, "864200", first=True)  # B's customer chooses a new PIN
    at_hub, _ = c.push("KJ02")  # B's PIN first
    assert at_hub.held == []
    at_hub, _ = c.push("KJ01")  # then A's two: a PIN record is a PIN set, never a second row
    assert at_hub.held == []  # of one record: nothing collides (docs/ACKNOWLEDGEMENT.md)
    c.at("hub")

    def latest(lic):
        return (CustomerPin.select().where(CustomerPin.customer == county_.customer(lic).id)
                .order_by(CustomerPin.set_at.desc(), CustomerPin.hlc.desc()).first())

    assert latest(first).owner == "KJ02"  # B's customer chose the newer PIN
    assert latest(second).owner == "KJ01"
    assert Visit.select().where(Visit.owner == "KJ01").count() == 2  # A's visits all arrived
    # The county's check passes all three: A's two (a chain's first proof and a link), and B's,
    # whose PIN was the first the county knew of that customer when it was checked.
    from kjtui.models import AckVerdict

    verdicts = {a.visit_id: a.reason for a in AckVerdict.select()}
    assert verdicts == {a_visits[0]: "", a_visits[1]: "", v: ""}
    flows(c, "KJ01")
    flows(c, "KJ02")


def test_a_route_handed_over_brings_its_stops_customers_and_pins(county):
    c = county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 2, 0), AT)
    county_.ack_pin(v, "111100", first=True)
    c.push("KJ01")
    c.at("hub")
    done = handover.reassign_route("KJ01-R3", "KJ02")
    assert len(done) == 1 + 30  # the route and its thirty customers
    c.push("KJ02")
    c.at("KJ02")
    from kjtui.models import Route

    r = Route.get(Route.code == "KJ01-R3")
    assert r.manager.code == "KJ02"
    assert RouteStop.select().where((RouteStop.route == r.id) & (RouteStop.deleted == False)
                                    ).count() == 30
    assert CustomerPin.get(CustomerPin.customer == county_.customer(L(0, 2, 0)).id).owner == "KJ02"
    # A still sends what it wrote on that route before it heard: accepted.
    c.at("KJ01")
    late = county_.visit("KJ01", L(0, 2, 1), AT.replace(hour=11))
    county_.ack_paper(late, "7")
    at_hub, _ = c.push("KJ01")
    assert at_hub.held == []
    c.at("KJ01")
    assert Route.get(Route.code == "KJ01-R3").manager.code == "KJ02"  # A heard
    flows(c, "KJ01")


def test_a_second_pin_row_from_an_older_release_is_never_a_unique_violation(any_county):
    """A PIN row written by an older release under an id of its own, for a customer who then
    chose a PIN on another laptop: both are records of PINs set (no UNIQUE index since
    migration 0007), the older one unusable (no check bits); both stations flow."""
    from kjtui.models import journal, new_id

    c = any_county
    lic = L(0, 0, 6)
    c.at("KJ01")  # A's laptop, on an older release, sets the PIN under a new id, offline
    county_.visit("KJ01", lic, AT)
    journal.create(CustomerPin, id=new_id(), customer=county_.customer(lic).id,
                   salt="00" * 16, pin_hash="11" * 32, set_at=AT)
    c.at("hub")
    handover.reassign_customer(lic, "KJ02", "KJ02-R1")
    c.push("KJ02")
    c.at("KJ02")
    v = county_.visit("KJ02", lic, datetime(2026, 11, 24, 9))
    county_.ack_pin(v, "864200", first=True)
    assert c.push("KJ02")[0].held == []
    at_hub, _ = c.push("KJ01")
    assert at_hub.held == []
    c.at("hub")
    assert CustomerPin.select().where(
        CustomerPin.customer == county_.customer(lic).id).count() == 2
    flows(c, "KJ01")
    flows(c, "KJ02")


# --- 2. a hostile station cannot block another ---------------------------------------------------


def forged_ack(visit_id: str) -> dict:
    from kjtui.models import new_id

    return {"id": new_id(), "visit_id": visit_id, "method": "pin", "handbook_page": "",
            "reason": "", "at": "2026-11-23T09:05:00", "pin_id": None, "proof": ""}


def test_a_record_only_the_database_refuses_is_held_and_the_rest_applies(any_county):
    """A value every rule lets through but a constraint of the database does not (satisfaction
    9 of 5): the table's rows go in one statement (COPY on PostgreSQL), it fails, and they are
    written again one by one; the refused one is held with the database's reason, what depends
    on it waits with it, and the honest visits of the same bundle apply."""
    from kjtui.models import new_id

    c = any_county
    c.at("KJ01")
    honest = [county_.visit("KJ01", L(0, 0, s), AT.replace(minute=s)) for s in (1, 2)]
    bad = new_id()
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, honest[0]), "id": bad,
                                    "satisfaction": 9})
    county_.forge("KJ01", "acknowledgement", {**forged_ack(bad), "method": "paper",
                                              "handbook_page": "7"})
    at_hub, _ = c.push("KJ01")
    assert [(h.rec.table, h.rec.id, h.why.key) for h in at_hub.held] == [
        ("visit", bad, "write.database"), ("acknowledgement", at_hub.held[1].rec.id,
                                           "write.parent_held")]
    c.at("hub")
    assert {v for (v,) in Visit.select(Visit.id).where(Visit.owner == "KJ01").tuples()} == set(
        honest)
    assert [h.reason for h in held(c, station="KJ01")] == ["write.database", "write.parent_held"]
    flows(c, "KJ01")


@pytest.mark.parametrize("visit_first", [True, False], ids=["visit-first", "forgery-first"])
def test_a_forged_acknowledgement_of_another_stations_visit_is_held(any_county, visit_first):
    c = any_county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 1), AT)
    if visit_first:
        c.push("KJ01")
    c.at("KJ02")  # B forges, with its own keys, an acknowledgement of A's visit
    county_.forge("KJ02", "acknowledgement", forged_ack(v))
    at_hub, _ = c.push("KJ02")
    reason = "write.foreign_reference" if visit_first else "write.missing_reference"
    assert [h.why.key for h in at_hub.held] == [reason]
    # A's real acknowledgement applies; the forgery stands nowhere.
    c.at("KJ01")
    county_.ack_paper(v, "12")
    at_hub, _ = c.push("KJ01")
    assert at_hub.status == "applied" and at_hub.held == []
    c.at("hub")
    assert Acknowledgement.get(Acknowledgement.visit == v).owner == "KJ01"
    assert [h.station for h in held(c)] == ["KJ02"]
    flows(c, "KJ01")
    flows(c, "KJ02")


# --- 3. the hub checks on import what the journal checks on write --------------------------------


def test_a_forged_change_to_an_acknowledged_visit_and_its_acknowledgement_is_held(any_county):
    c = any_county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 2), AT)
    county_.ack_paper(v, "5")
    c.push("KJ01")
    c.at("KJ01")  # the manager edits the database file and his journal: quantity 0 -> 4321
    ack = Acknowledgement.get(Acknowledgement.visit == v)
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, v), "quantity": 4321,
                                    "ordered": True, "hlc": 0}, rev=2)
    county_.forge("KJ01", "acknowledgement", {**county_.payload_of(Acknowledgement, ack.id),
                                              "deleted": True, "hlc": 0}, rev=2)
    at_hub, _ = c.push("KJ01")
    assert sorted(h.why.key for h in at_hub.held) == ["write.signed", "write.signed"]
    c.at("hub")
    assert Visit.get_by_id(v).quantity == 0 and not Acknowledgement.get_by_id(ack.id).deleted
    flows(c, "KJ01")


def test_a_second_acknowledgement_of_a_visit_acknowledged_at_the_hub_is_held_as_such(any_county):
    """The hub knows the visit has its acknowledgement (the rule says so, before the database
    would refuse the row): a new visit in the bundle has none there, an old one may have."""
    from kjtui.models import new_id

    c = any_county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 2), AT)
    county_.ack_paper(v, "5")
    c.push("KJ01")
    c.at("KJ01")
    first = county_.payload_of(Acknowledgement, Acknowledgement.get(Acknowledgement.visit == v).id)
    county_.forge("KJ01", "acknowledgement", {**first, "id": new_id(), "handbook_page": "6",
                                              "hlc": 0})
    w = county_.visit("KJ01", L(0, 0, 3), AT)  # new at the hub: its acknowledgement applies
    county_.ack_paper(w, "7")
    at_hub, _ = c.push("KJ01")
    assert [(h.why.key, h.why.params["columns"]) for h in at_hub.held] == [
        ("write.unique", "visit_id")]
    c.at("hub")
    assert Acknowledgement.select().where(Acknowledgement.visit == v).count() == 1
    assert Acknowledgement.select().where(Acknowledgement.visit == w).count() == 1


def test_a_changed_pin_acknowledged_visit_is_held_and_its_acknowledgement_checked_again(any_county):
    """The hub checks an acknowledgement it holds again when its visit comes changed, and keeps
    one verdict on it; a new acknowledgement in the same bundle gets its first (PostgreSQL: the
    first is written by COPY, the one checked again is an upsert)."""
    from kjtui.models import AckVerdict

    c = any_county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 4), AT)
    county_.ack_pin(v, "135700", first=True)
    assert c.push("KJ01")[0].held == []
    c.at("hub")
    ack = Acknowledgement.get(Acknowledgement.visit == v).id
    assert [(a.ack_id, a.visit_id, a.passed) for a in AckVerdict.select()] == [(ack, v, True)]
    c.at("KJ01")  # a laptop altered by hand sends the visit again, changed after it was signed
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, v), "note": "改过", "hlc": 0},
                  rev=2)
    w = county_.visit("KJ01", L(0, 0, 5), AT.replace(hour=10))
    county_.ack_pin(w, "135700", first=True)
    at_hub, _ = c.push("KJ01")
    assert [(h.rec.id, h.why.key) for h in at_hub.held] == [(v, "write.signed")]
    c.at("hub")
    w_ack = Acknowledgement.get(Acknowledgement.visit == w).id
    assert Visit.get_by_id(v).note != "改过"
    assert sorted((a.ack_id, a.visit_id, a.passed) for a in AckVerdict.select()) == sorted(
        [(ack, v, True), (w_ack, w, True)])


def test_a_forged_change_after_the_acknowledgement_in_the_same_bundle_is_held(county):
    """Causal order: the acknowledgement comes first in the journal, the change after it."""
    c = county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 2), AT)
    county_.ack_paper(v, "5")
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, v), "quantity": 99, "hlc": 0},
                  rev=2)
    at_hub, _ = c.push("KJ01")
    assert [h.why.key for h in at_hub.held] == ["write.signed"]
    c.at("hub")
    assert Visit.get_by_id(v).quantity == 0


def test_visits_credited_to_another_manager_or_on_their_records_are_held(any_county):
    from kjtui.models import DayLog, Manager, new_id

    c = any_county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 1), AT)
    c.push("KJ01")
    c.at("hub")
    a_day = Visit.get_by_id(v).day_id
    a_manager = Manager.get(Manager.code == "KJ01").id
    a_customer = county_.customer(L(0, 1, 1)).id
    c.at("KJ02")
    b = county_.visit("KJ02", L(1, 0, 1), AT)
    b_visit = county_.payload_of(Visit, b)
    b_day = county_.payload_of(DayLog, b_visit["day_id"])
    # owned by B, credited to A: it would count in A's score
    county_.forge("KJ02", "visit", {**b_visit, "id": new_id(), "manager_id": a_manager})
    county_.forge("KJ02", "day_log", {**b_day, "id": new_id(), "manager_id": a_manager,
                                      "day": "2026-11-25"})
    # on A's day log; at A's customer
    county_.forge("KJ02", "visit", {**b_visit, "id": new_id(), "day_id": a_day})
    county_.forge("KJ02", "visit", {**b_visit, "id": new_id(), "customer_id": a_customer})
    at_hub, _ = c.push("KJ02")
    assert [h.why.key for h in at_hub.held] == [
        "write.credited", "write.credited", "write.foreign_reference", "write.out_of_scope"]
    c.at("hub")
    assert Visit.select().where(Visit.manager == a_manager).count() == 1  # only A's own
    assert Visit.get_or_none(Visit.id == b) is not None  # B's honest visit arrived
    flows(c, "KJ02")


# --- 5. a correction after a clock jump -----------------------------------------------------------


def test_a_correction_after_the_clock_was_set_right_applies_in_journal_order(any_county,
                                                                             monkeypatch):
    import time as real_time

    from kjtui.models import base, hlc
    from kjtui.services import visits

    decade = 10 * 365 * 86400

    class Ahead:
        @staticmethod
        def time():
            return real_time.time() + decade

    c = any_county
    c.at("KJ01")
    monkeypatch.setattr(base, "time", Ahead)  # ids are UUIDv7: time-ordered
    monkeypatch.setattr(hlc, "wall_ms", lambda: int(Ahead.time() * 1000))
    ids = [county_.visit("KJ01", L(0, 0, i), AT.replace(minute=i)) for i in range(3)]
    for i, v in enumerate(ids):
        county_.ack_paper(v, str(i + 1))
    monkeypatch.undo()  # the clock is set right
    fixed = visits.correct_visit(ids[1], quantity=3, ordered=True).id
    assert fixed < ids[1]  # the correction's id sorts before the visit it supersedes
    county_.ack_paper(fixed, "9")
    at_hub, _ = c.push("KJ01")
    assert at_hub.status == "applied" and at_hub.held == []
    c.at("hub")
    assert Visit.get_by_id(fixed).supersedes_id == ids[1]
    flows(c, "KJ01")


# --- the conflict lifecycle: held, shown per station, decided, the decision travels back ---------


def run(kjtui_cmd, *args, lang="en", stdin=None):
    import subprocess

    out = subprocess.run([*kjtui_cmd, "--lang", lang, *map(str, args)], capture_output=True,
                         text=True, input=stdin)
    return out.returncode, out.stdout, out.stderr


def db_arg(c, who: str) -> str:
    return c.hub if who == "hub" else str(c.stations[who])


def test_a_held_record_is_shown_decided_and_the_decision_travels_back(county, kjtui_cmd):
    from kjtui.models import new_id
    from sync import conflicts, status

    c = county
    c.at("hub")
    a_customer = county_.customer(L(0, 3, 3)).id
    c.at("KJ02")  # B records a visit at a customer of A's (not in its care), and it is signed
    own = county_.visit("KJ02", L(1, 0, 1), AT)
    c.push("KJ02")
    c.at("KJ02")
    v = new_id()
    county_.forge("KJ02", "visit", {**county_.payload_of(Visit, own), "id": v,
                                    "customer_id": a_customer})
    county_.forge("KJ02", "acknowledgement", {**forged_ack(v), "method": "paper",
                                              "handbook_page": "3"})
    at_hub, _ = c.push("KJ02")
    assert [h.why.key for h in at_hub.held] == ["write.out_of_scope", "write.parent_held"]
    # the laptop shows what waits at the county and why
    c.at("KJ02")
    waiting = status.at_county()
    assert [(w.table, w.reason) for w in waiting.waiting] == [
        ("visit", "write.out_of_scope"), ("acknowledgement", "write.parent_held")]
    c.at("hub")
    code, out, err = run(kjtui_cmd, "sync", "status", "--db", db_arg(c, "KJ02"))
    assert code == 0 and "Waiting at the county: 2 record(s)" in out
    assert "not in this manager's care" in out
    code, out, err = run(kjtui_cmd, "hub", "conflicts", "--db", db_arg(c, "hub"))
    assert "Station KJ02: 2 waiting" in out and "customer_id: — → '" in out
    # the administrator accepts the visit: it is written, and the acknowledgement waiting on it
    c.at("hub")
    (item,) = [i for i in conflicts.pending("KJ02") if i["table"] == "visit"]
    conflicts.resolve(item["id"], accept=True, note="临时代班")
    assert Visit.get_or_none(Visit.id == v) is not None
    assert Acknowledgement.get(Acknowledgement.visit == v).owner == "KJ02"
    assert conflicts.pending("KJ02") == []
    # the decision travels back
    c.push("KJ02")
    c.at("KJ02")
    after = status.at_county()
    assert after.waiting == [] and after.accepted == 2
    flows(c, "KJ02")


def test_a_rule_the_county_cannot_waive_is_refused_and_the_record_stays_held(county, kjtui_cmd):
    from kjtui.exception import Refused
    from sync import conflicts, status

    c = county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 2), AT)
    county_.ack_paper(v, "5")
    c.push("KJ01")
    c.at("KJ01")
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, v), "quantity": 4321, "hlc": 0},
                  rev=2)
    c.push("KJ01")
    code, out, err = run(kjtui_cmd, "hub", "conflicts", "--db", db_arg(c, "hub"))
    assert "quantity: 0 → 4321" in out and "cannot waive" in out
    c.at("hub")
    (item,) = conflicts.pending("KJ01")
    with pytest.raises(Refused) as refused:
        conflicts.resolve(item["id"][:8], accept=True)
    assert refused.value.key == "write.signed"
    assert Visit.get_by_id(v).quantity == 0
    from kjtui.services import accounts

    accounts.add("root", "admin", "correct horse")  # a decision names its account
    c.at("KJ01")
    code, out, err = run(kjtui_cmd, "hub", "resolve", "--db", db_arg(c, "hub"), item["id"][:8],
                         "--reject", "--note", "forged", "--account", "root",
                         "--password-stdin", stdin="correct horse\n")
    assert code == 0 and "Rejected" in out
    c.push("KJ01")
    c.at("KJ01")
    county = status.at_county()
    assert county.waiting == [] and [w.note for w in county.rejected] == ["forged"]
    code, out, err = run(kjtui_cmd, "sync", "status", "--db", db_arg(c, "KJ01"))
    assert "Rejected by the county: 1" in out and "forged" in out


async def test_the_notebook_shows_what_waits_at_the_county_and_why(app_for, county):
    """Before: only `kjtui sync status` said what the county held; the notebook showed nothing.
    Home shows what waits and why in the manager's words, then what the county rejected."""
    from pilot_wait import until

    from kjtui import i18n
    from kjtui.models import close, new_id
    from sync import conflicts

    c = county
    c.at("hub")
    a_customer = county_.customer(L(0, 3, 3)).id
    c.at("KJ02")
    own = county_.visit("KJ02", L(1, 0, 1), AT)
    c.push("KJ02")
    c.at("KJ02")
    v = new_id()
    county_.forge("KJ02", "visit", {**county_.payload_of(Visit, own), "id": v,
                                    "customer_id": a_customer})
    county_.forge("KJ02", "acknowledgement", {**forged_ack(v), "method": "paper",
                                              "handbook_page": "3"})
    c.push("KJ02")
    close()

    async def home(lang: str, size=(80, 24)) -> str:
        app = app_for(c.stations["KJ02"], lang)
        async with app.run_test(size=size) as pilot:
            box = app.screen.query_one("#county-wait")
            await until(pilot, lambda: box.display and str(box.render()), "the county's line")
            text = str(box.render())
            # all of it on screen, above the footer, at the smallest size too
            assert box.region.height >= len(text.splitlines())
            assert box.region.bottom <= size[1] - 1, (box.region, size)
        close()
        return text

    assert await home("zh", (60, 20))
    text = await home("zh")
    assert "在县局等待处理：2 条记录" in text
    assert "这条拜访记录引用的客户不归这位客户经理负责。" in text
    assert "这条客户签名认可记录引用的拜访还在县局等待处理。" in text
    assert not any("a" <= ch.lower() <= "z" for ch in text), text  # no English word
    assert "refers to a customer that is not in this manager's care" in await home("en")
    i18n.set_language("zh")
    # the county rejects the visit (the acknowledgement goes with it); the decision travels back
    c.at("hub")
    (item,) = [i for i in conflicts.pending("KJ02") if i["table"] == "visit"]
    conflicts.resolve(item["id"], accept=False, note="不是本人客户")
    c.push("KJ02")
    close()
    text = await home("zh")
    # ...and the acknowledgement that waited on it can never apply: rejected with it
    assert "县局已拒绝：2 条记录" in text and "不是本人客户" in text
    assert "在县局等待处理：" not in text


# --- 4. re-issuing an enrollment ----------------------------------------------------------------


def test_a_reissued_enrollment_accepts_the_old_laptops_stick_until_it_is_retired(county,
                                                                                 kjtui_cmd):
    from kjtui.models import DayLog, close
    from sync import enroll

    c = county
    c.at("KJ01")  # the old laptop: a week on a stick, never imported
    ids = [county_.visit("KJ01", L(0, 0, i), AT.replace(minute=i)) for i in range(10)]
    for i, v in enumerate(ids):
        county_.ack_paper(v, str(i + 1))
    stick = c.outbox("KJ01")
    assert journal_top(c, "KJ01") == 21  # the day log, ten visits, ten acknowledgements
    close()
    code, out, err = run(kjtui_cmd, "hub", "enroll", "--db", db_arg(c, "hub"), "--manager",
                         "KJ01", "--out", c.folder)
    assert code == 0, err
    assert "Incarnation 1 is replaced by 2 but not revoked" in out
    assert "kjtui hub revoke --manager KJ01 --incarnation 1" in out
    new_laptop = c.folder / "KJ01-new.db"
    c.stations["KJ01-new"] = new_laptop
    c.at("KJ01-new")
    enroll.join((c.folder / "enroll-KJ01-i2.kje").read_bytes())
    county_.visit("KJ01", L(0, 1, 0), AT)  # the new laptop's Monday too: one day log a day
    from kjtui.services import day

    day.phone_in(county_.customer(L(0, 1, 0)).manager_id, AT.date(), "first")
    at_hub, _ = c.push("KJ01-new")
    assert at_hub.status == "applied"
    # the stick of the replaced laptop still applies; its version of the day both laptops
    # opened (one record: its id is the manager's and the day's) is older than the county's,
    # with other values: held, the visits on it applied
    c.at("hub")
    from sync import importer

    r = importer.import_bytes(stick)
    assert r.status == "applied" and r.changes == 20
    assert [(h.rec.table, h.why.key) for h in r.held] == [("day_log", "write.stale")]
    assert Visit.select().where(Visit.owner == "KJ01").count() == 11
    # retired: refused; taken back: accepted again
    code, out, err = run(kjtui_cmd, "hub", "revoke", "--db", db_arg(c, "hub"), "--manager",
                         "KJ01", "--incarnation", "1")
    assert code == 0 and "incarnation 1" in out
    (c.folder / "stick.kjb").write_bytes(stick)
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", db_arg(c, "hub"),
                         c.folder / "stick.kjb")
    assert code != 0 and "revoked" in err
    code, out, err = run(kjtui_cmd, "hub", "unrevoke", "--db", db_arg(c, "hub"), "--manager",
                         "KJ01")
    assert code == 0 and "incarnation 1" in out
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", db_arg(c, "hub"),
                         c.folder / "stick.kjb")
    assert code == 0 and "already imported" in out
    c.at("hub")
    assert DayLog.select().where(DayLog.owner == "KJ01").count() == 1


# --- 9. the clock's counter, and a laptop once set to 2036 ----------------------------------------


def test_the_counter_never_wraps_while_the_stamp_is_ahead_of_the_wall_clock(tmp_path):
    from kjtui.models import Setting, connect, hlc, resolve_url

    connect(resolve_url(tmp_path / "n.db"))
    now = hlc.wall_ms()
    ahead = now + 3_600_001  # an odd millisecond an hour ahead: the stored stamp leads the clock
    Setting.create(key=hlc.KEY, value=str(hlc.pack(ahead, 0xFFF0)))
    stamps = [hlc.tick(now) for _ in range(40)]  # past 65,535 events in that millisecond
    assert stamps == sorted(stamps) and len(set(stamps)) == 40
    assert stamps[0] > hlc.pack(ahead, 0xFFF0)
    assert hlc.unpack(stamps[-1])[0] == ahead + 1  # the count carried into the milliseconds


def test_a_laptop_once_set_to_2036_recovers_at_its_next_sync(county, monkeypatch):
    from kjtui.models import Setting, hlc

    c = county
    real = hlc.wall_ms
    decade = 10 * 365 * 86400 * 1000
    laptop = {"off": decade}  # the laptop says 2036; the hub's clock is right

    def wall() -> int:
        return real() + (laptop["off"] if c.bound == "KJ01" else 0)

    monkeypatch.setattr(hlc, "wall_ms", wall)
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 0, 1), AT)
    county_.ack_paper(v, "1")
    c.push("KJ01")
    c.at("hub")
    assert SyncPeer.get(SyncPeer.node == "KJ01").skew_flagged
    laptop["off"] = 0  # the clock is set right; its stored stamps are still 2036
    c.at("KJ01")
    county_.visit("KJ01", L(0, 0, 2), AT.replace(hour=10))
    assert hlc.unpack(int(Setting.get_by_id(hlc.KEY).value))[0] > real() + decade // 2
    c.push("KJ01")  # the hub's answer: the county's clock; the laptop starts again from it
    c.at("KJ01")
    assert abs(hlc.unpack(int(Setting.get_by_id(hlc.KEY).value))[0] - real()) < 60_000
    late = county_.visit("KJ01", L(0, 0, 3), AT.replace(hour=11))
    assert hlc.unpack(Visit.get_by_id(late).hlc)[0] < real() + 60_000
    at_hub, back = c.push("KJ01")
    assert at_hub.status == "applied" and not at_hub.skew_flagged and not back.skew_flagged
    c.at("hub")
    peer = SyncPeer.get(SyncPeer.node == "KJ01")
    assert not peer.skew_flagged and peer.their_clock < hlc.pack(real() + 60_000)
    assert acked(c, "KJ01") == journal_top(c, "KJ01")


# --- 10. smaller: a replayed bundle, the clock blamed ---------------------------------------------


def test_a_bundle_imported_again_is_skipped_answered_and_exits_zero(county, kjtui_cmd):
    """README: a bundle imported again is skipped and answered again (exit 0): the laptop may
    have lost the first answer. A damaged one exits 2."""
    c = county
    sent = c.folder / "KJ01-to-hub.kjb"
    sent.write_bytes(c.outbox("KJ01"))
    out = c.folder / "replies"
    out.mkdir()
    first = run(kjtui_cmd, "sync", "import", "--db", db_arg(c, "hub"), sent, "--reply", out)
    again = run(kjtui_cmd, "sync", "import", "--db", db_arg(c, "hub"), sent, "--reply", out)
    assert first[0] == 0 and again[0] == 0, again
    assert "already imported, skipped" in again[1] and "Return bundle" in again[1]
    assert list(out.iterdir())
    sent.write_bytes(sent.read_bytes()[:-5])
    code, _, err = run(kjtui_cmd, "sync", "import", "--db", db_arg(c, "hub"), sent)
    assert code == 2 and "nothing was changed" in err


def test_a_skewed_laptop_is_told_its_own_clock_is_off(county, monkeypatch, capsys):
    import argparse

    from kjtui import i18n
    from kjtui.commands import sync as sync_cmd
    from kjtui.models import hlc

    c = county
    real = hlc.wall_ms
    monkeypatch.setattr(hlc, "wall_ms",
                        lambda: real() + (400 * 86400000 if c.bound == "KJ01" else 0))
    at_hub, _ = c.push("KJ01")
    assert at_hub.skew_flagged
    reply = c.folder / "reply.kjb"
    c.at("hub")
    from sync import exporter

    reply.write_bytes(exporter.return_bundle(SyncPeer.get(SyncPeer.node == "KJ01"))[1])
    i18n.set_language("en")
    c.at("KJ01")
    capsys.readouterr()
    sync_cmd.run_import(argparse.Namespace(db=str(c.stations["KJ01"]), paths=[str(reply)],
                                           reply=None))
    out = capsys.readouterr().out
    assert "Note: this laptop's clock is 400 days off the county's" in out
    assert "clock of hub" not in out

