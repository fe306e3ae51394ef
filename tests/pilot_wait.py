"""Waiting in Pilot tests for what the user would see, never for a number of pauses, and keys sent
in one burst (as a paste or keys typed ahead arrive)."""

from __future__ import annotations

import asyncio
import unicodedata

import pytest
from textual import events

DEADLINE = 60.0  # seconds: only turns a hang into a failure on a busy machine, never asserted


async def until(pilot, condition, what: str = "", *, idle: bool = True):
    """Wait until `condition()` holds with no worker running, and return its value. A condition
    that raises (a screen not there yet) does not hold yet. `idle=False`: while workers run too
    (what a worker in flight shows, e.g. a push held open by the hub)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        await pilot.pause()
        if not idle or not any(not w.is_finished for w in app.workers):
            try:
                value = condition()
            except Exception:
                value = None
            if value:
                return value
        if loop.time() > deadline:
            screens = " > ".join(type(s).__name__ for s in app.screen_stack)
            try:  # what the user saw, to tell a slow screen from a wrong one
                from screen_cells import lines

                seen = "\n".join(lines(app))
            except Exception as exc:
                seen = f"(unreadable: {exc!r})"
            pytest.fail(f"waited {DEADLINE:g} s for {what or condition}; screens: {screens}; "
                        f"on screen:\n{seen}")
        await asyncio.sleep(0.01)


async def on_screen(pilot, name: str):
    """Wait until the screen on top is of class `name`; return it."""
    return await until(pilot, lambda: type(pilot.app.screen).__name__ == name and pilot.app.screen,
                       f"the {name}")


def burst(app, *keys: str) -> None:
    """Post every key to the app at once: none is handled before the last one is queued."""
    for key in keys:
        try:
            char = unicodedata.lookup(key.replace("_", " ").upper()) if len(key) > 1 else key
        except KeyError:
            char = None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
