"""Who acts at the county office's desk: the supervisor whose name a spot check, a piece of
feedback, a proposal's decision or a talk carries. The desk's services take that supervisor's id
as a parameter; the app holds it (`KjtuiApp.desk_supervisor`, the signed-in account's). Where
nobody signs in (a demo notebook, which is no hub set up with accounts), `supervisor_until_sign_in`
chooses the director; an administrator signed in is no supervisor and decides none of these."""

from __future__ import annotations

from dataclasses import dataclass

from kjtui.exception import Refused
from kjtui.models import Supervisor


@dataclass(frozen=True)
class SupervisorInfo:
    id: str
    code: str
    name: str
    title: str


def _info(s: Supervisor) -> SupervisorInfo:
    return SupervisorInfo(s.id, s.code, s.name, s.title)


def supervisor_until_sign_in() -> SupervisorInfo | None:
    """The stand-in for the signed-in supervisor: the director, else the first deputy by code
    (None on a notebook with no supervisor). The sign-in replaces this function."""
    s = (Supervisor.select().where(Supervisor.deleted == False)
         .order_by(Supervisor.title != "director", Supervisor.code).first())
    return _info(s) if s else None


def supervisor(supervisor_id: str | None) -> Supervisor:
    """The supervisor a decision is made by, or the refusal that says there is none."""
    s = Supervisor.get_or_none((Supervisor.id == supervisor_id) & (Supervisor.deleted == False)) \
        if supervisor_id else None
    if s is None:
        raise Refused("office.no_supervisor")
    return s


def acting(supervisor_id: str | None, *, signed_in: bool = False) -> SupervisorInfo | None:
    """The supervisor the desk acts as: the one the app holds; an account signed in that is no
    supervisor's is refused; with nobody signed in, the stand-in."""
    if supervisor_id:
        return _info(supervisor(supervisor_id))
    if signed_in:
        raise Refused("office.no_supervisor")
    return supervisor_until_sign_in()
