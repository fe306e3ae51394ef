"""The county's KPIs month by month (kjtui.services.kpis.month_kpis; definitions in
docs/KPIS.md): satisfaction, the urban-rural ratio and the concentration, both of which should
fall, and the cartons ordered by township and month."""

from __future__ import annotations

from datetime import date

from kjtui import i18n
from kjtui.reports.manager import MONTHS, last_month
from kjtui.reports.model import Chart, Column, Report, Section, Table
from kjtui.reports.month import KPI_WORDS
from kjtui.services import kpis
from kjtui.services.periods import add_months, month_start

FIGURES = tuple(KPI_WORDS)


def build(month: date | None = None, months: int = MONTHS) -> Report:
    t = i18n.t
    last = month_start(month or last_month())
    span = [add_months(last, i - months + 1) for i in range(months)]
    ks = [kpis.month_kpis(mo) for mo in span]
    labels = [k.month.strftime("%Y-%m") for k in ks]
    rows = [(label, *(getattr(k, f) for f in FIGURES), sum(k.sales_by_township.values()))
            for label, k in zip(labels, ks)]
    columns = [Column(t("rep.col.month")),
               *(Column(t(KPI_WORDS[f]), "float", None) for f in FIGURES),
               Column(t("rep.kpi.cartons"), "int")]
    towns = sorted({name for k in ks for name in k.sales_by_township})
    by_town = Table("townships", t("rep.table.townships"),
                    [Column(t("rep.col.township")), *(Column(label, "int") for label in labels),
                     Column(t("rep.kpi.total"), "int")],
                    [(name, *(k.sales_by_township.get(name, 0) for k in ks),
                      sum(k.sales_by_township.get(name, 0) for k in ks)) for name in towns],
                    empty=t("rep.none"))
    short = [label[2:] for label in labels]
    charts = [Chart(t("rep.kpi.satisfaction_rate"), short, [k.satisfaction_rate for k in ks],
                    top=100.0),
              Chart(t("rep.kpi.urban_rural_ratio"), short, [k.urban_rural_ratio for k in ks]),
              Chart(t("rep.kpi.concentration"), short, [k.concentration for k in ks], top=100.0)]
    period = t("rep.week.period", first=labels[0], last=labels[-1])
    return Report("kpis", t("rep.title.kpis"), period, f"{t('rep.stem.kpis')}-{labels[-1]}",
                  {"from": labels[0], "to": labels[-1], "months": [k.as_dict() for k in ks]},
                  [Section("", [Table("months", t("rep.table.kpi_months"), columns, rows),
                                by_town], charts, [t("rep.kpi.line")], [t("rep.sign.maker")])],
                  main="months")
