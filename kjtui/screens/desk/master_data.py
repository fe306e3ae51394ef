"""基础数据 on the administrator's desk: the county's customers, managers, routes (their stops in
order), monthly targets and training, one tab each, by keyboard (ctrl+t turns the tabs) and mouse.
Lists come a page at a time (F8/F9); customers are searched as the customers screen searches. A
record is made or changed in a form (ctrl+n, ctrl+o or enter) that is a row of the county's sheet
of its kind, saved by the import's own checks (kjtui.services.master_forms): a wrong cell is
named with its column and nothing is written. The routes tab and the training tab are their own
modules (master_routes.py, master_training.py), mixed in here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.screens.desk.master_routes import RoutesTab
from kjtui.screens.desk.master_training import TrainingTab
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.row_dialog import Field, RowDialog
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.master_data import Page

TABS = ("customers", "managers", "routes", "targets", "training")
PAGED = ("customers", "managers", "routes", "targets")

# (column's words, width, narrowest): at 60 columns names give way, never a code or a number
COLUMNS = {  # a width of None: as wide as its words (a choice's words differ by language)
    "customers": (("sheet.col.licence_no", 12, 12), ("md.col.shop", 20, 8),
                  ("md.col.owner", 8, 6), ("md.col.township", 8, 4), ("md.col.manager", None, 4),
                  ("md.col.route", None, 4)),
    "managers": (("md.col.code", None, 4), ("md.col.name", None, 6), ("md.col.gender", None, 2),
                 ("sheet.col.birth_date", 10, 10), ("md.col.education", None, 4),
                 ("md.col.employment", None, 4), ("md.col.post", None, 4),
                 ("md.col.status", None, 4)),
    "targets": (("sheet.col.month", 7, 7), ("md.col.manager", None, 4), ("md.col.name", None, 6),
                ("md.col.target", None, 6), ("md.col.actual", None, 6), ("md.col.done", None, 5)),
}
# a box's hint: a day or a month by an example (the sheet's pattern has English letters)
HINTS = {"fmt.text": "", "fmt.date": "md.hint.date", "fmt.month": "md.hint.month"}


@dataclass
class PageRead(Message):
    tab: str
    offset: int
    query: str
    page: Page


@dataclass
class FormRead(Message):
    """A record's cells read: open its form."""

    kind: str
    cells: dict


@dataclass
class Saved(Message):
    text: str


def form_fields(kind: str, cells: dict, *, new: bool, only: tuple[str, ...] = (),
                fixed: tuple[str, ...] = ()) -> list[Field]:
    """The boxes of a form of `kind`: the sheet's columns (or `only` these), each a box, a list
    for a choice, the record's key `fixed` when it is changed rather than made."""
    from kjtui.services.import_columns import KINDS, flag
    from kjtui.services.master_forms import KEY_COLUMN

    if not new and kind in KEY_COLUMN:
        fixed = (*fixed, KEY_COLUMN[kind])
    out = []
    for c in KINDS[kind].columns:
        if only and c.key not in only:
            continue
        label = i18n.t(f"sheet.col.{c.key}") + ("*" if c.required else "")
        value = str(cells.get(c.key) or "")
        if c.key in fixed:
            out.append(Field(c.key, label, value, fixed=True))
        elif hasattr(c.read, "codes"):
            choices = tuple((i18n.choice(c.read.field, code), code) for code in c.read.codes)
            out.append(Field(c.key, label, value, choices, blank=not c.required))
        elif c.read is flag:
            out.append(Field(c.key, label, value, ((i18n.t("import.yes"), "1"),
                                                   (i18n.t("import.no"), "0")), blank=True))
        else:
            key = HINTS.get(c.hint[0], c.hint[0])
            hint = i18n.t(key) if key else ""
            out.append(Field(c.key, label, value, hint=hint))
    return out


class MasterDataScreen(RoutesTab, TrainingTab, KjtuiScreen):
    # ctrl keys: they work in the search box too (none of them is one of its editing keys);
    # each tab shows its own (check_action)
    KEYS = (
        Key("ctrl+t", "next_tab", "md.key.next_tab"),
        Key("ctrl+n", "new", "md.key.new"),
        Key("ctrl+o", "edit", "md.key.edit"),
        Key("ctrl+f", "focus_search", "md.key.search"),
        Key("f9", "page(1)", "md.key.next_page"),
        Key("f8", "page(-1)", "md.key.prev_page"),
        Key("ctrl+w", "write_staff", "md.key.staff_report"),
        *RoutesTab.ROUTE_KEYS,
        *TrainingTab.TRAINING_KEYS,
    )
    ACTIONS = {  # the tabs an action works on
        "new": TABS, "edit": PAGED, "focus_search": ("customers",), "page": PAGED,
        "write_staff": ("managers",),
        **{a: ("routes",) for a in RoutesTab.ROUTE_ACTIONS},
        **{a: ("training",) for a in TrainingTab.TRAINING_ACTIONS},
    }

    def __init__(self):
        super().__init__()
        self.tab = "customers"
        self.pages: dict[str, Page] = {}
        self.want: dict[str, int] = {}  # the page asked for last, by tab
        self.read: set[str] = set()  # tabs read once

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="md-tabs", initial="md-customers"):
            with TabPane(i18n.t("md.tab.customers"), id="md-customers"):
                yield Input(placeholder=i18n.t("cust.placeholder"), id="md-query",
                            select_on_focus=False)
                yield Static("", id="md-customers-count", classes="md-count")
                yield self.table("customers")
            with TabPane(i18n.t("md.tab.managers"), id="md-managers"):
                yield Static("", id="md-managers-count", classes="md-count")
                yield self.table("managers")
            with TabPane(i18n.t("md.tab.routes"), id="md-routes"):
                yield from self.compose_routes()
            with TabPane(i18n.t("md.tab.targets"), id="md-targets"):
                yield Static("", id="md-targets-count", classes="md-count")
                yield self.table("targets")
            with TabPane(i18n.t("md.tab.training"), id="md-training"):
                yield from self.compose_training()
        yield Notice("", id="md-msg")
        yield Footer(compact=True)

    @staticmethod
    def table(tab: str) -> Table:
        table = Table(id=f"md-{tab}-table", cursor_type="row", zebra_stripes=True)
        for key, width, narrowest in COLUMNS[tab]:
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        return table

    def on_mount(self) -> None:
        self.show_tab("customers")

    # --- tabs ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        tabs = self.ACTIONS.get(action)
        return tabs is None or self.tab in tabs

    def action_next_tab(self) -> None:
        tabs = self.query_one("#md-tabs", TabbedContent)
        tabs.active = f"md-{TABS[(TABS.index(self.tab) + 1) % len(TABS)]}"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = (event.pane.id or "").removeprefix("md-")
        if tab in TABS and tab != self.tab:
            self.show_tab(tab)

    def show_tab(self, tab: str) -> None:
        self.tab = tab
        self.refresh_bindings()
        if tab not in self.read:
            self.read.add(tab)
            self.reload()
        focus = {"customers": "#md-query", "routes": "#md-routes-table",
                 "training": "#md-training-table"}.get(tab, f"#md-{tab}-table")
        self.query_one(focus).focus()

    def reload(self) -> None:
        """Read the tab shown again (after a save, or when first shown)."""
        if self.tab in PAGED:
            self.read_page(self.tab, self.want.get(self.tab, 0))
        if self.tab == "routes":
            self.reload_stops()
        if self.tab == "training":
            self.read_sessions()

    # --- pages --------------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#md-query", Input).value

    def read_page(self, tab: str, offset: int) -> None:
        from kjtui.services import master_data

        self.want[tab] = offset
        query = self.query_text if tab == "customers" else ""
        read = {"customers": lambda: master_data.customers(query, offset),
                "managers": lambda: master_data.managers(offset),
                "routes": lambda: master_data.routes(offset),
                "targets": lambda: master_data.targets(offset)}[tab]
        self.call_service(read, lambda page: PageRead(tab, offset, query, page),
                          group=f"md-{tab}", exclusive=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "md-query":
            self.read_page("customers", 0)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "md-query":
            self.query_one("#md-customers-table").focus()

    def action_focus_search(self) -> None:
        self.query_one("#md-query", Input).focus()

    def action_page(self, step: int) -> None:
        from kjtui.services.master_data import PAGE

        page = self.pages.get(self.tab)
        if page is None or (step > 0 and not page.has_next):
            return
        offset = max(0, self.want.get(self.tab, 0) + step * PAGE)
        if offset != self.want.get(self.tab, 0):
            self.read_page(self.tab, offset)

    def on_page_read(self, message: PageRead) -> None:
        tab = message.tab
        if message.offset != self.want.get(tab) or (tab == "customers"
                                                    and message.query != self.query_text):
            return  # paged or typed on since: a newer page is coming
        self.pages[tab] = page = message.page
        table = self.query_one(f"#md-{tab}-table", Table)
        row = table.cursor_row
        table.clear()
        for line in page.rows:
            cells, key = ROWS[tab](line)
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        count = (i18n.t("md.count", total=f"{page.total:,}" + ("+" if page.capped else ""),
                        first=page.offset + 1, last=page.offset + len(page.rows))
                 if page.rows else i18n.t("md.count_none"))
        self.query_one(f"#md-{tab}-count", Static).update(count)
        if tab == "routes":
            self.routes_shown()

    def cursor_key(self, tab: str) -> str | None:
        table = self.query_one(f"#md-{tab}-table", Table)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    # --- forms --------------------------------------------------------------------------------

    def action_new(self) -> None:
        if self.tab == "training":
            self.new_session()
            return
        self.open_form(self.tab, {}, new=True)

    def action_edit(self) -> None:
        from kjtui.services import master_data

        key = self.cursor_key(self.tab)
        if key is None:
            return
        tab = self.tab
        if tab == "targets":
            line = next(r for r in self.pages[tab].rows if target_key(r) == key)
            self.open_form("targets", {"manager_code": line.manager,
                                       "month": line.month.strftime("%Y-%m"),
                                       "target": _n(line.target), "actual": _n(line.actual)},
                           new=False)
            return
        read = {"customers": master_data.customer_cells, "managers": master_data.manager_cells,
                "routes": master_data.route_cells}[tab]
        self.call_service(lambda: FormRead(tab, read(key)), group="md-form")

    def on_form_read(self, message: FormRead) -> None:
        self.open_form(message.kind, message.cells, new=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table = event.data_table.id
        if table == f"md-{self.tab}-table" and self.tab in PAGED:
            self.action_edit()
        elif table == "md-stops-table":
            self.stop_selected()
        elif table == "md-training-table":
            self.session_selected()

    def open_form(self, kind: str, cells: dict, *, new: bool) -> None:
        from kjtui.services import master_forms

        title = i18n.t("md.new" if new else "md.edit", what=i18n.t(f"md.what.{kind}"))
        if kind == "targets":
            fields = [*form_fields("targets", cells, new=new, only=("manager_code", "month"),
                                   fixed=() if new else ("manager_code", "month")),
                      Field("target", i18n.t("sheet.col.target"), cells.get("target", "")),
                      Field("actual", i18n.t("sheet.col.actual"), cells.get("actual", ""))]

            def save(c):
                return master_forms.save_target(c["manager_code"], c["month"], c["target"],
                                                c["actual"])
        else:
            only = ("route_code", "route_name", "manager_code", "township") \
                if kind == "routes" else ()
            fields = form_fields(kind, cells, new=new, only=only)

            def save(c):
                return master_forms.save(kind, c, new=new)
        self.open_dialog(RowDialog(title, fields, save))

    def open_dialog(self, dialog: RowDialog) -> None:
        def done(result) -> None:
            self.dialog_open = False
            if result is not None:
                self.post_message(Saved(i18n.t("scr.saved")))

        self.dialog_open = True
        self.app.push_screen(dialog, done)

    def action_write_staff(self) -> None:
        """The team's figures and roster as a workbook (kjtui.reports), said where."""

        def write() -> Saved:
            from kjtui import reports

            return Saved(i18n.t("md.staff_written", path=str(reports.write_staff())))

        self.call_service(write, group="md-staff", refusable=True)

    def on_saved(self, message: Saved) -> None:
        self.say(message.text)
        self.reload()

    # --- messages -----------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#md-msg", Notice).say(text, error)

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#md-msg", Notice).refused(message.refusal)
        self.refused_here(message.refusal)


def _n(value) -> str:
    return "" if value is None else str(value)


def target_key(line) -> str:
    return f"{line.manager}|{line.month.isoformat()}"


def _customer_row(c):
    return (c.licence_no, Text(c.shop_name, style="" if c.active else "dim"), Text(c.owner_name),
            Text(c.township), c.manager, c.route), c.id


def _manager_row(m):
    return (m.code, Text(m.name), i18n.choice("gender", m.gender), m.born.isoformat(),
            i18n.choice("education", m.education), i18n.choice("employment", m.employment),
            m.post, i18n.choice("status", m.status)), m.code


def _target_row(t):
    done = f"{100 * t.actual / t.target:.0f}%" if t.target and t.actual is not None else "—"
    return (t.month.strftime("%Y-%m"), t.manager, Text(t.name), _n(t.target) or "—",
            _n(t.actual) or "—", done), target_key(t)


def _route_row(r):
    return (r.code, Text(r.name), r.manager, Text(r.township), str(r.stops)), r.id


ROWS = {"customers": _customer_row, "managers": _manager_row, "targets": _target_row,
        "routes": _route_row}
