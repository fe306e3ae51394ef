"""Small pieces of displayed text shared by the notebook's screens and dialogs (no Textual, no
database: plain strings for whichever layer shows them)."""

from __future__ import annotations

from kjtui import i18n


def hm(ts, blank: str = "—") -> str:
    return ts.strftime("%H:%M") if ts else blank


def paren(text: str) -> str:
    return f"（{text}）" if i18n.language() == "zh" else f" ({text})"


def clip(text: str, width: int, ellipsis: bool = False) -> str:
    """The start of `text` that fits `width` terminal cells (CJK characters take two); with
    `ellipsis`, a cut text ends in "…" so that the reader knows there is more."""
    if i18n.display_width(text) <= width:
        return text
    room = width - 1 if ellipsis else width
    out = ""
    for ch in text:
        if i18n.display_width(out + ch) > room:
            break
        out += ch
    return out + "…" if ellipsis else out


def held_reason(key: str, params: dict) -> str:
    """Why the county holds a record, its kinds of record named in the reader's words."""
    words = {k: i18n.t(f"record.{v}") if k in ("kind", "target") else v for k, v in params.items()}
    return i18n.t(key, **words)


def issue_message(issue) -> str:
    """Why a cell of a sheet is wrong (kjtui.services.county_import.Issue), in the reader's
    language: a choice's allowed values in that language too."""
    params = dict(issue.params)
    if "codes" in params:
        params["choices"] = " / ".join(i18n.choice(params["field"], c) for c in params["codes"])
    message = i18n.t(issue.key, **params)
    if issue.key == "import.bad_choice":
        sep = ": " if i18n.language() == "en" else "："
        message = f"{message}{sep}{params['choices']}"
    return message


def issue_column(issue) -> str:
    """The column's header in the reader's language ("—" for the whole row)."""
    return i18n.t(f"sheet.col.{issue.column}") if issue.column else "—"


def issue_line(issue) -> str:
    """One problem as a sentence: row, column, the cell as typed, and why."""
    key = "import.issue" if issue.value else "import.issue_empty"
    return i18n.t(key, row=issue.row, column=issue_column(issue), value=issue.value,
                  message=issue_message(issue))
