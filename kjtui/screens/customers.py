"""客户: filter as you type over shop name, owner, licence, phone, township and pinyin (words
separated by spaces must all match); one page of PAGE rows at a time (a DataTable of 100,000
rows takes ten seconds to paint), F8/F9 turn pages. The manager's own customers first, the
whole county one key away (ctrl+t; the header says which). Typing while the list has the focus
goes to the filter. Enter opens the customer with visit history; there, `e` proposes a change
to the basic data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.proposal_dialog import ProposalDialog
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.customers import CustomerDetail
    from kjtui.services.search import SearchPage
    from kjtui.services.session import ManagerInfo


@dataclass
class PageFound(Message):
    text: str
    offset: int
    mine: bool
    page: SearchPage


@dataclass
class ManagerFound(Message):
    manager: ManagerInfo | None


@dataclass
class DetailLoaded(Message):
    detail: CustomerDetail | None
    manager: ManagerInfo | None


# (column, width, narrowest: at 60 columns the shop name gives way, never a licence or phone digit)
COLUMNS = (("cust.col.licence", 12, 12), ("cust.col.shop", 20, 8), ("cust.col.owner", 8, 6),
           ("cust.col.phone", 11, 11), ("cust.col.town", 8, 6), ("cust.col.grade", 2, 2))


class CustomersScreen(KjtuiScreen):
    KEYS = (
        Key("f9", "page(1)", "cust.key.next"),
        Key("f8", "page(-1)", "cust.key.prev"),
        Key("ctrl+t", "scope", "cust.key.scope"),
        Key("ctrl+f", "focus_search", "cust.key.search"),
        Key("down", "to_table", "cust.key.open", show=False),
    )

    def __init__(self):
        super().__init__()
        self.result = None
        self.page_offset = 0  # the page shown
        self.want = 0  # the page asked for last: F9 pressed again before it came goes on from it
        self.manager: ManagerInfo | None = None
        self.mine = True  # his own customers, or the whole county

    def compose(self) -> ComposeResult:
        yield Header()
        # The cursor stays where it was: typing on the list goes on from the filter typed so far.
        yield Input(placeholder=i18n.t("cust.placeholder"), id="cust-query", select_on_focus=False)
        yield Static("", id="cust-count")
        table = Table(id="cust-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        from kjtui.services import session

        table = self.query_one("#cust-table", DataTable)
        for key, width, narrowest in COLUMNS:
            table.add_column(i18n.t(key), width=width, key=key, min_width=narrowest)
        self.query_one("#cust-query", Input).focus()
        self.call_service(session.current_manager, ManagerFound, group="cust-manager")

    def on_manager_found(self, message: ManagerFound) -> None:
        self.manager = message.manager
        self.mine = self.manager is not None  # a hub with no manager signed in: the county
        self.show_scope()
        self.find(self.text, 0)

    def show_scope(self) -> None:
        self.sub_title = (i18n.t("cust.scope.mine", name=self.manager.name)
                          if self.mine and self.manager else i18n.t("cust.scope.county"))

    @property
    def text(self) -> str:
        return self.query_one("#cust-query", Input).value

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.manager is not None or self.result is not None:
            self.find(event.value, 0)  # else the first search comes with the manager

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_to_table()

    def on_key(self, event: events.Key) -> None:
        """A key typed on the list goes to the filter, unless it has an action here."""
        table = self.query_one("#cust-table", DataTable)
        if self.focused is not table or event.key in self.active_bindings:
            return
        box = self.query_one("#cust-query", Input)
        if event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            box.action_delete_left()
        else:
            return
        event.stop()
        event.prevent_default()
        box.focus()

    def on_paste(self, event: events.Paste) -> None:
        if self.focused is self.query_one("#cust-table", DataTable):
            box = self.query_one("#cust-query", Input)
            box.insert_text_at_cursor(" ".join(event.text.split()))
            box.focus()
            event.stop()

    def find(self, text: str, offset: int) -> None:
        from kjtui.services import search

        self.want, mine = offset, self.mine
        manager_id = self.manager.id if mine and self.manager else None
        self.call_service(lambda: search.search(text, offset, search.PAGE, manager_id=manager_id),
                          lambda page: PageFound(text, offset, mine, page), group="search",
                          exclusive=True)

    def on_page_found(self, message: PageFound) -> None:
        if (message.text, message.offset, message.mine) != (self.text, self.want, self.mine):
            return  # typed on, paged on or switched since: a newer search is coming
        self.result, self.page_offset = message.page, message.offset
        table = self.query_one("#cust-table", DataTable)
        table.clear()
        for r in self.result.rows:
            # Text, not str: a shop name like "[老王]便利店" must not be read as markup.
            table.add_row(r.licence_no, Text(r.shop_name, style="" if r.active else "dim"),
                          Text(r.owner_name), r.phone, Text(r.township), r.grade, key=r.id)
        count = self.query_one("#cust-count", Static)
        if not self.result.rows:
            count.update(i18n.t("cust.count_none"))
        else:
            total = f"{self.result.total:,}" + ("+" if self.result.capped else "")
            count.update(i18n.t("cust.count", total=total, first=self.page_offset + 1,
                                last=self.page_offset + len(self.result.rows)))

    def action_page(self, step: int) -> None:
        from kjtui.services.search import PAGE

        r = self.result
        if r is None:
            return
        offset = max(0, self.want + step * PAGE)
        if step > 0 and not (offset < r.total or (r.capped and r.rows)):
            return  # no page after the last
        if offset != self.want:
            self.find(self.text, offset)

    def action_scope(self) -> None:
        if self.manager is None:
            return  # nobody signed in: there are no own customers to show
        self.mine = not self.mine
        self.show_scope()
        self.find(self.text, 0)

    def action_focus_search(self) -> None:
        self.query_one("#cust-query", Input).focus()

    def action_to_table(self) -> None:
        table = self.query_one("#cust-table", DataTable)
        if table.row_count:
            table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(CustomerDetailScreen(event.row_key.value))


class CustomerDetailScreen(KjtuiScreen):
    KEYS = (Key("escape", "back", "scr.back"), Key("e", "propose", "cust.key.propose"))

    def __init__(self, customer_id: str):
        super().__init__()
        self.customer_id = customer_id
        self.detail = None
        self.manager = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cd-head")
        table = Table(id="cd-visits", cursor_type="row")
        for key, width in (("cust.col.date", 10), ("cust.col.time", 5), ("cust.col.manager", 8),
                           ("cust.col.order", 6), ("cust.col.ack", 14)):
            table.add_column(i18n.t(key), width=width)
        yield table
        with VerticalScroll(id="cd-proposals"):
            yield Static("", id="cd-proposal-lines")
        yield Notice("", id="cd-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        from kjtui.services import customers, session

        self.call_service(lambda: DetailLoaded(customers.customer_detail(self.customer_id),
                                               session.current_manager()),
                          group="customer", exclusive=True)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        self.detail, self.manager = message.detail, message.manager
        d = self.detail
        if d is None:
            self.query_one("#cd-head", Static).update(i18n.t("proposal.no_customer"))
            return
        r = d.row
        head = Text(r.shop_name + ("  " + i18n.t("cust.inactive") if not r.active else ""),
                    style="bold")
        head.append("\n" + i18n.t(
            "cust.detail.fields", licence=r.licence_no, format=i18n.choice("retail_format",
            r.retail_format), grade=r.grade, owner=r.owner_name, phone=r.phone or "—",
            town=r.township, address=d.address, route=d.route or "—", manager=d.manager or "—"))
        self.query_one("#cd-head", Static).update(head)
        table = self.query_one("#cd-visits", DataTable)
        table.clear()
        for v in d.visits:
            ack = i18n.choice("ack", v.ack) if v.ack else i18n.t("cust.unacked")
            if v.superseded:
                ack = i18n.t("cust.superseded")
            table.add_row(v.day.isoformat(), v.arrived_at.strftime("%H:%M"), Text(v.manager),
                          i18n.t("cust.ordered", n=v.quantity) if v.ordered
                          else i18n.t("cust.not_ordered"), ack, key=v.id)
        lines = [i18n.t("cust.proposals")] if d.proposals else []
        for p in d.proposals:
            shown = {"retail_format": lambda c: i18n.choice("retail_format", c)}.get(
                p.field, lambda v: v)
            lines.append(i18n.t(
                "cust.proposal_line", at=p.proposed_at.strftime("%m-%d %H:%M"), manager=p.manager,
                field=i18n.t(f"field.{p.field}"), old=shown(p.old_value) or "—",
                new=shown(p.new_value), decision=i18n.t(f"cust.decision.{p.decision}")))
        if not d.visits:
            lines.insert(0, i18n.t("cust.no_visits"))
        self.query_one("#cd-proposal-lines", Static).update(Text("\n".join(lines)))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_propose(self) -> None:
        if self.detail is None or self.manager is None:
            return

        def done(result) -> None:
            if result is not None:
                self.query_one("#cd-msg", Notice).say(i18n.t("cust.propose.done"))
                self.load()

        self.app.push_screen(ProposalDialog(self.detail, self.manager.id), done)
