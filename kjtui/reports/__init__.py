"""Reports the county office files, prints and sends on (docs/REPORTS.md): a manager's week,
the month's results, one manager's twelve months, the staff figures, the county KPIs, the spot
checks and talks. Each is built by `kjtui.reports.<kind>.build` from the service functions the
screens use (one figure, one place) into a format-neutral kjtui.reports.model.Report, then
rendered by kjtui.reports.render to JSON, CSV, XLSX or printable HTML.

Above the services, below the screens and the command line; never imports textual. Everything
is computed and rendered in memory before a byte is written, so a refusal writes nothing."""

from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path

from kjtui.exception import KjtuiError

KINDS = ("week", "month", "manager", "staff", "kpis", "checks")
SUFFIX = {"json": ".json", "csv": ".csv", "xlsx": ".xlsx", "html": ".html"}


def build(kind: str, **params):
    """The report `kind` (one of KINDS) as a kjtui.reports.model.Report."""
    if kind not in KINDS:
        raise KjtuiError("report.bad_kind", value=kind, kinds=", ".join(KINDS))
    return importlib.import_module(f"kjtui.reports.{kind}").build(**params)


def write_file(data: bytes, path: Path) -> Path:
    """Atomically: a temporary file beside `path`, flushed, then renamed over it."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a file as any other the user writes (the umask decides), not a private temp file
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise KjtuiError("report.cannot_write", path=str(path), problem=exc.strerror) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KjtuiError("report.cannot_write", path=str(path), problem=exc.strerror) from None
    return path


def save(report, fmt: str, out: Path | str, *, encoding: str = "utf-8",
         folder: bool = False) -> Path:
    """Render `report` and write it to `out`: a file, or a folder (`folder`, one that exists,
    or a path ending in a slash) where the file takes the report's own name."""
    from kjtui.reports.render import render

    data = render(report, fmt, encoding=encoding)
    folder = folder or str(out).endswith(("/", os.sep)) or Path(out).is_dir()
    out = Path(out) / (report.stem + SUFFIX[fmt]) if folder else Path(out)
    return write_file(data, out)


FOLDER_SETTING = "reports.folder"


def default_folder() -> Path:
    """Where a screen writes a report: the setting `reports.folder`, else a `reports` folder
    beside the notebook's SQLite file (the laptop's own), else the user's documents."""
    from peewee import SqliteDatabase

    from kjtui.models import database
    from kjtui.services import settings

    chosen = settings.get(FOLDER_SETTING)
    if chosen:
        return Path(chosen).expanduser()
    db = database.obj
    if isinstance(db, SqliteDatabase) and db.database not in ("", ":memory:"):
        return Path(db.database).resolve().parent / "reports"
    from platformdirs import user_documents_path

    return user_documents_path() / "kjtui"


def write_week(manager_code: str, monday, today=None) -> Path:
    """The week's notebook of one manager as a printable page in default_folder() (the Week
    screen's `r`): the file to print, sign and file."""
    report = build("week", week_of=monday, manager=manager_code, today=today)
    return save(report, "html", default_folder(), folder=True)


def write_month(month) -> Path:
    """The month's results as a workbook in default_folder() (the month desk's `x`), scored by
    the rules the county closes with: the file the general office 综合室 receives."""
    from kjtui.services import month_desk

    report = build("month", month=month, rules=month_desk.county_rules())
    return save(report, "xlsx", default_folder(), folder=True)


def write_staff(on=None) -> Path:
    """The staff figures and roster as a workbook in default_folder() (master data's managers
    tab, ctrl+w): the seed's own table of the team, for the company's reports."""
    return save(build("staff", on=on), "xlsx", default_folder(), folder=True)
