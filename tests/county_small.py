"""A small county for the plan, customers, information and week tests, written directly (as a
loader would). "Today" is Wednesday 2026-05-13; the week under review starts Monday 05-11.

Manager KJ07 (stationed) has route R01 (4 customers) and R02 (3 customers); KJ08 has R09.
Plan: 05-11 R01, 05-12 R02, 05-13 R01. On 05-11 three of R01's four were visited, plus one
customer off the plan; on 05-12 nobody was visited. A returned review flags a visit, the day log
and a record this laptop does not hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kjtui.models import (
    Acknowledgement,
    Customer,
    DayLog,
    InfoFeedback,
    InfoItem,
    Manager,
    MonthlyPlan,
    PlanDay,
    Post,
    ReviewFlag,
    Route,
    RouteStop,
    Supervisor,
    Township,
    Visit,
    WeeklyReview,
)

TODAY = date(2026, 5, 13)
MONDAY = date(2026, 5, 11)

# (licence, shop, owner, phone, township index, route code or None)
CUSTOMERS = [
    ("431322100001", "[老街]便民店", "王小明", "13907451234", 0, "R01"),
    ("431322100002", "福满多超市", "李四", "0745-2861234", 0, "R01"),
    ("431322100003", "红梅烟酒行", "张红梅", "13807459876", 0, "R01"),
    ("431322100004", "梅林食杂店", "赵六", "", 0, "R01"),
    ("431322100005", "兴隆便利店", "刘兴隆", "15173801111", 1, "R02"),
    ("431322100006", "大新副食店", "陈大新", "15173802222", 1, "R02"),
    ("431322100007", "炉观小卖部", "周八", "15173803333", 1, "R02"),
    ("431322100008", "远山小卖部", "吴九", "18907450000", 2, None),
    ("431322200009", "城北超市", "郑十", "13100001111", 2, "R09"),
]


@dataclass
class County:
    manager: Manager
    other: Manager
    supervisor: Supervisor
    routes: dict[str, Route]
    customers: dict[str, Customer]  # by licence
    visits: list[Visit] = field(default_factory=list)
    review: WeeklyReview | None = None
    day_log: DayLog | None = None
    info: list[InfoItem] = field(default_factory=list)


def build(with_week: bool = True) -> County:
    towns = [Township.create(code=f"T{i}", name=n)
             for i, n in enumerate(("上梅镇", "炉观镇", "大新乡"))]
    post = Post.create(code="P01", name="炉观驻点", kind="stationed", township=towns[1])
    m = Manager.create(code="KJ07", name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                       education="college", employment="contract", post=post)
    other = Manager.create(code="KJ08", name="黄强", gender="M", birth_date=date(1990, 3, 1),
                           education="high_school", employment="regular")
    sup = Supervisor.create(code="S01", name="谭主任", title="director")
    routes = {
        "R01": Route.create(code="R01", name="上梅一线", manager=m, township=towns[0]),
        "R02": Route.create(code="R02", name="炉观二线", manager=m, township=towns[1]),
        "R09": Route.create(code="R09", name="城北线", manager=other, township=towns[2]),
    }
    customers, positions = {}, {}
    for licence, shop, owner, phone, town, route in CUSTOMERS:
        c = Customer.create(licence_no=licence, shop_name=shop, owner_name=owner, phone=phone,
                            township=towns[town], area="rural", retail_format="grocery",
                            manager=m if route != "R09" else other,
                            route=routes[route] if route else None)
        customers[licence] = c
        if route:
            RouteStop.create(route=routes[route], customer=c, position=positions.get(route, 0))
            positions[route] = positions.get(route, 0) + 1
    county = County(m, other, sup, routes, customers)
    if with_week:
        _week(county)
    return county


def _week(county: County) -> None:
    m, c = county.manager, county.customers
    plan = MonthlyPlan.create(manager=m, month=date(2026, 5, 1), owner="KJ07")
    for day, route in ((MONDAY, "R01"), (date(2026, 5, 12), "R02"), (TODAY, "R01")):
        PlanDay.create(plan=plan, day=day, route=county.routes[route], owner="KJ07")
    log = DayLog.create(manager=m, day=MONDAY, route=county.routes["R01"], odometer_start=1000,
                        odometer_end=1042, first_phoned=True, owner="KJ07")
    county.day_log = log
    DayLog.create(manager=m, day=date(2026, 5, 12), odometer_start=1042, odometer_end=1060,
                  owner="KJ07")
    for n, (licence, ack) in enumerate((("431322100001", "pin"), ("431322100002", "declined"),
                                        ("431322100003", None), ("431322100008", "pin"))):
        v = Visit.create(day=log, manager=m, customer=c[licence], owner="KJ07",
                         on_route=licence != "431322100008",
                         arrived_at=datetime(2026, 5, 11, 9 + n, 5), ordered=n % 2 == 0,
                         quantity=5 if n % 2 == 0 else 0)
        county.visits.append(v)
        if ack:
            Acknowledgement.create(visit=v, method=ack, at=v.arrived_at, owner="KJ07",
                                   reason="忙" if ack == "declined" else "")
    county.info = [
        InfoItem.create(manager=m, customer=c["431322100001"], category="brand_demand",
                        content="客户想要芙蓉王硬盒", collected_on=MONDAY, owner="KJ07"),
        InfoItem.create(manager=m, category="illegal", content="炉观集市有人无证卖烟",
                        summary="集市无证卖烟", state="organized", collected_on=MONDAY,
                        organized_at=datetime(2026, 5, 11, 18, 0), owner="KJ07"),
    ]
    InfoFeedback.create(item=county.info[1], supervisor=county.supervisor,
                        text="已转专卖稽查", at=datetime(2026, 5, 12, 10, 0))
    review = WeeklyReview.create(manager=m, week=MONDAY, supervisor=county.supervisor,
                                 state="returned", comment="请更正两处",
                                 at=datetime(2026, 5, 13, 8, 30))
    ReviewFlag.create(review=review, record_kind="visit", record_id=county.visits[2].id,
                      reason="到店时间与抽检不符")
    ReviewFlag.create(review=review, record_kind="day_log", record_id=log.id, reason="里程偏大")
    ReviewFlag.create(review=review, record_kind="visit", record_id="f" * 32, reason="缺签认")
    county.review = review
