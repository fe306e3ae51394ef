"""What of this laptop's records waits at the county, and why, for the notebook's screens (issue
10: a station sees, in its own terms, what the hub did not apply). The same held records as
`kjtui sync status` (sync.status.at_county), as plain values: the record's kind (a model's name,
which the catalog words as `record.<Kind>`), the reason's catalog key and parameters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Held:
    kind: str  # the model's name: Visit, Acknowledgement, ...
    reason: str  # catalog key of the rule it breaks
    params: dict
    note: str  # the administrator's, once decided


@dataclass(frozen=True)
class CountyWait:
    waiting: list[Held]  # held at the county, for the administrator to decide
    rejected: list[Held]  # decided: never applied


def at_county() -> CountyWait | None:
    """None on the hub or a standalone notebook (nothing of it can wait at a county)."""
    from kjtui.models import SYNCED
    from kjtui.models.journal import is_station

    if not is_station():
        return None
    from sync import status

    kinds = {m._meta.table_name: m.__name__ for m in SYNCED}
    county = status.at_county()

    def held(w) -> Held:
        return Held(kinds.get(w.table, w.table), w.reason, dict(w.params), w.note)

    return CountyWait([held(w) for w in county.waiting], [held(w) for w in county.rejected])
