"""The administrator's conflict list: station proposals against county master data awaiting a
decision, and values that lost on import. Nothing is dropped; a decision travels back."""

from __future__ import annotations

import json
from datetime import datetime

from kjtui.exception import BundleError
from kjtui.models import (
    Customer,
    CustomerProposal,
    ProposalDecision,
    Supervisor,
    SyncConflict,
    database,
    journal,
)


def pending() -> list[dict]:
    decided = ProposalDecision.select(ProposalDecision.proposal)
    out = []
    for p in (CustomerProposal.select(CustomerProposal, Customer).join(Customer)
              .where(CustomerProposal.id.not_in(decided))
              .order_by(CustomerProposal.proposed_at)):
        current = getattr(p.customer, p.field)
        out.append({
            "kind": "proposal", "id": p.id, "station": p.owner,
            "customer": p.customer.licence_no, "shop": p.customer.shop_name,
            "field": p.field, "old": p.old_value, "new": p.new_value,
            "current": "" if current is None else str(current),
            # the county changed the value since the manager saw it
            "stale": str(current or "") != (p.old_value or ""),
        })
    for c in SyncConflict.select().where(SyncConflict.resolved == False).order_by(SyncConflict.at):
        out.append({"kind": c.kind, "id": c.id, "station": c.node, "table": c.table_name,
                    "record": c.record_id, "detail": json.loads(c.detail)})
    return out


def resolve(ident: str, accept: bool, note: str = "", supervisor: str | None = None) -> dict:
    """Decide a proposal (accepted: the customer's master data changes) or close a conflict."""
    matches = [p for p in pending() if p["id"].startswith(ident)] if len(ident) >= 4 else []
    if len(matches) != 1:
        raise BundleError("hub.no_such_conflict", id=ident)
    item = matches[0]
    with database.atomic():
        if item["kind"] != "proposal":
            SyncConflict.update(resolved=True).where(SyncConflict.id == item["id"]).execute()
            return item
        sup = None
        if supervisor:
            sup = Supervisor.get_or_none(Supervisor.code == supervisor)
            if sup is None:
                raise BundleError("hub.unknown_supervisor", code=supervisor)
        proposal = CustomerProposal.get_by_id(item["id"])
        journal.create(ProposalDecision, proposal=proposal, accepted=accept, note=note,
                       decided_by=sup, decided_at=datetime.now().replace(microsecond=0))
        if accept:
            journal.update(proposal.customer, **{proposal.field: proposal.new_value})
    return item
