"""Who is at the county office's keyboard (issue 11, section 1): accounts at the hub only,
Argon2id, a lockout that doubles, no default password; `hub resolve` names its account; a
station never grants county rights and its bundle cannot carry a county decision."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta

import pytest
import sync_stations as county_

from kjtui.exception import Refused
from kjtui.models import Account, Decision, HeldRecord, Manager, Supervisor, WeeklyReview, new_id
from kjtui.services import accounts

T = datetime(2026, 12, 1, 9, 0, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return county_.build(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(template, tmp_path):
    return county_.copy(template, tmp_path / "c")


def refused(fn, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_passwords_are_argon2id_and_never_default(db):
    assert not accounts.required()  # a demo nobody made a hub asks nothing
    Supervisor.create(code="S01", name="刘主任", title="director")
    a = accounts.add("liu", "supervisor", "correct horse", "S01", now=T)
    assert (a.role, a.supervisor, a.supervisor_name) == ("supervisor", "S01", "刘主任")
    stored = Account.get_by_id("liu").password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.required()
    assert refused(accounts.add, "x", "admin", "short").key == "account.short_password"
    assert refused(accounts.add, "y", "supervisor", "long enough").key == "account.needs_supervisor"
    assert refused(accounts.add, "z", "supervisor", "long enough", "S09").key == \
        "account.unknown_supervisor"
    assert refused(accounts.add, "liu", "admin", "long enough").key == "account.exists"
    assert accounts.sign_in("liu", "correct horse", now=T).name == "liu"


def test_wrong_passwords_lock_the_account_and_the_wait_doubles(db):
    accounts.add("root", "admin", "correct horse", now=T)
    assert refused(accounts.sign_in, "root", "nope", now=T).key == "account.wrong"
    assert refused(accounts.sign_in, "nobody", "nope", now=T).key == "account.wrong"  # same words
    assert refused(accounts.sign_in, "root", "nope", now=T).key == "account.wrong"
    third = refused(accounts.sign_in, "root", "nope", now=T)
    assert (third.key, third.params["s"]) == ("account.now_locked", 30)
    # Locked: even the right password waits, and a guess meanwhile is not counted.
    locked = refused(accounts.sign_in, "root", "correct horse", now=T + timedelta(seconds=10))
    assert (locked.key, locked.params["s"]) == ("account.locked", 20)
    again = refused(accounts.sign_in, "root", "nope", now=T + timedelta(seconds=31))
    assert (again.key, again.params["s"]) == ("account.now_locked", 60)
    assert accounts.lock_seconds(20) == accounts.LOCK_MAX_S
    a = accounts.sign_in("root", "correct horse", now=T + timedelta(seconds=92))
    assert a.locked_until is None and Account.get_by_id("root").failures == 0


def test_a_disabled_account_says_so_and_passwd_lifts_a_lockout(db):
    accounts.add("root", "admin", "correct horse", now=T)
    for _ in range(3):
        refused(accounts.sign_in, "root", "nope", now=T)
    accounts.passwd("root", "battery staple", now=T)
    assert accounts.sign_in("root", "battery staple", now=T).name == "root"
    accounts.disable("root")
    assert refused(accounts.sign_in, "root", "battery staple", now=T).key == "account.disabled"
    assert refused(accounts.acting, "root").key == "account.disabled"


def test_a_station_never_grants_county_rights(county):
    county.at("KJ01")
    assert not accounts.required()
    assert refused(accounts.add, "me", "admin", "correct horse").key == "account.station"
    assert refused(accounts.sign_in, "me", "correct horse").key == "account.station"


def test_a_county_decision_written_at_a_station_is_held_at_the_hub(county):
    """A forged WeeklyReview in a station's bundle: the hub keeps it out, held with its reason,
    and the rest of the bundle applies."""
    county.at("hub")
    sup = Supervisor.get(Supervisor.code == "S01").id
    m = Manager.get(Manager.code == "KJ01").id
    county.at("KJ01")
    rid = new_id()
    county_.forge("KJ01", "weekly_review", {
        "id": rid, "manager_id": m, "week": "2026-11-23", "supervisor_id": sup,
        "state": "reviewed", "comment": "自己批的", "at": "2026-11-30T09:00:00",
        "supersedes_id": None, "score": 100})
    v = county_.visit("KJ01", county_.licence(0, 0, 1), datetime(2026, 11, 23, 9, 0))
    county.push("KJ01")
    county.at("hub")
    assert WeeklyReview.get_or_none(WeeklyReview.id == rid) is None
    (h,) = HeldRecord.select().where(HeldRecord.record_id == rid)
    assert (h.reason, h.station, h.state) == ("write.hub_owned", "KJ01", "held")
    from kjtui.models import Visit

    assert Visit.get_or_none(Visit.id == v) is not None


def run(kjtui_cmd, *args, stdin: str = ""):
    out = subprocess.run([*kjtui_cmd, "--lang", "en", *map(str, args)], capture_output=True,
                         text=True, input=stdin)
    return out.returncode, out.stdout, out.stderr


def test_the_command_line_makes_lists_disables_and_hub_resolve_names_its_account(
        county, kjtui_cmd):
    hub = county.hub
    code, out, err = run(kjtui_cmd, "account", "add", "root", "--role", "admin",
                         "--password-stdin", "--db", hub, stdin="correct horse\n")
    assert code == 0, err
    code, out, err = run(kjtui_cmd, "account", "add", "liu", "--role", "supervisor",
                         "--supervisor", "S01", "--password-stdin", "--db", hub,
                         stdin="battery staple\n")
    assert code == 0 and "supervisor S01" in out, err
    code, out, err = run(kjtui_cmd, "account", "list", "--db", hub)
    assert "root  administrator" in out and "liu  supervisor S01" in out
    # A held record to decide: a visit at a customer outside the manager's care.
    county.at("KJ01")
    county_.visit("KJ01", county_.licence(0, 0, 1), datetime(2026, 11, 23, 9, 0))
    county.at("KJ01")
    from kjtui.models import Visit

    v = Visit.select().first()
    county.at("hub")
    other = county_.customer(county_.licence(1, 0, 1))  # KJ02's
    county.at("KJ01")
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, v.id), "id": new_id(),
                                    "customer_id": other.id})
    county.push("KJ01")
    county.at("hub")
    (h,) = HeldRecord.select().where(HeldRecord.state == "held")
    county.at("KJ02")  # nothing bound to the hub while the command runs
    code, out, err = run(kjtui_cmd, "hub", "resolve", h.id[:8], "--reject", "--db", hub)
    assert code == 2 and "--account" in err  # no decision without an account
    code, out, err = run(kjtui_cmd, "hub", "resolve", h.id[:8], "--reject", "--account", "liu",
                         "--password-stdin", "--db", hub, stdin="battery staple\n")
    assert code == 2 and "not an administrator" in err
    code, out, err = run(kjtui_cmd, "hub", "resolve", h.id[:8], "--reject", "--account", "root",
                         "--password-stdin", "--db", hub, stdin="wrong one\n")
    assert code == 2 and "Wrong account or password" in err
    code, out, err = run(kjtui_cmd, "hub", "resolve", h.id[:8], "--reject", "--note", "外来",
                         "--account", "root", "--password-stdin", "--db", hub,
                         stdin="correct horse\n")
    assert code == 0, err
    county.at("hub")
    (d,) = Decision.select()
    assert (d.account, d.kind, d.record_id, d.action, d.note) == ("root", "held", h.id,
                                                                 "reject", "外来")
    assert HeldRecord.get_by_id(h.id).state == "rejected"
    code, out, err = run(kjtui_cmd, "account", "disable", "root", "--db", hub)
    assert code == 0
    county.at("hub")
    assert Account.get_by_id("root").disabled
