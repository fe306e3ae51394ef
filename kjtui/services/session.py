"""Who uses this laptop: the signed-in manager (a station has exactly one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kjtui.models import Manager, Post, connect
from kjtui.services import settings

SIGNED_IN = "signed_in_manager"


@dataclass(frozen=True)
class ManagerInfo:
    id: str
    code: str
    name: str
    post_name: str | None
    post_kind: str | None
    status: str


def _info(m: Manager) -> ManagerInfo:
    post = m.post
    return ManagerInfo(m.id, m.code, m.name, post.name if post else None,
                       post.kind if post else None, m.status)


def open_notebook(url: str) -> None:
    """Bind this thread's work to the notebook at `url` (idempotent; migrates on first use)."""
    connect(url)


def is_station() -> bool:
    """The open notebook is a manager's laptop (enrolled at the county), not the hub or a demo."""
    from kjtui.models.journal import is_station as station

    return station()


def sign_in(code: str) -> ManagerInfo:
    m = Manager.get_or_none(Manager.code == code)
    if m is None:
        raise LookupError(code)
    settings.put(SIGNED_IN, code)
    return _info(m)


def current_manager() -> ManagerInfo | None:
    """The signed-in manager; on a fresh demo, the first stationed one (the app's main user)."""
    code = settings.get(SIGNED_IN)
    m = Manager.get_or_none(Manager.code == code) if code else None
    if m is None:
        m = (
            Manager.select()
            .join(Post)
            .where((Post.kind == "stationed") & (Manager.status == "active"))
            .order_by(Manager.code)
            .first()
        )
    return _info(m) if m else None


def today() -> date:
    """The laptop's date. Its clock may be wrong; sync orders by seq, never by this."""
    return date.today()


def now() -> datetime:
    """The laptop's time, to the second (what a manager types and reads)."""
    return datetime.now().replace(microsecond=0)
