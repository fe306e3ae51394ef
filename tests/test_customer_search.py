"""Finding a customer the way a rural manager types (issue 9, section 4): pinyin, full and
initials, with polyphonic characters; several words that must all match; his own customers
first; on SQLite through the index the triggers keep, and on PostgreSQL. Then the screens: the
scope key, typing on the list, F9 pressed again before a page came, and an ambiguous customer
when collecting information."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from textual import events

from kjtui.models import Customer, InfoItem, Township
from kjtui.models.migrations import upgrade
from kjtui.services import search
from tests import county_small
from tests.county_small import TODAY
from tests.pilot_wait import until

# (licence, shop, owner): 长 (chang/zhang), 乐 (le/yue), 重 (zhong/chong) are read every way.
MORE = [
    ("431322100020", "万福商店", "李长乐"),
    ("431322100021", "万福超市", "赵重阳"),
    ("431322100022", "奉家超市", "奉三"),
    ("431322100023", "奉家便利店", "奉四"),
    ("431322100024", "长乐超市", "钱七"),
    ("431322100025", "重庆饭店", "孙八"),
]


def shops(query: str, **kw) -> list[str]:
    return sorted(r.shop_name for r in search.search(query, **kw).rows)


def add_more(county, manager=None) -> None:
    town = Township.get(Township.code == "T1")
    for licence, shop, owner in MORE:
        Customer.create(licence_no=licence, shop_name=shop, owner_name=owner, township=town,
                        area="rural", retail_format="grocery",
                        manager=manager or county.manager)


@pytest.fixture
def county(db):
    county = county_small.build(with_week=False)
    add_more(county)
    return county


@pytest.mark.parametrize("query, expected", [
    ("wanfu", ["万福商店", "万福超市"]),  # full pinyin
    ("wanf", ["万福商店", "万福超市"]),  # as it is typed
    ("wfsd", ["万福商店"]),  # initials
    ("wfcs", ["万福超市"]),
    ("fsd", ["万福商店", "大新副食店"]),  # from any character on: 福商店, 副食店
    ("shangdian", ["万福商店"]),
    ("anfu", []),  # never from the middle of a syllable
    ("hongmei", ["红梅烟酒行"]),  # the owner 张红梅 and the shop
    ("zhm", ["红梅烟酒行"]),  # the owner's initials
    ("changle", ["万福商店", "长乐超市"]),  # 长 read chang (the owner 李长乐, too)…
    ("zhangle", ["万福商店", "长乐超市"]),  # …and zhang
    ("changyue", ["万福商店", "长乐超市"]),  # 乐 read yue
    ("clcs", ["长乐超市"]),
    ("zlcs", ["长乐超市"]),
    ("chongqing", ["重庆饭店"]),  # 重 read chong…
    ("zhongqing", ["重庆饭店"]),  # …and zhong
    ("cqfd", ["重庆饭店"]),
    ("zqfd", ["重庆饭店"]),
    ("WFSD", ["万福商店"]),  # caps lock on
    ("ｗｆｓｄ", ["万福商店"]),  # full-width letters from a Chinese keyboard
    ("xyz", []),
])
def test_pinyin_full_and_initials(county, query, expected):
    assert shops(query) == sorted(expected)


def test_one_or_two_letters_start_a_syllable_or_are_initials(county):
    assert {"万福商店", "万福超市"} <= set(shops("w"))
    assert {"万福商店", "万福超市"} <= set(shops("wa"))  # wan…, while typing wanfu
    assert shops("wf") == ["万福商店", "万福超市"]  # initials
    assert "万福商店" not in shops("an")  # the middle of wan
    assert "431322100020" in [r.licence_no for r in search.search("43").rows]  # digits: licences


@pytest.mark.parametrize("query, expected", [
    ("奉家 超市", ["奉家超市"]),  # two words of two characters: the gram postings, not trigrams
    ("超市 奉家", ["奉家超市"]),
    ("奉家 便利", ["奉家便利店"]),
    ("奉家  便利店 ", ["奉家便利店"]),
    ("奉 店", ["奉家便利店"]),  # one character each
    ("万福 cs", ["万福超市"]),  # Chinese and pinyin
    ("wf 超市", ["万福超市"]),
    ("wanfu shangdian", ["万福商店"]),
    ("梅 烟酒", ["红梅烟酒行"]),
    ("上梅镇 福满", ["福满多超市"]),  # township and name
    ("4313221 奉家", ["奉家便利店", "奉家超市"]),  # licence prefix and name
    ("13807459876 红梅", ["红梅烟酒行"]),  # a phone number and a name
    ("奉家 龘", []),
    ("奉家 万福", []),
])
def test_words_separated_by_a_space_must_all_match(county, query, expected):
    page = search.search(query)
    assert sorted(r.shop_name for r in page.rows) == sorted(expected)
    assert page.total == len(expected) and not page.capped


def test_a_count_of_several_words_reads_a_bounded_number_of_rows(county, monkeypatch):
    """梅: the four customers of 上梅镇; two of them have a 店."""
    monkeypatch.setattr(search, "SCAN_CAP", 2)
    page = search.search("梅 店")
    assert sorted(r.shop_name for r in page.rows) == ["[老街]便民店", "梅林食杂店"]  # all there
    assert page.capped and page.total == 2  # but counted among the first two 梅: "at least"
    monkeypatch.setattr(search, "SCAN_CAP", 5_000)
    page = search.search("梅 店")
    assert page.total == 2 and not page.capped and not page.has_next


def test_his_own_customers_only_and_the_county(county):
    mine = county.manager.id
    page = search.search("", manager_id=mine)
    assert page.total == 14 and "城北超市" not in [r.shop_name for r in page.rows]
    assert search.search("").total == 15
    assert shops("城北", manager_id=mine) == [] and shops("城北") == ["城北超市"]
    assert shops("wfsd", manager_id=mine) == ["万福商店"]
    assert shops("超市 wf", manager_id=mine) == ["万福超市"]
    assert shops("梅", manager_id=mine) == ["[老街]便民店", "梅林食杂店", "福满多超市", "红梅烟酒行"]
    assert shops("4313222", manager_id=mine) == []
    assert shops("", manager_id=county.other.id) == ["城北超市"]
    licences = [r.licence_no for r in search.search("", manager_id=mine).rows]
    assert licences == sorted(licences)


def test_the_triggers_keep_the_pinyin_right(county):
    c = Customer.get(Customer.licence_no == "431322100020")
    Customer.update(shop_name="吉祥商店").where(Customer.id == c.id).execute()
    assert shops("wfsd") == [] and shops("wanfu") == ["万福超市"]
    assert shops("jxsd") == ["吉祥商店"] and shops("jixiang") == ["吉祥商店"]
    Customer.update(owner_name="王五").where(Customer.id == c.id).execute()
    assert shops("changle") == ["长乐超市"] and shops("wangwu") == ["吉祥商店"]
    # a save that changes no name keeps it; a tombstone takes it out, undeleting brings it back
    c = Customer.get_by_id(c.id)
    c.grade = "A"
    c.save()
    assert shops("jxsd") == ["吉祥商店"]
    Customer.update(deleted=True).where(Customer.id == c.id).execute()
    assert shops("jxsd") == []
    Customer.update(deleted=False).where(Customer.id == c.id).execute()
    assert shops("jxsd") == ["吉祥商店"]
    # a loader's rows written directly, and a customer deleted for good
    town = Township.get(Township.code == "T0")
    Customer.insert_many([
        {"id": f"{i:032x}", "owner": "HUB", "rev": 1, "hlc": 1, "deleted": False,
         "licence_no": f"43132230000{i}", "shop_name": name, "owner_name": "某某",
         "phone": "", "address": "", "township": town.id, "area": "rural",
         "retail_format": "grocery", "grade": "C", "active": True}
        for i, name in enumerate(("乐乐超市", "行行好商店"))
    ]).execute()
    assert shops("llcs") == ["乐乐超市"] and shops("yueyue") == ["乐乐超市"]
    assert shops("xxhsd") == ["行行好商店"] and shops("hanghang") == ["行行好商店"]
    gone = Customer.get(Customer.licence_no == "431322100025")
    gone.delete_instance()
    assert shops("cqfd") == []
    # what the triggers kept is what spelling every customer afresh gives
    db = Customer._meta.database
    db.execute_sql("INSERT INTO customer_pinyin_fts (customer_pinyin_fts) VALUES ('integrity-check')")
    held = ("SELECT k.customer_id, p.syllables FROM customer_pinyin AS p "
            "JOIN customer_search_key AS k ON k.key = p.key ORDER BY 1")
    kept = db.execute_sql(held).fetchall()
    with search.bulk_load():
        pass
    assert db.execute_sql(held).fetchall() == kept
    assert len(kept) == Customer.select().where(Customer.deleted == False).count()
    assert shops("jxsd") == ["吉祥商店"] and shops("llcs") == ["乐乐超市"]


def test_a_connection_without_the_functions_cannot_change_a_name(county, db_path):
    """A tool writing customers outside kjtui is refused (the index would be wrong), unless it
    registers kjtui's functions; changing what the index does not read still works."""
    from kjtui.models.db import register_sql_functions

    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.OperationalError, match="kjtui_pinyin"), con:
        con.execute("UPDATE customer SET shop_name = '吉祥商店' WHERE licence_no = '431322100020'")
    with con:
        con.execute("UPDATE customer SET grade = 'B' WHERE licence_no = '431322100020'")
    register_sql_functions(con)
    with con:
        con.execute("UPDATE customer SET shop_name = '吉祥商店' WHERE licence_no = '431322100020'")
    con.close()
    assert shops("jxsd") == ["吉祥商店"] and shops("wfsd") == []


def test_migration_spells_the_customers_a_notebook_already_holds(db_path):
    """A laptop upgrading keeps every row and finds its customers by pinyin."""
    from kjtui.models import close, connect, database, resolve_url
    from kjtui.models.db import open_database

    raw = open_database(resolve_url(db_path))
    database.initialize(raw)
    upgrade(raw, target=5)
    county = county_small.build(with_week=False)
    add_more(county)
    Customer.update(deleted=True).where(Customer.licence_no == "431322100021").execute()
    assert "customer_pinyin" not in raw.get_tables()
    raw.close()
    close()
    connect(resolve_url(db_path))
    assert Customer.select().count() == 15
    assert shops("wanfu") == ["万福商店"]  # the tombstone is not found
    assert shops("hmyjh") == ["红梅烟酒行"] and shops("zhangle") == ["万福商店", "长乐超市"]
    assert shops("奉家 超市") == ["奉家超市"]
    Customer.update(shop_name="梅园超市").where(Customer.licence_no == "431322100005").execute()
    assert shops("meiyuan") == ["梅园超市"]  # and the triggers carry on


def test_bulk_load_spells_once_and_the_triggers_come_back(db):
    with search.bulk_load():
        county = county_small.build(with_week=False)
        add_more(county)
        assert db.execute_sql("SELECT count(*) FROM customer_pinyin").fetchone()[0] == 0
    assert shops("wfsd") == ["万福商店"] and shops("hongmei") == ["红梅烟酒行"]
    Customer.update(shop_name="梅园超市").where(Customer.licence_no == "431322100005").execute()
    assert shops("meiyuan") == ["梅园超市"]


def test_find_one_still_refuses_when_several_match(county):
    from kjtui.exception import Refused

    with pytest.raises(Refused) as err:
        search.find_one("万福")
    assert err.value.key == "customer.many_match" and err.value.params["count"] == 2
    assert search.find_one("wfsd").shop_name == "万福商店"


@pytest.mark.pg
def test_pinyin_words_and_scope_on_postgresql(pg_url):
    from kjtui.models import connect

    connect(pg_url)
    county = county_small.build(with_week=False)
    add_more(county)
    assert shops("wanfu") == ["万福商店", "万福超市"]
    assert shops("wfsd") == ["万福商店"] and shops("fsd") == ["万福商店", "大新副食店"]
    assert shops("anfu") == []
    assert shops("changle") == shops("zhangle") == ["万福商店", "长乐超市"]
    assert shops("cqfd") == shops("zqfd") == ["重庆饭店"]
    assert shops("奉家 超市") == ["奉家超市"] and shops("wf 超市") == ["万福超市"]
    assert shops("城北", manager_id=county.manager.id) == [] and shops("城北") == ["城北超市"]
    assert search.search("", manager_id=county.manager.id).total == 14
    # names written directly, by whatever wrote them, are spelt before the next search
    Customer.update(shop_name="吉祥商店").where(Customer.licence_no == "431322100020").execute()
    assert shops("jxsd") == ["吉祥商店"] and shops("wfsd") == []
    Customer.get(Customer.licence_no == "431322100025").delete_instance()
    assert shops("cqfd") == []
    with search.bulk_load():  # a loader that sets the triggers aside, as benchmarks/pg.py does
        with Customer._meta.database.atomic():
            Customer._meta.database.execute_sql("SET LOCAL session_replication_role = replica")
            Customer.update(shop_name="如意商店").where(
                Customer.licence_no == "431322100024").execute()
    assert shops("rysd") == ["如意商店"] and shops("clcs") == []


# --- the screens ------------------------------------------------------------------------------


def _count(screen) -> str:
    return str(screen.query_one("#cust-count").render())


def _listed(screen, typed: str, rows: int) -> bool:
    return (screen.text == typed and screen.result is not None
            and screen.query_one("#cust-table").row_count == rows)


async def _customers(app, pilot):
    await pilot.press("f5")
    await until(pilot, lambda: type(app.screen).__name__ == "CustomersScreen"
                and app.screen.result is not None, "the first page")
    return app.screen


async def test_the_list_opens_on_his_own_customers_and_the_county_is_one_key_away(app_for, db):
    county = county_small.build(with_week=False)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _customers(app, pilot)
        table = screen.query_one("#cust-table")
        await until(pilot, lambda: _listed(screen, "", 8), "his eight customers")
        assert "共 8 户" in _count(screen)
        assert "我的客户" in screen.sub_title and county.manager.name in screen.sub_title
        binding = screen.active_bindings["ctrl+t"].binding
        assert binding.show and binding.description == "我的/全县"
        palette = [c.title for c in app.get_system_commands(screen)]
        assert any("我的/全县" in title for title in palette)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: _listed(screen, "", 9), "the whole county")
        assert "全县客户" in screen.sub_title and "共 9 户" in _count(screen)
        assert "城北超市" in [str(table.get_cell_at((r, 1))) for r in range(table.row_count)]
        await pilot.press(*"城北")
        await until(pilot, lambda: _listed(screen, "城北", 1), "城北 in the county")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: "我的客户" in screen.sub_title and _listed(screen, "城北", 0),
                    "城北 among his own")


async def test_typing_on_the_list_goes_to_the_filter(app_for, db):
    county_small.build(with_week=False)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _customers(app, pilot)
        table = screen.query_one("#cust-table")
        box = screen.query_one("#cust-query")
        await until(pilot, lambda: _listed(screen, "", 8), "his customers")
        await pilot.press("down")
        await until(pilot, lambda: app.focused is table, "the list focused")
        await pilot.press("梅", "l")  # a burst, as an input method delivers it
        await until(pilot, lambda: _listed(screen, "梅l", 0), "the filter typed on the list")
        assert app.focused is box
        await pilot.press("backspace")
        await until(pilot, lambda: _listed(screen, "梅", 4), "梅")
        await pilot.press("enter")  # to the list again: backspace there edits the filter too
        await until(pilot, lambda: app.focused is table, "the list focused again")
        await pilot.press("backspace")
        await until(pilot, lambda: _listed(screen, "", 8), "the filter emptied from the list")
        table.post_message(events.Paste("梅林\n"))  # a paste on the list: the filter too
        await until(pilot, lambda: _listed(screen, "梅林", 1) and app.focused is box, "梅林")
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is table, "the list focused a third time")
        await pilot.press("question_mark")  # a key the app binds keeps its action
        await until(pilot, lambda: bool(app.screen.query("HelpPanel")), "the keys panel")
        assert box.value == "梅林"


async def test_f9_pressed_again_before_the_page_came_pages_again(app_for, db, monkeypatch):
    county_small.build(with_week=False)
    monkeypatch.setattr(search, "PAGE", 2)
    gate = threading.Event()
    real = search.search

    def slow(*args, **kwargs):
        gate.wait(30)
        return real(*args, **kwargs)

    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _customers(app, pilot)
        await until(pilot, lambda: "8 customers, showing 1–2" in _count(screen), "page one")
        monkeypatch.setattr(search, "search", slow)
        gate.clear()
        await pilot.press("f9", "f9", "f9")  # each before the page of the one before came
        gate.set()
        await until(pilot, lambda: "showing 7–8" in _count(screen), "page four")
        table = screen.query_one("#cust-table")
        assert table.row_count == 2
        gate.clear()
        await pilot.press("f9")  # no page after the last
        await pilot.press("f8", "f8")
        gate.set()
        await until(pilot, lambda: "showing 3–4" in _count(screen), "page two")


async def test_an_ambiguous_customer_is_picked_from_a_list_when_collecting(app_for, db, monkeypatch):
    county = county_small.build()
    add_more(county)
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until(pilot, lambda: type(app.screen).__name__ == "InformationScreen"
                    and app.screen.query_one("#info-table").row_count == 2, "the items")
        info = app.screen
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "CollectDialog", "the dialog")
        dialog = app.screen
        dialog.query_one("#customer").value = "万福"
        await pilot.press(*"新品牌进店", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "CustomerPicker"
                    and app.screen.query_one("#hits").row_count == 2, "the list of 万福")
        picker = app.screen
        assert picker.query_one("#query").value == "万福"
        assert [h.shop_name for h in picker.hits] == ["万福商店", "万福超市"]
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is info and InfoItem.select().count() == 3,
                    "the item collected")
        item = InfoItem.get(InfoItem.content == "新品牌进店")
        assert item.customer.shop_name == "万福超市"
        # escape in the list goes back to the form, with what was typed
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "CollectDialog", "the dialog")
        app.screen.query_one("#customer").value = "万福"
        await pilot.press(*"又一条", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "CustomerPicker", "the list")
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "CollectDialog", "the form")
        assert app.screen.query_one("#content").value == "又一条"
        assert InfoItem.select().count() == 3
