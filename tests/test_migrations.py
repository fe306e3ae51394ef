"""The schema is made only by numbered migrations, and an old notebook upgrades keeping every row."""

import sqlite3

import peewee
import pytest

from kjtui.exception import DatabaseError
from kjtui.models import (
    ALL_MODELS,
    Setting,
    Township,
    close,
    connect,
    database,
    resolve_url,
)
from kjtui.models.db import open_database
from kjtui.models.migrations import available, current_version, latest, upgrade


def test_migrations_are_numbered_without_gaps():
    versions = [m.version for m in available()]
    assert versions == list(range(1, max(versions) + 1))


def _columns(db, model):
    return {c.name for c in db.get_columns(model._meta.table_name)}


def test_migrated_schema_matches_the_models(db):
    for model in ALL_MODELS:
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert _columns(db, model) == fields, model.__name__


def test_upgrade_from_first_migration_keeps_every_row(db_path):
    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=1)
    assert current_version(raw) == 1
    # Data written by a laptop that only ever had schema 1.
    with raw.atomic():
        for i in range(50):
            Township.create(code=f"T{i:02}", name=f"乡镇{i}")
    raw.close()
    close()

    db = connect(resolve_url(db_path))
    assert current_version(db) == latest()
    assert Township.select().count() == 50
    assert Township.get(Township.code == "T07").name == "乡镇7"
    Setting.create(key="lang", value="en")  # the table a later migration added works


def test_a_failing_migration_changes_nothing(db_path, monkeypatch):
    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=1)
    Township.create(code="T1", name="城关镇")
    second = available()[1]

    def broken(self, db):
        db.execute_sql('CREATE TABLE "half_done" (x INTEGER)')
        raise RuntimeError("power cut")

    monkeypatch.setattr(type(second), "apply", broken)
    with pytest.raises(RuntimeError):
        upgrade(raw)
    assert current_version(raw) == 1
    assert "half_done" not in raw.get_tables()
    assert Township.select().count() == 1


def test_database_from_a_newer_kjtui_is_refused_untouched(db_path):
    connect(resolve_url(db_path))
    database.obj.execute_sql(
        "INSERT INTO kjtui_schema (version, name, applied_at) VALUES (?, 'future', 'x')",
        (latest() + 1,),
    )
    close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        connect(resolve_url(db_path))
    assert err.value.key == "db.too_new"
    assert db_path.read_bytes() == before


def test_sqlite_file_of_another_program_is_refused_untouched(db_path):
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        connect(resolve_url(db_path))
    assert err.value.key == "db.not_kjtui"
    assert db_path.read_bytes() == before
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_text_file_is_refused_untouched(db_path):
    db_path.write_text("客户名单\n张三,李四\n", encoding="utf-8")
    with pytest.raises(DatabaseError) as err:
        connect(resolve_url(db_path))
    assert err.value.key == "db.not_kjtui"
    assert db_path.read_text(encoding="utf-8") == "客户名单\n张三,李四\n"


def test_sqlite_pragmas_for_power_cuts(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_constraints_live_in_the_database(db):
    from kjtui.models import Customer

    t = Township.create(code="T1", name="城关镇", is_urban=True)
    Customer.create(licence_no="431322100001", shop_name="便民店", owner_name="王", township=t,
                    area="urban", retail_format="grocery")
    with pytest.raises(peewee.IntegrityError):  # unique licence number
        Customer.create(licence_no="431322100001", shop_name="另一家", owner_name="李",
                        township=t, area="urban", retail_format="grocery")
    with pytest.raises(peewee.IntegrityError):  # check constraint on a choice
        Customer.create(licence_no="431322100002", shop_name="x", owner_name="y", township=t,
                        area="suburb", retail_format="grocery")
    with pytest.raises(peewee.IntegrityError):  # foreign key
        Customer.create(licence_no="431322100003", shop_name="x", owner_name="y",
                        township="0" * 32, area="urban", retail_format="grocery")


def test_same_schema_on_postgresql(pg_url):
    db = connect(pg_url)
    assert current_version(db) == latest()
    for model in ALL_MODELS:
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert _columns(db, model) == fields, model.__name__
    t = Township.create(code="T1", name="城关镇", is_urban=True)
    assert Township.get_by_id(t.id).is_urban is True
    Township.create(code="T2", name="上梅镇", is_urban=False)
    assert Township.select().where(Township.is_urban == False).count() == 1
    # a second connect on an up-to-date hub applies nothing
    close()
    assert upgrade(connect(pg_url)) == []


def test_pins_of_an_old_notebook_are_kept_without_their_hashes(db_path):
    """0007: a PIN row of schema 5 held a scrypt hash of a 4-digit PIN (ten thousand tries from
    the PIN on the laptop). The row stays (customer, when it was set), its hash is erased in the
    table, in the journal entry that would send it again and on disk; the customer chooses a new
    6-digit PIN at the next acknowledgement."""
    import json
    from datetime import datetime

    import notebook_county

    from kjtui.models import CustomerPin, JournalEntry, Visit
    from kjtui.services import acknowledgement, pin_state, visits

    old_hash = "9f" * 32
    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=5)
    county = notebook_county.build()
    c = county.customers[0]
    from kjtui.models import DayLog

    log = DayLog.get()  # yesterday's, written by the small county
    v = Visit.create(day=log, manager=county.manager, customer=c, owner="KJ07",
                     arrived_at=datetime(2026, 1, 5, 9, 0))
    with raw.atomic():
        raw.execute_sql(
            'INSERT INTO customer_pin (id, owner, rev, hlc, deleted, customer_id, salt, pin_hash, '
            "set_at) VALUES (?, 'KJ07', 1, 5, 0, ?, ?, ?, '2026-01-05 09:00:00')",
            ("a" * 32, c.id, "0" * 32, old_hash))
        raw.execute_sql(
            "INSERT INTO acknowledgement (id, owner, rev, hlc, deleted, visit_id, method, "
            "handbook_page, reason, at) VALUES (?, 'KJ07', 1, 6, 0, ?, 'pin', '', '', "
            "'2026-01-05 09:10:00')", ("b" * 32, v.id))
        for seq, (table, rid, payload) in enumerate((
                ("customer_pin", "a" * 32, {"id": "a" * 32, "customer_id": c.id,
                                            "salt": "0" * 32, "pin_hash": old_hash}),
                ("acknowledgement", "b" * 32, {"id": "b" * 32, "visit_id": v.id,
                                               "method": "pin"})), start=1):
            raw.execute_sql("INSERT INTO journal_entry (seq, table_name, record_id, rev, hlc, "
                            "payload) VALUES (?, ?, ?, 1, 5, ?)",
                            (seq, table, rid, json.dumps(payload)))
    raw.close()
    close()

    connect(resolve_url(db_path))
    (row,) = CustomerPin.select()
    assert (row.id, row.customer_id, row.pin_hash, row.check_bits) == ("a" * 32, c.id, "", None)
    pin_entry, ack_entry = (json.loads(e.payload) for e in JournalEntry.select().order_by(
        JournalEntry.seq))
    assert pin_entry["pin_hash"] == "" and pin_entry["verifier"] == ""
    assert "check_bits" in pin_entry and "reset_id" in pin_entry
    assert ack_entry["proof"] == "" and ack_entry["pin_id"] is None
    assert pin_state.state_of(c.id) == pin_state.LEGACY
    new = visits.record_visit(county.manager.id, county.today, c.id)
    assert visits.get_visit(new.id).pin_state == pin_state.LEGACY
    acknowledgement.acknowledge(new.id, pin="246813", new_pin="246813")
    assert pin_state.state_of(c.id) == pin_state.ACTIVE
    assert Visit.select().count() == 2 and CustomerPin.select().count() == 2
    close()
    assert old_hash.encode() not in db_path.read_bytes()


def test_scores_closed_before_the_two_new_parts_say_they_did_not_count_them(db_path):
    """0012: a score of schema 10 keeps its figures; basic work and satisfaction, which it did
    not count, are missing with that reason, never shown as 0."""
    from datetime import date, datetime

    from kjtui.models import Manager, MonthlyScore

    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=10)
    m = Manager.create(code="KJ01", name="经理", gender="M", birth_date=date(1998, 1, 1),
                       education="college", employment="contract")
    with raw.atomic():
        for i, missing in enumerate(("", "review:no_review")):
            raw.execute_sql(
                "INSERT INTO monthly_score (id, owner, rev, hlc, deleted, manager_id, month, "
                "sales, success, maintenance, review, checkin, spot_check, training, total, "
                "rank, computed_at, missing) VALUES (?, 'hub', 1, 1, 0, ?, ?, 90, 80, 0, 0, 100, "
                "50, 70, 77.5, 1, '2026-02-02 09:00:00', ?)",
                (f"{i}" * 32, m.id, date(2026, i + 1, 1), missing))
    raw.close()
    close()

    connect(resolve_url(db_path))
    jan, feb = MonthlyScore.select().order_by(MonthlyScore.month)
    assert (jan.sales, jan.total, jan.computed_at) == (90, 77.5, datetime(2026, 2, 2, 9))
    assert (jan.basic_work, jan.satisfaction) == (0, 0)
    assert jan.missing == "basic_work:not_counted,satisfaction:not_counted"
    assert feb.missing == "review:no_review,basic_work:not_counted,satisfaction:not_counted"
