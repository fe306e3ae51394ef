"""Customers: search as you type (1, 2, 3, 6 characters, licence, phone, township) on SQLite
through the index the triggers keep, and on PostgreSQL; detail; proposals; the screen."""

from __future__ import annotations

import pytest

from kjtui import i18n
from kjtui.exception import Refused
from kjtui.models import Customer, CustomerProposal, JournalEntry, RouteStop, Setting, Township
from kjtui.services import customers, search
from tests import county_small
from tests.county_small import TODAY
from tests.pilot_wait import on_screen, until


def shops(query: str, **kw) -> list[str]:
    return [r.shop_name for r in search.search(query, **kw).rows]


@pytest.fixture
def county(db):
    return county_small.build()


@pytest.mark.parametrize("query, expected", [
    ("梅", ["[老街]便民店", "福满多超市", "红梅烟酒行", "梅林食杂店"]),  # 1 char: 上梅镇 and names
    ("红梅", ["红梅烟酒行"]),  # 2 chars: shop and owner 张红梅 are the same customer
    ("小卖部", ["炉观小卖部", "远山小卖部"]),  # 3 chars
    ("梅林食杂店", ["梅林食杂店"]),
    ("炉观小卖部", ["炉观小卖部"]),
    ("[老街]便民", ["[老街]便民店"]),  # 6 chars, with markup brackets
    ("431322100005", ["兴隆便利店"]),  # a licence number
    ("4313222", ["城北超市"]),  # a licence prefix
    ("5678", []),
    ("9876", ["红梅烟酒行"]),  # the end of a phone number
    ("0745-286", ["福满多超市"]),
    ("大新乡", ["远山小卖部", "城北超市"]),  # township
    ("陈大", ["大新副食店"]),  # owner, 2 chars
    ("王", ["[老街]便民店"]),  # owner, 1 char
    ("龘", []),
    ("不存在的店", []),
])
def test_search_finds_the_right_rows(county, query, expected):
    assert sorted(shops(query)) == sorted(expected)


def test_search_short_digits_are_licence_and_phone_prefixes(county):
    assert len(shops("43")) == 9
    assert sorted(shops("15")) == ["兴隆便利店", "大新副食店", "炉观小卖部"]
    assert shops("98") == []  # inside a phone number: needs three digits


def test_search_is_case_blind_and_trims(county):
    t = Township.get(Township.code == "T0")
    Customer.create(licence_no="431322100010", shop_name="KTV Mart 便利", owner_name="Lee",
                    township=t, area="rural", retail_format="other")
    assert shops("  ktv ") == ["KTV Mart 便利"]
    assert shops("mart") == ["KTV Mart 便利"]
    assert shops("k") == ["KTV Mart 便利"]


def test_empty_query_pages_everyone_and_counts(county):
    page = search.search("", limit=4)
    assert len(page.rows) == 4 and page.total == 9 and page.has_next
    second = search.search("", offset=4, limit=4)
    third = search.search("", offset=8, limit=4)
    ids = [r.id for p in (page, second, third) for r in p.rows]
    assert len(ids) == len(set(ids)) == 9
    licences = [r.licence_no for p in (page, second, third) for r in p.rows]
    assert licences == sorted(licences)
    assert not third.has_next


def test_count_stops_at_the_cap(county, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    page = search.search("店")
    assert page.total == 3 and page.capped
    assert len(page.rows) == 4  # the page is not capped


def test_triggers_keep_the_index_right(county):
    c = Customer.get(Customer.licence_no == "431322100004")
    Customer.update(shop_name="新林超市", phone="13012345678").where(Customer.id == c.id).execute()
    assert shops("梅林") == [] and shops("梅林食杂店") == []
    assert shops("新林") == ["新林超市"] and shops("2345") == ["新林超市"]
    assert shops("梅") == ["[老街]便民店", "福满多超市", "红梅烟酒行", "新林超市"]  # still 上梅镇
    # a township renamed: its customers are found by the new name only
    Township.update(name="梅花镇").where(Township.code == "T1").execute()
    assert sorted(shops("梅花")) == ["兴隆便利店", "大新副食店", "炉观小卖部"]
    assert shops("炉观镇") == []
    # a tombstone leaves the results; a customer deleted for good too
    Customer.update(deleted=True).where(Customer.licence_no == "431322100006").execute()
    assert "大新副食店" not in shops("梅花")
    assert "大新副食店" not in shops("") and search.search("").total == 8
    gone = Customer.get(Customer.licence_no == "431322100007")
    RouteStop.delete().where(RouteStop.customer == gone.id).execute()
    gone.delete_instance()
    assert shops("梅花") == ["兴隆便利店"]
    Customer.update(deleted=False).where(Customer.licence_no == "431322100006").execute()
    assert sorted(shops("梅花")) == ["兴隆便利店", "大新副食店"]


def test_search_on_postgresql(pg_url):
    from kjtui.models import connect

    connect(pg_url)
    county_small.build(with_week=False)
    assert sorted(shops("梅")) == sorted(["[老街]便民店", "福满多超市", "红梅烟酒行", "梅林食杂店"])
    assert shops("红梅") == ["红梅烟酒行"]
    assert sorted(shops("小卖部")) == ["炉观小卖部", "远山小卖部"]
    assert shops("[老街]便民") == ["[老街]便民店"]
    assert shops("431322100005") == ["兴隆便利店"]
    assert shops("100%") == []  # LIKE wildcards are text
    page = search.search("", limit=4)
    assert page.total == 9 and len(page.rows) == 4
    detail = customers.customer_detail(page.rows[0].id)
    assert detail.row.licence_no == "431322100001"


def test_detail_has_visit_history(county):
    c = county.customers["431322100002"]
    d = customers.customer_detail(c.id)
    assert d.row.shop_name == "福满多超市" and d.route == "上梅一线" and d.manager == "周丽娜"
    assert [(v.day, v.ack, v.manager) for v in d.visits] == [(county_small.MONDAY, "declined",
                                                             "周丽娜")]
    assert customers.customer_detail("0" * 32) is None


def test_proposal_is_recorded_with_who_and_when_and_the_customer_is_unchanged(county):
    Setting.create(key="node_id", value="KJ07")  # on the manager's station: journaled
    c = county.customers["431322100001"]
    line = customers.propose(c.id, county.manager.id, "phone", "0745-2860000")
    assert (line.old_value, line.new_value, line.manager, line.decision) == (
        "13907451234", "0745-2860000", "周丽娜", "pending")
    p = CustomerProposal.get_by_id(line.id)
    assert p.owner == "KJ07" and p.manager_id == county.manager.id and p.proposed_at
    assert JournalEntry.select().where(JournalEntry.record_id == p.id).exists()
    assert Customer.get_by_id(c.id).phone == "13907451234"
    customers.propose(c.id, county.manager.id, "retail_format", "convenience")
    customers.propose(c.id, county.manager.id, "grade", "b")
    assert [p.new_value for p in customers.customer_detail(c.id).proposals] and {
        p.field: p.new_value for p in customers.proposals_for(c.id)}["grade"] == "B"


@pytest.mark.parametrize("field, value, key", [
    ("retail_format", "flower_shop", "proposal.bad_format"),
    ("phone", "139O7451234", "proposal.bad_phone"),
    ("phone", "call me", "proposal.bad_phone"),
    ("grade", "Z", "proposal.bad_grade"),
    ("shop_name", "   ", "proposal.empty"),
    ("licence_no", "431322100099", "proposal.bad_field"),
    ("owner_name", "王小明", "proposal.unchanged"),
    ("address", "长" * 121, "proposal.too_long"),
])
def test_bad_proposals_change_nothing(county, field, value, key):
    c = county.customers["431322100001"]
    before = JournalEntry.select().count()
    with pytest.raises(Refused) as err:
        customers.propose(c.id, county.manager.id, field, value)
    assert err.value.key == key
    assert i18n.t(key, **err.value.params) != key  # a sentence in the catalog
    assert CustomerProposal.select().count() == 0 and JournalEntry.select().count() == before


def test_find_one(county):
    assert search.find_one("431322100003").shop_name == "红梅烟酒行"
    assert search.find_one("远山").shop_name == "远山小卖部"
    with pytest.raises(Refused) as err:
        search.find_one("小卖部")
    assert err.value.key == "customer.many_match"
    with pytest.raises(Refused):
        search.find_one("不存在")


# --- the screen ------------------------------------------------------------------------------


def said(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_screen_filters_as_you_type_and_opens_a_customer(app_for, db, monkeypatch):
    county = county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        screen = await on_screen(pilot, "CustomersScreen")
        table = screen.query_one("#cust-table")
        await until(pilot, lambda: table.row_count == 8, "his own")  # 城北超市 is another's
        assert "共 8 户" in said(screen, "#cust-count")
        await pilot.press("梅")
        await until(pilot, lambda: table.row_count == 4, "梅")
        await pilot.press("林")
        await until(pilot, lambda: table.row_count == 1, "梅林")
        await pilot.press("backspace", "backspace", *"[老街]")
        await until(pilot, lambda: table.row_count == 1
                    and str(table.get_cell_at((0, 1))) == "[老街]便民店", "[老街]")  # no markup
        await pilot.press("enter", "enter")  # to the list, then open the highlighted customer
        detail = await on_screen(pilot, "CustomerDetailScreen")
        await until(pilot, lambda: detail.query_one("#cd-visits").row_count == 1, "its visits")
        head = said(detail, "#cd-head")
        assert "[老街]便民店" in head and "431322100001" in head
        # propose a phone with letters: refused, nothing recorded; then a good one
        await pilot.press("e")
        dialog = await on_screen(pilot, "ProposalDialog")
        assert dialog.query_one("#value").value == "13907451234"  # the current phone
        await pilot.press("ctrl+u", *"0745-28x", "enter")
        await until(pilot, lambda: "只能包含数字" in said(dialog, "#dialog-msg"), "refused")
        assert CustomerProposal.select().count() == 0
        await pilot.press("backspace", "1", "2", "3", "enter")
        await until(pilot, lambda: app.screen is detail
                    and "待县局审核" in said(detail, "#cd-proposal-lines"), "proposed")
        p = CustomerProposal.get()
        assert (p.field, p.new_value, p.old_value) == ("phone", "0745-28123", "13907451234")
        assert Customer.get_by_id(county.customers["431322100001"].id).phone == "13907451234"
        await pilot.press("escape")
        await on_screen(pilot, "CustomersScreen")


async def test_screen_pages_with_keys_and_proposes_a_bad_format(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr(search, "PAGE", 4)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        screen = await on_screen(pilot, "CustomersScreen")
        await until(pilot, lambda: "showing" in said(screen, "#cust-count"), "his own")
        await pilot.press("ctrl+t")  # the whole county
        table = screen.query_one("#cust-table")
        await until(pilot, lambda: "9 customers, showing 1–4" in said(screen, "#cust-count"),
                    "the county")
        assert table.row_count == 4
        await pilot.press("f9")
        await until(pilot, lambda: "showing 5–8" in said(screen, "#cust-count"), "page 2")
        await pilot.press("f9")
        await until(pilot, lambda: "showing 9–9" in said(screen, "#cust-count"), "page 3")
        assert table.row_count == 1
        await pilot.press("f9")  # no page after the last
        await until(pilot, lambda: True, "nothing running")
        assert "showing 9–9" in said(screen, "#cust-count")
        await pilot.press("f8")
        await until(pilot, lambda: "showing 5–8" in said(screen, "#cust-count"), "page 2")
        keys = {b.binding.id for b in screen.active_bindings.values()}
        assert {"page", "focus_search"} <= keys
        await pilot.press("down", "enter")
        detail = await on_screen(pilot, "CustomerDetailScreen")
        await until(pilot, lambda: detail.detail, "the customer read")
        await pilot.press("e")
        dialog = await on_screen(pilot, "ProposalDialog")
        dialog.query_one("#field").value = "retail_format"
        await until(pilot, lambda: dialog.query_one("#value").value == "grocery", "its format")
        await pilot.press("ctrl+u", *"florist", "enter")
        await until(pilot, lambda: "is not a retail format" in said(dialog, "#dialog-msg"),
                    "refused")
        assert CustomerProposal.select().count() == 0
        await pilot.press("ctrl+u", *"supermarket", "enter")
        await until(pilot, lambda: app.screen is detail, "proposed")
        assert CustomerProposal.get().new_value == "supermarket"


def test_migration_indexes_the_customers_a_notebook_already_holds(db_path):
    """A laptop that had customers before 0005 finds them after the upgrade."""
    from kjtui.models import close, connect, database, resolve_url
    from kjtui.models.db import open_database
    from kjtui.models.migrations import upgrade

    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=4)
    county_small.build(with_week=False)
    Customer.update(deleted=True).where(Customer.licence_no == "431322100002").execute()
    raw.close()
    close()
    connect(resolve_url(db_path))
    assert sorted(shops("梅")) == sorted(["[老街]便民店", "红梅烟酒行", "梅林食杂店"])
    assert shops("小卖部") == ["炉观小卖部", "远山小卖部"]
    assert search.search("").total == 8
    Customer.update(shop_name="梅园超市").where(Customer.licence_no == "431322100005").execute()
    assert shops("梅园") == ["梅园超市"]  # and the triggers carry on


def test_bulk_load_builds_the_same_index_once(db):
    with search.bulk_load():
        county_small.build(with_week=False)
        assert db.execute_sql("SELECT count(*) FROM customer_gram").fetchone()[0] == 0
    assert sorted(shops("梅")) == sorted(["[老街]便民店", "福满多超市", "红梅烟酒行", "梅林食杂店"])
    assert shops("9876") == ["红梅烟酒行"] and shops("431322100005") == ["兴隆便利店"]
    Customer.update(shop_name="梅园超市").where(Customer.licence_no == "431322100005").execute()
    assert shops("梅园") == ["梅园超市"]  # the triggers are back
