"""The county's sheets in (kjtui.services.county_import, `kjtui import`): XLSX and CSV in UTF-8,
UTF-8 with a BOM and GBK; every error with its row, column and cell; nothing written while a row
is wrong (unless --good-rows); a re-import is idempotent; customers missing from the sheet are
listed and retired only on confirmation; everything journaled on the hub."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import county_small
import pytest
from sync_support import dump

from kjtui.exception import KjtuiError
from kjtui.models import (
    Customer,
    JournalEntry,
    Manager,
    Post,
    Route,
    RouteStop,
    SalesActual,
    SalesTarget,
    journal,
)
from kjtui.services import county_import, scoring, settings, sheets
from kjtui.services.import_columns import KINDS


def headers(kind: str, lang: str = "zh") -> list[str]:
    return [c.header(lang) for c in KINDS[kind].columns]


def xlsx(path, kind, rows, heads=None):
    sheets.write_template(path, kind, heads or headers(kind), set(), [], "", rows)
    return str(path)


def text_sheet(path, rows, heads, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows([heads, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


@pytest.fixture
def county(db):
    return county_small.build(with_week=False)


CUSTOMERS = [
    # licence, shop, owner, phone, address, township, area, format, grade, manager, route
    ["431322100001", "[老街]便民店", "王小明", "13907451234", "", "T0", "", "食杂店", "A", "", "R01"],
    ["431322300001", "新开超市", "钱七", "", "上梅镇三组", "上梅镇", "农村", "超市", "", "KJ07", "R02"],
    ["431322300002", "新开二店", "孙八", "", "", "炉观镇", "", "convenience", "B", "KJ08", ""],
]


def test_a_good_sheet_writes_through_the_journal_and_again_changes_nothing(county, tmp_path,
                                                                            db_path):
    path = xlsx(tmp_path / "c.xlsx", "customers", CUSTOMERS)
    plan = county_import.check("customers", path)
    assert plan.ok and plan.rows == 3
    assert plan.counts == {"customer": [2, 1], "route_stop": [1, 0]}
    result = county_import.apply(plan)
    assert result.counts == plan.counts
    new = Customer.get(Customer.licence_no == "431322300001")
    assert (new.route.code, new.manager.code, new.area, new.grade) == ("R02", "KJ07", "rural", "C")
    stop = RouteStop.get(RouteStop.customer == new.id)
    assert stop.route.code == "R02" and stop.position == 3  # after the route's three stops
    assert Customer.get(Customer.licence_no == "431322100001").shop_name == "[老街]便民店"
    old = Customer.get(Customer.licence_no == "431322100001")
    assert old.grade == "A" and old.rev == 2  # the grade changed (was C), nothing else
    tables = {e.table_name for e in JournalEntry.select()}
    assert tables == {"customer", "route_stop"} and JournalEntry.select().count() == 4

    before = dump(db_path)
    again = county_import.check("customers", path)
    assert again.counts == {"customer": [0, 0], "route_stop": [0, 0]} and again.same == 3
    county_import.apply(again)
    assert dump(db_path) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_reads_the_same(county, tmp_path, encoding):
    path = text_sheet(tmp_path / f"c-{encoding}.csv", CUSTOMERS, headers("customers"), encoding)
    plan = county_import.check("customers", path)
    assert plan.ok, plan.issues
    assert plan.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    county_import.apply(plan)
    assert Customer.get(Customer.licence_no == "431322300002").owner_name == "孙八"
    assert Customer.get(Customer.licence_no == "431322100001").shop_name == "[老街]便民店"


def test_english_headers_and_a_column_left_out_keep_what_the_county_holds(county, tmp_path):
    heads = ["Licence no.", "Shop name", "Owner", "Township", "Retail format", "Remarks"]
    rows = [["431322100002", "福满多超市（新）", "李四", "T0", "超市", "whatever"]]
    plan = county_import.check("customers", text_sheet(tmp_path / "c.csv", rows, heads))
    assert plan.ok and plan.ignored_columns == ["Remarks"]
    county_import.apply(plan)
    c = Customer.get(Customer.licence_no == "431322100002")
    assert c.shop_name == "福满多超市（新）" and c.phone == "0745-2861234"  # phone kept
    assert c.route.code == "R01" and c.manager.code == "KJ07"


BAD = [
    ["4313221", "甲", "王", "", "", "T0", "", "食杂店", "", "", ""],  # 2: licence
    ["431322300009", "", "王", "", "", "无此镇", "", "奶茶店", "Z", "", ""],  # 3
    ["431322300010", "乙", "李", "12a45", "", "T1", "", "食杂店", "", "KJ99", "R77"],  # 4
    ["431322300011", "丙", "张", "", "", "T1", "", "食杂店", "", "KJ08", "R01"],  # 5
    ["431322300011", "丁", "赵", "", "", "T1", "", "食杂店", "", "", ""],  # 6: twice
    ["431322300012", "戊", "周", "", "", "T2", "", "食杂店", "", "", ""],  # 7: good
]


def test_every_error_with_its_row_column_and_cell_and_nothing_written(county, tmp_path,
                                                                       db_path):
    path = xlsx(tmp_path / "bad.xlsx", "customers", BAD)
    before = dump(db_path)
    plan = county_import.check("customers", path)
    got = {(i.row, i.column, i.value, i.key) for i in plan.issues}
    assert got == {
        (2, "licence_no", "4313221", "import.bad_licence"),
        (3, "shop_name", "", "import.required"),
        (3, "township", "无此镇", "import.unknown_township"),
        (3, "retail_format", "奶茶店", "import.bad_choice"),
        (3, "grade", "Z", "import.bad_choice"),
        (4, "phone", "12a45", "import.bad_phone"),
        (4, "manager_code", "KJ99", "import.unknown_manager"),
        (4, "route_code", "R77", "import.unknown_route"),
        (5, "route_code", "R01", "import.route_of_other_manager"),
        (5, "licence_no", "431322300011", "import.duplicate"),
        (6, "licence_no", "431322300011", "import.duplicate"),
    }
    assert plan.bad_rows == {2, 3, 4, 5, 6}
    with pytest.raises(KjtuiError) as err:
        county_import.apply(plan)
    assert err.value.key == "import.has_errors"
    assert dump(db_path) == before

    result = county_import.apply(county_import.check("customers", path), good_rows=True)
    assert result.skipped_rows == 5 and result.counts["customer"] == [1, 0]
    assert Customer.get(Customer.licence_no == "431322300012").area == "rural"
    assert not Customer.select().where(Customer.licence_no == "431322300011").exists()


def test_a_sheet_without_a_required_column_is_refused_at_its_header(county, tmp_path):
    path = text_sheet(tmp_path / "c.csv", [["431322100001", "店"]], ["许可证号", "店名"])
    plan = county_import.check("customers", path)
    assert {(i.row, i.column, i.key) for i in plan.issues} == {
        (1, "owner_name", "import.missing_column"), (1, "township", "import.missing_column"),
        (1, "retail_format", "import.missing_column")}
    with pytest.raises(KjtuiError):
        county_import.apply(plan, good_rows=True)


def test_missing_customers_are_listed_and_retired_only_when_asked(county, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", "customers", CUSTOMERS[:1])
    plan = county_import.check("customers", path)
    assert [m.licence_no for m in plan.missing] == [
        f"43132210000{i}" for i in range(2, 9)] + ["431322200009"]
    county_import.apply(plan)
    assert Customer.select().where(Customer.active == True).count() == 9
    plan = county_import.check("customers", path)
    result = county_import.apply(plan, retire_missing=True)
    assert result.retired == 8
    assert Customer.select().where(Customer.active == True).count() == 1
    gone = Customer.get(Customer.licence_no == "431322100002")
    live = RouteStop.select().where((RouteStop.customer == gone.id) & (RouteStop.deleted == False))
    assert not live.exists()  # off the route too
    # back in the sheet, back in service
    county_import.apply(county_import.check("customers", xlsx(tmp_path / "c2.xlsx", "customers",
                                                              CUSTOMERS)))
    assert Customer.get(Customer.licence_no == "431322300001").active


def test_an_empty_sheet_retires_no_one(county, tmp_path):
    path = county_import.template("customers", str(tmp_path / "empty.xlsx"))
    plan = county_import.check("customers", path)
    assert plan.ok and len(plan.missing) == 9
    with pytest.raises(KjtuiError) as err:
        county_import.apply(plan, retire_missing=True)
    assert err.value.key == "import.retire_all"
    assert Customer.select().where(Customer.active == True).count() == 9


def test_a_station_does_not_import(county, tmp_path):
    settings.put("node_id", "KJ07")
    with pytest.raises(KjtuiError) as err:
        county_import.check("customers", xlsx(tmp_path / "c.xlsx", "customers", CUSTOMERS))
    assert err.value.key == "import.not_hub"


# --- routes -------------------------------------------------------------------------------------


def route_order(code: str) -> list[str]:
    return [s.customer.licence_no for s in RouteStop.select().join(Route).where(
        (Route.code == code) & (RouteStop.deleted == False)).order_by(RouteStop.position)]


def test_routes_set_the_order_of_stops_and_a_new_order_never_collides(county, tmp_path, db_path):
    assert route_order("R01") == [f"43132210000{i}" for i in (1, 2, 3, 4)]
    rows = [["R01", "上梅一线", "KJ07", "T0", 1, "431322100004"],
            ["R01", "上梅一线", "KJ07", "T0", 2, "431322100001"],
            ["R01", "上梅一线", "KJ07", "T0", 3, "431322100008"],  # off route: now on it
            ["R02", "炉观二线", "", "", 1, "431322100005"],  # 100006/7 leave R02
            ["R03", "新线", "KJ07", "上梅镇", "", ""]]  # a new route with no stops yet
    plan = county_import.check("routes", xlsx(tmp_path / "r.xlsx", "routes", rows))
    assert plan.ok, plan.issues
    county_import.apply(plan)
    assert route_order("R01") == ["431322100004", "431322100001", "431322100008"]
    assert route_order("R02") == ["431322100005"]
    assert Customer.get(Customer.licence_no == "431322100008").route.code == "R01"
    assert Customer.get(Customer.licence_no == "431322100006").route_id is None
    assert Customer.get(Customer.licence_no == "431322100002").route_id is None  # left R01
    assert Route.get(Route.code == "R03").manager.code == "KJ07"
    assert Route.get(Route.code == "R02").manager_id is None  # a blank cell clears
    before = dump(db_path)
    county_import.apply(county_import.check("routes", str(tmp_path / "r.xlsx")))
    assert dump(db_path) == before
    # the day's route reads the stops in the new order, numbered from 1
    from kjtui.services import day

    m = Manager.get(Manager.code == "KJ07")
    from kjtui.models import DayLog

    DayLog.create(manager=m, day=date(2026, 5, 13), route=Route.get(Route.code == "R01"),
                  owner="KJ07")
    stops = day.route_for_day(m.id, date(2026, 5, 13)).stops
    assert [s.licence_no for s in stops] == route_order("R01")
    assert [s.position for s in stops] == [0, 1, 2]


def test_a_route_is_not_handed_to_a_manager_of_another_post(county, tmp_path):
    other = Post.create(code="P02", name="城区", kind="urban")
    Manager.update(post=other).where(Manager.code == "KJ08").execute()
    rows = [["R01", "上梅一线", "KJ08", "", "", ""]]
    plan = county_import.check("routes", xlsx(tmp_path / "r.xlsx", "routes", rows))
    assert [(i.row, i.column, i.key, i.params) for i in plan.issues] == [
        (2, "manager_code", "import.other_post", {"route_post": "P01", "manager_post": "P02"})]


def test_routes_rows_of_one_route_agree_and_stops_are_whole(county, tmp_path):
    rows = [["R01", "上梅一线", "KJ07", "", 1, "431322100001"],
            ["R01", "上梅二线", "KJ07", "", 1, "431322100002"],
            ["R02", "炉观二线", "", "", 1, "431322100001"],
            ["R02", "炉观二线", "", "", 2, ""],
            ["R02", "炉观二线", "", "", "", "431322999999"]]
    plan = county_import.check("routes", xlsx(tmp_path / "r.xlsx", "routes", rows))
    assert {(i.row, i.column, i.key) for i in plan.issues} == {
        (3, "route_name", "import.route_inconsistent"),
        (3, "stop", "import.duplicate_stop"),
        (2, "licence_no", "import.duplicate"), (4, "licence_no", "import.duplicate"),
        (5, "licence_no", "import.required"),
        (6, "stop", "import.required"), (6, "licence_no", "import.unknown_customer"),
    }


def test_a_manager_holding_routes_does_not_change_post_by_import(county, tmp_path):
    Post.create(code="P02", name="城区", kind="urban")
    rows = [["KJ07", "周丽娜", "女", "1998-01-01", "大专", "外聘", "P02", "", "", "否"],
            ["KJ09", "新人", "男", "2000/3/5", "本科", "正式", "P02", "2026年5月1日", "", "是"]]
    plan = county_import.check("managers", xlsx(tmp_path / "m.xlsx", "managers", rows))
    assert [(i.row, i.column, i.key) for i in plan.issues] == [
        (2, "post_code", "import.post_change_with_routes")]
    county_import.apply(plan, good_rows=True)
    new = Manager.get(Manager.code == "KJ09")
    assert (new.birth_date, new.hired_on, new.status, new.model_worker) == (
        date(2000, 3, 5), date(2026, 5, 1), "active", True)


def test_targets_and_actuals_feed_the_monthly_score(county, tmp_path, db_path):
    rows = [["KJ07", "2026-05", 100], ["KJ08", "2026年5月", "1,200"]]
    county_import.apply(county_import.check("targets", xlsx(tmp_path / "t.xlsx", "targets", rows)))
    actual = [["KJ07", "2026/05", 80], ["KJ08", 202605, 1200.0]]
    county_import.apply(county_import.check("actuals", xlsx(tmp_path / "a.xlsx", "actuals",
                                                            actual)))
    m = Manager.get(Manager.code == "KJ07")
    f = scoring.month_figures(m.id, date(2026, 5, 1))
    assert (f.target, f.actual) == (100, 80) and f.parts()["sales"] == 80.0
    before = dump(db_path)
    county_import.apply(county_import.check("actuals", str(tmp_path / "a.xlsx")))
    assert dump(db_path) == before
    assert SalesTarget.select().count() == 2 and SalesActual.select().count() == 2
    bad = [["KJ07", "2026-13", -1], ["KJ07", "2026-05", 5], ["KJ07", "2026-05", 6]]
    plan = county_import.check("targets", xlsx(tmp_path / "t2.xlsx", "targets", bad))
    assert {(i.row, i.column, i.key) for i in plan.issues} == {
        (2, "month", "import.bad_month"), (2, "target", "import.bad_count"),
        (3, "manager_code", "import.duplicate"), (4, "manager_code", "import.duplicate")}


def test_the_template_is_the_sheet_the_import_reads(county, tmp_path):
    for kind in KINDS:
        path = county_import.template(kind, str(tmp_path / f"{kind}.xlsx"))
        plan = county_import.check(kind, path)
        assert plan.ok and plan.rows == 0, kind
        csv_path = county_import.template(kind, str(tmp_path / f"{kind}.csv"))
        assert county_import.check(kind, csv_path).ok


# --- the command --------------------------------------------------------------------------------


def run(cmd, *args, lang="zh"):
    out = subprocess.run([*cmd, "--lang", lang, *map(str, args)], capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def test_the_command_shows_every_error_in_the_readers_language(county, tmp_path, db_path,
                                                               kjtui_cmd):
    from kjtui.models import close

    close()
    path = xlsx(tmp_path / "bad.xlsx", "customers", BAD)
    before = dump(db_path)
    code, out, err = run(kjtui_cmd, "import", "customers", path, "--db", db_path)
    assert code == 2 and "未写入任何数据" in err
    assert "第 2 行，“许可证号”列，值 “4313221”：许可证号应为 12 位数字" in out
    assert "第 3 行，“店名”列：必填，不能为空" in out
    assert "第 3 行，“业态”列，值 “奶茶店”：不是可选的值之一：食杂店 / 便利店" in out
    assert "第 6 行，“许可证号”列，值 “431322300011”：表中重复（另见第 5 行）" in out
    code, out, err = run(kjtui_cmd, "import", "customers", path, "--db", db_path, lang="en")
    assert code == 2 and "nothing was written" in err
    assert 'Row 4, column “Manager code”, value “KJ99”: no manager with this code' in out
    assert dump(db_path) == before
    code, out, err = run(kjtui_cmd, "import", "customers", path, "--db", db_path, "--dry-run",
                         "--good-rows", lang="en")
    assert code == 0 and "1 new" in out and dump(db_path) == before
    code, out, err = run(kjtui_cmd, "import", "customers", path, "--db", db_path, "--good-rows",
                         lang="en")
    assert code == 0, err
    assert "customers: 1 new, 0 changed" in out and "Rows with errors left out: 5" in out
    assert "9 active customers the sheet does not list" in out
    code, out, err = run(kjtui_cmd, "template", "customers", "--out", tmp_path / "t.xlsx")
    assert code == 0 and (tmp_path / "t.xlsx").exists()


def test_the_hub_journals_what_the_import_wrote(county, tmp_path):
    county_import.apply(county_import.check("customers", xlsx(tmp_path / "c.xlsx", "customers",
                                                              CUSTOMERS)))
    entry = JournalEntry.select().where(JournalEntry.table_name == "customer").order_by(
        JournalEntry.seq.desc()).first()
    import json

    assert json.loads(entry.payload) == journal.to_payload(Customer.get_by_id(entry.record_id))


@pytest.mark.pg
def test_the_same_import_on_a_postgresql_hub(pg_url, tmp_path):
    from kjtui.models import connect

    connect(pg_url)
    county_small.build(with_week=False)
    path = xlsx(tmp_path / "c.xlsx", "customers", CUSTOMERS)
    plan = county_import.check("customers", path)
    assert plan.ok and plan.counts == {"customer": [2, 1], "route_stop": [1, 0]}
    county_import.apply(plan)
    new = Customer.get(Customer.licence_no == "431322300001")
    assert new.route.code == "R02" and new.active is True
    assert JournalEntry.select().count() == 4
    again = county_import.check("customers", path)
    assert again.counts == {"customer": [0, 0], "route_stop": [0, 0]} and again.same == 3
    rows = [["KJ07", "2026-05", 100]]
    county_import.apply(county_import.check("targets", xlsx(tmp_path / "t.xlsx", "targets", rows)))
    assert SalesTarget.get().month == date(2026, 5, 1)
