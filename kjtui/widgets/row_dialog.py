"""A form of the county's master data: one box a cell of its sheet row (a choice as a list, the
record's key shown, not edited, when it is changed rather than made), saved in a thread worker
by the service the screen gives; a wrong cell is refused with its column named and the focus in
its box, the form kept as typed. Boxes take a burst of keys (a paste, an IME commit) as typed
keys: a line break in it is the enter that saves, in its place (OrderedInput)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Select, Static

from kjtui import display, i18n
from kjtui.bindings import Key
from kjtui.widgets.base import Refusal
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice
from kjtui.widgets.pin_entry import OrderedInput


@dataclass(frozen=True)
class Field:
    name: str  # the cell's column (kjtui.services.import_columns), or the form's own name
    label: str  # its words
    value: str = ""
    choices: tuple[tuple[str, str], ...] | None = None  # (words, code): a list to pick from
    blank: bool = False  # a list that may be left empty (the sheet's default then)
    fixed: bool = False  # shown, not edited: the key of the record being changed
    hint: str = ""


class RowDialog(Dialog):
    """`save(cells)` with {field name: text typed or code chosen} → what the dialog closes with."""

    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict[str, str]], object]):
        super().__init__(lambda **cells: save(cells))
        self.title_text, self.fields = title, fields

    def compose(self) -> ComposeResult:
        width = max(i18n.display_width(f.label) for f in self.fields) + 1
        with Vertical(classes="dialog", id="row-dialog"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll(id="row-fields"):
                for f in self.fields:
                    with Horizontal(classes="field"):
                        label = Label(f.label)
                        label.styles.width = width
                        yield label
                        if f.fixed:
                            yield Static(Text(f.value), id=f"f-{f.name}", classes="fixed")
                        elif f.choices is not None:
                            yield Select(list(f.choices), value=f.value or Select.NULL,
                                         allow_blank=f.blank, id=f"f-{f.name}",
                                         prompt=i18n.t("md.choose"))
                        else:
                            yield OrderedInput(f.value, id=f"f-{f.name}", placeholder=f.hint,
                                               select_on_focus=False)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        first = next((f for f in self.fields if not f.fixed), None)
        if first is not None:
            self.query_one(f"#f-{first.name}").focus()

    def cells(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            if f.fixed:
                out[f.name] = f.value
                continue
            box = self.query_one(f"#f-{f.name}")
            if isinstance(box, Select):
                out[f.name] = "" if box.is_blank() else str(box.value)
            else:
                out[f.name] = box.value
        return out

    def action_save(self) -> None:
        self.submit(**self.cells())

    def refused(self, refusal: Refusal) -> None:
        """Name the box whose cell is wrong and put the cursor in it."""
        column = refusal.params.get("column")
        if not column:
            return
        field = next((f for f in self.fields if f.name == column), None)
        label = field.label if field else i18n.t(f"sheet.col.{column}")
        sep = "：" if i18n.language() == "zh" else ": "
        self.say(f"{label}{sep}{display.issue_message(refusal)}", error=True)
        if field is not None and not field.fixed:
            self.query_one(f"#f-{field.name}").focus()
