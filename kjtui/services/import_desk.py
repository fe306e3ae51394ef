"""The county's data in on the administrator's desk (kjtui/screens/desk/county_data.py): the
sheets in a folder to pick from, a sheet checked (every error with its row and column, what would
change), imported, and the customers it does not list retired on confirmation. The rules are
kjtui.services.county_import's; the screen sees plain values only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kjtui.exception import Refused
from kjtui.services import county_import, sheets
from kjtui.services.county_import import Issue, Missing, Progress
from kjtui.services.import_columns import ORDER

KINDS = ORDER  # the order a new county loads its sheets in


@dataclass(frozen=True)
class SheetFile:
    name: str
    path: str
    modified: datetime
    size: int  # bytes


@dataclass(frozen=True)
class Folder:
    path: str
    files: list[SheetFile]  # newest first: the sheet just exported is on top


def sheets_in(path: str) -> Folder:
    """The sheets kjtui reads in `path` (a folder; a file: its folder)."""
    p = Path(path).expanduser()
    folder = p if p.is_dir() else p.parent
    if not folder.is_dir():
        raise Refused("desk.no_folder", path=str(folder))
    found = []
    for f in folder.iterdir():
        if f.is_file() and f.suffix.lower() in (*sheets.WORKBOOKS, *sheets.TEXTS) \
                and not f.name.startswith((".", "~$")):
            st = f.stat()
            found.append(SheetFile(f.name, str(f), datetime.fromtimestamp(st.st_mtime).replace(
                microsecond=0), st.st_size))
    found.sort(key=lambda s: (-s.modified.timestamp(), s.name))
    return Folder(str(folder), found)


@dataclass(frozen=True)
class Preview:
    kind: str
    path: str
    encoding: str
    rows: int
    issues: list[Issue]
    bad_rows: int
    ignored_columns: list[str]
    counts: dict[str, list[int]]  # table -> [new, changed]
    same: int
    missing: list[Missing]


def _preview(plan) -> Preview:
    return Preview(plan.kind, plan.path, plan.encoding, plan.rows, plan.issues,
                   len(plan.bad_rows), plan.ignored_columns, plan.counts, plan.same, plan.missing)


def check(kind: str, path: str, progress: Progress) -> Preview:
    """Read and check every row; nothing is written."""
    return _preview(county_import.check(kind, path, progress))


@dataclass(frozen=True)
class Imported:
    preview: Preview
    counts: dict[str, list[int]]
    same: int
    skipped_rows: int
    retired: int


def run(kind: str, path: str, progress: Progress, *, good_rows: bool = False,
        retire: bool = False, confirmed: frozenset[str] = frozenset()) -> Imported:
    """Check the sheet again (it may have changed since it was shown) and write it. `retire`:
    the active customers it does not list are retired too, asked first (import.retire_ask)."""
    plan = county_import.check(kind, path, progress)
    if retire:
        if not plan.missing:
            raise Refused("desk.none_missing")
        Refused.unless_confirmed("desk.retire_ask", confirmed, n=len(plan.missing))
    result = county_import.apply(plan, good_rows=good_rows, retire_missing=retire,
                                 progress=progress)
    return Imported(_preview(plan), result.counts, result.same, result.skipped_rows,
                    result.retired)
