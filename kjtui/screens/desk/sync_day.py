"""同步日 on the county office's desk: the administrator types the folder of the USB stick the
managers' laptops wrote their bundles to, and imports it in one go (kjtui/services/sync_day.py):
a progress bar while the files go in, then a line per station (bundles applied, already had,
parked behind a gap, records written, held, conflicts, refused) and under it what needs a look:
the bundles refused and why, the records held and why, the seqs the hub still lacks. Each
station's return bundle is written back onto the stick."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, ProgressBar, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import held_reason
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.sync_day import StationDay, SyncDay

# (column, width, narrowest): the station's code, then the counts
COLUMNS = (("day.col.station", 10, 6), ("day.col.bundles", 4, 4), ("day.col.applied", 4, 4),
           ("day.col.duplicate", 4, 4), ("day.col.parked", 4, 4), ("day.col.records", 6, 4),
           ("day.col.held", 6, 4), ("day.col.conflicts", 4, 4), ("day.col.refused", 4, 4))


@dataclass
class DayProgressed(Message):
    done: int
    total: int


@dataclass
class DayImported(Message):
    day: SyncDay


@dataclass
class FolderRead(Message):
    folder: str


def station_name(s: StationDay) -> str:
    return s.station or i18n.t("day.unknown")


def what_to_look_at(day: SyncDay) -> Text:
    """Under the table: each refused bundle and why, each held record's rule, the gaps. A
    reason goes on its own line: a long Chinese sentence then folds at the edge, not at the
    space after a seq."""
    text = Text()
    for s in day.stations:
        who = station_name(s)
        for r in s.refused:
            what = i18n.t("day.bundle_seq", first=r.first, last=r.last) if r.last else r.label
            text.append(i18n.t("day.refused_head", who=who, what=what) + "\n", style="bold red")
            text.append("  " + i18n.t(r.key, **r.params) + "\n")
        for key, params in s.held_reasons:
            text.append(i18n.t("day.held_head", who=who) + "\n", style="bold")
            text.append("  " + held_reason(key, params) + "\n")
        if s.missing:
            ranges = i18n.t("scr.list_sep").join(f"{a}–{b}" for a, b in s.missing)
            text.append(f"{who} " + i18n.t("day.missing", ranges=ranges) + "\n")
    returned = sum(len(s.returned) for s in day.stations)
    text.append(i18n.t("day.returned", n=returned), style="dim")
    return text


class SyncDayScreen(KjtuiScreen):
    KEYS = (
        Key("ctrl+o", "import_folder", "day.key.import"),
        Key("ctrl+f", "focus_folder", "day.key.folder"),
    )

    def __init__(self):
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(i18n.t("day.title"), id="day-title", classes="title")
        yield Input(placeholder=i18n.t("day.placeholder"), id="day-folder")
        yield ProgressBar(id="day-progress", show_eta=False)
        table = Table(id="day-table", cursor_type="row")
        for key, width, narrowest in COLUMNS:
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table
        yield Notice(i18n.t("day.hint"), id="day-msg")
        with VerticalScroll(id="day-body"):
            yield Static("", id="day-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        from kjtui.services import sync_day

        self.query_one("#day-progress").display = False
        self.query_one("#day-folder", Input).focus()
        self.call_service(lambda: FolderRead(sync_day.last_folder() or ""), group="day-folder")

    def on_folder_read(self, message: FolderRead) -> None:
        box = self.query_one("#day-folder", Input)
        if not box.value:
            box.value = message.folder

    # --- keys ---------------------------------------------------------------------------------

    def action_focus_folder(self) -> None:
        self.query_one("#day-folder", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_import_folder()

    def action_import_folder(self) -> None:
        from kjtui.services import sync_day

        folder = self.query_one("#day-folder", Input).value.strip()
        if self.busy:
            return
        if not folder:
            self.say(i18n.t("day.no_folder"), error=True)
            return
        self.busy = True
        bar = self.query_one("#day-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.say(i18n.t("day.importing_folder", folder=folder))

        def progress(done: int, total: int, _name: str) -> None:
            self.post_message(DayProgressed(done, total))

        self.call_service(lambda: DayImported(sync_day.import_folder(folder, progress=progress)),
                          group="day-import", refusable=True)

    # --- messages -----------------------------------------------------------------------------

    def on_day_progressed(self, message: DayProgressed) -> None:
        self.query_one("#day-progress", ProgressBar).update(total=max(message.total, 1),
                                                            progress=message.done)

    def on_day_imported(self, message: DayImported) -> None:
        self.busy = False
        self.query_one("#day-progress").display = False
        day = message.day
        table = self.query_one("#day-table", Table)
        table.clear()
        for s in day.stations:
            table.add_row(Text(station_name(s)), str(s.bundles), str(s.applied),
                          str(s.duplicate), str(s.parked), str(s.records), str(s.held),
                          str(s.conflicts), str(len(s.refused)))
        named = sum(1 for s in day.stations if s.station)
        self.say(i18n.t("day.total", files=day.files, stations=named,
                        applied=day.total("applied"), duplicate=day.total("duplicate"),
                        parked=day.total("parked"), refused=day.total("refused")),
                 error=bool(day.total("refused")))
        self.query_one("#day-detail", Static).update(what_to_look_at(day))

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.busy = False
        self.query_one("#day-progress").display = False
        self.query_one("#day-msg", Notice).refused(message.refusal)

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#day-msg", Notice).say(text, error)
