"""The county KPIs of a month from the live visits (definitions in docs/KPIS.md)."""

from datetime import date, datetime

from kjtui.models import Customer, DayLog, Manager, Township, Visit
from kjtui.services import kpis


def test_satisfaction_urban_rural_ratio_concentration_and_townships(db):
    m = Manager.create(code="KJ01", name="甲", gender="M", birth_date=date(1998, 1, 1),
                       education="college", employment="contract")
    t1, t2 = Township.create(code="T1", name="城关镇"), Township.create(code="T2", name="上梅镇")
    log = DayLog.create(manager=m, day=date(2026, 6, 2), owner="KJ01")
    shops = []
    for i, (area, town) in enumerate([("urban", t1), ("urban", t1), ("rural", t2),
                                      ("rural", t2), ("rural", t2)]):
        shops.append(Customer.create(licence_no=f"43132200000{i}", shop_name="店", owner_name="王",
                                     township=town, area=area, retail_format="grocery"))
    # (customer, cartons, satisfaction)
    for i, (c, q, s) in enumerate([(0, 40, 5), (1, 20, 4), (2, 10, 3), (3, 10, 5), (4, 10, None)]):
        Visit.create(day=log, manager=m, customer=shops[c], owner="KJ01", ordered=q > 0,
                     quantity=q, satisfaction=s, arrived_at=datetime(2026, 6, 2, 9, i))
    gone = Visit.create(day=log, manager=m, customer=shops[4], owner="KJ01", ordered=True,
                        quantity=500, satisfaction=1, arrived_at=datetime(2026, 6, 2, 10))
    Visit.update(deleted=True).where(Visit.id == gone.id).execute()  # a deleted visit: not counted
    k = kpis.month_kpis(date(2026, 6, 1))
    assert (k.rated_visits, k.satisfied_visits, k.satisfaction_rate) == (4, 3, 75.0)
    assert (k.urban_per_customer, k.rural_per_customer, k.urban_rural_ratio) == (30.0, 10.0, 3.0)
    # the top fifth of 5 ordering customers is 1 customer: 40 of 90 cartons
    assert k.ordering_customers == 5 and k.concentration == round(100 * 40 / 90, 2)
    assert k.sales_by_township == {"上梅镇": 30, "城关镇": 60}
    empty = kpis.month_kpis(date(2026, 7, 1))
    assert (empty.satisfaction_rate, empty.urban_rural_ratio, empty.concentration) == (
        None, None, None)
