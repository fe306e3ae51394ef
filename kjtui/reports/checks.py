"""The month's spot checks 抽检 and their outcomes, and the talks 情感沟通 held, for the
directors (kjtui.services.oversight): a line a manager with his checks by outcome and his talk,
then every check and every talk."""

from __future__ import annotations

from datetime import date

from kjtui import i18n
from kjtui.reports.manager import last_month, talk_columns, talk_row
from kjtui.reports.model import Column, Report, Section, Table, plain
from kjtui.services import oversight
from kjtui.services.periods import month_end, month_start
from kjtui.services.staff_figures import roster

RESULTS = ("confirmed", "discrepancy", "unreachable")


def build(month: date | None = None) -> Report:
    t = i18n.t
    first = month_start(month or last_month())
    checks = oversight.spot_checks(first)
    talks = oversight.talks(first)
    people = {p.code: p.name for p in roster(month_end(first))}
    for c in checks:
        people.setdefault(c.manager_code, c.manager_name)
    for x in talks:
        people.setdefault(x.manager_code, x.manager_name)
    summary = []
    for code in sorted(people):
        mine = [c for c in checks if c.manager_code == code]
        held = [x for x in talks if x.manager_code == code]
        summary.append((code, people[code], len(mine),
                        *(sum(c.result == r for c in mine) for r in RESULTS),
                        held[0].held_on if held else None,
                        held[0].supervisor if held else None))
    who = [Column(t("month.col.code")), Column(t("month.col.name"))]
    tables = [
        Table("summary", t("rep.table.checks_summary"),
              [*who, Column(t("rep.checks.count"), "int"),
               *(Column(i18n.choice("spot_result", r), "int") for r in RESULTS),
               Column(t("rep.talk.held_on"), "date"), Column(t("rep.talk.by"))], summary),
        Table("checks", t("rep.table.checks"),
              [Column(t("week.col.day"), "date"), *who, Column(t("rep.checks.method")),
               Column(t("rep.checks.result")), Column(t("rep.visit.shop")),
               Column(t("rep.col.note")), Column(t("rep.checks.by")),
               Column(t("rep.checks.at"), "datetime")],
              [(c.day, c.manager_code, c.manager_name, i18n.choice("spot_method", c.method),
                i18n.choice("spot_result", c.result), c.shop_name or None, c.note or None,
                c.supervisor, c.at) for c in checks], empty=t("rep.none")),
        Table("talks", t("rep.table.talks"), talk_columns(),
              [(x.manager_code, x.manager_name, *talk_row(x)) for x in talks],
              empty=t("rep.none")),
    ]
    m = first.strftime("%Y-%m")
    totals = {r: sum(c.result == r for c in checks) for r in RESULTS}
    lines = [t("rep.checks.line", n=len(checks), confirmed=totals["confirmed"],
               discrepancy=totals["discrepancy"], unreachable=totals["unreachable"],
               talks=len(talks), managers=len(people))]
    return Report("checks", t("rep.title.checks"), m, f"{t('rep.stem.checks')}-{m}",
                  {"month": m, "spot_checks": plain(checks), "talks": plain(talks)},
                  [Section("", tables, [], lines, [t("rep.sign.maker"), t("rep.sign.director")])],
                  main="summary")
