"""What every county sheet shares on its way in (kjtui.services.county_import): a wrong cell
as an `Issue` with its row and column, reading and checking each row (`Work`), the references a
row names (townships, managers, posts, routes), and the pending writes of one model (`Changes`),
written through the write path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kjtui.models import Manager, Post, Route, Township, journal, new_id
from kjtui.services import sheets
from kjtui.services.import_columns import Bad, Kind


@dataclass(frozen=True)
class Issue:
    """One wrong cell (or row): the row number the spreadsheet program shows, the column's key
    (kjtui.services.import_columns; "" for the whole row), the cell as typed, and why."""

    row: int
    column: str
    value: str
    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    """An active customer the county holds that a customers sheet does not list."""

    licence_no: str
    shop_name: str
    manager_code: str


Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int, total: int) -> None:
    pass


# --- pending writes -----------------------------------------------------------------------------


class Changes:
    """What an import will write to one model: new records and changed fields of known ones
    (merged, so a record changed by two rows is written once)."""

    def __init__(self, model):
        self.model = model
        self.new: dict[str, dict] = {}
        self.current: dict[str, dict] = {}
        self.changed: dict[str, dict] = {}

    def create(self, **values) -> str:
        rid = values.setdefault("id", new_id())
        self.new[rid] = values
        return rid

    def update(self, current: dict, **values) -> None:
        rid = current["id"]
        if rid in self.new:
            self.new[rid].update(values)
            return
        pending = self.changed.get(rid, {})
        diff = {k: v for k, v in values.items() if current.get(k) != v}
        for k, v in values.items():  # a change back to what is stored is no change
            if k in pending and current.get(k) == v:
                del pending[k]
        pending.update(diff)
        if pending or rid in self.changed:
            self.current[rid] = current
            self.changed[rid] = pending

    def touch(self, current: dict) -> None:
        """Write it again as it is (rev + 1): it travels to the stations whose scope it entered."""
        if current["id"] not in self.new and current["id"] not in self.changed:
            self.current[current["id"]] = current
            self.changed[current["id"]] = {}

    def value(self, current: dict, name: str):
        """The value the record will have after these changes."""
        rid = current["id"]
        if rid in self.new:
            return self.new[rid].get(name)
        return self.changed.get(rid, {}).get(name, current.get(name))

    def count(self) -> list[int]:
        return [len(self.new), len(self.changed)]

    def write(self) -> None:
        journal.create_many(self.model, list(self.new.values()))
        journal.update_many(self.model, [(self.current[r], c) for r, c in self.changed.items()])


def stored(model, where=None) -> list[dict]:
    q = model.select()
    if where is not None:
        q = q.where(where)
    return list(q.dicts().iterator())


# --- the work common to every kind --------------------------------------------------------------


class Work:
    kind: Kind
    key_columns: tuple[str, ...] = ()

    def __init__(self, kind: Kind):
        self.kind = kind
        self.issues: list[Issue] = []
        self.bad: set[int] = set()
        self.present: set[str] = set()
        self.same = 0
        self.missing: list[Missing] = []
        self.first_row: dict[tuple, int] = {}
        self.rows: list[tuple[int, dict, dict]] = []  # (row, values, raw)

    def put(self, current: dict | None, values: dict, **new_only) -> None:
        """The record a row names: made (with `new_only` besides) when the county has none,
        else updated and brought back if retired, counted the same when nothing changed."""
        if current is None:
            self.out.create(**{**new_only, **values})
        else:
            self.out.update(current, deleted=False, **values)
            self.same += current["id"] not in self.out.changed

    # issues
    def problem(self, row: int, column: str, value: str, key: str, **params) -> None:
        self.issues.append(Issue(row, column, value, key, params))
        self.bad.add(row)

    # references, loaded on first use
    _townships: tuple[dict, dict] | None = None

    def township(self, row: int, column: str, value: str) -> dict | None:
        if self._townships is None:
            by_code, by_name = {}, {}
            for t in stored(Township, Township.deleted == False):
                by_code[t["code"]] = t
                by_name.setdefault(t["name"], []).append(t)
            self._townships = (by_code, by_name)
        by_code, by_name = self._townships
        if value in by_code:
            return by_code[value]
        named = by_name.get(value, [])
        if len(named) == 1:
            return named[0]
        if named:
            self.problem(row, column, value, "import.ambiguous_township",
                         codes="、".join(sorted(t["code"] for t in named)))
        else:
            self.problem(row, column, value, "import.unknown_township")
        return None

    _managers: dict | None = None

    def managers(self) -> dict[str, dict]:
        if self._managers is None:
            self._managers = {m["code"]: m for m in stored(Manager, Manager.deleted == False)}
        return self._managers

    def manager(self, row: int, column: str, value: str, active: bool = True) -> dict | None:
        m = self.managers().get(value)
        if m is None:
            self.problem(row, column, value, "import.unknown_manager")
        elif active and m["status"] != "active":
            self.problem(row, column, value, "import.manager_not_active", status=m["status"])
            return None
        return m

    _posts: dict | None = None

    def posts(self) -> dict[str, dict]:
        if self._posts is None:
            self._posts = {p["code"]: p for p in stored(Post, Post.deleted == False)}
        return self._posts

    _routes: dict | None = None

    def routes(self) -> dict[str, dict]:
        if self._routes is None:
            self._routes = {r["code"]: r for r in stored(Route, Route.deleted == False)}
        return self._routes

    def manager_by_id(self, manager_id: str | None) -> dict | None:
        if not hasattr(self, "_manager_ids"):
            self._manager_ids = {m["id"]: m for m in self.managers().values()}
        return self._manager_ids.get(manager_id)

    def post_of(self, manager_id: str | None) -> str | None:
        m = self.manager_by_id(manager_id)
        return m["post"] if m else None

    # the flow
    def read_row(self, row: int, cells: list, columns: list) -> None:
        values, raw = {}, {}
        for i, column in enumerate(columns):
            if column is None:
                continue
            cell = cells[i] if i < len(cells) else None
            text = sheets.cell_text(cell)
            raw[column.key] = text
            if text == "":
                if column.required:
                    self.problem(row, column.key, "", "import.required")
                values[column.key] = None
                continue
            try:
                values[column.key] = column.read(cell)
            except Bad as exc:
                self.problem(row, column.key, text, exc.key, **exc.params)
                values[column.key] = None
        if self.key_columns and all(values.get(k) is not None for k in self.key_columns):
            key = tuple(values[k] for k in self.key_columns)
            first = self.first_row.setdefault(key, row)
            if first != row:
                shown = " / ".join(raw[k] for k in self.key_columns)
                self.problem(row, self.key_columns[0], shown, "import.duplicate", first=first)
                if first not in self.bad:
                    self.problem(first, self.key_columns[0], shown, "import.duplicate", first=row)
        self.rows.append((row, values, raw))

    def check_rows(self, progress: Progress) -> None:
        """Per-kind checks of references, then the changes the good rows make."""
        raise NotImplementedError

    def changes(self) -> list[Changes]:
        raise NotImplementedError

    def good(self):
        for row, values, raw in self.rows:
            if row not in self.bad:
                yield row, values, raw

    def retire_missing(self) -> int:
        return 0
