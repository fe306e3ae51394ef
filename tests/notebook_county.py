"""A small county for the notebook tests, written directly (as a loader would, no journal):
one stationed manager, a route of five customers planned for today, yesterday's odometer, and a
customer off the route. Shop names carry markup brackets on purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kjtui.models import (
    Customer,
    DayLog,
    Manager,
    MonthlyPlan,
    PlanDay,
    Post,
    Route,
    RouteStop,
    Township,
)

SHOPS = ("[老街]便民店", "福满多超市", "红梅烟酒行", "李记食杂店", "兴隆便利店")


@dataclass
class County:
    manager: Manager
    route: Route
    customers: list[Customer]  # on the route, in order
    off_route: Customer
    today: date
    yesterday_end: int


def build(today: date | None = None) -> County:
    today = today or date.today()
    t = Township.create(code="T01", name="上梅镇")
    post = Post.create(code="P01", name="炉观驻点", kind="stationed", township=t)
    m = Manager.create(code="KJ07", name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                       education="college", employment="contract", post=post)
    route = Route.create(code="R01", name="炉观一线", manager=m, township=t)
    customers = []
    for i, shop in enumerate(SHOPS):
        c = Customer.create(licence_no=f"4313221000{i + 1:02d}", shop_name=shop,
                            owner_name=f"店主{i + 1}", township=t, area="rural",
                            retail_format="grocery", manager=m, route=route)
        RouteStop.create(route=route, customer=c, position=i)
        customers.append(c)
    off = Customer.create(licence_no="431322100099", shop_name="远山小卖部", owner_name="赵六",
                          township=t, area="rural", retail_format="grocery")
    plan = MonthlyPlan.create(manager=m, month=today.replace(day=1), owner="KJ07")
    PlanDay.create(plan=plan, day=today, route=route, note="带宣传册", owner="KJ07")
    DayLog.create(manager=m, day=today - timedelta(days=1), odometer_start=11960,
                  odometer_end=12000, owner="KJ07")
    return County(m, route, customers, off, today, 12000)
