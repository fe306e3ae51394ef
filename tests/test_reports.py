"""Reports (kjtui.reports) on the demo county, read back by the programs a county office uses:
every report in every format, the XLSX read with python-calamine and converted by LibreOffice,
the HTML parsed and printed to PDF by headless Chromium, each figure checked against the
service the screens use; user text escaped everywhere; a bad argument refused with nothing
written. LibreOffice and Chromium tests skip when the program is missing, unless
KJTUI_REQUIRE_TOOLS=1 (set by .ci/run, which installs them)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from kjtui import i18n, reports
from kjtui.models import connect, resolve_url
from kjtui.reports.model import Column, Report, Section, Table
from kjtui.reports.render import render
from kjtui.services import kpis, oversight, scoring, staff_figures, week
from kjtui.services.periods import add_months, monday_of, month_start

TODAY = date.today()  # the demo is built for today
LAST_MONTH = add_months(month_start(TODAY), -1)
LAST_WEEK = monday_of(TODAY) - timedelta(days=7)
FORMATS = ("json", "csv", "xlsx", "html")
EVIL_SHOP = '<script>alert("店")</script>=HYPERLINK("http://x.example")'


def tool(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("KJTUI_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{names[0]} is required (KJTUI_REQUIRE_TOOLS=1) but not installed")
    pytest.skip(f"{names[0]} is not installed")


@pytest.fixture(scope="module")
def county_file(demo_db_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "county.db"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture
def county(county_file) -> Path:
    connect(resolve_url(county_file), create=False)
    return county_file


def sheets(data: bytes | Path) -> dict[str, list[list]]:
    wb = (CalamineWorkbook.from_path(str(data)) if isinstance(data, Path)
          else CalamineWorkbook.from_filelike(io.BytesIO(data)))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


class Page(HTMLParser):
    """The tags and the text of an HTML report, and the cells of its tables."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def print_to_pdf(html: Path, tmp_path: Path) -> Path:
    chromium = tool("chromium", "chromium-browser", "google-chrome")
    pdf = tmp_path / (html.stem + ".pdf")
    out = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--no-pdf-header-footer", f"--user-data-dir={tmp_path / 'chromium'}",
                          f"--print-to-pdf={pdf}", html.as_uri()],
                         capture_output=True, text=True, timeout=180)
    assert pdf.exists(), out.stderr[-2000:]
    return pdf


# --- every report, every format -------------------------------------------------------------

PARAMS = {
    "week": dict(week_of=LAST_WEEK, manager="XH07"),
    "month": dict(month=LAST_MONTH),
    "manager": dict(manager="XH07", month=LAST_MONTH),
    "staff": dict(on=TODAY),
    "kpis": dict(month=LAST_MONTH, months=3),
    "checks": dict(month=LAST_MONTH),
}


@pytest.mark.parametrize("kind", reports.KINDS)
def test_each_report_in_each_format(county, kind, tmp_path):
    report = reports.build(kind, **PARAMS[kind])
    written = {fmt: reports.save(report, fmt, tmp_path) for fmt in FORMATS}
    assert {p.suffix for p in written.values()} == {".json", ".csv", ".xlsx", ".html"}
    assert all(p.parent == tmp_path and p.stem == report.stem for p in written.values())
    assert json.loads(written["json"].read_text("utf-8")) == report.data
    text = written["csv"].read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet program opens Chinese right
    header = next(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert header == [c.label for c in report.main_table().columns]
    got = sheets(written["xlsx"])
    assert list(got) == [t.title for t in report.tables()]
    for t in report.tables():
        assert got[t.title][0] == [c.label for c in t.columns]
        assert len(got[t.title]) == len(t.rows) + 1
    page = Page(written["html"].read_text("utf-8"))
    assert report.title in page.text and "script" not in page.tags
    # self-contained: nothing fetched when it is opened or printed
    assert not [v for k, v in page.attrs if k in ("src", "href") and v]
    assert "link" not in page.tags


# --- the month --------------------------------------------------------------------------------


def test_month_xlsx_reads_back_as_the_services_compute_it(county, tmp_path):
    path = reports.save(reports.build("month", month=LAST_MONTH), "xlsx", tmp_path / "m.xlsx")
    scores = scoring.compute_month(LAST_MONTH, with_unranked=True)
    got = sheets(path)
    ranking = got["排名"]
    assert ranking[0][:4] == ["名次", "编号", "姓名", "总分"]
    parts = slice(4, 4 + len(scoring.PARTS))
    assert ranking[0][parts] == [i18n.t(f"score.part.{p}") for p in scoring.PARTS]
    rows = ranking[1:]
    assert len(rows) == len(scores)
    for row, s in zip(rows, scores):
        assert row[1] == s.code and row[3] == s.total  # numbers as numbers
        assert row[0] == (float(s.rank) if s.rank else "")
        assert row[parts] == [("" if s.parts[p] is None else s.parts[p]) for p in scoring.PARTS]
    k = kpis.month_kpis(LAST_MONTH)
    figures = dict((r[0], r[1]) for r in got["全县指标"][1:])
    assert figures["客户满意率（%）"] == k.satisfaction_rate
    assert figures["城乡比"] == k.urban_rural_ratio
    towns = {r[0]: r[1] for r in got["分乡镇订货"][1:]}
    assert towns == {t: float(n) for t, n in k.sales_by_township.items()}
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in sheet and "<f>" not in sheet  # header frozen, no formula


def test_libreoffice_converts_the_month_xlsx_with_the_same_figures(county, tmp_path):
    office = tool("libreoffice", "soffice")
    path = reports.save(reports.build("month", month=LAST_MONTH), "xlsx", tmp_path / "month.xlsx")
    out = subprocess.run([office, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                          "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                          "--outdir", str(tmp_path / "lo"), str(path)],
                         capture_output=True, text=True, timeout=300)
    converted = tmp_path / "lo" / "month.csv"
    assert converted.exists(), out.stdout + out.stderr
    rows = list(csv.reader(io.StringIO(converted.read_text("utf-8"))))
    scores = scoring.compute_month(LAST_MONTH, with_unranked=True)
    assert rows[0][:3] == ["名次", "编号", "姓名"]
    assert [(r[1], float(r[3])) for r in rows[1:]] == [(s.code, s.total) for s in scores]
    assert [r[0] for r in rows[1:] if r[0]] == [str(s.rank) for s in scores if s.rank]


def test_month_html_prints_on_a4_pages(county, tmp_path):
    report = reports.build("month", month=LAST_MONTH)
    html = reports.save(report, "html", tmp_path / "month.html")
    page = Page(html.read_text("utf-8"))
    names = {s.code for s in scoring.compute_month(LAST_MONTH, with_unranked=True)}
    assert {r[1] for r in page.rows if len(r) > 10} - {"编号"} == names
    assert "svg" in page.tags and "rect" in page.tags  # the totals as an inline chart
    assert "制表人签字：" in page.text
    pdf = print_to_pdf(html, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf_pages(pdf) >= 1


def test_month_csv_in_gbk_on_request(county, tmp_path):
    report = reports.build("month", month=LAST_MONTH)
    data = render(report, "csv", encoding="gbk")
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("gbk"))))
    assert rows[0][:2] == ["名次", "编号"] and len(rows) == len(report.data["ranking"]) + 1


# --- the week ---------------------------------------------------------------------------------


def test_week_report_is_the_week_screens_notebook(county, tmp_path):
    from kjtui.services import staff

    m = staff.manager("XH07")
    view = week.week_notebook(m.id, LAST_WEEK, TODAY)
    report = reports.build("week", week_of=LAST_WEEK + timedelta(days=3), manager="XH07",
                           today=TODAY)
    got = sheets(render(report, "xlsx"))
    days = got["每日"]
    assert [r[0] for r in days[1:]] == [d.day for d in view.days]  # dates as dates
    assert [r[8] for r in days[1:]] == [float(d.figures.households) for d in view.days]
    assert sum(r[10] or 0 for r in days[1:]) == view.total("quantity")
    assert len(got["拜访记录"]) == len(view.lines) + 1
    html = Page(render(report, "html").decode())
    assert "客户经理签字：" in html.text and "批阅人（主任）签字：" in html.text
    assert report.data["managers"][0]["monday"] == LAST_WEEK.isoformat()


def test_the_weeks_of_every_manager_print_a_page_each(county, tmp_path):
    report = reports.build("week", week_of=LAST_WEEK, today=TODAY)
    people = staff_figures.roster(LAST_WEEK)
    assert [s.heading for s in report.sections] == [f"{p.code} {p.name}" for p in people]
    rows = sheets(render(report, "xlsx"))["每日"]
    assert rows[0][0] == "客户经理" and len(rows) == 7 * len(people) + 1
    html = reports.save(report, "html", tmp_path / "weeks.html")
    assert html.read_text("utf-8").count('<section class="page') == len(people)
    pdf = print_to_pdf(html, tmp_path)
    assert pdf_pages(pdf) >= len(people)  # a page break before each manager


# --- a manager, the staff, the KPIs, the checks -----------------------------------------------


def test_a_managers_twelve_months_are_the_desks(county, tmp_path):
    from kjtui.services import staff, trends

    report = reports.build("manager", manager="XH07", month=LAST_MONTH)
    got = sheets(render(report, "xlsx"))["各月得分"]
    checked, total = got[0].index("抽检次数"), got[0].index("总分")
    rows = got[1:]
    assert [r[0] for r in rows] == [add_months(LAST_MONTH, i - 11).strftime("%Y-%m")
                                    for i in range(12)]
    m = staff.manager("XH07")
    written = {w.month: w for w in trends.recent_scores(m.id, 12, until=LAST_MONTH)}
    assert written  # the demo's closed months: the figures the desk and Home show
    for row in rows:
        first = date.fromisoformat(row[0] + "-01")
        s = written.get(first) or next(
            x for x in scoring.compute_month(first, with_unranked=True) if x.code == "XH07")
        assert row[1] == ("已结账" if first in written else "未结账，按目前记录")
        assert row[total] == s.total and row[2] == (float(s.rank) if s.rank else "")
        assert row[checked] == float(len(oversight.spot_checks(first, m.id)))


def test_staff_figures_and_roster(county):
    report = reports.build("staff", on=TODAY)
    got = sheets(render(report, "xlsx"))
    f = staff_figures.staff_figures(TODAY)
    figures = dict((r[0], r[1]) for r in got["队伍结构"][1:])
    assert (figures["在岗人数"], figures["男"], figures["女"]) == (23, 16, 7)
    assert (figures["城区"], figures["农村"], figures["其中驻点"]) == (5, 18, 11)
    assert figures["平均年龄（岁）"] == f.average_age
    assert sum(figures[f"学历：{i18n.choice('education', e)}"] for e in f.by_education) == 23
    assert [r[0] for r in got["在岗人员名单"][1:]] == [p.code for p in staff_figures.roster(TODAY)]


def test_kpis_by_month_and_township(county):
    report = reports.build("kpis", month=LAST_MONTH, months=3)
    got = sheets(render(report, "xlsx"))
    rows = got["各月指标"][1:]
    for row, i in zip(rows, (-2, -1, 0)):
        k = kpis.month_kpis(add_months(LAST_MONTH, i))
        assert row[0] == k.month.strftime("%Y-%m")
        assert (row[1], row[6], row[8]) == (k.satisfaction_rate, k.urban_rural_ratio,
                                            k.concentration)
        assert row[9] == sum(k.sales_by_township.values())
    towns = got["分乡镇订货"]
    last = kpis.month_kpis(LAST_MONTH).sales_by_township
    assert {r[0]: r[3] for r in towns[1:]} == {t: float(n) for t, n in last.items()}


def test_spot_checks_and_talks(county):
    report = reports.build("checks", month=LAST_MONTH)
    got = sheets(render(report, "xlsx"))
    checks, talks = oversight.spot_checks(LAST_MONTH), oversight.talks(LAST_MONTH)
    assert len(got["抽检记录"]) == len(checks) + 1 and len(got["谈话记录"]) == len(talks) + 1
    summary = got["按客户经理"][1:]
    assert sum(r[2] for r in summary) == len(checks)
    assert sum(r[4] for r in summary) == sum(c.result == "discrepancy" for c in checks)
    assert isinstance(got["抽检记录"][1][0], date) and isinstance(got["抽检记录"][1][-1], datetime)


# --- user text --------------------------------------------------------------------------------


def test_shop_and_manager_names_are_escaped_everywhere(demo_db_path, tmp_path):
    from kjtui.models import Customer, Manager, Visit
    from kjtui.services import staff

    connect(resolve_url(shutil.copy(demo_db_path, tmp_path / "county.db")), create=False)
    m = staff.manager("XH07")
    visit = (Visit.select().where((Visit.manager == m.id) & (Visit.arrived_at >= LAST_WEEK)
                                  & (Visit.deleted == False)).order_by(Visit.arrived_at).first())
    Customer.update(shop_name=EVIL_SHOP).where(Customer.id == visit.customer_id).execute()
    Manager.update(name="=1+2").where(Manager.id == m.id).execute()
    week_report = reports.build("week", week_of=LAST_WEEK, manager="XH07", today=TODAY)
    html = render(week_report, "html").decode()
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;店&#34;)&lt;/script&gt;" in html
    page = Page(html)
    assert "script" not in page.tags and EVIL_SHOP in page.text
    visits = sheets(render(week_report, "xlsx"))["拜访记录"]
    assert EVIL_SHOP in [r[3] for r in visits]  # a text, not a formula
    month = reports.build("month", month=LAST_MONTH)
    rows = list(csv.reader(io.StringIO(render(month, "csv").decode("utf-8-sig"))))
    assert "'=1+2" in [r[2] for r in rows] and "=1+2" not in [r[2] for r in rows]
    assert "=1+2" in [r[2] for r in sheets(render(month, "xlsx"))["排名"]]
    with zipfile.ZipFile(io.BytesIO(render(month, "xlsx"))) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_csv_defuses_formulas_but_keeps_negative_numbers():
    report = Report("t", "t", "", "t", {}, [Section("", [Table(
        "x", "x", [Column("a"), Column("b", "int")],
        [("-1", -1), ("+x", 2), ("@x", 3), ("\tx", 4), ("ok", None)])])])
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    assert rows[1:] == [["'-1", "-1"], ["'+x", "2"], ["'@x", "3"], ["'\tx", "4"], ["ok", ""]]


# --- the command line -------------------------------------------------------------------------


def run(*args, lang="zh"):
    out = subprocess.run([sys.executable, "-m", "kjtui", "--lang", lang, *map(str, args)],
                         capture_output=True, text=True, timeout=300)
    return out.returncode, out.stdout, out.stderr


def test_cli_writes_each_kind_to_a_file_or_a_folder(county_file, tmp_path):
    code, out, err = run("report", "month", "--month", LAST_MONTH.strftime("%Y-%m"), "--db",
                         county_file, "--out", tmp_path / "m.xlsx")
    assert code == 0, err
    assert "已写入报表" in out and (tmp_path / "m.xlsx").exists()
    assert sheets(tmp_path / "m.xlsx")["排名"][0][0] == "名次"
    code, out, err = run("report", "week", "--manager", "XH07", "--week", LAST_WEEK, "--db",
                         county_file, "--format", "html", "--out", f"{tmp_path}/folder/",
                         lang="en")
    assert code == 0, err
    written = tmp_path / "folder" / f"notebook-{LAST_WEEK.isoformat()}-XH07.html"
    assert written.exists() and f"Report written: {written}" in out
    code, out, err = run("report", "checks", "--month", LAST_MONTH.strftime("%Y-%m"), "--db",
                         county_file, "--format", "csv")
    assert code == 0, err
    assert out.startswith("\ufeff编号,姓名,抽检次数")


@pytest.mark.parametrize("args, zh, en", [
    (("month", "--month", "2026-13"), "月份应为 YYYY-MM：2026-13", "a month is YYYY-MM: 2026-13"),
    (("manager", "--manager", "NOPE"), "没有编号为 NOPE 的客户经理", "There is no manager with code NOPE"),
    (("week", "--manager", "NOPE"), "没有编号为 NOPE 的客户经理", "There is no manager with code NOPE"),
    (("week", "--week", "2026-02-30"), "日期应为 YYYY-MM-DD", "a week is a day YYYY-MM-DD"),
    (("kpis", "--months", "0"), "月数应为 1 到 36", "months are 1 to 36"),
])
def test_a_bad_argument_is_refused_with_exit_2_and_nothing_written(county_file, tmp_path, args,
                                                                   zh, en):
    for lang, words in (("zh", zh), ("en", en)):
        out = tmp_path / "out" / f"r-{lang}.xlsx"
        code, _, err = run("report", *args, "--db", county_file, "--out", out, lang=lang)
        assert code == 2 and words in err and err.count("\n") == 1
        assert not out.parent.exists()


# --- the Week screen ------------------------------------------------------------------------


async def test_the_week_screen_writes_the_weeks_notebook_and_says_where(app_for, db, monkeypatch):
    from tests import county_small
    from tests.pilot_wait import until

    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: county_small.TODAY)
    app = app_for(db)
    folder = Path(db.database).parent / "reports"
    written = folder / f"工作本-{county_small.MONDAY.isoformat()}-KJ07.html"

    def notice():
        return str(app.screen.query_one("#week-msg").render())

    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f7")
        await until(pilot, lambda: "2026-05-11" in str(app.screen.query_one("#week-title")
                                                       .render()), "the week")
        await pilot.press("r")
        await until(pilot, lambda: "已生成本周工作本" in notice(), "the report written")
        assert str(written) in notice().replace("\n", "")
        page = Page(written.read_text("utf-8"))
        assert "KJ07 周丽娜" in page.text and "[老街]便民店" in page.text
        assert "批阅人（主任）签字：" in page.text


def test_the_quick_report_benchmark_runs(tmp_path):
    """The month-XLSX figures on the quick data, so that the benchmark cannot rot."""
    from benchmarks import reports as bench
    from benchmarks.core import Context

    ctx = Context(quick=True, reps=1, today=date(2026, 12, 1), cache=tmp_path / "cache")
    ctx.say = lambda text: None
    figures = bench.run(ctx)
    assert len(figures) == 4 and all(f.value and f.floor for f in figures), figures


async def test_the_month_desk_exports_the_months_workbook(app_for, demo_db_path, tmp_path,
                                                          monkeypatch):
    from tests.pilot_wait import until

    path = shutil.copy(demo_db_path, tmp_path / "hub.db")
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(path, "en")
    written = tmp_path / "reports" / f"month-{LAST_MONTH:%Y-%m}.xlsx"

    def notice():
        return str(app.screen.query_one("#desk-msg").render())

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await until(pilot, lambda: f"{LAST_MONTH:%Y-%m}" in str(app.screen.query_one(
            "#desk-title").render()), "the month on the desk")
        await pilot.press("x")
        await until(pilot, lambda: "The month's results written" in notice(), "the export")
        assert str(written) in notice()
    connect(resolve_url(path), create=False)
    ranking = sheets(written)["Ranking"]
    assert [r[1] for r in ranking[1:]] == [s.code for s in scoring.compute_month(
        LAST_MONTH, with_unranked=True)]
