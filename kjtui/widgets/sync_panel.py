"""Where the laptop's sync stands, in a manager's words: what waits to go to the county, when the
county last answered, what it still lacks, and why the last try failed (what it holds back and
why is Home's list beside it). It only shows a `SyncStatus` the app's sync worker read
(kjtui/services/autosync.py); it reads nothing itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widgets import Static

from kjtui import i18n

if TYPE_CHECKING:
    from kjtui.services.autosync import Reason, SyncStatus


@dataclass
class SyncChecked(Message):
    """The sync worker looked (and pushed, if it was due)."""

    status: SyncStatus


class CountyNews(Message):
    """A push brought records from the county: a screen that shows them reads again."""


@dataclass
class SyncProgressed(Message):
    """A push under way: `done` of `total` changes are at the county."""

    done: int
    total: int


def when(at: datetime | None, today: date) -> str:
    if at is None:
        return i18n.t("sync.never")
    if at.date() == today:
        return i18n.t("sync.today_at", time=at.strftime("%H:%M"))
    return at.strftime("%m-%d %H:%M")


def reason_words(reason: Reason) -> str:
    """A failure as a manager reads it: an unreachable hub is no error message of a socket."""
    if reason.key == "push.unreachable":
        return i18n.t("sync.unreachable")
    return i18n.t(reason.key, **reason.params)


def sync_words(s: SyncStatus | None, progress: tuple[int, int] | None = None,
               today: date | None = None) -> str:
    """The panel's lines for a status ("" when this notebook has nothing to sync); a push under
    way says how far it is (before the first status was read, too)."""
    if progress is not None:
        first = i18n.t("sync.sending", done=progress[0], total=progress[1])
        if s is None:
            return first
    elif s is None or not s.station:
        return ""
    elif not s.hub_url:
        first = i18n.t("sync.no_hub", n=s.pending)
    elif s.error is not None:
        first = i18n.t("sync.failed_here", n=s.pending, why=reason_words(s.error),
                       at=s.retry_at.strftime("%H:%M") if s.retry_at else "—")
    elif s.pending:
        first = i18n.t("sync.pending", n=s.pending, last=when(s.last_success, today or date.today()))
    else:
        first = i18n.t("sync.all_sent", last=when(s.last_success, today or date.today()))
    # What the county holds and why is Home's own list (county_wait), read again on news.
    lines = [first]
    if s.missing:
        ranges = i18n.t("scr.list_sep").join(f"{a}–{b}" for a, b in s.missing)
        lines.append(i18n.t("sync.missing", ranges=ranges))
    return "\n".join(lines)


class SyncPanel(Static):
    """The sync lines of Home (hidden on a notebook that has nothing to sync)."""

    DEFAULT_CSS = """
    SyncPanel { height: auto; max-height: 4; padding: 0 1; }
    """

    def __init__(self, status: SyncStatus | None = None, **kwargs):
        super().__init__(sync_words(status), **kwargs)
        self.display = bool(sync_words(status))
        self.progress: tuple[int, int] | None = None

    def show(self, status: SyncStatus | None) -> None:
        self.progress = None
        self._put(sync_words(status))

    def show_progress(self, status: SyncStatus | None, done: int, total: int) -> None:
        self.progress = (done, total)
        self._put(sync_words(status, self.progress))

    def _put(self, words: str) -> None:
        self.display = bool(words)
        if self.content != words:
            self.update(words)
