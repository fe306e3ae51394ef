"""A manager's week 工作本 as the supervisor reviews it (按周进行批阅流转), to sign and file: the days
(plan against route, households, orders, acknowledgements, odometer, check-ins), every visit, the
information collected, the review with the records it asks to correct, and the signature lines a
paper notebook has. From kjtui.services.week.week_notebook, the Week screen's own reading. Without
a manager, every manager at work that week, one page each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kjtui import i18n
from kjtui.exception import KjtuiError
from kjtui.reports.model import Chart, Column, Report, Section, Table, plain
from kjtui.services import session, staff, week
from kjtui.services.periods import monday_of
from kjtui.services.staff_figures import roster


def day_table(v) -> Table:
    t = i18n.t
    columns = [Column(t("week.col.day"), "date"), Column(t("rep.week.weekday")),
               Column(t("week.col.plan")), Column(t("rep.week.ridden")),
               Column(t("rep.week.planned"), "int"), Column(t("rep.week.visited"), "int"),
               Column(t("rep.week.missed"), "int"), Column(t("rep.week.extra"), "int"),
               Column(t("rep.week.households"), "int"), Column(t("rep.week.orders"), "int"),
               Column(t("rep.week.quantity"), "int"), Column(t("rep.week.acknowledged"), "int"),
               Column(t("rep.week.declined"), "int"), Column(t("rep.week.unacknowledged"), "int"),
               Column(t("rep.week.odo_start"), "int"), Column(t("rep.week.odo_end"), "int"),
               Column(t("week.col.km"), "int"), Column(t("rep.week.first"), "time"),
               Column(t("rep.week.first_phoned")), Column(t("rep.week.last"), "time"),
               Column(t("rep.week.last_phoned"))]
    rows = []
    for d in v.days:
        p, f = d.plan, d.figures
        rows.append((d.day, t(f"weekday.{d.day.weekday()}"), p.route_name, p.ridden_route_name,
                     p.planned if p.route_name else None, p.visited if p.started else None,
                     p.missed if p.started and p.route_name else None,
                     p.extra if p.started else None, f.households, f.orders, f.quantity,
                     d.acknowledged, d.declined, d.unacknowledged, d.odometer_start,
                     d.odometer_end, f.mileage, f.first_visit_at,
                     f.first_phoned if f.first_visit_at else None, f.last_visit_at,
                     f.last_phoned if f.last_visit_at else None))
    return Table("days", t("rep.table.days"), columns, rows)


def visit_table(v) -> Table:
    t = i18n.t
    columns = [Column(t("week.col.day"), "date"), Column(t("rep.visit.arrived"), "time"),
               Column(t("rep.visit.departed"), "time"),
               Column(t("rep.visit.shop")), Column(t("rep.visit.licence")),
               Column(t("rep.visit.on_route")), Column(t("rep.visit.ordered")),
               Column(t("rep.visit.quantity"), "int"), Column(t("rep.visit.price_tags")),
               Column(t("rep.visit.agreement")), Column(t("rep.visit.format")),
               Column(t("rep.visit.brand")), Column(t("rep.visit.satisfaction"), "int"),
               Column(t("rep.visit.ack")), Column(t("rep.visit.flags")), Column(t("rep.visit.note"))]
    rows = [(x.arrived_at.date(), x.arrived_at, x.departed_at, x.shop_name, x.licence_no,
             x.on_route, x.ordered,
             x.quantity if x.ordered else None, x.price_tags, x.agreement_sales,
             x.retail_format_ok, x.brand_cultivation, x.satisfaction,
             i18n.choice("ack", x.ack_method) if x.ack_method else t("rep.visit.not_acknowledged"),
             i18n.t("scr.list_sep").join(t(f"flag.visit.{f}") for f in x.flags) or None,
             x.note or None) for x in v.lines]
    return Table("visits", t("rep.table.visits"), columns, rows, empty=t("rep.none"))


def info_table(v) -> Table:
    t = i18n.t
    columns = [Column(t("rep.info.collected"), "date"), Column(t("rep.info.category")),
               Column(t("rep.visit.shop")), Column(t("rep.info.content")),
               Column(t("rep.info.summary")), Column(t("rep.info.state")),
               Column(t("rep.info.feedback"))]
    rows = [(i.collected_on, i18n.choice("info_category", i.category), i.customer_name or None,
             i.content, i.summary or None, i18n.choice("info_state", i.state),
             "\n".join(f"{f.supervisor}：{f.text}" for f in i.feedback) or None) for i in v.info]
    return Table("info", t("rep.table.info"), columns, rows, empty=t("rep.none"))


def review_tables(v) -> list[Table]:
    t = i18n.t
    r = v.review
    pairs = [Column(t("rep.col.figure")), Column(t("rep.col.value"))]
    if r is None:
        rows = [(t("rep.review.state"), t("rep.review.not_yet"))]
    else:
        rows = [(t("rep.review.state"), i18n.choice("review_state", r.state)),
                (t("rep.review.by"), r.supervisor), (t("rep.review.at"), r.at),
                (t("rep.review.comment"), r.comment or None)]
    review = Table("review", t("rep.table.review"), pairs, rows, pairs=True)
    flags = Table("flags", t("rep.table.flags"),
                  [Column(t("rep.flag.kind")), Column(t("week.col.day"), "date"),
                   Column(t("rep.flag.at"), "datetime"), Column(t("rep.visit.shop")),
                   Column(t("rep.flag.detail")), Column(t("rep.flag.reason"))],
                  [(t(f"kind.{f.kind}"), f.day, f.at, f.customer or None, f.detail or None,
                    f.reason) for f in (r.flags if r else [])], empty=t("rep.none"))
    return [review, flags]


def section(m, v) -> Section:
    t = i18n.t
    totals = t("week.totals", households=v.total("households"), orders=v.total("orders"),
               quantity=v.total("quantity"), km=v.mileage, info=len(v.info))
    decision = (t("rep.review.blank") if v.review is None else
                t("rep.review.done", state=i18n.choice("review_state", v.review.state),
                  who=v.review.supervisor, at=v.review.at.strftime("%Y-%m-%d %H:%M")))
    labels = [f"{d.day:%m-%d} {t(f'weekday.{d.day.weekday()}')}" for d in v.days]
    charts = [Chart(t("week.chart.households"), labels, [d.figures.households for d in v.days]),
              Chart(t("rep.week.km_chart"), labels, [d.figures.mileage for d in v.days])]
    return Section(f"{m.code} {m.name}",
                   [day_table(v), visit_table(v), info_table(v), *review_tables(v)], charts,
                   [totals, decision],
                   [t("rep.sign.manager"), t("rep.sign.reviewer")])


def parse_week(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KjtuiError("report.bad_week", value=text) from None


def build(week_of: date | None = None, manager: str | None = None, today: date | None = None,
          progress: Callable[[int, int], None] | None = None) -> Report:
    today = today or session.today()
    monday = monday_of(week_of or today)
    if manager is not None:
        m = staff.manager(manager)
        people = [m]
    else:
        people = roster(monday)
        if not people:
            raise KjtuiError("report.no_manager_week")
    sections, data = [], []
    for i, m in enumerate(people):
        v = week.week_notebook(m.id, monday, today)
        sections.append(section(m, v))
        data.append({"code": m.code, "name": m.name, **plain(v)})
        if progress:
            progress(i + 1, len(people))
    sunday = v.sunday
    stem = f"{i18n.t('rep.stem.week')}-{monday.isoformat()}" + (f"-{manager}" if manager else "")
    return Report("week", i18n.t("rep.title.week"),
                  i18n.t("rep.week.period", first=monday.isoformat(), last=sunday.isoformat()),
                  stem, {"week": monday.isoformat(), "managers": data}, sections,
                  by=i18n.t("rep.col.manager"), main="days")
