"""Hybrid logical clock (Kulkarni et al.): physical ms << 16 | logical counter, as one integer.

Laptop clocks are wrong, so order comes from seq and rev; the stamp only breaks ties. A remote
stamp far ahead of our wall clock is flagged and not adopted, so a laptop set to 2035 cannot drag
the hub's clock; a remote stamp behind us changes nothing.

The counter never wraps: a stamp is always the last one plus one at least, so after 65,536
events within one millisecond (or while the stored stamp is ahead of the wall clock) the count
carries into the milliseconds instead of issuing a stamp again.

A laptop once set to 2036 stores 2036 stamps, and without help it would stamp 2036 forever (a
stamp never goes back). It recovers at its next sync: when the hub's stamp, the county's clock,
arrives and this laptop's stored stamp is far ahead of both the hub's and its own (now right)
wall clock, the stored stamp was made by a wrong clock and the laptop starts again from the
hub's. Nothing depends on stamps never going back: seq and rev order every change.
"""

from __future__ import annotations

import calendar
import time
from datetime import datetime

from kjtui.models import Setting
from kjtui.models.db import serialize_writers

KEY = "hlc_last"
COUNTER_BITS = 16
MAX_AHEAD_MS = 5 * 60 * 1000  # farther ahead than this is a wrong clock, not a fast one
MAX_BEHIND_MS = 60 * 86400 * 1000  # a bundle older than two months was made on a wrong clock


def pack(ms: int, counter: int = 0) -> int:
    return (ms << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & ((1 << COUNTER_BITS) - 1)


def ms_of(moment: datetime) -> int:
    """Milliseconds since the epoch of a naive datetime read as UTC (a loader's, the demo's)."""
    return calendar.timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def at(moment: datetime) -> int:
    """The stamp of an event that happened at `moment` (history written by a loader)."""
    return pack(ms_of(moment))


def wall_ms() -> int:
    return int(time.time() * 1000)


def _last() -> int:
    serialize_writers()  # what is read here is written back greater: no one may write between
    row = Setting.get_or_none(Setting.key == KEY)
    return int(row.value) if row else 0


def _store(stamp: int) -> None:
    Setting.insert(key=KEY, value=str(stamp)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: str(stamp)}
    ).execute()


def tick(now_ms: int | None = None) -> int:
    """A stamp for a local event, greater than every stamp this node has issued or adopted.
    Call inside the transaction that writes the record."""
    now = wall_ms() if now_ms is None else now_ms
    stamp = max(pack(now, 0), _last() + 1)  # + 1 carries a full counter into the milliseconds
    _store(stamp)
    return stamp


def tick_many(n: int, now_ms: int | None = None) -> range:
    """`n` increasing stamps for local events written together (a bulk import): one read and
    one write of the clock, whatever `n`. Past 65,535 the counter carries into the milliseconds,
    which keeps every stamp unique and increasing."""
    if n <= 0:
        return range(0)
    first = tick(now_ms)
    if n > 1:
        _store(first + n - 1)
    return range(first, first + n)


def now() -> int:
    """The stamp a bundle carries as its sender's clock: read only, nothing stored."""
    return max(_last(), pack(wall_ms(), 0))


def skewed(remote: int, now_ms: int | None = None) -> tuple[int, bool]:
    """(remote clock minus our wall clock in ms, flagged). Far ahead is a wrong clock; far behind
    is flagged too, past what a bundle can spend on the road (a laptop set to 2019)."""
    now = wall_ms() if now_ms is None else now_ms
    skew = unpack(remote)[0] - now
    return skew, skew > MAX_AHEAD_MS or skew < -MAX_BEHIND_MS


def receive(remote: int, now_ms: int | None = None, *, trusted: bool = False) -> tuple[int, bool]:
    """Merge a stamp from another node. Returns (our new stamp, skew_flagged).

    `trusted`: the stamp comes from the hub, the county's reference clock; a station adopts it
    even when it is far ahead of the station's own (wrong) wall clock."""
    now = wall_ms() if now_ms is None else now_ms
    remote_ms, _ = unpack(remote)
    if remote_ms > now + MAX_AHEAD_MS and not trusted:
        return tick(now), True
    last = _last()
    if trusted and unpack(last)[0] > max(remote_ms, now) + MAX_AHEAD_MS:
        # Our stored stamp is ahead of the county's clock and of our own: a wrong clock made
        # it (a laptop once set to 2036). Start again from the county's.
        stamp = max(remote, pack(now, 0)) + 1
        _store(stamp)
        return stamp, False
    stamp = max(last, remote, pack(now, 0))
    if stamp in (last, remote):
        stamp += 1
    _store(stamp)
    return stamp, False
