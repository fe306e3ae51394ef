"""End to end in a real terminal (tmux, 80×24): the demo county opened as its stationed manager,
a whole day recorded by keystrokes alone — the route ridden today chosen with `r` (another than
the plan's, or any when the plan has none: so the test runs the same on every day of the week),
start odometer, three visits with acknowledgements (two by the customer's PIN, one on the paper
handbook), the first check-in phoned in, one information item on the Information screen, end
odometer — then ctrl+q and the database checked."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, time

import pin_support
import pytest
from tmux_support import Tmux, needs_tmux

from kjtui.models import close

pytestmark = [pytest.mark.tmux, needs_tmux]


def demo(db_path) -> None:
    subprocess.run([sys.executable, "-m", "kjtui", "demo", "--no-open", "--scale", "tiny",
                    "--db", str(db_path)], check=True, capture_output=True)


def pin(term: Tmux, digits: str, then: str) -> None:
    """The customer's keys: digits, and enter once the box shows them (a person's pace)."""
    term.type(digits)
    term.wait_for("•" * len(digits))
    term.keys("Enter")
    term.wait_for(then)


def customer_pin(term: Tmux, known: bool, licence: str, chosen: str, shop: str) -> None:
    if known:
        term.wait_for("请客户输入 6 位数字密码")
        pin(term, licence[-6:], f"已认可：{shop}")
    else:
        term.wait_for("首次确认")
        pin(term, chosen, "再输一次")
        pin(term, chosen, f"已认可：{shop}")


def plan_rows(day):
    from kjtui.models import PlanDay

    return [(p.id, p.route_id, p.rev) for p in PlanDay.select().where(PlanDay.day == day)]


@pytest.mark.parametrize("plan_made", [True, False], ids=["planned-day", "no-plan"])
def test_a_day_by_keyboard_alone(db_path, plan_made):
    from kjtui.models import Customer, PlanDay, RouteStop
    from kjtui.services import pin_state, plan, session, today

    demo(db_path)
    session.open_notebook(f"sqlite:///{db_path}")
    if not plan_made:  # what a Sunday, or a plan not made, looks like on any day CI runs
        PlanDay.delete().where(PlanDay.day == session.today()).execute()
    manager = session.current_manager()
    day = session.today()
    before = today.day_view(manager.id, day)
    routes = plan.routes_of(manager.id)
    ridden = next(i for i, r in enumerate(routes)
                  if r.stops >= 3 and r.id != before.route.route_id)
    route = routes[ridden]
    customers = list(Customer.select(Customer.id, Customer.shop_name, Customer.licence_no).join(
        RouteStop, on=(RouteStop.customer == Customer.id)).where(
        (RouteStop.route == route.id) & (RouteStop.deleted == False)
    ).order_by(RouteStop.position).limit(3))
    shops = [c.shop_name for c in customers]
    # A demo customer with a PIN types the demo's rule (the licence's last 6 digits); one
    # without chooses a PIN, typed twice.
    known = [pin_state.current_pin(c.id) is not None for c in customers]
    start = (before.last_reading or 0) + 3
    plan_before = plan_rows(day)
    close()

    term = Tmux(f"{sys.executable} -m kjtui --db {db_path} --lang zh")
    try:
        term.wait_for("首页", manager.name)
        term.keys("F3")
        term.wait_for(before.route.route_name or "今天没有线路")

        # The route ridden today: `r`, then the route in the list (code order).
        term.keys("r")
        term.wait_for("实际走的线路", route.code)
        term.keys("Home", *["Down"] * ridden, "Enter")
        term.wait_for(f"今天走 {route.name}", shops[0])

        term.keys("s")
        term.wait_for("出车里程表读数")
        term.type(str(start))
        term.keys("Enter")
        term.wait_for(f"里程表读数已保存：{start}")

        # Visit 1, ordered: `o` `enter`; the customer chooses a PIN, typed twice.
        term.keys("o")
        term.wait_for(f"拜访：{shops[0]}")
        term.keys("Enter")
        term.wait_for(f"客户签名认可：{shops[0]}")
        customer_pin(term, known[0], customers[0].licence_no, "246813", shops[0])

        # Visit 2, no order: `v`.
        term.keys("v")
        term.wait_for(f"客户签名认可：{shops[1]}")
        customer_pin(term, known[1], customers[1].licence_no, "135790", shops[1])

        # Visit 3: `v`, signed in the paper handbook on page 23.
        term.keys("v")
        term.wait_for(f"客户签名认可：{shops[2]}")
        term.keys("C-o")
        term.wait_for("手册页码")
        term.type("23")
        term.keys("Enter")
        term.wait_for(f"已认可：{shops[2]}")

        term.keys("p")
        term.wait_for("已报")

        # One information item, on the Information screen.
        term.keys("F6")
        term.wait_for("信息")
        term.keys("n")
        term.wait_for("^s")  # the collect dialog and its keys
        term.type("村口新开超市低价卖烟")
        term.keys("Enter")
        term.wait_for("已收集。", "村口新开超市低价卖烟")  # saved, not only typed in the box

        term.keys("F3")
        term.wait_for(route.name)
        term.keys("f")
        term.wait_for("收车里程表读数")
        term.type(str(start + 42))
        term.keys("Enter")
        term.wait_for("= 42 公里")

        term.keys("C-q")
        term.wait_exit()
    finally:
        term.close()

    from kjtui.models import Acknowledgement, CustomerPin, DayLog, InfoItem, Visit

    session.open_notebook(f"sqlite:///{db_path}")
    log = DayLog.get((DayLog.manager == manager.id) & (DayLog.day == day))
    assert (log.odometer_start, log.odometer_end, log.first_phoned) == (start, start + 42, True)
    assert log.route_id == route.id
    assert plan_rows(day) == plan_before  # the plan is not changed by the route ridden
    visits = list(Visit.select().where(Visit.day == log.id).order_by(Visit.id))
    assert [v.customer.shop_name for v in visits] == shops
    assert [(v.ordered, v.on_route) for v in visits] == [(True, True), (False, True), (False, True)]
    acks = [Acknowledgement.get(Acknowledgement.visit == v.id) for v in visits]
    assert [(a.method, a.handbook_page) for a in acks] == [
        ("pin", ""), ("pin", ""), ("paper", "23")]
    assert CustomerPin.select().where(CustomerPin.customer.in_(
        [v.customer_id for v in visits[:2]])).count() == 2  # chosen now, or the demo's
    item = InfoItem.get(InfoItem.content == "村口新开超市低价卖烟")
    assert item.manager_id == manager.id and item.collected_on == day
    after = today.day_view(manager.id, day)
    assert after.figures.households == 3 and after.figures.mileage == 42
    assert after.route.route_name == route.name


def test_five_wrong_pins_leave_the_pin_way_and_paper_is_chosen(db_path):
    """Issue 9: after five wrong PINs the box silently became the handbook-page box, the
    customer's retyped PIN was saved as the page in clear (`手册p9999`) and any text was a page
    (`手册pabc`). In the real app: five PINs the laptop refuses; the dialog stays on the PIN way
    with its box disabled and says why; digits typed on land nowhere; paper is chosen with
    ctrl+o, and its box takes a handbook page number only."""
    from kjtui.models import Acknowledgement, Visit
    from kjtui.services import pin_state, plan, session, today

    demo(db_path)
    session.open_notebook(f"sqlite:///{db_path}")
    manager = session.current_manager()
    day = session.today()
    before = today.day_view(manager.id, day)
    # The route whose customers have the demo's PINs (the one ridden today, or the next planned).
    routes = plan.routes_of(manager.id)
    ridden = next(i for i, r in enumerate(routes) if r.stops and all(
        pin_state.current_pin(c) is not None for c in _stop_customers(r.id)))
    route = routes[ridden]
    customer = _stop_customers(route.id)[0]
    shop = _shop(customer)
    wrong = pin_support.refused_pins(customer, 5)
    close()

    term = Tmux(f"{sys.executable} -m kjtui --db {db_path} --lang zh")
    try:
        term.wait_for("首页", manager.name)
        term.keys("F3")
        term.wait_for(before.route.route_name or "今天没有线路")
        if before.route.route_id != route.id:
            term.keys("r")
            term.wait_for("实际走的线路", route.code)
            term.keys("Home", *["Down"] * ridden, "Enter")
            term.wait_for(f"今天走 {route.name}", shop)
        term.keys("v")
        term.wait_for(f"客户签名认可：{shop}", "● 客户密码确认", "○ 纸质手册签名")
        for n, digits in enumerate(wrong, 1):
            term.type(digits)
            term.wait_for("•" * 6)
            term.keys("Enter")
            if n < 5:
                term.wait_for(f"还可试 {5 - n} 次")
        screen = term.wait_for("已输错 5")
        # Still the PIN way, said why; no page box appeared by itself.
        assert "● 客户密码确认" in screen and "○ 纸质手册签名" in screen
        assert "手册页码（1–200）" not in screen
        # The customer types on, and presses enter: nothing is recorded, no page is made.
        term.type("999999")
        term.keys("Enter")
        term.wait_for("已输错 5")
        # Paper is the manager's explicit choice; its box is empty (the PIN did not follow).
        term.keys("C-o")
        term.wait_for("● 纸质手册签名", "○ 客户密码确认", "手册页码（1–200）")
        term.type("abc")  # letters are not taken: the placeholder stays
        term.type("9999")  # three digits at most
        term.keys("Enter")
        term.wait_for("手册页码“999”不对")
        term.keys("BSpace", "BSpace", "BSpace")
        term.wait_for("手册页码（1–200）")
        term.type("23")
        term.keys("Enter")
        term.wait_for(f"已认可：{shop}")
        term.keys("C-q")
        term.wait_exit()
    finally:
        term.close()

    session.open_notebook(f"sqlite:///{db_path}")
    acks = list(Acknowledgement.select().join(Visit).where(
        (Visit.customer == customer) & (Acknowledgement.at >= datetime.combine(day, time()))))
    assert [(a.method, a.handbook_page, a.pin_id) for a in acks] == [("paper", "23", None)]
    assert pin_state.wrong_tries(customer) == 5
    close()


def _stop_customers(route_id: str) -> list[str]:
    from kjtui.models import RouteStop

    return [s.customer_id for s in RouteStop.select(RouteStop.customer).where(
        (RouteStop.route == route_id) & (RouteStop.deleted == False))
        .order_by(RouteStop.position)]


def _shop(customer_id: str) -> str:
    from kjtui.models import Customer

    return Customer.get_by_id(customer_id).shop_name
