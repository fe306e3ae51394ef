"""Customers: a customer's detail with visit history, and basic-data proposals (基础资料维护) for
the county to accept. Plain values in and out. Search as you type is kjtui.services.search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import peewee

from kjtui.exception import Refused
from kjtui.models import (
    GRADES,
    PROPOSAL_FIELDS,
    RETAIL_FORMATS,
    Customer,
    CustomerProposal,
    Manager,
    ProposalDecision,
    Route,
    Township,
)
from kjtui.models.journal import owner_for
from kjtui.services.search import CustomerRow
from kjtui.services.session import now
from kjtui.services.visit_times import departure

# --- detail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitLine:
    id: str
    day: date
    arrived_at: datetime
    departed_at: datetime | None
    manager: str
    ordered: bool
    quantity: int
    ack: str | None  # pin / paper / declined, None while not acknowledged
    superseded: bool
    note: str


@dataclass(frozen=True)
class ProposalLine:
    id: str
    field: str
    old_value: str
    new_value: str
    proposed_at: datetime
    manager: str
    decision: str  # pending / accepted / rejected
    decision_note: str


@dataclass(frozen=True)
class CustomerDetail:
    row: CustomerRow
    address: str
    area: str
    route: str
    manager: str
    visits: list[VisitLine]
    proposals: list[ProposalLine]


def customer_detail(customer_id: str, visits: int = 100) -> CustomerDetail | None:
    from kjtui.models import Acknowledgement, DayLog, Visit

    c = Customer.get_or_none(
        (Customer.id == customer_id) & (Customer.deleted == False))
    if c is None:
        return None
    town = Township.get_or_none(Township.id == c.township_id)
    route = Route.get_or_none(Route.id == c.route_id) if c.route_id else None
    manager = Manager.get_or_none(Manager.id == c.manager_id) if c.manager_id else None
    row = CustomerRow(c.id, c.licence_no, c.shop_name, c.owner_name, c.phone,
                      town.name if town else "", c.retail_format, c.grade, c.active)
    newer = Visit.alias()
    superseded = {
        r.supersedes_id for r in newer.select(newer.supersedes)
        .where((newer.customer == customer_id) & newer.supersedes.is_null(False)
               & (newer.deleted == False))
    }
    query = (
        Visit.select(Visit, DayLog.day.alias("log_day"), Manager.name.alias("manager_name"),
                     Acknowledgement.method, Acknowledgement.at.alias("ack_at"))
        .join(DayLog, on=(Visit.day == DayLog.id))
        .switch(Visit).join(Manager, on=(Visit.manager == Manager.id))
        .switch(Visit).join(Acknowledgement, peewee.JOIN.LEFT_OUTER, on=(
            (Acknowledgement.visit == Visit.id) & (Acknowledgement.deleted == False)))
        .where((Visit.customer == customer_id) & (Visit.deleted == False))
        .order_by(Visit.arrived_at.desc())
        .limit(visits)
        .objects()
    )
    lines = [
        VisitLine(v.id, v.log_day, v.arrived_at, departure(v.departed_at, v.ack_at),
                  v.manager_name, v.ordered,
                  v.quantity,
                  v.method, v.id in superseded, v.note)
        for v in query
    ]
    return CustomerDetail(row, c.address, c.area, route.name if route else "",
                          manager.name if manager else "", lines, proposals_for(customer_id))


def proposals_for(customer_id: str) -> list[ProposalLine]:
    out = []
    query = (
        CustomerProposal.select(CustomerProposal, Manager.name.alias("manager_name"))
        .join(Manager, on=(CustomerProposal.manager == Manager.id))
        .where((CustomerProposal.customer == customer_id)
               & (CustomerProposal.deleted == False))
        .order_by(CustomerProposal.proposed_at.desc())
        .objects()
    )
    for p in query:
        d = ProposalDecision.get_or_none(
            (ProposalDecision.proposal == p.id) & (ProposalDecision.deleted == False))
        decision = "pending" if d is None else ("accepted" if d.accepted else "rejected")
        out.append(ProposalLine(p.id, p.field, p.old_value, p.new_value, p.proposed_at,
                                p.manager_name,
                                decision, d.note if d else ""))
    return out


# --- basic-data maintenance ------------------------------------------------------------------

_PHONE = re.compile(r"^[0-9][0-9\- ]{5,18}[0-9]$")
_MAX = {"shop_name": 80, "owner_name": 40, "phone": 20, "address": 120}


def validate(field: str, value: str) -> str:
    """The value as it will be proposed, or Refused with the sentence that says why not."""
    value = " ".join(value.split())
    if field not in PROPOSAL_FIELDS:
        raise Refused("proposal.bad_field", field=field)
    if not value:
        raise Refused("proposal.empty")
    if field == "phone" and not _PHONE.match(value):
        raise Refused("proposal.bad_phone", value=value)
    if field == "retail_format" and value not in RETAIL_FORMATS:
        raise Refused("proposal.bad_format", value=value)
    if field == "grade":
        value = value.upper()
        if value not in GRADES:
            raise Refused("proposal.bad_grade", value=value, grades="/".join(GRADES))
    if len(value) > _MAX.get(field, 120):
        raise Refused("proposal.too_long", max=_MAX.get(field, 120))
    return value


def propose(customer_id: str, manager_id: str, field: str, value: str) -> ProposalLine:
    """Record a change to a customer's basic data as a proposal (who and when); the customer
    row is left as it is until the county accepts."""
    from kjtui.models import journal

    value = validate(field, value)
    c = Customer.get_or_none(
        (Customer.id == customer_id) & (Customer.deleted == False))
    if c is None:
        raise Refused("proposal.no_customer")
    m = Manager.get_by_id(manager_id)
    old = str(getattr(c, field) or "")
    if old == value:
        raise Refused("proposal.unchanged")
    p = journal.create(
        CustomerProposal, owner=owner_for(m.code), customer=c.id, manager=m.id, field=field,
        old_value=old, new_value=value, proposed_at=now(),
    )
    return ProposalLine(p.id, field, old, value, p.proposed_at, m.name, "pending", "")
