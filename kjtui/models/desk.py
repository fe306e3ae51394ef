"""Who is at the county office's keyboard and what the desk remembers (migration 0013): hub-only
bookkeeping, never synced. A station's database has these tables empty and never grants county
rights: an account exists only at the hub (kjtui.services.accounts)."""

from __future__ import annotations

import peewee as pw

from kjtui.models.base import BaseModel, new_id

ROLES = ("admin", "supervisor")


class Account(BaseModel):
    """A person at the hub: an administrator, or a supervisor (one of the directors, `supervisor`
    their Supervisor code). Only an Argon2id hash of the password is kept; failures lock the
    account for a while (kjtui.services.accounts)."""

    name = pw.CharField(max_length=40, primary_key=True)
    role = pw.CharField(max_length=12)
    supervisor = pw.CharField(max_length=20, default="")  # a Supervisor's code
    password_hash = pw.TextField()
    disabled = pw.BooleanField(default=False)
    failures = pw.IntegerField(default=0)  # wrong passwords in a row
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField()
    changed_at = pw.DateTimeField()

    class Meta:
        constraints = [pw.Check("role IN ('admin', 'supervisor')")]


class ReviewSeen(BaseModel):
    """The records of a manager's week (id → revision, JSON) as someone last saw them: an
    account when it opened the week, or a decision ("review:<id>") when it was made, so that the
    queue says what arrived since."""

    key = pw.CharField(max_length=60)
    manager_id = pw.CharField(max_length=32)
    week = pw.DateField()
    seen_at = pw.DateTimeField()
    seen = pw.TextField()

    class Meta:
        primary_key = pw.CompositeKey("key", "manager_id", "week")


class Decision(BaseModel):
    """Every decision the desk or the command line makes, who and when: never edited; a later
    decision on the same record supersedes it and both are kept."""

    id = pw.CharField(max_length=32, primary_key=True, default=new_id)
    at = pw.DateTimeField()
    account = pw.CharField(max_length=40)
    kind = pw.CharField(max_length=20)  # held, proposal, conflict, review
    record_id = pw.CharField(max_length=32)
    action = pw.CharField(max_length=12)  # accept, reject, approve, return
    note = pw.TextField(default="")

    class Meta:
        indexes = ((("record_id",), False),)


DESK = (Account, ReviewSeen, Decision)
