"""The team's figures 队伍结构 as the seed reports them (head count, gender, urban, rural and
stationed, age, education) and the roster they count (kjtui.services.staff_figures)."""

from __future__ import annotations

from datetime import date

from kjtui import i18n
from kjtui.reports.model import Column, Report, Section, Table, plain
from kjtui.services import session
from kjtui.services.staff_figures import roster, staff_figures


def build(on: date | None = None) -> Report:
    t = i18n.t
    on = on or session.today()
    f = staff_figures(on)
    people = roster(on)
    figures = [(t("rep.staff.head_count"), f.head_count), (t("rep.staff.men"), f.men),
               (t("rep.staff.women"), f.women), (t("rep.staff.urban"), f.urban),
               (t("rep.staff.rural"), f.rural), (t("rep.staff.stationed"), f.stationed),
               (t("rep.staff.average_age"), f.average_age),
               (t("rep.staff.college_or_above"), f.college_or_above),
               (t("rep.staff.college_share"), round(100 * f.college_share, 2))]
    figures += [(t("rep.staff.education", level=i18n.choice("education", k)), n)
                for k, n in f.by_education.items()]
    figures += [(t("rep.staff.employment", kind=i18n.choice("employment", k)), n)
                for k, n in f.by_employment.items()]
    figures += [(t("rep.staff.age", band=k), n) for k, n in f.by_age.items()]
    pairs = [Column(t("rep.col.figure")), Column(t("rep.col.value"), "float", None)]
    tables = [
        Table("figures", t("rep.table.staff"), pairs, figures, pairs=True),
        Table("roster", t("rep.table.roster"),
              [Column(t("month.col.code")), Column(t("month.col.name")),
               Column(t("rep.staff.gender")), Column(t("rep.staff.age_col"), "int"),
               Column(t("rep.staff.education_col")), Column(t("rep.staff.employment_col")),
               Column(t("rep.staff.post")), Column(t("rep.staff.post_kind")),
               Column(t("rep.staff.hired_on"), "date")],
              [(p.code, p.name, i18n.choice("gender", p.gender), p.age,
                i18n.choice("education", p.education), i18n.choice("employment", p.employment),
                p.post or None, i18n.choice("post_kind", p.post_kind) if p.post_kind else None,
                p.hired_on) for p in people], empty=t("rep.none")),
    ]
    line = t("report.staff", on=f.on.isoformat(), n=f.head_count, men=f.men, women=f.women,
             urban=f.urban, rural=f.rural, stationed=f.stationed, age=f.average_age,
             college=f.college_or_above, share=round(100 * f.college_share))
    return Report("staff", t("rep.title.staff"), on.isoformat(),
                  f"{t('rep.stem.staff')}-{on.isoformat()}",
                  {**f.as_dict(), "roster": plain(people)},
                  [Section("", tables, [], [line], [t("rep.sign.maker")])], main="figures")
