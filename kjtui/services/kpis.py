"""The county's KPIs of a month, from the live visits (definitions and their source in
docs/KPIS.md):

- satisfaction rate 客户满意率: visits rated 4 or 5 / visits with a rating (1..5); None with no
  rating. The seed reports ≥ 95%.
- urban–rural ratio 城乡比: cartons ordered per urban customer who ordered / cartons ordered per
  rural customer who ordered (the customer's area); None without both.
- concentration 集中度: the share of the month's ordered cartons taken by the top fifth of the
  customers who ordered (at least one customer); None with no order.
- sales by township: cartons ordered at visits, per township.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

from kjtui.models import Customer, Township, Visit
from kjtui.services.day import live_visits
from kjtui.services.periods import add_months, month_start

TOP_SHARE = 0.2  # the top fifth of the customers, for the concentration
SATISFIED = 4  # a rating this high or higher is a satisfied customer (the score's part too)


@dataclass(frozen=True)
class Kpis:
    month: date
    rated_visits: int
    satisfied_visits: int
    satisfaction_rate: float | None  # percent
    urban_per_customer: float | None
    rural_per_customer: float | None
    urban_rural_ratio: float | None
    ordering_customers: int
    concentration: float | None  # percent
    sales_by_township: dict[str, int]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["month"] = self.month.strftime("%Y-%m")
        return d


def month_kpis(month: date) -> Kpis:
    first = month_start(month)
    after = add_months(first, 1)
    rows = list(live_visits()
                .select(Visit.customer, Visit.quantity, Visit.ordered, Visit.satisfaction,
                        Customer.area, Township.name)
                .join(Customer, on=(Visit.customer == Customer.id))
                .join(Township, on=(Customer.township == Township.id))
                .where((Visit.arrived_at >= first) & (Visit.arrived_at < after))
                .tuples())
    rated = [s for _, _, _, s, _, _ in rows if s is not None]
    satisfied = sum(1 for s in rated if s >= SATISFIED)
    per_customer: dict[str, int] = {}
    area_of: dict[str, str] = {}
    townships: dict[str, int] = {}
    for customer, qty, ordered, _, area, township in rows:
        if ordered and qty:
            per_customer[customer] = per_customer.get(customer, 0) + qty
            area_of[customer] = area
            townships[township] = townships.get(township, 0) + qty

    def mean(area):
        q = [v for c, v in per_customer.items() if area_of[c] == area]
        return sum(q) / len(q) if q else None

    urban, rural = mean("urban"), mean("rural")
    total = sum(per_customer.values())
    top = sorted(per_customer.values(), reverse=True)[: max(1, math.ceil(TOP_SHARE * len(per_customer)))]
    return Kpis(
        first, len(rated), satisfied,
        round(100.0 * satisfied / len(rated), 2) if rated else None,
        None if urban is None else round(urban, 2), None if rural is None else round(rural, 2),
        round(urban / rural, 3) if urban and rural else None,
        len(per_customer),
        round(100.0 * sum(top) / total, 2) if total else None,
        dict(sorted(townships.items())),
    )
