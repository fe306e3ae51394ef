"""The app's screen as a person sees it, read through Pilot: one list of terminal cells a line (a
wide character is its glyph then "" for its second cell), the way the compositor draws it, dialogs
over the screen below them included. Wait for what it shows with pilot_wait.until."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len

from kjtui.models import Acknowledgement, Customer, DayLog, RouteStop, Visit
from tests import county_small
from tests.county_small import TODAY


def cells(app) -> list[list[str]]:
    out = []
    for strip in app.screen._compositor.render_strips():
        line = []
        for segment in strip:
            for ch in segment.text:
                line.append(ch)
                line.extend([""] * (cell_len(ch) - 1))
        out.append(line)
    return out


def lines(app) -> list[str]:
    return ["".join(line) for line in cells(app)]


def text(app) -> str:
    """Everything on the screen, notifications included."""
    toasts = [f"{n.title} {n.message}" for n in app._notifications]
    return "\n".join([*lines(app), *toasts])


def long_route(visited: int = 9) -> county_small.County:
    """county_small with route R01 grown to 14 stops planned for TODAY, the first `visited` of
    them visited this morning (written as a loader would), the last of those signed on paper:
    the next stop is deep in the list."""
    county = county_small.build()
    r01, town = county.routes["R01"], county.customers["431322100001"].township
    for n in range(10):
        c = Customer.create(licence_no=f"4313223000{n:02d}", shop_name=f"新增{n}号便民店",
                            owner_name=f"店主{n}", phone="", township=town, area="rural",
                            retail_format="grocery", manager=county.manager, route=r01)
        RouteStop.create(route=r01, customer=c, position=4 + n)
    stops = [s.customer for s in RouteStop.select().where(RouteStop.route == r01)
             .order_by(RouteStop.position)]
    log = DayLog.create(manager=county.manager, day=TODAY, route=r01, owner="KJ07")
    for n, customer in enumerate(stops[:visited]):
        at = datetime(2026, 5, 13, 8, 5 * n)
        v = Visit.create(day=log, manager=county.manager, customer=customer, owner="KJ07",
                         on_route=True, arrived_at=at, departed_at=at, satisfaction=5,
                         ordered=n % 3 == 0, quantity=4 if n % 3 == 0 else 0)
    if visited:
        Acknowledgement.create(visit=v, method="paper", handbook_page="12", at=at, owner="KJ07")
    return county
