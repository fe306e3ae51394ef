"""What the notebook's services share when they write: who owns the record, and refusals."""

from __future__ import annotations

from datetime import datetime


class Refused(ValueError):
    """A write refused with one sentence for the user (`key` in the catalog, `params` for it);
    nothing was changed. `confirmable`: the same write is accepted when the manager confirms it
    (confirm=True), as for an unlikely odometer reading."""

    def __init__(self, key: str, confirmable: bool = False, **params):
        super().__init__(key)
        self.key = key
        self.params = params
        self.confirmable = confirmable


def owner_for(manager_code: str) -> str | None:
    """The owner to pass to journal.create for a station-owned record: on a station the node
    itself (None), on a standalone/demo database (node "hub") the manager's code."""
    from sync import journal

    return None if journal.is_station() else manager_code


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
