"""A small county and a manager's working week, for sync tests and measurements. The week is
recorded through the notebook's own services (journaled as a manager would write it)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from kjtui.models import (
    Customer,
    Manager,
    Post,
    Route,
    RouteStop,
    SalesTarget,
    Supervisor,
    Township,
    database,
)

ROUTES = 6  # one a working day
PER_ROUTE = 30


def county(codes=("KJ01",), seed: int = 7) -> dict[str, Manager]:
    """Hub master data: a township, a post, a supervisor, and per manager six routes of thirty
    customers with their stops and a target (written directly: bulk master data, not journaled)."""
    rnd = random.Random(seed)
    out = {}
    with database.atomic():
        t = Township.create(code="T01", name="上梅镇")
        post = Post.create(code="P01", name="上梅驻点", kind="stationed", township=t)
        Supervisor.create(code="S01", name="刘主任", title="director")
        for k, code in enumerate(codes):
            m = Manager.create(code=code, name=f"客户经理{k + 1}", gender="F",
                               birth_date=date(1995, 1, 1), education="college",
                               employment="contract", post=post)
            for r in range(ROUTES):
                route = Route.create(code=f"{code}-R{r + 1}", name=f"{code} 线路{r + 1}",
                                     manager=m, township=t)
                for s in range(PER_ROUTE):
                    c = Customer.create(
                        licence_no=f"4313{k:02d}{r:02d}{s:04d}", shop_name=f"便民店{r}-{s}",
                        owner_name="王" + "明华强丽军"[rnd.randrange(5)], township=t,
                        area="rural", retail_format="grocery", manager=m, route=route,
                        phone=f"138{rnd.randrange(10**8):08d}")
                    RouteStop.create(route=route, customer=c, position=s)
            SalesTarget.create(manager=m, month=date(2026, 11, 1), quantity=3000)
            out[code] = m
    return out


def record_week(code: str, monday: date, per_day: int = 25, seed: int = 1) -> int:
    """Six working days of visits with acknowledgements, odometer and check-ins, through the
    notebook service. Returns the number of visits."""
    from kjtui.services import acknowledgement, visits
    from kjtui.services import day as day_service

    rnd = random.Random(seed)
    m = Manager.get(Manager.code == code)
    routes = list(Route.select().where(Route.manager == m).order_by(Route.code))
    n = 0
    odo = (day_service.last_reading(m.id, monday) or 1000) + 20
    for d in range(6):
        day = monday + timedelta(days=d)
        with database.atomic():  # one commit a day keeps a year's recording quick
            day_service.start_day(m.id, day, odo)
            stops = list(RouteStop.select().where(RouteStop.route == routes[d % len(routes)])
                         .order_by(RouteStop.position))[:per_day]
            at = datetime.combine(day, time(8, 30))
            for i, stop in enumerate(stops):
                ordered = rnd.random() < 0.6
                v = visits.record_visit(
                    m.id, day, stop.customer_id, ordered=ordered,
                    quantity=rnd.randrange(1, 30) if ordered else 0,
                    arrived_at=at, departed_at=at + timedelta(minutes=rnd.randrange(5, 15)),
                    satisfaction=5 if rnd.random() < 0.9 else 4)
                acknowledgement.acknowledge(v.id, "paper", handbook_page=str((d * 30 + i) % 200 + 1))
                at += timedelta(minutes=rnd.randrange(12, 25))
                n += 1
            day_service.phone_in(m.id, day, "first")
            day_service.phone_in(m.id, day, "last")
            odo += rnd.randrange(40, 90)
            day_service.end_day(m.id, day, odo)
            odo += 5  # to the next morning
    return n
