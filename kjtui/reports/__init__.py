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
import tempfile
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
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


def save(report, fmt: str, out: Path, *, encoding: str = "utf-8") -> Path:
    """Render `report` and write it to `out` (a folder: the report's own file name in it)."""
    from kjtui.reports.render import render

    data = render(report, fmt, encoding=encoding)
    out = Path(out)
    if out.is_dir():
        out = out / (report.stem + SUFFIX[fmt])
    return write_file(data, out)
