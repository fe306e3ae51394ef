"""The station syncs by itself: when a hub address is set (`kjtui station hub URL`) and there is
something to send, the running notebook pushes its outbox (sync.client.push, which sends only
what the hub has not acknowledged) and brings the county's news home.

`AutoSync.check()` is one look, run by the app in a thread worker every CHECK_S seconds (and at
once for the "sync now" key) with the notebook open in that thread: it pushes when it is due and
returns a `SyncStatus` the screen puts in words. A failed push waits BACKOFF_FIRST_S, doubling to
BACKOFF_MAX_S, each wait stretched by a random part (JITTER) so that 23 laptops whose link came
back together do not knock at once. Nothing here sleeps: the wait is a time before which a check
does not push. A visit saved while a push runs has a later seq than the bundle sent: it is still
pending after it, and the next check sends it.
"""

from __future__ import annotations

import random
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kjtui.exception import KjtuiError, Refused
from kjtui.services import settings

HUB_URL = "sync.hub_url"  # this laptop's setting: the county hub's address, or "" for none
CHECK_S = 5.0  # how often the app looks whether there is something to send
BACKOFF_FIRST_S = 5.0  # after a failed push, the first wait …
BACKOFF_MAX_S = 600.0  # … doubling up to ten minutes
JITTER = 0.25  # each wait is stretched by up to a quarter, at random
NEWS_S = 900.0  # with nothing to send, ask the hub for its news this often
TIMEOUT_S = 20.0  # one request; the app's own backoff retries, not the client


class Stopped(Exception):
    """Raised by a progress callback to stop a push between two bundles (the notebook quits):
    what was sent and answered is kept, the rest stays pending."""


def hub_url() -> str | None:
    return settings.get(HUB_URL) or None


def set_hub_url(url: str | None) -> str | None:
    """Store the hub's address (None: sync by itself no more). Only a station's setting."""
    from kjtui.models import HUB
    from kjtui.models.journal import node_id

    if node_id() == HUB:
        raise Refused("autosync.is_hub")
    if url is None:
        settings.put(HUB_URL, "")
        return None
    url = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("autosync.bad_url", url=url)
    settings.put(HUB_URL, url)
    return url


@dataclass(frozen=True)
class Reason:
    """A sentence of the catalog and its parameters (said by the layer that talks)."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SyncStatus:
    station: bool  # an enrolled station: there is something to sync (a hub is none)
    hub_url: str | None  # None: syncing by itself is off
    pending: int  # changes the hub has not acknowledged
    last_success: datetime | None  # the last answer from the hub applied here (local time)
    waiting: int = 0  # records held at the county for the administrator's decision
    reasons: tuple[Reason, ...] = ()  # why, one reason each, in the order held
    rejected: int = 0  # records the county decided not to apply
    missing: tuple[tuple[int, int], ...] = ()  # seq ranges the hub says it lacks
    error: Reason | None = None  # why the last push failed, until one succeeds
    retry_at: datetime | None = None  # when the next push is tried after a failure
    running: bool = False  # a push is under way (set by the app while its worker runs)
    sent: int = 0  # changes the last push took to the hub
    received: int = 0  # records its answers wrote here
    pushed: bool = False  # this look pushed (and succeeded)


def _local(iso: str | None) -> datetime | None:
    if not iso:
        return None
    at = datetime.fromisoformat(iso)
    return at.astimezone().replace(tzinfo=None) if at.tzinfo else at


def read_status() -> SyncStatus:
    """Where this laptop's sync stands, read from the notebook (nothing of a running push)."""
    from kjtui.models import HUB
    from kjtui.models.journal import node_id
    from sync import node, status

    url = hub_url()
    if node_id() == HUB or not node.has_keys():
        return SyncStatus(False, url, 0, None)
    try:
        hub = node.hub_peer()
    except KjtuiError:
        return SyncStatus(False, url, 0, None)
    county = status.at_county()
    return SyncStatus(
        True, url, max(0, node.last_seq() - hub.their_ack), _local(hub.last_import_at),
        waiting=len(county.waiting),
        reasons=tuple(Reason(w.reason, dict(w.params)) for w in county.waiting),
        rejected=len(county.rejected),
        missing=tuple((int(a), int(b)) for a, b in county.parked))


def _failure(exc: BaseException) -> Reason:
    """Why a push failed, as a sentence of the catalog. A refusal says its own; a database that
    stayed locked or a disk that failed is said too rather than stopping the notebook."""
    if isinstance(exc, KjtuiError):
        return Reason(exc.key, dict(exc.params))
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Reason("autosync.failed", {"reason": text})


class AutoSync:
    """When to push, and what became of the last push. One per running notebook; `check` is
    called by one thread at a time."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 rng: Callable[[], float] = random.random, timeout: float = TIMEOUT_S):
        self.clock, self.rng, self.timeout = clock, rng, timeout
        self.failures = 0
        self.not_before = 0.0  # no push before this clock reading (a failure's wait)
        self.last_push: float | None = None
        self.error: Reason | None = None
        self.sent = self.received = 0

    def backoff(self, failures: int) -> float:
        """The wait after `failures` failed pushes in a row: 5 s, 10 s, 20 s … 10 min, each up
        to JITTER longer (never past the cap)."""
        base = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, failures - 1))
        return min(BACKOFF_MAX_S, base * (1 + JITTER * self.rng()))

    def due(self, pending: int, *, now: float, force: bool = False) -> bool:
        """Push now? Asked for, or something to send (or news to ask for) and no failure's wait
        running."""
        if force:
            return True
        if now < self.not_before:
            return False
        return pending > 0 or self.last_push is None or now - self.last_push >= NEWS_S

    def check(self, *, force: bool = False,
              progress: Callable[[int, int, int], None] | None = None) -> SyncStatus:
        """One look: push if due, and say where sync stands. Runs in a worker thread with the
        notebook open."""
        state = read_status()
        if not state.station or not state.hub_url:
            return state
        now = self.clock()
        pushed = False
        if self.due(state.pending, now=now, force=force):
            pushed = self._push(state.hub_url, progress)
            state = read_status()
        retry_at = None
        if self.error is not None:
            retry_at = datetime.now().replace(microsecond=0) + _seconds(self.not_before - now)
        return SyncStatus(state.station, state.hub_url, state.pending, state.last_success,
                          state.waiting, state.reasons, state.rejected, state.missing,
                          self.error, retry_at, False, self.sent, self.received, pushed)

    def _push(self, url: str, progress) -> bool:
        import peewee

        from sync import client

        try:
            pushed = client.push(url, retries=1, timeout=self.timeout, progress=progress)
        except Stopped:
            return False
        except (KjtuiError, OSError, peewee.PeeweeException) as exc:
            self.failures += 1
            self.error = _failure(exc)
            self.not_before = self.clock() + self.backoff(self.failures)
            return False
        self.failures, self.error = 0, None
        self.not_before, self.last_push = 0.0, self.clock()
        self.sent = sum(max(0, p.last - p.first + 1) for p in pushed)
        self.received = sum(p.reply.changes for p in pushed)
        return True


def _seconds(s: float) -> timedelta:
    return timedelta(seconds=max(0, round(s)))
