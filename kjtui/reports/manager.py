"""One manager's twelve months 个人考核档案: each month's total, rank among those ranked and every
part as the close wrote them (kjtui.services.trends.recent_scores, the desk's and Home's twelve
months), a month not closed yet as the records are now (kjtui.services.scoring.compute_month, as
the month's report computes it); the spot checks of the month and the talk held after it
(kjtui.services.oversight), and the status history (kjtui.services.staff.history): what a
director reads before a talk or a recommendation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kjtui import i18n
from kjtui.reports.model import Chart, Column, Report, Section, Table, plain
from kjtui.services import oversight, scoring, session, staff, trends
from kjtui.services.periods import add_months, month_start

MONTHS = 12


def last_month(today: date | None = None) -> date:
    return add_months(month_start(today or session.today()), -1)


def build(manager: str, month: date | None = None, months: int = MONTHS, rules=None,
          progress: Callable[[int, int], None] | None = None) -> Report:
    t = i18n.t
    m = staff.manager(manager)
    last = month_start(month or last_month())
    span = [add_months(last, i - months + 1) for i in range(months)]
    parts = scoring.PARTS
    written = {w.month: w for w in trends.recent_scores(m.id, months, until=last)}
    rows, data, talks = [], [], []
    for i, mo in enumerate(span):
        if mo in written:
            s = written[mo]
            ranked = s.ranked
            state = t("rep.manager.provisional") if s.provisional else t("rep.manager.closed")
        else:
            scores = scoring.compute_month(mo, rules, with_unranked=True)
            s = next((x for x in scores if x.manager_id == m.id), None)
            ranked = sum(1 for x in scores if x.rank)
            state = t("rep.manager.open") if s else None
        checks = oversight.spot_checks(mo, m.id)
        held = oversight.talks(mo, m.id)
        talks += [(mo.strftime("%Y-%m"), x) for x in held]
        results = {r: sum(c.result == r for c in checks) for r in
                   ("confirmed", "discrepancy", "unreachable")}
        unranked = getattr(s, "unranked", "")
        rows.append((
            mo.strftime("%Y-%m"), state, (s.rank or None) if s else None, ranked if s else None,
            s.total if s else None, *((s.parts[p] if s else None) for p in parts),
            (t("scr.list_sep").join(t(f"score.part.{p}") for p in s.missing) or None) if s else None,
            (t(f"score.unranked.{unranked}") if unranked else None) if s else
            t("rep.manager.not_scored"),
            len(checks), results["confirmed"], results["discrepancy"], results["unreachable"],
            held[0].held_on if held else None))
        data.append({"month": mo.strftime("%Y-%m"), "written": mo in written,
                     "score": plain(s), "ranked": ranked,
                     "spot_checks": plain(checks), "talks": plain(held)})
        if progress:
            progress(i + 1, len(span))
    columns = [Column(t("rep.col.month")), Column(t("rep.manager.state")),
               Column(t("month.col.rank"), "int"),
               Column(t("rep.col.ranked"), "int"), Column(t("month.col.total"), "float"),
               *(Column(t(f"score.part.{p}"), "float") for p in parts),
               Column(t("rep.col.missing")), Column(t("rep.col.unranked")),
               Column(t("rep.checks.count"), "int"),
               *(Column(i18n.choice("spot_result", r), "int")
                 for r in ("confirmed", "discrepancy", "unreachable")),
               Column(t("rep.talk.held_on"), "date")]
    talk_table = Table("talks", t("rep.table.talks"), talk_columns(with_manager=False),
                       [(mo, *talk_row(x)) for mo, x in talks], empty=t("rep.none"))
    history = staff.history(manager)
    status = Table("status", t("rep.table.status"),
                   [Column(t("rep.status.on"), "date"), Column(t("rep.status.status")),
                    Column(t("rep.col.note")), Column(t("rep.status.by"))],
                   [(h.effective_on, i18n.choice("status", h.status), h.reason or None,
                     h.decided_by_name or None) for h in history], empty=t("rep.none"))
    chart = Chart(t("rep.chart.totals"), [r[0][2:] for r in rows], [r[4] for r in rows], top=100.0)
    first_s, last_s = span[0].strftime("%Y-%m"), last.strftime("%Y-%m")
    lines = [t("rep.manager.facts", post=m.post.name if m.post_id else "—",
               employment=i18n.choice("employment", m.employment),
               status=i18n.choice("status", m.status),
               hired=m.hired_on.isoformat() if m.hired_on else "—")]
    return Report(
        "manager", t("rep.title.manager"), t("rep.week.period", first=first_s, last=last_s),
        f"{t('rep.stem.manager')}-{m.code}-{last_s}",
        {"code": m.code, "name": m.name, "from": first_s, "to": last_s, "months": data,
         "status_history": plain(history)},
        [Section(f"{m.code} {m.name}",
                 [Table("months", t("rep.table.months"), columns, rows), talk_table, status],
                 [chart], lines, [t("rep.sign.manager"), t("rep.sign.director")])],
        main="months")


def talk_columns(with_manager: bool = True) -> list[Column]:
    t = i18n.t
    who = [Column(t("month.col.code")), Column(t("month.col.name"))] if with_manager else [
        Column(t("rep.col.month"))]
    return [*who, Column(t("rep.talk.held_on"), "date"), Column(t("rep.talk.by")),
            Column(t("rep.talk.gains")), Column(t("rep.talk.suggestions")),
            Column(t("rep.talk.shortcomings")), Column(t("rep.talk.causes")),
            Column(t("rep.talk.advice"))]


def talk_row(x) -> tuple:
    return (x.held_on, x.supervisor, x.gains or None, x.suggestions or None,
            x.shortcomings or None, x.causes or None, x.advice or None)
