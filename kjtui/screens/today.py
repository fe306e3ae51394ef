"""Today 今日: the day's route in order with the cursor on the next stop, the visits with their
acknowledgements, odometer and check-ins.

A routine visit from here, counting the manager's keys with the cursor already on the next stop
(the screen puts it there after every visit): `v` (visited, no order) or `o` `enter` (ordered,
the customer's last quantity) — then the customer types their own PIN and `enter` in the
acknowledgement dialog. Through the full form it is `enter` `enter`, or `enter` `o` `enter`.
When every stop is visited the cursor is parked on none (it never wraps back onto a visited
stop); what the notebook asks before saving (a second visit the same day, a deletion…) comes as a
question (`call_confirmable`). Moving the cursor onto a stop by hand is the arrival there
(kjtui.services.visit_times.arrival).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import hm, paren
from kjtui.services import acknowledgement, pin_state, search, today, visits
from kjtui.services import day as day_service
from kjtui.services.today import DayView
from kjtui.services.visits import VisitLine
from kjtui.widgets.ack_dialog import AckDialog, PinResetDialog
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.customer_picker import CustomerPicker
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.odometer_dialog import OdometerDialog
from kjtui.widgets.route_picker import RoutePicker
from kjtui.widgets.route_table import RouteTable
from kjtui.widgets.table import Table
from kjtui.widgets.visit_form import VisitForm

if TYPE_CHECKING:
    from kjtui.services.day import RouteChoice
    from kjtui.services.session import ManagerInfo


@dataclass
class DayLoaded(Message):
    manager: ManagerInfo | None
    view: DayView | None
    focus_visit: str | None


@dataclass
class VisitSaved(Message):
    line: VisitLine
    ack: bool  # open the acknowledgement next


@dataclass
class VisitClosed(Message):
    visit_id: str


@dataclass
class RoutesFound(Message):
    routes: list[RouteChoice]
    day: date
    current: str | None


@dataclass
class ChangeSaved(Message):
    text: str  # what was done, to say


def KEY(key: str) -> tuple[str, str]:
    return (key, "bold reverse")


class TodayScreen(KjtuiScreen):
    # The footer shows the visit keys; the day's other keys stand in the head.
    KEYS = (
        Key("v", "visit_quick", "key.visit_quick"),
        Key("o", "visit_order", "key.visit_order"),
        Key("enter", "visit", "key.visit"),
        Key("a", "ack", "key.ack"),
        Key("n", "off_route", "key.off_route"),
        Key("e", "edit", "key.edit"),
        Key("c", "correct", "key.correct"),
        Key("d", "delete", "key.delete"),
        Key("k", "new_pin", "key.new_pin"),
        Key("r", "route", "key.route", show=False),
        Key("s", "odometer('start')", "key.start", show=False),
        Key("f", "odometer('end')", "key.end", show=False),
        Key("p", "phone('first')", "key.phone_first", show=False),
        Key("l", "phone('last')", "key.phone_last", show=False),
    )

    def __init__(self):
        super().__init__()
        self.manager = None
        self.view = None
        self.reset_armed: str | None = None  # the visit whose `k` asks for confirmation

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="today"):
            yield Static("…", id="today-head")
            stops = RouteTable(id="stops", cursor_type="row", zebra_stripes=True)
            stops.add_columns(i18n.t("col.pos"), i18n.t("col.done"), i18n.t("col.licence"),
                              i18n.t("col.shop"), i18n.t("col.owner"))
            yield stops
            visits = Table(id="visits", cursor_type="row")
            visits.add_columns(i18n.t("col.time"), i18n.t("col.shop"), i18n.t("col.order"),
                               i18n.t("col.checks"), i18n.t("col.sat"), i18n.t("col.ack"), "")
            yield visits
            yield Notice("", id="today-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    # --- loading ------------------------------------------------------------------------------

    def load(self, focus_visit: str | None = None) -> None:
        def read() -> DayLoaded:
            from kjtui.services import session

            manager = session.current_manager()
            view = today.day_view(manager.id, session.today()) if manager else None
            return DayLoaded(manager, view, focus_visit)

        self.call_service(read, group="today", exclusive=True)

    def on_day_loaded(self, message: DayLoaded) -> None:
        self.manager, self.view = message.manager, message.view
        self.reset_armed = None
        if self.view is None:
            self.query_one("#today-head", Static).update(i18n.t("today.no_manager"))
            return
        self.query_one("#today-head", Static).update(self.head_text(self.view))
        self.fill_stops(self.view)
        self.fill_visits(self.view, message.focus_visit)

    def head_text(self, v) -> Text:
        route = v.route.route_name or i18n.t("today.no_route")
        colon = "：" if i18n.language() == "zh" else ": "
        planned = (f"{i18n.t('today.planned')}{colon}{v.planned_route_name}" if v.planned_route_name
                   else i18n.t("today.not_planned"))
        if v.plan_note:
            planned += f" · {v.plan_note}"
        f = v.figures
        start = "—" if v.odometer_start is None else str(v.odometer_start)
        end = "—" if v.odometer_end is None else str(v.odometer_end)
        km = "" if f.mileage is None else f" = {f.mileage} {i18n.t('today.km')}"
        last = ""
        if v.odometer_start is None and v.last_reading is not None:
            last = paren(i18n.t("odo.last", km=v.last_reading))
        done = sum(1 for s in v.route.stops if s.visited)

        def phoned(ok):
            return i18n.t("today.phoned") if ok else i18n.t("today.not_phoned")

        # The keys of the day's once-or-twice actions stand next to what they change (the footer
        # has room only for the visit keys at 80 columns).
        text = Text.assemble(
            f"{v.day.isoformat()} · {i18n.t('today.route')} {route}{paren(planned)} ", KEY("r"),
            f"\n{i18n.t('today.odometer')} {start}→{end}{km}{last} ", KEY("s"), "/", KEY("f"),
            f" · {i18n.t('fig.households')} {f.households}"
            f"{paren(i18n.t('today.visited_of', done=done, total=len(v.route.stops)))} · "
            f"{i18n.t('fig.orders')} {f.orders}",
            f"\n{i18n.t('fig.first')} {hm(f.first_visit_at)} {phoned(f.first_phoned)} ", KEY("p"),
            f" · {i18n.t('fig.last')} {hm(f.last_visit_at)} {phoned(f.last_phoned)} ", KEY("l"),
        )
        if v.flags:
            text.append("\n" + "  ".join(i18n.t(key, **params) for key, params in v.flags))
        return text

    def fill_stops(self, v) -> None:
        table = self.query_one("#stops", RouteTable)
        table.clear()
        for s in v.route.stops:
            table.add_row(str(s.position + 1), "✓" if s.visited else "", s.licence_no,
                          Text(s.shop_name), Text(s.owner_name), key=s.customer_id)
        if v.next_stop is not None:
            table.unpark(v.next_stop)
        elif v.route.stops:
            table.park()  # the route is done: never back onto a visited stop by itself

    def fill_visits(self, v, focus: str | None) -> None:
        table = self.query_one("#visits", DataTable)
        table.clear()
        for line in v.visits:
            table.add_row(*self.visit_cells(line), key=line.id)
        if focus:
            ids = [line.id for line in v.visits]
            if focus in ids:
                table.move_cursor(row=ids.index(focus))

    def visit_cells(self, line) -> list[Text]:
        checks = "".join(
            "—" if getattr(line, n) is None else "✓" if getattr(line, n) else "✗"
            for n in visits.CHECKS
        )
        if line.ack_method is None:
            ack = i18n.t("ack.short.none")
        else:
            ack = i18n.t(f"ack.short.{line.ack_method}", page=line.ack_page)
        status = []
        if line.superseded_by_id:
            status.append(i18n.t("today.corrected"))
        elif line.supersedes_id:
            status.append(i18n.t("today.correction"))
        if not line.on_route:
            status.append(i18n.t("today.off_route"))
        status.extend(i18n.t(f"flag.visit.{flag}") for flag in line.flags)
        cells = [
            f"{hm(line.arrived_at)}–{hm(line.departed_at, '…')}",  # … : not signed yet
            line.shop_name,
            str(line.quantity) if line.ordered else "—",
            checks,
            str(line.satisfaction or "—"),
            ack,
            " ".join(status),
        ]
        style = "strike dim" if line.superseded_by_id else ""
        return [Text(c, style=style) for c in cells]

    # --- helpers ------------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#today-msg", Notice).say(text, error)

    def selected_stop(self):
        if not self.view or not self.view.route.stops:
            return None
        row = self.query_one("#stops", DataTable).cursor_row
        return self.view.route.stops[row] if 0 <= row < len(self.view.route.stops) else None

    def selected_visit(self):
        if not self.view or not self.view.visits:
            return None
        row = self.query_one("#visits", DataTable).cursor_row
        return self.view.visits[row] if 0 <= row < len(self.view.visits) else None

    def chosen_stop(self):
        """The highlighted stop of the route, or None after saying why there is none."""
        if self.ready() and self.view.route.stops and self.query_one("#stops", RouteTable).parked:
            self.say(i18n.t("today.route_done"))
            return None
        stop = self.ready() and self.selected_stop()
        if not stop and self.view:
            self.say(i18n.t("today.no_stop_selected"), True)
        return stop

    def chosen_visit(self):
        """The highlighted visit, or None after saying why there is none."""
        line = self.ready() and self.selected_visit()
        if not line and self.view:
            self.say(i18n.t("today.no_visit_selected"), True)
        return line

    def ready(self) -> bool:
        if self.view is None or self.manager is None:
            self.say(i18n.t("today.no_manager"), True)
            return False
        return True

    def write(self, call: Callable[[frozenset[str]], object],
              done: str | Callable[[object], str] = "") -> None:
        """Run one service call, `call(confirmed)`, whose questions the manager answers (see
        `call_confirmable`); the screen says `done` (or `done(result)`) only after it returned
        (committed)."""
        self.call_confirmable(
            call, lambda result: ChangeSaved(done(result) if callable(done) else done),
            group="today-write")

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#today-msg", Notice).refused(message.refusal)

    def on_change_saved(self, message: ChangeSaved) -> None:
        self.say(message.text)
        self.load()

    def on_visit_saved(self, message: VisitSaved) -> None:
        line = message.line
        # A stop chosen before this visit is no arrival for the next one.
        self.query_one("#stops", RouteTable).forget_chosen()
        self.say(i18n.t("today.saved", shop=line.shop_name,
                        time=hm(line.departed_at or line.arrived_at)))
        self.load(line.id)
        if message.ack:
            self.open_ack(line)

    def on_visit_closed(self, message: VisitClosed) -> None:
        self.load(message.visit_id)

    # --- visits -------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "stops":
            self.action_visit()
        else:
            self.action_edit()

    def open_visit_form(self, customer_id: str, shop: str, *, ordered: bool = False,
                        off_route: bool = False) -> None:
        m, day = self.manager.id, self.view.day
        # The arrival shown: when the manager chose the stop by hand, else now (the form opened).
        arrived = (self.query_one("#stops", RouteTable).chosen_at(customer_id)
                   or datetime.now().replace(microsecond=0))

        def save(**values):
            return visits.record_visit(m, day, customer_id, off_route=off_route, **values)

        values = dict(arrived_at=arrived, ordered=False, quantity=0, satisfaction=5,
                      default_quantity=self.view.last_quantities.get(customer_id, 0))
        self.app.push_screen(VisitForm(shop, values, save, focus_quantity=ordered),
                             self.after_visit_form)

    def after_visit_form(self, line) -> None:
        if line is not None:
            self.post_message(VisitSaved(line, True))

    def action_visit(self) -> None:
        if stop := self.chosen_stop():
            self.open_visit_form(stop.customer_id, stop.shop_name)

    def action_visit_order(self) -> None:
        if stop := self.chosen_stop():
            self.open_visit_form(stop.customer_id, stop.shop_name, ordered=True)

    def action_visit_quick(self) -> None:
        if stop := self.chosen_stop():
            m, day = self.manager.id, self.view.day
            chosen = self.query_one("#stops", RouteTable).chosen_at(stop.customer_id)
            self.call_confirmable(
                lambda confirmed: visits.record_visit(m, day, stop.customer_id,
                                                      selected_at=chosen, confirmed=confirmed),
                lambda line: VisitSaved(line, ack=True), group="today-write")

    def action_off_route(self) -> None:
        if not self.ready():
            return

        def picked(hit) -> None:
            if hit is not None:
                self.open_visit_form(hit.id, hit.shop_name, off_route=True)

        self.app.push_screen(CustomerPicker(search.find_customers), picked)

    def _visit_values(self, line) -> dict:
        return {name: getattr(line, name) for name in (
            "arrived_at", "departed_at", "ordered", "quantity", *visits.CHECKS,
            "satisfaction", "note")} | {
            "default_quantity": line.quantity or self.view.last_quantities.get(line.customer_id, 0)}

    def action_edit(self) -> None:
        line = self.chosen_visit()
        if not line:
            return
        if line.signed:
            self.say(i18n.t("visit.signed", shop=line.shop_name), True)
            return
        self.app.push_screen(
            VisitForm(line.shop_name, self._visit_values(line),
                      lambda **values: visits.edit_visit(line.id, **values)),
            self.after_visit_form,
        )

    def action_correct(self) -> None:
        line = self.chosen_visit()
        if not line:
            return
        if not line.signed:
            self.action_edit()  # not yet acknowledged: simply edit it
            return
        if line.superseded_by_id:
            self.say(i18n.t("visit.already_corrected"), True)
            return
        self.app.push_screen(
            VisitForm(line.shop_name, self._visit_values(line),
                      lambda **values: visits.correct_visit(line.id, **values),
                      title_key="form.correct"),
            self.after_visit_form,
        )

    def action_delete(self) -> None:
        line = self.chosen_visit()
        if not line:
            return
        self.write(lambda confirmed: visits.delete_visit(line.id, confirmed=confirmed),
                   i18n.t("today.deleted", shop=line.shop_name))

    # --- acknowledgement ----------------------------------------------------------------------

    def open_ack(self, line) -> None:
        def save(**values):
            return acknowledgement.acknowledge(line.id, **values)

        def acked(result) -> None:
            if result is not None:
                if result.ack_method == "declined":  # never "acknowledged (declined)"
                    self.say(i18n.t("today.declined", shop=result.shop_name,
                                    reason=result.ack_reason))
                else:
                    self.say(i18n.t("today.acked", shop=result.shop_name,
                                    method=i18n.t(f"choice.ack.{result.ack_method}")))
                self.query_one("#stops", DataTable).focus()
                self.load(result.id)
            else:  # put off (稍后): the visit ends now
                self.call_service(lambda: visits.close_visit(line.id),
                                  lambda closed: VisitClosed(closed.id), group="today-write",
                                  refusable=True)

        self.app.push_screen(AckDialog(line, save), acked)

    def action_ack(self) -> None:
        line = self.chosen_visit()
        if not line:
            return
        if line.signed:
            self.say(i18n.t("ack.already"), True)
        elif line.superseded_by_id:
            self.say(i18n.t("ack.superseded"), True)
        else:
            self.open_ack(line)

    def action_new_pin(self) -> None:
        """k: the highlighted visit's customer forgot the PIN. With a PIN, ask the county to reset
        it (k twice: the customer then signs on paper until the county's phone check); once the
        county approved, or without a usable PIN, the customer chooses a new one here."""
        line = self.chosen_visit()
        if not line:
            return
        state, shop = line.pin_state, line.shop_name
        if state in pin_state.CHOOSES_NEW:
            def done(result) -> None:
                if result is not None:
                    self.say(i18n.t("pin.reset_done", shop=result.shop_name))
                    self.load(result.id)

            self.app.push_screen(PinResetDialog(
                shop, state == pin_state.RESET_APPROVED,
                lambda **values: acknowledgement.set_new_pin(line.id, **values)), done)
        elif state == pin_state.RESET_PENDING:
            self.say(i18n.t("pin.reset_pending", shop=shop), True)
        elif self.reset_armed != line.id:
            self.reset_armed = line.id
            self.say(i18n.t("pin.reset_confirm", shop=shop))
        else:
            self.reset_armed = None
            self.write(lambda _confirmed: acknowledgement.request_pin_reset(line.id),
                       i18n.t("pin.reset_requested", shop=shop))

    # --- odometer and check-ins ---------------------------------------------------------------

    def action_odometer(self, which: str) -> None:
        if not self.ready():
            return
        v, m = self.view, self.manager.id
        if which == "start":
            info = (i18n.t("odo.last", km=v.last_reading) if v.last_reading is not None
                    else i18n.t("odo.no_last"))
            fn, value = day_service.start_day, v.odometer_start
        else:
            if v.odometer_start is None:
                self.say(i18n.t("odo.no_start"), True)
                return
            info = i18n.t("odo.today_start", km=v.odometer_start)
            fn, value = day_service.end_day, v.odometer_end

        def save(km, confirm):
            return fn(m, v.day, km, confirm=confirm)

        def saved(km: int | None) -> None:
            if km is not None:
                self.say(i18n.t("today.odo_saved", km=km))
                self.load()

        self.app.push_screen(OdometerDialog(which, info, value, save), saved)

    # --- the route ridden today -----------------------------------------------------------------

    def action_route(self) -> None:
        if self.ready():
            self.routes_for_picker(self.manager.id, self.view.day, self.view.route.route_id)

    def routes_for_picker(self, manager_id: str, day: date, current: str | None) -> None:

        self.call_service(lambda: day_service.routes_of(manager_id),
                          lambda routes: RoutesFound(routes, day, current), group="today-routes")

    def on_routes_found(self, message: RoutesFound) -> None:
        if not message.routes:
            self.say(i18n.t("today.no_routes"), True)
            return
        names = {r.id: r.name for r in message.routes}

        def chosen(route_id: str | None) -> None:
            if route_id is not None:
                m = self.manager.id
                self.write(lambda _: day_service.ride_route(m, message.day, route_id),
                           i18n.t("today.route_set", route=names[route_id]))

        self.app.push_screen(RoutePicker(i18n.t("today.route_title", day=message.day.isoformat()),
                                         message.routes, current=message.current), chosen)

    def action_phone(self, which: str) -> None:
        if self.ready():
            m, day = self.manager.id, self.view.day
            words = i18n.t(f"fig.{which}")
            self.write(lambda confirmed: day_service.phone_in(m, day, which, confirmed=confirmed),
                       lambda done: i18n.t("today.checkin_done" if done else
                                           "today.checkin_undone", which=words))
