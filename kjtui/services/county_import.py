"""The county's own data in from spreadsheets (docs/IMPORT.md): townships, posts, managers,
customers, routes with their stops in order, monthly sales targets and actual sales.

`check(kind, path)` reads the sheet and checks every row before anything is written: required
cells, formats (licence numbers, dates, months, numbers, choices), a key twice in the file,
unknown townships, posts, managers, routes and customers, a route handed to a manager of another
post. It returns a Plan: every problem with its row, column and cell, and what would change.
`apply(plan)` writes it in one transaction through the write path (kjtui.models.journal), so each
station receives its changes in its next return bundle; nothing is written while a row is wrong
unless `good_rows` is chosen, and then only the rows that are right.

Importing the same sheet again updates by key (licence number, manager code, route code, ...),
creates no duplicates and changes nothing when nothing changed. Only the columns a sheet has are
changed: a column left out keeps what the county holds, a blank cell in a column that is there
clears it (or gives its default). Customers missing from a customers sheet are listed, and
retired only when asked (`retire_missing`).

A customer or a route the sheet gives to another manager changes hands as `kjtui hub reassign`
does it (sync/handover.py): a Handover record goes to both stations, so the new one receives the
customer with its PIN (handed over to it) and the hub keeps accepting what the old one wrote
before it heard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kjtui.exception import KjtuiError
from kjtui.models import Customer, CustomerPin, Handover, Manager, Route, database, journal
from kjtui.services import sheets
from kjtui.services.import_columns import KINDS, Kind, header_index, normalise_header
from kjtui.services.import_customers import CustomerRows
from kjtui.services.import_places import PostRows, TownshipRows
from kjtui.services.import_routes import RouteRows
from kjtui.services.import_rows import Changes, Issue, Missing, Progress, Work, quiet
from kjtui.services.import_sales import ActualRows, TargetRows
from kjtui.services.import_staff import ExamRows, ManagerRows, TrainingRows

BULK_INDEX = 20_000  # customers written at once past which the search index is rebuilt once


@dataclass
class Plan:
    kind: str
    path: str
    encoding: str
    rows: int  # data rows read
    issues: list[Issue]
    bad_rows: set[int]
    ignored_columns: list[str]
    counts: dict[str, list[int]]  # table -> [new, changed] if the good rows are written
    same: int  # rows whose record is already exactly so
    missing: list[Missing]
    _work: Work | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class Result:
    kind: str
    counts: dict[str, list[int]]
    same: int
    skipped_rows: int
    retired: int


WORK = {
    "townships": TownshipRows, "posts": PostRows, "managers": ManagerRows, "customers": CustomerRows,
    "routes": RouteRows, "targets": TargetRows, "actuals": ActualRows, "training": TrainingRows,
    "exams": ExamRows,
}


# --- check and apply ----------------------------------------------------------------------------


def _must_be_hub() -> None:
    if journal.is_station():
        raise KjtuiError("import.not_hub", node=journal.node_id())


def check(kind: str, path: str, progress: Progress = quiet) -> Plan:
    """Read `path` as a sheet of `kind` and check every row; nothing is written."""
    if kind not in KINDS:
        raise KjtuiError("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    _must_be_hub()
    spec = KINDS[kind]
    progress("read", 0, 1)
    sheet = sheets.read(path)
    progress("read", 1, 1)
    work = WORK[kind](spec)
    index = header_index(spec)
    columns, ignored = [], []
    for h in sheet.headers:
        c = index.get(normalise_header(h)) if h else None
        if c is not None and c.key in work.present:
            work.problem(1, c.key, h, "import.column_twice")
            c = None
        columns.append(c)
        if c is not None:
            work.present.add(c.key)
        elif h:
            ignored.append(h)
    for c in spec.columns:
        if c.required and c.key not in work.present:
            work.problem(1, c.key, "", "import.missing_column")
    if not work.issues:
        total = len(sheet.rows)
        for i, (row, cells) in enumerate(sheet.rows):
            if i % 5000 == 0:
                progress("check", i, total)
            work.read_row(row, cells, columns)
        with database.atomic():  # one consistent reading of what the county holds
            work.check_rows(progress)
        progress("check", total, total)
    counts = {c.model._meta.table_name: c.count() for c in work.changes()} if not any(
        i.row == 1 for i in work.issues) else {}
    issues = sorted(work.issues, key=lambda i: (i.row, _column_order(spec, i.column)))
    return Plan(kind, sheet.path, sheet.encoding, len(sheet.rows), issues, set(work.bad),
                ignored, counts, work.same, work.missing, work)


def _column_order(spec: Kind, key: str) -> int:
    keys = [c.key for c in spec.columns]
    return keys.index(key) if key in keys else -1


def apply(plan: Plan, *, good_rows: bool = False, retire_missing: bool = False,
          progress: Progress = quiet) -> Result:
    """Write what `plan` found, in one transaction through the write path. Refused while a row
    is wrong, unless `good_rows`: then the wrong rows are left out."""
    _must_be_hub()
    if any(i.row == 1 for i in plan.issues):
        raise KjtuiError("import.bad_header", n=len(plan.issues))
    if plan.issues and not good_rows:
        raise KjtuiError("import.has_errors", n=len(plan.issues), rows=len(plan.bad_rows))
    work = plan._work
    if retire_missing and plan.missing and not (plan.rows - len(plan.bad_rows)):
        raise KjtuiError("import.retire_all", n=len(plan.missing))  # an empty sheet retires no one
    retired = work.retire_missing() if retire_missing else 0
    changes = work.changes()
    customers = sum(len(c.new) + len(c.changed) for c in changes if c.model is Customer)
    from kjtui.services.search import bulk_load

    steps = len(changes)
    with database.atomic():
        if customers > BULK_INDEX:
            with bulk_load():
                _write(changes, progress, steps)
        else:
            _write(changes, progress, steps)
        _hand_over(changes)
    return Result(plan.kind, {c.model._meta.table_name: c.count() for c in changes}, work.same,
                  len(plan.bad_rows), retired)


def _hand_over(changes: list[Changes]) -> None:
    """Customers and routes the import gave from one manager to another: a Handover each, and
    the customers' PINs to the new manager's station."""
    codes = dict(Manager.select(Manager.id, Manager.code).tuples())
    kinds = {Customer: "customer", Route: "route"}
    moved: list[dict] = []
    customers: dict[str, str] = {}  # customer id -> the new station
    for c in changes:
        if c.model not in kinds:
            continue
        for rid, diff in c.changed.items():
            old, new = c.current[rid].get("manager"), diff.get("manager")
            if "manager" not in diff or old is None or new is None or old == new:
                continue
            moved.append(dict(kind=kinds[c.model], record_id=rid, from_station=codes[old],
                              to_station=codes[new]))
            if c.model is Customer:
                customers[rid] = codes[new]
    if not moved:
        return
    at = datetime.now().replace(microsecond=0)
    journal.create_many(Handover, [dict(m, at=at) for m in moved])
    ids = list(customers)
    for i in range(0, len(ids), 500):
        for pin in CustomerPin.select().where(CustomerPin.customer.in_(ids[i:i + 500])
                                              & (CustomerPin.deleted == False)):
            if pin.owner != customers[pin.customer_id]:
                journal.hand_over(pin, customers[pin.customer_id])


def _write(changes: list[Changes], progress: Progress, steps: int) -> None:
    for i, c in enumerate(changes):
        progress("write", i, steps)
        c.write()
    progress("write", steps, steps)


def template(kind: str, path: str, lang: str = "zh") -> str:
    """An empty sheet of `kind` with its headers (Chinese), and a sheet of notes on each column
    in `lang`."""
    from kjtui.catalog import text

    if kind not in KINDS:
        raise KjtuiError("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    spec = KINDS[kind]
    headers = [c.header("zh") for c in spec.columns]
    notes = [[text("import.note.column", lang), text("import.note.required", lang),
              text("import.note.how", lang)]]
    for c in spec.columns:
        key, params = c.hint
        if "codes" in params:
            params = {"choices": " / ".join(text(f"choice.{params['field']}.{code}", lang)
                                            for code in params["codes"])}
        notes.append([c.header("zh"), text("import.yes" if c.required else "import.no", lang),
                      text(key, lang, **params)])
    return sheets.write_template(path, text(f"import.kind.{kind}", "zh"), headers,
                                 {i for i, c in enumerate(spec.columns) if c.text}, notes,
                                 text("import.note.sheet", "zh"))
