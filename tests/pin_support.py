"""PINs for tests: ones the laptop's 6-bit check refuses, and wrong ones it lets through (which
only the hub can tell from the right one)."""

from __future__ import annotations

from kjtui.models import pins
from kjtui.services import pin_state


def _candidates(start: int = 100000):
    for n in range(start, 10**6):
        yield f"{n:06d}"


def _check(pin: str, row) -> int:
    return pins.check_of(pins.derive_key(pin, bytes.fromhex(row.salt)))


def refused_pins(customer_id: str, n: int) -> list[str]:
    """n PINs the laptop catches as wrong for this customer's current PIN."""
    row = pin_state.current_pin(customer_id)
    return [p for p in _take(lambda p: _check(p, row) != row.check_bits, n)]


def passing_pins(customer_id: str, n: int, right: str) -> list[str]:
    """n wrong PINs that pass the laptop's check (1 in 64 does)."""
    row = pin_state.current_pin(customer_id)
    return _take(lambda p: p != right and _check(p, row) == row.check_bits, n)


def _take(ok, n: int) -> list[str]:
    out = []
    for p in _candidates():
        if ok(p):
            out.append(p)
            if len(out) == n:
                return out
    raise AssertionError("not enough PINs")
