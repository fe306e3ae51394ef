"""谈话 (情感沟通) on the county office's desk: after a month's results each director talks with the
managers the close gave him (kjtui.services.talks: the warned and named to the director, the
rest dealt from the bottom) and records gains and losses, suggestions heard, shortcomings, their
causes and the advice; the manager's last talk's advice is beside it. A talk held again for the
same month supersedes the earlier one (both kept). The talk travels to the manager's station,
whose Home shows the advice (kjtui.services.county_word)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from kjtui.exception import Refused
from kjtui.models import Manager, MonthlyScore, Supervisor, Talk, journal
from kjtui.services import acting, session, talks
from kjtui.services.month_desk import county_rules
from kjtui.services.periods import month_start

FIELDS = ("gains", "suggestions", "shortcomings", "causes", "advice")
MAX_TEXT = 500


@dataclass(frozen=True)
class TalkRecord:
    id: str
    month: date
    supervisor: str
    held_on: date
    gains: str
    suggestions: str
    shortcomings: str
    causes: str
    advice: str

    def values(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}


@dataclass(frozen=True)
class TalkRow:
    manager_id: str
    code: str
    name: str
    rank: int
    total: float
    director: str  # the code of the director the close gave him to
    director_name: str
    talk: TalkRecord | None  # this month's, the latest
    last: TalkRecord | None  # the talk before this month's results, with its advice
    earlier: int  # this month's talks it superseded


@dataclass(frozen=True)
class TalkMonth:
    month: date
    rows: list[TalkRow]  # each director's list in turn, the one most in need first

    @property
    def held(self) -> int:
        return sum(1 for r in self.rows if r.talk is not None)


def _record(t: Talk, supervisor: str) -> TalkRecord:
    return TalkRecord(t.id, t.month, supervisor, t.held_on, t.gains, t.suggestions,
                      t.shortcomings, t.causes, t.advice)


def _talks(manager_ids: list[str]) -> dict[str, list[TalkRecord]]:
    """Every talk of these managers, the latest first."""
    out: dict[str, list[TalkRecord]] = {}
    q = (Talk.select(Talk, Supervisor.name.alias("sup"))
         .join(Supervisor, pw.JOIN.LEFT_OUTER, on=(Talk.supervisor == Supervisor.id))
         .where(Talk.manager.in_(manager_ids) & (Talk.deleted == False))
         .order_by(Talk.month.desc(), Talk.held_on.desc(), Talk.hlc.desc(), Talk.id.desc()))
    for t in q.objects():
        out.setdefault(t.manager_id, []).append(_record(t, t.sup or ""))
    return out


def month_talks(month: date, first_for: str | None = None) -> TalkMonth:
    """The month's talks as the close shared the managers out (the list of the supervisor
    `first_for`, a code, first): who, his rank, this month's talk and the last one's advice."""
    first = month_start(month)
    lists = talks.talk_lists(first, county_rules())
    lists.sort(key=lambda t: t.supervisor != first_for)  # stable: the close's order kept
    scores = {code: (mid, name, rank, total) for mid, code, name, rank, total in (
        MonthlyScore.select(Manager.id, Manager.code, Manager.name, MonthlyScore.rank,
                            MonthlyScore.total).join(Manager)
        .where((MonthlyScore.month == first) & (MonthlyScore.deleted == False)).tuples())}
    held = _talks([v[0] for v in scores.values()])
    rows = []
    for t in lists:
        for code in t.managers:
            mid, name, rank, total = scores[code]
            mine = held.get(mid, [])
            now = [r for r in mine if r.month == first]
            last = next((r for r in mine if r.month < first and r.advice), None)
            rows.append(TalkRow(mid, code, name, rank, total, t.supervisor, t.name,
                                now[0] if now else None, last, max(0, len(now) - 1)))
    return TalkMonth(first, rows)


def hold(manager_id: str, month: date, values: dict[str, str], supervisor_id: str,
         held_on: date | None = None) -> TalkRecord:
    """A talk after the month's results, with who held it and when; the advice is what the
    manager will read, so a talk gives one."""
    values = {f: " ".join((values.get(f) or "").split()) for f in FIELDS}
    if not values["advice"]:
        raise Refused("office.talk_needs_advice")
    for text in values.values():
        if len(text) > MAX_TEXT:
            raise Refused("office.note_too_long", n=len(text), max=MAX_TEXT)
    sup = acting.supervisor(supervisor_id)
    first = month_start(month)
    if not MonthlyScore.select().where((MonthlyScore.manager == manager_id)
                                       & (MonthlyScore.month == first)
                                       & (MonthlyScore.deleted == False)).exists():
        raise Refused("office.talk_no_results", month=f"{first:%Y-%m}")
    talk = journal.create(Talk, manager=manager_id, supervisor=sup.id, month=first,
                          held_on=held_on or session.today(), **values)
    return _record(talk, sup.name)
