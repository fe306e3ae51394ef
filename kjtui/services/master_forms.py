"""The county's master data saved from the desk's forms (kjtui/screens/desk/master_data.py) by the
import's own rules: a form is a row of the sheet of its kind, checked and written by
kjtui.services.county_import exactly as a row of a spreadsheet (its cells read by the same
readers, its township, manager, post and route looked up the same way, a route handed to a
manager of another post refused the same way), through the write path, so each station receives
it in its next return bundle. A wrong cell is refused with its column (`Refused(key,
column=...)`) and nothing is written.

Only what a form adds is here: a new record's key must be free and an edited one's must exist;
the stops of a route reordered, or a customer moved to another route, are the route's rows of a
routes sheet; a target and the actual sales of a month are saved together; an attendee's rating
of a lecture goes to kjtui.services.training."""

from __future__ import annotations

from datetime import date

from kjtui.exception import Refused
from kjtui.models import Customer, Manager, Route, database
from kjtui.services import county_import, sheets, training
from kjtui.services.county_import import Plan, Result
from kjtui.services.import_columns import KINDS, Bad
from kjtui.services.master_data import stops

# The column that names a record of each kind a form edits.
KEY_COLUMN = {"customers": "licence_no", "managers": "manager_code", "routes": "route_code"}


def _sheet(rows: list[dict[str, str]]) -> sheets.Sheet:
    headers = list(rows[0])
    return sheets.Sheet("", headers, [(n, [r.get(h, "") for h in headers])
                                      for n, r in enumerate(rows, start=2)])


def checked(kind: str, rows: list[dict[str, str]]) -> Plan:
    """The rows checked as a sheet of `kind`; refused at the first wrong cell."""
    plan = county_import.check_sheet(kind, _sheet(rows))
    if plan.issues:
        issue = plan.issues[0]
        raise Refused(issue.key, column=issue.column, **issue.params)
    return plan


def cell(kind: str, column: str, text: str, field: str | None = None):
    """One typed cell read as the sheet's column reads it; refused with `field` (the form's box,
    the column by default) when it is empty and required, or wrong."""
    c = KINDS[kind].column(column)
    if not text.strip():
        raise Refused("import.required", column=field or column)
    try:
        return c.read(text)
    except Bad as exc:
        raise Refused(exc.key, column=field or column, **exc.params) from None


def _taken(kind: str, key: str) -> bool:
    model, field = {"customers": (Customer, Customer.licence_no),
                    "managers": (Manager, Manager.code), "routes": (Route, Route.code)}[kind]
    return model.select().where((field == key) & (model.deleted == False)).exists()


def save(kind: str, cells: dict[str, str], *, new: bool) -> Result:
    """A customer, manager or route from its form: `new`, refused when its key is taken (the
    import would change that one); else the one its key names."""
    column = KEY_COLUMN[kind]
    plan = checked(kind, [cells])
    key = KINDS[kind].column(column).read(cells[column])
    if new and _taken(kind, key):
        raise Refused("md.taken", column=column, code=key)
    if not new and not _taken(kind, key):
        raise Refused("md.gone", column=column, code=key)
    return county_import.apply(plan)


# --- routes: their stops in order, a customer moved -----------------------------------------------


def set_order(route_id: str, customer_ids: list[str]) -> Result | None:
    """The route's stops are exactly these customers, in this order: the route's rows of a routes
    sheet (its manager and township left as they are). None when there is no stop to order."""
    if not customer_ids:
        return None
    route = Route.get_or_none((Route.id == route_id) & (Route.deleted == False))
    if route is None:
        raise Refused("md.route_gone")
    licences = dict(Customer.select(Customer.id, Customer.licence_no)
                    .where(Customer.id.in_(customer_ids)).tuples())
    rows = [{"route_code": route.code, "route_name": route.name, "stop": str(n),
             "licence_no": licences[cid]} for n, cid in enumerate(customer_ids, start=1)]
    return county_import.apply(checked("routes", rows))


def move(customer_id: str, route_id: str) -> Result | None:
    """The customer to the end of another route, off the one he was on, whose other stops keep
    their order; his manager becomes the route's (handed over as an import hands him)."""
    on_route = [s.customer_id for s in stops(route_id)]
    if customer_id in on_route:
        raise Refused("md.on_that_route")
    return set_order(route_id, [*on_route, customer_id])


# --- targets and actual sales ---------------------------------------------------------------------


def save_target(manager_code: str, month: str, target: str, actual: str) -> list[Result]:
    """A manager's month: its target and its actual sales, each a row of its sheet; a blank one
    is left as it is. Both are checked before either is written."""
    plans = [checked(kind, [{"manager_code": manager_code, "month": month, column: value}])
             for kind, column, value in (("targets", "target", target),
                                         ("actuals", "actual", actual)) if value.strip()]
    if not plans:
        raise Refused("md.no_figure", column="target")
    with database.atomic():
        return [county_import.apply(p) for p in plans]


# --- training -------------------------------------------------------------------------------------


def meeting_cells(on: date) -> dict[str, str]:
    """A new weekly meeting's form: the lecturer is the next in turn."""
    lecturer = training.next_lecturer(on)
    return {"held_on": on.isoformat(), "training_kind": "weekly_meeting", "topic": "",
            "lecturer_code": lecturer.code if lecturer else ""}


def save_session(cells: dict[str, str]) -> Result:
    """A meeting, a class or an exam, as a row of the training sheet (known by its day, kind
    and topic: the same again changes that one)."""
    return county_import.apply(checked("training", [cells]))


def save_exam_score(cells: dict[str, str]) -> Result:
    """A manager's score at a stage exam, as a row of the exams sheet."""
    return county_import.apply(checked("exams", [cells]))


def rate(session_id: str, rater: str, rating: str):
    """An attendee's rating of a meeting's lecture, read as the training sheet reads a rating."""
    code = cell("training", "lecturer_code", rater, field="rater")
    return training.rate(session_id, code, cell("training", "lecture_rating", rating, field="rating"))
