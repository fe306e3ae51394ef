"""Hybrid logical clock (Kulkarni et al.): physical ms << 16 | logical counter, as one integer.

Laptop clocks are wrong, so order comes from seq and rev; the stamp only breaks ties. A remote
stamp far ahead of our wall clock is flagged and not adopted, so a laptop set to 2035 cannot drag
the hub's clock; a remote stamp behind us changes nothing.
"""

from __future__ import annotations

import calendar
import time
from datetime import datetime

from kjtui.models import Setting

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
    last_ms, counter = unpack(_last())
    stamp = pack(now, 0) if now > last_ms else pack(last_ms, counter + 1)
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
    stamp = max(last, remote, pack(now, 0))
    if stamp in (last, remote):
        stamp += 1
    _store(stamp)
    return stamp, False
