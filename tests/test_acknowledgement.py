"""The customer's acknowledgement (docs/ACKNOWLEDGEMENT.md) on real SQLite files: six-digit PINs
of which the laptop keeps a 6-bit check only, wrong tries per customer and day, a paper page that
is a page, resets that are the county's decision, and the hub's check of every PIN proof — which
a manager holding the laptop's database cannot pass without the customer's PIN."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import notebook_county
import pin_support
import pytest
import sync_support as sup

from kjtui.exception import Refused
from kjtui.models import (
    Acknowledgement,
    AckVerdict,
    Customer,
    CustomerPin,
    JournalEntry,
    Manager,
    PinResetRequest,
    PinVerifier,
    Visit,
    journal,
    new_id,
    pins,
)
from kjtui.services import acknowledgement, pin_state, spotcheck, visits


def _visit_again(*args, **kwargs):
    """A visit, the same customer again the same day answered yes (these tests are about PINs)."""
    from kjtui.services import visit_checks, visits

    return visits.record_visit(*args, confirmed=visit_checks.VISIT_QUESTIONS, **kwargs)


@pytest.fixture
def county(db):
    return notebook_county.build()


def refused(key, fn, *args, **kwargs):
    with pytest.raises(Refused) as err:
        fn(*args, **kwargs)
    assert err.value.key == key, err.value.key
    return err.value


def counts():
    return (Acknowledgement.select().count(), CustomerPin.select().count(),
            PinResetRequest.select().count(), JournalEntry.select().count())


# --- the crypto both ends share -----------------------------------------------------------------


def test_a_six_bit_check_leaves_one_pin_in_sixty_four(monkeypatch):
    """What the laptop keeps catches a typing mistake 63 times in 64 and leaves 1 in 64 of all
    PINs as candidates: 15,625 of the 10**6. Counted on 12,800 PINs with one salt (a cheap
    scrypt here: the count does not depend on the cost)."""
    monkeypatch.setattr(pins, "SCRYPT_N", 2**4)
    salt = bytes(range(16))
    right = pins.check_of(pins.derive_key("271828", salt))
    passing = sum(pins.check_of(pins.derive_key(f"{n:06d}", salt)) == right
                  for n in range(12_800))
    assert 12_800 / 64 * 0.75 < passing < 12_800 / 64 * 1.25
    assert pins.CHECK_BITS == 6 and 10**6 // 2**pins.CHECK_BITS == 15_625


def test_pins_are_exactly_six_digits():
    assert pins.valid_pin("012345")
    for bad in ("", "12345", "1234567", "12345a", "１２３４５６", " 123456"):
        assert not pins.valid_pin(bad), bad


# --- on the laptop ------------------------------------------------------------------------------


def test_the_laptop_keeps_a_salt_and_six_bits_never_a_verifier(county):
    """Before: a salted scrypt hash of a 4-digit PIN, ten thousand tries from the PIN."""
    m, d, c = county.manager.id, county.today, county.customers[0]
    v = _visit_again(m, d, c.id)
    refused("pin.format", acknowledgement.acknowledge, v.id, pin="2468", new_pin="2468")
    acknowledgement.acknowledge(v.id, pin="246813", new_pin="246813")
    row = CustomerPin.get()
    assert row.pin_hash == "" and 0 <= row.check_bits < 64 and len(row.salt) == 32
    ack = Acknowledgement.get()
    assert ack.pin_id == row.id and ack.handbook_page == ""


def test_wrong_tries_count_per_customer_and_day_not_per_visit(county, monkeypatch):
    """Before: five wrong tries locked one visit; a new `v` on the same customer started again."""
    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, pin="246813",
                                new_pin="246813")
    wrong = pin_support.refused_pins(c.id, 5)
    v = _visit_again(m, d, c.id)
    for pin, left in zip(wrong[:3], (4, 3, 2)):
        assert refused("ack.wrong_pin", acknowledgement.acknowledge, v.id, pin=pin).params == {
            "left": left}
    again = _visit_again(m, d, c.id)  # a new visit of the same customer, same day
    assert again.pin_state == pin_state.ACTIVE
    refused("ack.wrong_pin", acknowledgement.acknowledge, again.id, pin=wrong[3])
    refused("ack.pin_locked", acknowledgement.acknowledge, again.id, pin=wrong[4])
    third = _visit_again(m, d, c.id)
    assert third.pin_state == pin_state.LOCKED
    before = counts()
    refused("ack.pin_locked", acknowledgement.acknowledge, third.id, pin="246813")
    assert counts() == before
    # another customer is not locked, and tomorrow this one is not either
    other = _visit_again(m, d, county.customers[1].id)
    assert other.pin_state == pin_state.NONE
    tomorrow = datetime.now() + timedelta(days=1)
    monkeypatch.setattr(pin_state, "now", lambda: tomorrow)
    assert acknowledgement.pin_tries_left(c.id) == 5
    assert acknowledgement.acknowledge(third.id, pin="246813").ack_method == "pin"


def test_a_locked_pin_never_becomes_a_page(county):
    """Before: after five wrong tries the PIN box became the page box, and the customer's
    retyped PIN was saved as the page in clear (`手册p9999`), any text too (`手册pabc`)."""
    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, pin="246813",
                                new_pin="246813")
    v = _visit_again(m, d, c.id)
    for pin in pin_support.refused_pins(c.id, 5):
        with pytest.raises(Refused):
            acknowledgement.acknowledge(v.id, pin=pin)
    before = counts()
    for page in ("999999", "9999", "abc", "p9", "0", "201", "12a", "-3", "1 2"):
        refused("ack.bad_page", acknowledgement.acknowledge, v.id, "paper", handbook_page=page)
    refused("ack.need_page", acknowledgement.acknowledge, v.id, "paper", handbook_page=" ")
    # a PIN acknowledgement never stores a page, whatever is passed
    refused("ack.pin_locked", acknowledgement.acknowledge, v.id, pin="246813",
            handbook_page="17")
    assert counts() == before
    line = acknowledgement.acknowledge(v.id, "paper", handbook_page=" 017 ")
    assert (line.ack_method, line.ack_page) == ("paper", "17")


def test_declined_keeps_its_reason_and_an_optional_page(county):
    m, d = county.manager.id, county.today
    a = _visit_again(m, d, county.customers[1].id)
    b = _visit_again(m, d, county.customers[2].id)
    refused("ack.need_reason", acknowledgement.acknowledge, a.id, "declined", handbook_page="12")
    refused("ack.bad_page", acknowledgement.acknowledge, a.id, "declined", reason="忙",
            handbook_page="abc")
    assert acknowledgement.acknowledge(a.id, "declined", reason="忙").ack_page == ""
    line = acknowledgement.acknowledge(b.id, "declined", reason="嫌麻烦", handbook_page="12")
    assert (line.ack_method, line.ack_reason, line.ack_page) == ("declined", "嫌麻烦", "12")


def test_a_pin_reset_is_the_countys_decision(county):
    """Before: five wrong tries, any page, `k`, a new PIN twice: the manager owned the PIN. Now
    the laptop only asks; until the county answers the customer signs on paper."""
    m, d, c = county.manager.id, county.today, county.customers[0]
    first = _visit_again(m, d, c.id)
    refused("pin.nothing_to_reset", acknowledgement.request_pin_reset, first.id)
    acknowledgement.acknowledge(first.id, pin="246813", new_pin="246813")
    refused("pin.reset_needs_county", acknowledgement.set_new_pin, first.id, "135790", "135790")
    v = _visit_again(m, d, c.id)
    acknowledgement.acknowledge(v.id, "paper", handbook_page="9")  # the old way's signature
    refused("pin.reset_needs_county", acknowledgement.set_new_pin, v.id, "135790", "135790")

    assert acknowledgement.request_pin_reset(v.id).pin_state == pin_state.RESET_PENDING
    refused("pin.reset_pending", acknowledgement.request_pin_reset, v.id)
    w = _visit_again(m, d, c.id)
    before = counts()
    refused("ack.pin_reset_pending", acknowledgement.acknowledge, w.id, pin="246813")
    refused("pin.reset_pending", acknowledgement.set_new_pin, w.id, "135790", "135790")
    assert counts() == before

    # the county phones the licence holder and approves (this database plays the hub too)
    (pending,) = acknowledgement.pending_pin_resets()
    assert (pending.shop_name, pending.station) == (c.shop_name, "KJ07")
    refused("pin.no_such_reset", acknowledgement.decide_pin_reset, "abc", True)
    acknowledgement.decide_pin_reset(pending.id[:8], True)
    assert acknowledgement.pending_pin_resets() == []
    assert visits.get_visit(w.id).pin_state == pin_state.RESET_APPROVED
    refused("pin.mismatch", acknowledgement.set_new_pin, w.id, "135790", "135791")
    assert acknowledgement.set_new_pin(w.id, "135790", "135790").pin_state == pin_state.ACTIVE
    assert pin_state.current_pin(c.id).reset_id == pending.id
    (wrong,) = pin_support.refused_pins(c.id, 1)
    refused("ack.wrong_pin", acknowledgement.acknowledge, w.id, pin=wrong)
    assert acknowledgement.acknowledge(w.id, pin="135790").ack_method == "pin"
    assert PinVerifier.get(PinVerifier.pin == pin_state.current_pin(c.id).id).refusal is None


def test_a_refused_reset_leaves_the_pin_standing(county):
    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, pin="246813",
                                new_pin="246813")
    v = _visit_again(m, d, c.id)
    acknowledgement.request_pin_reset(v.id)
    (pending,) = acknowledgement.pending_pin_resets()
    acknowledgement.decide_pin_reset(pending.id, False)
    assert visits.get_visit(v.id).pin_state == pin_state.ACTIVE
    assert acknowledgement.acknowledge(v.id, pin="246813").ack_method == "pin"


def test_a_station_cannot_decide_a_reset(county):
    from kjtui.services import settings

    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, "paper", handbook_page="1")
    settings.put("node_id", "KJ07")
    refused("pin.reset_at_county", acknowledgement.decide_pin_reset, "abcd", True)


def test_paper_weighs_more_in_the_spot_check_sample(county, monkeypatch):
    monkeypatch.setattr(pins, "SCRYPT_N", 2**8)  # a wrong PIN that passes is searched for below
    m, d = county.manager.id, county.today
    c = county.customers
    pin1 = _visit_again(m, d, c[0].id)
    acknowledgement.acknowledge(pin1.id, pin="246813", new_pin="246813")
    pin2 = _visit_again(m, d, c[0].id)
    acknowledgement.acknowledge(pin2.id, pin="246813")
    paper = _visit_again(m, d, c[1].id)
    acknowledgement.acknowledge(paper.id, "paper", handbook_page="4")
    declined = _visit_again(m, d, c[2].id)
    acknowledgement.acknowledge(declined.id, "declined", reason="忙")
    open_ = _visit_again(m, d, c[3].id)
    # a wrong PIN the laptop's check lets through (1 in 64): the hub's check fails it
    (lucky,) = pin_support.passing_pins(c[0].id, 1, "246813")
    failed = _visit_again(m, d, c[0].id)
    acknowledgement.acknowledge(failed.id, pin=lucky)
    p = spotcheck.spot_check_priority
    assert AckVerdict.get(AckVerdict.visit == failed.id).reason == "ackcheck.mismatch"
    assert p(failed.id) == spotcheck.FAILED_FIRST
    assert p(paper.id) == spotcheck.PAPER_WEIGHT > p(declined.id) == p(open_.id)
    assert p(pin1.id) == spotcheck.NEW_PIN_WEIGHT  # the PIN was set at this visit
    assert p(pin2.id) == spotcheck.PIN_WEIGHT < p(paper.id)
    assert sorted([failed.id, paper.id, pin2.id], key=p, reverse=True) == [
        failed.id, paper.id, pin2.id]


def test_a_laptop_not_enrolled_takes_no_pin(county):
    from kjtui.services import settings

    settings.put("node_id", "KJ07")
    v = _visit_again(county.manager.id, county.today, county.customers[0].id)
    refused("ack.no_hub_key", acknowledgement.acknowledge, v.id, pin="246813", new_pin="246813")
    assert acknowledgement.acknowledge(v.id, "paper", handbook_page="5").signed


# --- the hub's check, and what a manager with the laptop can do --------------------------------


@pytest.fixture
def pair(tmp_path, monkeypatch):
    # The attack below enumerates PINs; a cheap scrypt keeps it quick (both ends use the same).
    monkeypatch.setattr(pins, "SCRYPT_N", 2**8)
    return sup.build(tmp_path / "pair")


def _visit(customer_id: str, minute: int):
    m = Manager.get(Manager.code == "KJ01")
    at = datetime.combine(sup.MONDAY, datetime.min.time()).replace(hour=9, minute=minute)
    return _visit_again(m.id, sup.MONDAY, customer_id, arrived_at=at, departed_at=at)


def _hub_verdicts(pair) -> dict[str, str]:
    from sync import importer

    data = sup.export_station(pair).read_bytes()
    sup.use(pair.hub)
    result = importer.import_bytes(data)
    assert result.status == "applied"  # a failed proof never stops the bundle
    return {v.visit_id: ("passed" if v.passed else v.reason) for v in AckVerdict.select()}


def test_a_manager_with_the_laptop_cannot_forge_what_the_hub_accepts(pair):
    sup.use(pair.station)
    customers = list(Customer.select().order_by(Customer.licence_no))
    c, cousin = customers[0].id, customers[1].id
    right = "271828"
    genuine = _visit(c, 0)
    acknowledgement.acknowledge(genuine.id, pin=right, new_pin=right)
    genuine2 = _visit(c, 1)
    acknowledgement.acknowledge(genuine2.id, pin=right)
    cousin_visit = _visit(cousin, 2)  # a customer whose PIN the manager knows
    acknowledgement.acknowledge(cousin_visit.id, pin="111111", new_pin="111111")

    # 1. Every candidate the laptop's check leaves passes on the laptop, so the manager can
    #    record with each: the laptop cannot tell them from the customer's PIN.
    forged = {}
    for i, pin in enumerate(pin_support.passing_pins(c, 12, right)):
        v = _visit(c, 3 + i)
        assert acknowledgement.acknowledge(v.id, pin=pin).ack_method == "pin"
        forged[v.id] = "ackcheck.mismatch"
    # 2. A genuine proof copied onto another visit.
    v = _visit(c, 20)
    proof = Acknowledgement.get(Acknowledgement.visit == genuine.id)
    journal.create(Acknowledgement, visit=v.id, method="pin", pin=proof.pin_id,
                   proof=proof.proof, at=v.arrived_at)
    forged[v.id] = "ackcheck.mismatch"
    # 3. A new PIN of the manager's own over the customer's, without the county.
    hub_key = acknowledgement._hub_key()
    acknowledgement._store_pin(c, "000000", "KJ01", hub_key, None)
    v = _visit(c, 21)
    acknowledgement.acknowledge(v.id, pin="000000")
    forged[v.id] = "ackcheck.pin_not_authorised"
    # 4. The cousin's PIN on this customer's visit.
    v = _visit(c, 22)
    cousin_pin = pin_state.current_pin(cousin)
    key = pins.derive_key("111111", bytes.fromhex(cousin_pin.salt))
    ack_id = new_id()
    payload = {"id": ack_id, "visit_id": v.id, "pin_id": cousin_pin.id, "method": "pin"}
    journal.create(Acknowledgement, id=ack_id, visit=v.id, method="pin", pin=cousin_pin.id,
                   proof=pins.make_proof(pins.ProofChain(hub_key), key, payload,
                                         journal.to_payload(Visit.get_by_id(v.id)))[0],
                   at=v.arrived_at)
    forged[v.id] = "ackcheck.other_customer"
    # 5. A visit the customer acknowledged, its order raised afterwards in the database.
    tampered = Visit.get_by_id(genuine2.id)
    Visit.update(quantity=40, ordered=True, rev=Visit.rev + 1).where(
        Visit.id == tampered.id).execute()
    journal._journal(Visit.get_by_id(tampered.id))
    # (the hub holds that change to a signed visit: kjtui.models.rules; its proof still holds)

    # Nothing on the laptop is the key to the PIN or to the proofs.
    secret = base64.b64encode(pins.derive_key(right, bytes.fromhex(
        CustomerPin.get(CustomerPin.customer == c).salt)))
    sup.close()
    station_bytes = pair.station.read_bytes() + (
        pair.station.with_name(pair.station.name + "-wal").read_bytes()
        if pair.station.with_name(pair.station.name + "-wal").exists() else b"")
    sup.use(pair.hub)
    from sync import node

    hub_kem = node.keys()["kem"]
    assert hub_kem.encode() not in station_bytes and secret not in station_bytes

    verdicts = _hub_verdicts(pair)
    assert verdicts[genuine.id] == "passed" and verdicts[cousin_visit.id] == "passed"
    assert verdicts[genuine2.id] == "passed"
    assert Visit.get_by_id(genuine2.id).quantity != 40  # the raised order was held, not applied
    for visit_id, reason in forged.items():
        assert verdicts[visit_id] == reason, visit_id
    # every visit arrived; each failed one comes first in the spot-check sample
    assert Visit.select().where(Visit.id.in_(list(forged))).count() == len(forged)
    assert {spotcheck.spot_check_priority(v) for v in forged} == {spotcheck.FAILED_FIRST}
    assert spotcheck.spot_check_priority(genuine.id) < spotcheck.FAILED_FIRST
    sup.close()


def test_the_hub_flags_a_proof_that_fails_and_a_reset_it_approved_passes(pair):
    sup.use(pair.station)
    c = Customer.select().order_by(Customer.licence_no).first().id
    acknowledgement.acknowledge(_visit(c, 0).id, pin="271828", new_pin="271828")
    (lucky,) = pin_support.passing_pins(c, 1, "271828")
    wrong = _visit(c, 1)
    acknowledgement.acknowledge(wrong.id, pin=lucky)
    asked = _visit(c, 2)
    acknowledgement.request_pin_reset(asked.id)
    verdicts = _hub_verdicts(pair)
    assert verdicts[wrong.id] == "ackcheck.mismatch"

    # the county approves; the decision travels back; the customer sets a new PIN
    from sync import exporter, importer, node

    (pending,) = acknowledgement.pending_pin_resets()
    acknowledgement.decide_pin_reset(pending.id, True)
    _, reply = exporter.return_bundle(node.stations("KJ01")[0])
    sup.use(pair.station)
    importer.import_bytes(reply)
    assert visits.get_visit(asked.id).pin_state == pin_state.RESET_APPROVED
    after = _visit(c, 3)
    acknowledgement.acknowledge(after.id, pin="314159", new_pin="314159")
    verdicts = _hub_verdicts(pair)
    assert verdicts[after.id] == "passed"
    sup.close()


def _station_file_bytes(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_proofs_form_a_chain_whose_keys_never_reach_the_laptops_file(pair):
    """A proof sealed on its own cost 48 random bytes an acknowledgement (121 bytes a visit in a
    week's bundle, over the budget of 100). A chain seals its key once; each later proof is a
    16-byte tag. The hub checks each link; nothing on the laptop tests a guess against one."""
    from kjtui.models import HeldRecord, database
    from sync import acknowledgements, node

    sup.use(pair.station)
    acknowledgement._chains.clear()  # a new run of the program
    customers = [c.id for c in Customer.select().order_by(Customer.licence_no)]
    honest = []
    for i, c in enumerate(customers[:3]):
        v = _visit(c, i)
        acknowledgement.acknowledge(v.id, pin="271828", new_pin="271828")
        honest.append(v.id)
    proofs = [Acknowledgement.get(Acknowledgement.visit == v).proof for v in honest]
    head = Acknowledgement.get(Acknowledgement.visit == honest[0]).id
    assert proofs[0].startswith("0:") and len(proofs[0]) == 130
    assert [p.rsplit(":", 1)[0] for p in proofs[1:]] == [f"{head}:1", f"{head}:2"]
    assert all(len(p) <= 59 for p in proofs[1:])

    # An acknowledgement rolled back with the transaction around it: the chain it would have
    # started is not gone on with, the next proof starts its own.
    acknowledgement._chains.clear()
    lost = _visit(customers[3], 10)
    with database.atomic() as tx:
        acknowledgement.acknowledge(lost.id, pin="271828", new_pin="271828")
        tx.rollback()
    after = _visit(customers[3], 11)
    acknowledgement.acknowledge(after.id, pin="271828", new_pin="271828")
    honest.append(after.id)
    assert Acknowledgement.get(Acknowledgement.visit == after.id).proof.startswith("0:")
    link = _visit(customers[3], 12)
    acknowledgement.acknowledge(link.id, pin="271828")
    honest.append(link.id)

    # A laptop on the release before sealed each proof on its own: still checked.
    hub_key = acknowledgement._hub_key()
    v = _visit(customers[0], 13)
    row = pin_state.current_pin(customers[0])
    key = pins.derive_key("271828", bytes.fromhex(row.salt))
    ack_id = new_id()
    payload = {"id": ack_id, "visit_id": v.id, "pin_id": row.id, "method": "pin"}
    journal.create(Acknowledgement, id=ack_id, visit=v.id, method="pin", pin=row.id,
                   proof=pins.make_sealed_proof(hub_key, key, payload, journal.to_payload(
                       Visit.get_by_id(v.id))), at=v.arrived_at)
    honest.append(v.id)

    forged = {}
    # A link copied onto another visit, a link naming an index or a first proof it is not.
    for n, proof in enumerate((proofs[1], f"{head}:9:{proofs[1].rsplit(':', 1)[1]}",
                               f"{new_id()}:1:{proofs[1].rsplit(':', 1)[1]}")):
        v = _visit(customers[0], 20 + n)
        journal.create(Acknowledgement, visit=v.id, method="pin", pin=row.id, proof=proof,
                       at=v.arrived_at)
        forged[v.id] = "ackcheck.mismatch"

    sup.close()
    station_bytes = _station_file_bytes(pair.station)
    verdicts = _hub_verdicts(pair)
    for v in honest:
        assert verdicts[v] == "passed", v
    for v, reason in forged.items():
        assert verdicts[v] == reason, v
    # Every key of the chain, opened at the hub, is nowhere in the laptop's file.
    chains = pins.ChainKeys(node.keys()["kem"],
                            lambda head: acknowledgements.head_proof(head, "KJ01"))
    secret_keys = [chains.key(head, i) for i in range(3)]
    assert all(secret_keys)
    for k in secret_keys:
        for form in (k, k.hex().encode(), base64.b64encode(k)):
            assert form not in station_bytes
    # A chain's later proofs are checked even when a rule held its first at the county.
    held_head = Acknowledgement.get_by_id(head)
    HeldRecord.create(owner="hub", rev=1, hlc=1, station="KJ01", incarnation=1, seq=1,
                      table_name="acknowledgement", record_id="f" * 32, record_rev=1,
                      reason="write.sealed", incoming=json.dumps({"proof": held_head.proof}),
                      held_at=datetime.now())
    assert acknowledgements.head_proof("f" * 32, "KJ01") == held_head.proof
    assert acknowledgements.head_proof("f" * 32, "KJ02") is None  # another station's: never
    assert acknowledgements.head_proof(head, "KJ02") is None
    sup.close()


def test_the_county_lists_and_decides_resets_on_the_command_line(county, kjtui_cmd):
    import json
    import subprocess

    from kjtui.models import close

    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, pin="246813",
                                new_pin="246813")
    v = _visit_again(m, d, c.id)
    acknowledgement.request_pin_reset(v.id, note="忘了")
    path = county.manager._meta.database.obj.database
    close()

    def run(*args):
        return subprocess.run([*kjtui_cmd, "--lang", "en", "hub", *args, "--db", path],
                              capture_output=True, text=True, timeout=120)

    listed = run("pin-resets", "--json")
    assert listed.returncode == 0, listed.stderr
    (item,) = json.loads(listed.stdout)
    assert (item["licence_no"], item["owner_name"], item["note"]) == (c.licence_no, "店主1", "忘了")
    wrong = run("pin-reset", "zzzz", "--approve")
    assert wrong.returncode == 2 and "No pending PIN reset" in wrong.stderr
    done = run("pin-reset", item["id"][:8], "--approve", "--note", "电话核实")
    assert done.returncode == 0 and "approved" in done.stdout, done.stderr
    assert run("pin-resets").stdout.strip() == "No pending PIN reset requests."


def test_a_customer_moved_to_another_laptop_brings_the_pin_at_enrollment(county):
    from sync import scope

    m, d, c = county.manager.id, county.today, county.customers[0]
    acknowledgement.acknowledge(_visit_again(m, d, c.id).id, pin="246813",
                                new_pin="246813")
    other = Manager.create(code="KJ08", name="新人", gender="M", birth_date=d,
                           education="college", employment="contract", post=county.manager.post)
    Customer.update(manager=other.id, route=None).where(Customer.id == c.id).execute()
    pin_id = pin_state.current_pin(c.id).id
    assert ("customer_pin", pin_id) in scope.snapshot(other)
