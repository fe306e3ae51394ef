"""The hub decides most of a bundle's records a block at once (kjtui.models.rule_blocks): for
any bundle, honest or altered, that must decide exactly what checking every rule on every record
decides. A station's real outbox, altered at random (another owner, manager, parent, id, unique
value, a value of the wrong type), is decided both ways at the hub and compared."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
import sync_stations as county_
import sync_support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjtui.models import new_id, rule_blocks
from sync import importer

SENDER = "KJ01"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """The hub, and KJ01's outbox opened there: visits of a week the hub holds already (pushed),
    and a week it has not seen."""
    county = county_.build(tmp_path_factory.mktemp("marks"))
    for code in county_.CODES:
        county.push(code)  # the county's records reach the station
    for k, code in enumerate(county_.CODES):
        county.at(code)
        for stop in range(1, 4):
            county_.visit(code, county_.licence(k, 1, stop), datetime(2026, 11, 16, 8, stop))
        county.push(code)
    county.at(SENDER)
    sync_support.visits(8, date(2026, 11, 23), start=4)
    data = county.outbox(SENDER)
    county.at("hub")
    blocks = importer.open_bundle(data)[0].blocks
    ids: dict[str, list[str]] = {}  # by table: the hub's ids and the bundle's
    for model in importer.MODELS.values():
        ids[model._meta.table_name] = [i for (i,) in model.select(model.id).tuples()]
    for blk in blocks:
        ids[blk.table] += blk.cols["id"]
    yield county, blocks, ids
    county.at("hub")


def decide(blocks, *, marks: bool, monkeypatch):
    """(accepted, held with why, skipped) for the blocks, checked at the hub."""
    recs = importer._records(copy.deepcopy(blocks))
    with monkeypatch.context() as m:
        if not marks:
            m.setattr(rule_blocks, "passing", lambda view, recs: [None] * len(recs))
        ok, result = importer.check_records(recs, SENDER)
    return ([(r.table, r.id, r.seq) for r in ok],
            [(h.rec.table, h.rec.id, h.rec.seq, h.why) for h in result.held], result.skipped)


def test_an_honest_outbox_is_decided_by_its_blocks_and_all_of_it_passes(scene, monkeypatch):
    _, blocks, _ = scene
    from kjtui.models import rules

    recs = importer._records(copy.deepcopy(blocks))
    view = rules.View(SENDER)
    importer._prefetch(view, recs)  # as check_records does
    marked = rule_blocks.passing(view, recs)
    assert len(recs) == 17 and all(m is not None for m in marked)  # a day, 8 visits, 8 signatures
    accepted, held, skipped = decide(blocks, marks=True, monkeypatch=monkeypatch)
    assert (len(accepted), held, skipped) == (len(recs), [], 0)


# Where an alteration lands: the columns rules read most, or any; and what it writes there.
COLUMNS = ("id", "owner", "manager_id", "day_id", "visit_id", "customer_id", "supersedes_id",
           "route_id", "plan_id", "day", "rev")
SPECIAL = (None, "KJ02", "hub", 0, True, "x" * 300, "2019-13-45", "new id", "the row before",
           "the row before", "the row after")
alteration = st.tuples(
    st.integers(0, 10**6), st.integers(0, 10**6),
    st.one_of(st.sampled_from(COLUMNS), st.integers(0, 10**6)),
    st.one_of(st.sampled_from(SPECIAL), st.integers(0, 10**6)),
)


def alter(blocks, ids, b, row, col, value) -> None:
    blk = blocks[b % len(blocks)]
    names = sorted(c for c in blk.cols if c != "hlc")
    name = col if col in blk.cols and col != "hlc" else names[hash(col) % len(names)]
    column = blk.cols[name]
    row %= len(column)
    field = importer.MODELS[blk.table]._meta.columns[name]
    if value == "new id":
        value = new_id()
    elif value in ("the row before", "the row after"):  # a duplicate id, unique value, parent
        value = column[row - 1] if value == "the row before" else column[(row + 1) % len(column)]
    elif isinstance(value, int) and value not in (0, True):  # an id of the table it points to
        pool = ids[field.rel_model._meta.table_name if field.name != "id" and hasattr(
            field, "rel_model") else blk.table] or [new_id()]
        value = pool[value % len(pool)]
    if name == "id" and not (isinstance(value, str) and len(value) == 32):
        value = new_id()  # a bundle's ids are checked as it is read (sync.bundle): always ids
    column[row] = value


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(alteration, min_size=1, max_size=4))
def test_an_altered_outbox_is_decided_as_record_by_record(scene, monkeypatch, alterations):
    _, blocks, ids = scene
    blocks = copy.deepcopy(blocks)
    for a in alterations:
        alter(blocks, ids, *a)
    fast = decide(blocks, marks=True, monkeypatch=monkeypatch)
    slow = decide(blocks, marks=False, monkeypatch=monkeypatch)
    assert fast == slow


def test_a_record_pointing_at_one_later_in_the_bundle_is_held_both_ways(scene, monkeypatch):
    """Records are decided in the sender's order: a parent that comes after its child is
    missing when the child is checked."""
    _, blocks, _ = scene
    blocks = copy.deepcopy(blocks)
    (visits,) = [b for b in blocks if b.table == "visit"]
    visits.cols["supersedes_id"][0] = visits.cols["id"][-1]
    fast = decide(blocks, marks=True, monkeypatch=monkeypatch)
    assert fast == decide(blocks, marks=False, monkeypatch=monkeypatch)
    assert [(t, why.key) for t, _, _, why in fast[1]] == [
        ("visit", "write.missing_reference"), ("acknowledgement", "write.parent_held")]
    assert fast[1][0][1] == visits.cols["id"][0]


def test_a_revision_that_is_not_a_number_is_held_not_a_crash(scene, monkeypatch):
    """Under an id the hub holds, a record's revision is compared with the hub's: a tampered
    one (null) is held with its reason, and the records after it go on."""
    from kjtui.models import Visit

    _, blocks, _ = scene
    blocks = copy.deepcopy(blocks)
    (visits,) = [b for b in blocks if b.table == "visit"]
    known = Visit.select(Visit.id).where(Visit.owner == SENDER).scalar()
    visits.cols["id"][0], visits.cols["rev"][0] = known, None
    fast = decide(blocks, marks=True, monkeypatch=monkeypatch)
    assert fast == decide(blocks, marks=False, monkeypatch=monkeypatch)
    assert ("visit", known, "write.bad_value") in [(t, i, w.key) for t, i, _, w in fast[1]]
    assert len(fast[0]) >= 15  # the day, the other visits, the signatures


# A bundle's columns are checked whole first (rules.malformed_rows): that may only ever pass a
# column whose every value the one-value check passes.
# One column of each kind the checks tell apart (type, nullable, length, key).
FIELDS = list({(type(f), f.null, getattr(f, "max_length", None), f.primary_key): (m, f)
               for m in importer.MODELS.values() for f in m._meta.sorted_fields}.values())
TRICKY_VALUES = [
    "2026-11-23", "2026-11-23T08:00:00", "2026-02-30", "2026-11-23T25:00:00",
    "2026-11-23\n2026-11-24", "2026-11-23T08:00:00\n", "２０２６-１１-２３", "x" * 21, "x" * 20,
    "01a2" * 8, "01A2" * 8, "01a2" * 8 + "0", ("01a2" * 8)[:31], 2**63, -(2**63) - 1]
TRICKY = st.sampled_from(TRICKY_VALUES)
json_value = st.one_of(
    TRICKY, TRICKY, TRICKY, st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(),
    st.text(max_size=40), st.text(alphabet="0123456789abcdef", min_size=31, max_size=33),
)


def one_by_one(model, f, column) -> set[int]:
    from kjtui.models import rules

    (ok,) = [check for name, check in rules.checkers(model) if name == f.column_name]
    return {i for i, v in enumerate(column) if not ok(v)}


@pytest.mark.parametrize("value", TRICKY_VALUES, ids=repr)
def test_each_tricky_value_is_judged_whole_as_alone(value):
    from kjtui.models import rules

    for model, f in FIELDS:
        for column in ([value], ["2026-11-23", value], [value, None]):
            assert rules.malformed_rows(model, {f.column_name: column}) == one_by_one(
                model, f, column), (model.__name__, f.column_name, column)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(FIELDS), st.lists(json_value, max_size=4))
def test_a_column_passes_whole_only_when_every_value_passes_alone(model_field, column):
    from kjtui.models import rules

    model, f = model_field
    assert rules.malformed_rows(model, {f.column_name: column}) == one_by_one(model, f, column)
