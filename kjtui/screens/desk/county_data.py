"""县局数据 on the administrator's desk: a sheet picked from a folder (typed, or chosen in the
list of the sheets there, newest first), checked before anything is written, every error listed
with its row, column and cell, then imported with a progress bar; customers the sheet does not
list are retired only when asked and confirmed. The rules are kjtui.services.county_import's,
reached through kjtui.services.import_desk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, ProgressBar, Static

from kjtui import display, i18n
from kjtui.bindings import Key
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.import_desk import Folder, Imported, Preview

KINDS = ("townships", "posts", "managers", "customers", "routes", "targets", "actuals",
         "training", "exams")  # kjtui.services.import_columns.ORDER, without loading it
SHOWN_ISSUES = 500  # a sheet all wrong has thousands: the first are enough to correct it


@dataclass
class FolderListed(Message):
    folder: Folder


@dataclass
class SheetChecked(Message):
    preview: Preview


@dataclass
class SheetImported(Message):
    imported: Imported


@dataclass
class Progressed(Message):
    step: str
    done: int
    total: int


class CountyDataScreen(KjtuiScreen):
    # ctrl keys: they work in the path box too (none of them is one of its editing keys)
    KEYS = (
        Key("ctrl+t", "kind", "data.key.kind"),
        Key("ctrl+r", "check", "data.key.check"),
        Key("ctrl+s", "import", "data.key.import"),
        Key("ctrl+g", "good_rows", "data.key.good_rows"),
        Key("ctrl+b", "retire", "data.key.retire"),
        Key("ctrl+o", "focus_path", "data.key.path"),
    )

    def __init__(self):
        super().__init__()
        self.kind = "customers"
        self.good_rows = False
        self.path = ""  # the sheet chosen
        self.preview: Preview | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="data-title", classes="title")
        yield Input(placeholder=i18n.t("data.placeholder"), id="data-path", select_on_focus=False)
        files = Table(id="data-files", cursor_type="row")
        for key, width, narrowest in (("data.col.file", 30, 12), ("data.col.modified", 16, 16),
                                      ("data.col.size", 8, 6)):
            files.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield files
        with Horizontal(id="data-progress-row"):
            yield Static("", id="data-step")
            yield ProgressBar(id="data-progress", show_eta=False)
        yield Static("", id="data-summary")
        issues = Table(id="data-issues", cursor_type="row", zebra_stripes=True)
        # the row and the column stay whole at 60 columns; the whole sentence of the error under
        # the cursor is the line below the table
        for key, width, narrowest in (("data.col.row", 5, 4), ("data.col.column", 13, 12),
                                      ("data.col.value", 12, 6), ("data.col.problem", 40, 14)):
            issues.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield issues
        yield Static("", id="data-issue")
        yield Notice("", id="data-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_title()
        self.query_one("#data-path", Input).focus()

    # --- keys ---------------------------------------------------------------------------------

    def action_focus_path(self) -> None:
        self.query_one("#data-path", Input).focus()

    def action_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.preview = None
        self.show_title()
        if self.path:
            self.action_check()

    def action_good_rows(self) -> None:
        self.good_rows = not self.good_rows
        self.show_title()

    def action_check(self) -> None:
        from kjtui.services import import_desk

        if not self.ready():
            return
        kind, path = self.kind, self.path
        self.start(i18n.t("data.checking", path=path))
        self.call_service(lambda: SheetChecked(import_desk.check(kind, path, self.progressed)),
                          group="data-work", refusable=True)

    def action_import(self) -> None:
        self._import(retire=False)

    def action_retire(self) -> None:
        self._import(retire=True)

    def _import(self, retire: bool) -> None:
        from kjtui.services import import_desk

        if not self.ready():
            return
        kind, path, good = self.kind, self.path, self.good_rows
        self.start(i18n.t("data.importing", path=path))

        def run(confirmed):
            return import_desk.run(kind, path, self.progressed, good_rows=good, retire=retire,
                                   confirmed=confirmed)

        self.call_confirmable(run, SheetImported, group="data-work")

    def ready(self) -> bool:
        if self.busy:
            return False
        if not self.path:
            self.say(i18n.t("data.no_sheet"), error=True)
            return False
        return True

    def start(self, text: str) -> None:
        self.busy = True
        self.say(text)
        self.query_one("#data-progress", ProgressBar).update(total=None, progress=0)

    def progressed(self, step: str, done: int, total: int) -> None:
        """Called in the worker's thread: the bar is moved on the screen's."""
        self.post_message(Progressed(step, done, total))

    # --- messages -----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from kjtui.services import import_desk

        event.stop()
        typed = event.value.strip()
        if not typed:
            return
        if typed.lower().endswith(KNOWN_SUFFIXES):
            self.choose(typed)
        self.call_service(lambda: FolderListed(import_desk.sheets_in(typed)),
                          group="data-folder", exclusive=True, refusable=True)

    def on_folder_listed(self, message: FolderListed) -> None:
        table = self.query_one("#data-files", Table)
        table.clear()
        for f in message.folder.files:
            table.add_row(Text(f.name), f"{f.modified:%Y-%m-%d %H:%M}", human_size(f.size),
                          key=f.path)
        if not message.folder.files:
            self.say(i18n.t("data.no_sheets", path=message.folder.path))
        elif not self.path:
            table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        p = self.preview
        if event.data_table.id == "data-issues" and p is not None \
                and event.cursor_row < min(len(p.issues), SHOWN_ISSUES):
            self.query_one("#data-issue", Static).update(
                Text(display.issue_line(p.issues[event.cursor_row])))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "data-files" and event.row_key.value:
            self.choose(event.row_key.value)

    def choose(self, path: str) -> None:
        self.path = path
        self.preview = None
        self.show_title()
        self.action_check()

    def on_progressed(self, message: Progressed) -> None:
        self.query_one("#data-step", Static).update(i18n.t(f"import.step.{message.step}"))
        self.query_one("#data-progress", ProgressBar).update(total=max(message.total, 1),
                                                             progress=message.done)

    def on_sheet_checked(self, message: SheetChecked) -> None:
        self.busy = False
        self.preview = p = message.preview
        self.show_preview(p)
        if p.issues:
            self.say(i18n.t("data.has_errors", rows=p.bad_rows, n=len(p.issues)), error=True)
        else:
            self.say(i18n.t("data.checked"))

    def on_sheet_imported(self, message: SheetImported) -> None:
        self.busy = False
        done = message.imported
        self.show_preview(done.preview, done)
        self.say(i18n.t("data.imported", new=sum(n for n, _ in done.counts.values()),
                        changed=sum(c for _, c in done.counts.values()), same=done.same,
                        skipped=done.skipped_rows, retired=done.retired))

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.busy = False
        self.query_one("#data-msg", Notice).refused(message.refusal)

    # --- drawing ------------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#data-msg", Notice).say(text, error)

    def show_title(self) -> None:
        kind = i18n.t(f"import.kind.{self.kind}")
        mode = i18n.t("data.good_rows_on" if self.good_rows else "data.good_rows_off")
        sheet = self.path or i18n.t("data.no_sheet_yet")
        self.query_one("#data-title", Static).update(
            Text(i18n.t("data.title", kind=kind, mode=mode, sheet=sheet)))

    def show_preview(self, p: Preview, done: Imported | None = None) -> None:
        counts = done.counts if done else p.counts
        lines = [i18n.t("import.read", path=p.path, rows=p.rows, encoding=i18n.t(
            "import.encoding", encoding=p.encoding) if p.encoding else "")]
        if p.ignored_columns:
            lines.append(i18n.t("import.ignored", columns=i18n.t("scr.list_sep").join(
                p.ignored_columns)))
        for table, (new, changed) in counts.items():
            lines.append(i18n.t("import.count", table=i18n.t(f"table.{table}"), new=new,
                                changed=changed).strip())
        if p.same:
            lines.append(i18n.t("import.same", n=p.same).strip())
        if p.missing and not (done and done.retired):
            shown = i18n.t("scr.list_sep").join(f"{m.licence_no} {m.shop_name}"
                                                for m in p.missing[:3])
            lines.append(i18n.t("data.missing", n=len(p.missing), shown=shown))
        self.query_one("#data-summary", Static).update(Text("\n".join(lines)))
        table = self.query_one("#data-issues", Table)
        table.clear()
        self.query_one("#data-issue", Static).update("")
        for issue in p.issues[:SHOWN_ISSUES]:
            table.add_row(str(issue.row), display.issue_column(issue), Text(issue.value),
                          Text(display.issue_message(issue)))


KNOWN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt", ".tsv")


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
