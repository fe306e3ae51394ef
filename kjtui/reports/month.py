"""The month's results 月度考核表 for the general office 综合室: the ranking with every part,
the warnings, the eliminations and the recognition, and the month's county KPIs; all from
kjtui.services.month_report.report (the same dict `kjtui report month --format json` prints)."""

from __future__ import annotations

from datetime import date

from kjtui import i18n
from kjtui.reports.model import Chart, Column, Report, Section, Table
from kjtui.services import month_report, scoring

CHART_MOST = 60  # more managers than this (a province) make no readable bar chart


def months_text(months: list[str]) -> str:
    return i18n.t("scr.list_sep").join(months)


# The KPI figures (kjtui.services.kpis.Kpis) in the order a report shows them, with their words.
KPI_WORDS = {
    "satisfaction_rate": "rep.kpi.satisfaction_rate", "rated_visits": "rep.kpi.rated_visits",
    "satisfied_visits": "rep.kpi.satisfied_visits",
    "urban_per_customer": "rep.kpi.urban_per_customer",
    "rural_per_customer": "rep.kpi.rural_per_customer",
    "urban_rural_ratio": "rep.kpi.urban_rural_ratio",
    "ordering_customers": "rep.kpi.ordering_customers", "concentration": "rep.kpi.concentration",
}


def kpi_rows(k: dict) -> list[tuple]:
    """The KPI figures of a month as (label, value) rows (kjtui.services.kpis.Kpis.as_dict)."""
    return [(i18n.t(key), k[name]) for name, key in KPI_WORDS.items()]


def kpi_columns() -> list[Column]:
    return [Column(i18n.t("rep.col.figure")), Column(i18n.t("rep.col.value"), "float", None)]


def build(month: date, rules=None) -> Report:
    data = month_report.report(month, rules)
    warned = {w["code"]: w for w in data["warnings"]}
    out = {c["code"]: c for c in data["eliminated"]}
    awards: dict[str, list[str]] = {}
    for r in data["recognition"]:
        awards.setdefault(r["code"], []).append(i18n.t(f"rep.award.{r['kind']}"))
    parts = scoring.PARTS
    columns = [Column(i18n.t("month.col.rank"), "int"), Column(i18n.t("month.col.code")),
               Column(i18n.t("month.col.name")), Column(i18n.t("month.col.total"), "float"),
               *(Column(i18n.t(f"score.part.{p}"), "float") for p in parts),
               Column(i18n.t("rep.col.missing")), Column(i18n.t("rep.col.unranked")),
               Column(i18n.t("rep.col.closed_total"), "float"),
               Column(i18n.t("rep.col.closed_rank"), "int"),
               Column(i18n.t("rep.col.warning")), Column(i18n.t("rep.col.eliminated")),
               Column(i18n.t("rep.col.award"))]
    rows = []
    for r in data["ranking"]:
        missing = [i18n.t(f"score.part.{p}") for p in parts if r["parts"][p]["missing"]]
        w, e = warned.get(r["code"]), out.get(r["code"])
        rows.append((
            r["rank"], r["code"], r["name"], r["total"],
            *(r["parts"][p]["score"] for p in parts),
            i18n.t("scr.list_sep").join(missing) or None,
            i18n.t(f"score.unranked.{r['unranked']}") if r["unranked"] else None,
            r["closed_total"], r["closed_rank"],
            i18n.t(f"rep.rule.{w['rule']}") if w else None,
            i18n.t("rep.eliminated", rule=i18n.t(f"rep.rule.{e['rule']}"),
                   status=i18n.choice("status", e["new_status"])) if e else None,
            i18n.t("scr.list_sep").join(awards.get(r["code"], ())) or None,
        ))
    ranking = Table("ranking", i18n.t("rep.table.ranking"), columns, rows,
                    empty=i18n.t("rep.none"))
    people = [Column(i18n.t("month.col.code")), Column(i18n.t("month.col.name"))]
    warnings = Table("warnings", i18n.t("rep.table.warnings"),
                     [*people, Column(i18n.t("rep.col.rule")), Column(i18n.t("rep.col.months"))],
                     [(w["code"], w["name"], i18n.t(f"rep.rule.{w['rule']}"),
                       months_text(w["months"])) for w in data["warnings"]],
                     empty=i18n.t("rep.none"))
    eliminated = Table("eliminated", i18n.t("rep.table.eliminated"),
                       [*people, Column(i18n.t("rep.col.rule")), Column(i18n.t("rep.col.months")),
                        Column(i18n.t("rep.col.new_status"))],
                       [(c["code"], c["name"], i18n.t(f"rep.rule.{c['rule']}"),
                         months_text(c["months"]), i18n.choice("status", c["new_status"]))
                        for c in data["eliminated"]], empty=i18n.t("rep.none"))
    recognition = Table("recognition", i18n.t("rep.table.recognition"),
                        [Column(i18n.t("rep.col.award")), Column(i18n.t("rep.col.period")),
                         *people, Column(i18n.t("rep.col.note"))],
                        [(i18n.t(f"rep.award.{r['kind']}"), r["period"], r["code"], r["name"],
                          r["note"]) for r in data["recognition"]], empty=i18n.t("rep.none"))
    kpis = Table("kpis", i18n.t("rep.table.kpis"), kpi_columns(), kpi_rows(data["kpis"]),
                 pairs=True)
    townships = Table("townships", i18n.t("rep.table.townships"),
                      [Column(i18n.t("rep.col.township")), Column(i18n.t("rep.col.cartons"), "int")],
                      list(data["kpis"]["sales_by_township"].items()), empty=i18n.t("rep.none"))
    ranked = [r for r in data["ranking"] if r["rank"]]
    charts = [] if not ranked or len(ranked) > CHART_MOST else [
        Chart(i18n.t("rep.chart.totals"), [r["name"] for r in ranked],
              [r["total"] for r in ranked], top=100.0)]
    close = data["close"]
    state = (i18n.t("rep.close.closed", run=close["run"], at=close["closed_at"][:16].replace("T", " "))
             if close and close["state"] == "closed" else i18n.t("rep.close.open"))
    lines = [state, i18n.t("rep.ranked", n=len(ranked), total=len(data["ranking"]),
                           rules=data["rules"])]
    return Report(
        "month", i18n.t("rep.title.month"), data["month"], f"{i18n.t('rep.stem.month')}-{data['month']}",
        data, [Section("", [ranking, warnings, eliminated, recognition, kpis, townships], charts,
                       lines, [i18n.t("rep.sign.maker"), i18n.t("rep.sign.director")])],
        main="ranking")
