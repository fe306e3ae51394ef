"""The county office's month on its desk (kjtui/screens/desk/month.py): the ranking with every
part and what each part adds to the total, the close's state, the warnings and the managers the
rule names; one manager's parts with the records behind them and his twelve months against the
elimination line; the close, the reopening and the decision as the desk makes them (the rules of
kjtui.services.month_close and kjtui.services.elimination, the county's rules file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kjtui.models import Manager, MonthlyScore
from kjtui.services import elimination, month_close, month_report, scoring, settings, trends
from kjtui.services import rules as rules_file
from kjtui.services.periods import month_start

TWELVE = 12


def county_rules() -> rules_file.Rules:
    """The rules the hub closes with: the file named by the setting, else the packaged ones."""
    return rules_file.load(settings.get(rules_file.SETTING))


@dataclass(frozen=True)
class DeskRow:
    manager_id: str
    code: str
    name: str
    rank: int  # 0: not ranked (`unranked` says why)
    total: float
    parts: dict[str, float | None]
    shares: dict[str, float]  # what each part adds to the total
    missing: dict[str, str]
    unranked: str = ""
    warning: str = ""  # the elimination rule one more month would trigger
    warning_months: tuple[date, ...] = ()  # the months it counts already
    candidate: str = ""  # the status the rule calls for, when it names this manager
    choices: tuple[str, ...] = ()  # the decisions allowed for him (his employment)


@dataclass(frozen=True)
class DeskMonth:
    month: date
    state: str  # "open" (never closed), "closed", "reopened"
    run: int
    reason: str
    closed_total: dict[str, float]  # what the standing close wrote, by manager id
    rows: list[DeskRow]
    weights: dict[str, int]


def month_view(month: date) -> DeskMonth:
    """The month as the records are now (a late record shows before it is closed again)."""
    first = month_start(month)
    rules = county_rules()
    scores = scoring.compute_month(first, rules, with_unranked=True)
    names = dict(Manager.select(Manager.id, Manager.name).tuples())
    warned = {w.manager_id: w for w in elimination.warnings(first, rules)}
    named = {c.manager_id: c for c in elimination.elimination_candidates(first, rules)}
    close = month_close.current_close(first)
    written = dict(MonthlyScore.select(MonthlyScore.manager, MonthlyScore.total).where(
        (MonthlyScore.month == first) & (MonthlyScore.deleted == False)).tuples())
    rows = []
    for s in scores:
        w, c = warned.get(s.manager_id), named.get(s.manager_id)
        rows.append(DeskRow(
            s.manager_id, s.code, names.get(s.manager_id, ""), s.rank, s.total, s.parts,
            scoring.shares(s.parts, rules), s.missing, s.unranked,
            w.rule if w else "", w.months if w else (), c.new_status if c else "",
            elimination.DECISIONS[c.employment] if c else ()))
    if close is None:
        return DeskMonth(first, "open", 0, "", {}, rows, rules.weights)
    state = "reopened" if close.state == "reopened" else "closed"
    return DeskMonth(first, state, close.run, close.reason, written, rows, rules.weights)


@dataclass(frozen=True)
class MonthMark:
    month: date
    total: float
    rank: int
    ranked: int
    bottom: int  # 2: in the bottom two, 3: in the bottom three, 0: above them
    provisional: bool


@dataclass(frozen=True)
class ManagerView:
    code: str
    name: str
    records: dict[str, dict[str, int]]  # part -> {kind of record: how many}
    months: list[MonthMark] = field(default_factory=list)  # oldest first, up to twelve
    bottom_two: int = 2  # the rules' numbers the line is drawn at
    bottom_three: int = 3


def manager_view(month: date, manager_id: str) -> ManagerView:
    first = month_start(month)
    rules = county_rules()
    m = Manager.get_by_id(manager_id)
    behind = month_report.evidence(first, [manager_id])[manager_id]
    records = {part: {kind: len(v) for kind, v in found.items() if isinstance(v, list)}
               for part, found in behind.items()}
    marks = []
    for s in trends.recent_scores(manager_id, TWELVE):
        if s.month > first:
            continue
        from_bottom = s.ranked - s.rank + 1
        bottom = (rules.bottom_consecutive if from_bottom <= rules.bottom_consecutive
                  else rules.bottom_repeated if from_bottom <= rules.bottom_repeated else 0)
        marks.append(MonthMark(s.month, s.total, s.rank, s.ranked, bottom, s.provisional))
    return ManagerView(m.code, m.name, records, marks, rules.bottom_consecutive,
                       rules.bottom_repeated)


def close(month: date, *, by: str = "", now: datetime | None = None) -> month_close.CloseResult:
    return month_close.close_month(month, by=by, rules=county_rules(), now=now)


def reopen(month: date, *, reason: str, by: str = ""):
    return month_close.reopen_month(month, reason=reason, by=by)


@dataclass(frozen=True)
class Decided:
    code: str
    status: str
    on: date
    laptops_retired: int  # incarnations whose bundles are refused from now on


def decide(month: date, code: str, status: str, *, by: str, on: date | str,
           hand_to: str | None = None) -> Decided:
    """The decision on a manager the rule names (`on` may be typed: YYYY-MM-DD); a manager who
    leaves has his laptop retired, as `kjtui month decide` does."""
    from kjtui.exception import BundleError, Refused
    from kjtui.services import staff

    if isinstance(on, str):
        try:
            on = date.fromisoformat(on.strip())
        except ValueError:
            raise Refused("desk.bad_day", value=on) from None

    change = elimination.decide(month, code, status, decided_by=by, on=on, hand_to=hand_to or None,
                                rules=county_rules())
    retired = 0
    if status in staff.LEAVING:
        from sync import enroll

        try:
            retired = len(enroll.revoke(code))
        except BundleError as exc:
            if exc.key != "hub.unknown_station":
                raise
    return Decided(code, change.status, change.effective_on, retired)
