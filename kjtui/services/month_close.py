"""The month's close 月度考核结账: the county office computes the month's scores and ranks
(kjtui.services.scoring) and writes them through the write path on the hub, so that every
station receives the county's ranking table of the month (sync/scope.py sends every manager's
score of a closed month to every station).

- Each run that writes is a `MonthClose` record (run 1, 2, …) with what it changed against the
  scores as they stood; the run before is marked superseded, never removed.
- Idempotent: closing a closed month again when nothing changed (same records, same rules)
  writes nothing and answers "unchanged".
- Closing again after late records (a visit imported after the close, a spot check entered
  late) updates the scores that moved, tombstones the score of a manager no longer ranked, and
  lists each change (total and rank before and after).
- The same close writes the month's recognition (kjtui.services.recognition.recognise, through
  the write path: every station receives the awards) and answers the bottom-elimination warnings
  and candidates (kjtui.services.elimination) for the command to show.
- Only the hub closes, and only a month that is over. Reopening is the administrator's, with a
  reason: the close record is marked reopened; the scores stay as the stations received them
  until the next close supersedes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from kjtui.exception import Refused
from kjtui.models import HUB, Manager, MonthClose, MonthlyScore, database, journal
from kjtui.services import elimination, recognition, scoring
from kjtui.services import rules as rules_file
from kjtui.services.periods import month_end, month_start
from kjtui.services.rules import Rules
from kjtui.services.talks import TalkList, talk_lists


@dataclass(frozen=True)
class Change:
    code: str
    name: str
    before_total: float | None  # None: had no score (newly ranked)
    before_rank: int | None
    after_total: float | None  # None: no longer ranked (score tombstoned)
    after_rank: int | None


@dataclass(frozen=True)
class CloseResult:
    month: date
    run: int
    outcome: str  # "closed" (first run), "reclosed" (a later run), "unchanged"
    scores: list[scoring.Score]  # ranked first (rank order), then the unranked (rank 0)
    changes: list[Change] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # manager id -> name
    rules: str = ""  # digest
    warnings: list[elimination.Warning] = field(default_factory=list)
    candidates: list[elimination.Candidate] = field(default_factory=list)
    recognitions: list[recognition.Recognition] = field(default_factory=list)
    talks: list[TalkList] = field(default_factory=list)  # each director's managers


def _hub_only() -> None:
    if journal.node_id() != HUB:
        raise Refused("month.hub_only")


def current_close(month: date) -> MonthClose | None:
    return (MonthClose.select()
            .where((MonthClose.month == month_start(month)) & (MonthClose.deleted == False))
            .order_by(MonthClose.run.desc()).first())


def is_closed(month: date) -> bool:
    c = current_close(month)
    return c is not None and c.state == "closed"


def last_closed() -> date | None:
    """The latest month whose current close stands."""
    for c in MonthClose.select().where(MonthClose.deleted == False).order_by(
            MonthClose.month.desc(), MonthClose.run.desc()):
        if c.state == "closed":
            return c.month
    return None


def history(month: date) -> list[MonthClose]:
    return list(MonthClose.select()
                .where((MonthClose.month == month_start(month)) & (MonthClose.deleted == False))
                .order_by(MonthClose.run))


def close_month(month: date, *, by: str = "", rules: Rules | None = None,
                now: datetime | None = None) -> CloseResult:
    _hub_only()
    rules = rules or rules_file.default()
    first = month_start(month)
    now = (now or datetime.now()).replace(microsecond=0)
    if month_end(first) >= now.date():
        raise Refused("month.not_over", month=first.strftime("%Y-%m"))
    scores = scoring.compute_month(first, rules, with_unranked=True)
    ranked = [s for s in scores if s.rank]
    people = {m.id: m for m in Manager.select(Manager.id, Manager.code, Manager.name)}
    names = {m: p.name for m, p in people.items()}
    existing = {r["manager"]: r for r in
                MonthlyScore.select().where(MonthlyScore.month == first).dicts()}
    created, updated, changes = [], [], []
    for s in ranked:
        fields = dict(**s.stored_parts(), missing=s.missing_text(), total=s.total, rank=s.rank)
        row = existing.get(s.manager_id)
        if row is None:
            created.append(dict(manager=s.manager_id, month=first, computed_at=now, **fields))
            before = (None, None)
        elif row["deleted"] or any(row[k] != v for k, v in fields.items()):
            updated.append((row, dict(fields, deleted=False, computed_at=now)))
            before = (None, None) if row["deleted"] else (row["total"], row["rank"])
        else:
            continue
        changes.append(Change(people[s.manager_id].code, names[s.manager_id], *before,
                              s.total, s.rank))
    kept = {s.manager_id for s in ranked}
    for m, row in existing.items():
        if m not in kept and not row["deleted"]:
            updated.append((row, dict(deleted=True, computed_at=now)))
            changes.append(Change(people[m].code, names[m], row["total"], row["rank"], None, None))
    changes.sort(key=lambda c: (c.after_rank is None, c.after_rank or 0, c.code))
    last = current_close(first)
    if (last is not None and last.state == "closed" and not created and not updated
            and last.rules == rules.digest):
        return CloseResult(first, last.run, "unchanged", scores, [], names, rules.digest,
                           elimination.warnings(first, rules),
                           elimination.elimination_candidates(first, rules),
                           recognition.choose(first), talk_lists(first, rules))
    run = (last.run + 1) if last is not None else 1
    with database.atomic():
        journal.create_many(MonthlyScore, created)
        journal.update_many(MonthlyScore, updated)
        if last is not None and last.state == "closed":
            journal.update(last, state="superseded")
        journal.create(MonthClose, month=first, run=run, state="closed", closed_at=now,
                       closed_by=by, rules=rules.digest, ranked=len(ranked),
                       changes=json.dumps([c.__dict__ for c in changes], ensure_ascii=False))
        recognised = recognition.recognise(first, awarded_on=now.date())
    outcome = "closed" if run == 1 else "reclosed"
    return CloseResult(first, run, outcome, scores, changes, names, rules.digest,
                       elimination.warnings(first, rules),
                       elimination.elimination_candidates(first, rules), recognised,
                       talk_lists(first, rules))


def reopen_month(month: date, *, reason: str, by: str = "") -> MonthClose:
    """The administrator reopens a closed month, with a reason."""
    _hub_only()
    first = month_start(month)
    if not reason.strip():
        raise Refused("month.reason_needed")
    last = current_close(first)
    if last is None or last.state != "closed":
        raise Refused("month.not_closed", month=first.strftime("%Y-%m"))
    return journal.update(last, state="reopened", reason=reason.strip(), reopened_by=by)
