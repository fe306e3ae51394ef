"""The managers' proposals to change customers' basic data (基础资料维护) on the county office's
desk: what waits, old → new (and the county's value now, when it changed since the manager saw
it), and the decision with who and when. The decision is sync/conflicts.py's, the same rule
`kjtui hub resolve` follows; it travels back to the station."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kjtui.exception import Refused
from kjtui.models import Manager
from kjtui.services import acting, session

MAX_NOTE = 120  # ProposalDecision.note


@dataclass(frozen=True)
class ProposalRow:
    id: str
    station: str  # the manager's code
    manager_name: str
    licence_no: str
    shop: str
    field: str
    old: str  # what the manager saw
    new: str
    current: str  # the county's value now
    stale: bool  # the county changed it since the manager saw it
    proposed_at: datetime


def pending() -> list[ProposalRow]:
    """Every proposal waiting for the county, by station then in the order proposed."""
    from sync import conflicts

    names = dict(Manager.select(Manager.code, Manager.name).tuples())
    return [ProposalRow(p["id"], p["station"], names.get(p["station"], ""), p["customer"],
                        p["shop"], p["field"], p["old"], p["new"], p["current"], p["stale"],
                        datetime.fromisoformat(p["proposed_at"]))
            for p in conflicts.pending() if p["kind"] == "proposal"]


def decide(proposal_id: str, accept: bool, note: str, supervisor_id: str,
           now: datetime | None = None) -> bool:
    """Accept (the customer's basic data changes) or reject, with a note (a rejection says
    why); returns `accept`."""
    from sync import conflicts

    note = " ".join(note.split())
    if not accept and not note:
        raise Refused("office.say_why_rejected")
    if len(note) > MAX_NOTE:
        raise Refused("office.note_too_long", n=len(note), max=MAX_NOTE)
    sup = acting.supervisor(supervisor_id)
    conflicts.decide_proposal(proposal_id, accept, note, sup, now or session.now())
    return accept
