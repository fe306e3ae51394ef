"""基础资料维护 on the county office's desk: the managers' proposals to change a customer's basic
data, each old → new (and the county's value now when it changed since); `a` accepts the one
under the cursor (the customer's data changes), `r` rejects it with the reason. The same
decision as `kjtui hub resolve` (sync/conflicts.py); it travels back to the station."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.screens.desk.office import OfficeScreen, acting, supervisor_id
from kjtui.widgets.office_dialogs import TextDialog

if TYPE_CHECKING:
    from kjtui.services.acting import SupervisorInfo
    from kjtui.services.proposal_desk import ProposalRow


@dataclass
class ProposalsLoaded(Message):
    rows: list[ProposalRow]
    supervisor: SupervisorInfo | None


@dataclass
class ProposalDecided(Message):
    row: ProposalRow
    accepted: bool


def read_pending(supervisor: str | None) -> ProposalsLoaded:
    from kjtui.services import acting as who
    from kjtui.services import proposal_desk

    return ProposalsLoaded(proposal_desk.pending(), who.acting(supervisor))


def value(field: str, v: str) -> str:
    """A value as the desk reads it: a retail format by its word."""
    if field == "retail_format" and v:
        return i18n.choice("retail_format", v)
    return v or "—"


class ProposalsScreen(OfficeScreen):
    KEYS = (
        Key("a", "accept", "office.key.accept"),
        Key("r", "reject", "office.key.reject"),
    )
    COLUMNS = (("office.col.manager", 8, 4), ("office.col.shop", 14, 6),
               ("office.col.field", 6, 4), ("office.col.change", 30, 10),
               ("office.col.proposed", 5, 5))

    def load(self) -> None:
        sup = acting(self.app)
        self.call_service(lambda: read_pending(sup), group="office-proposals", exclusive=True)

    def on_proposals_loaded(self, message: ProposalsLoaded) -> None:
        who = message.supervisor.name if message.supervisor else "—"
        self.title_line(i18n.t("office.proposals.title", n=len(message.rows), who=who))
        self.show_rows(message.rows, lambda r: r.id, cells)

    def empty_text(self) -> str:
        return i18n.t("office.proposals.none")

    def detail(self, r: ProposalRow) -> Text:
        text = Text(f"{r.licence_no} {r.shop}", style="bold")
        text.append("\n" + i18n.t("office.proposals.change", field=i18n.t(f"field.{r.field}"),
                                  old=value(r.field, r.old), new=value(r.field, r.new)))
        if r.stale:
            text.append("\n" + i18n.t("office.proposals.stale",
                                      current=value(r.field, r.current)), style="red")
        text.append("\n" + i18n.t("office.proposals.by", code=r.station, name=r.manager_name,
                                  at=r.proposed_at.strftime("%Y-%m-%d %H:%M")), style="dim")
        return text

    def action_accept(self) -> None:
        from kjtui.services import proposal_desk

        row = self.current()
        if row is None:
            self.say(i18n.t("office.nothing_selected"), error=True)
            return
        app = self.app
        self.call_service(lambda: proposal_desk.decide(row.id, True, "", supervisor_id(app)),
                          lambda accepted: ProposalDecided(row, accepted),
                          group="office-decide", refusable=True)

    def action_reject(self) -> None:
        from kjtui.services import proposal_desk

        row = self.current()
        if row is None:
            self.say(i18n.t("office.nothing_selected"), error=True)
            return

        def save(text: str):
            return proposal_desk.decide(row.id, False, text, supervisor_id(self.app))

        def done(result) -> None:
            if result is not None:
                self.post_message(ProposalDecided(row, False))

        about = i18n.t("office.proposals.change", field=i18n.t(f"field.{row.field}"),
                       old=value(row.field, row.old), new=value(row.field, row.new))
        self.dialog_open = True
        self.app.push_screen(TextDialog(i18n.t("office.proposals.reject_title", shop=row.shop),
                                        about, i18n.t("office.proposals.reason"), save), done)

    def on_proposal_decided(self, message: ProposalDecided) -> None:
        r = message.row
        key = "office.proposals.accepted" if message.accepted else "office.proposals.rejected"
        self.say(i18n.t(key, shop=r.shop, field=i18n.t(f"field.{r.field}"),
                        new=value(r.field, r.new)))
        self.load()


def cells(r: ProposalRow) -> tuple:
    change = f"{value(r.field, r.old)} → {value(r.field, r.new)}"
    return (r.station, Text(r.shop), i18n.t(f"field.{r.field}"),
            Text(change, style="red" if r.stale else ""), f"{r.proposed_at:%m-%d}")
