"""Monthly sales targets and actual sales from the county's sheets: one figure a manager and
month, updated in place when imported again."""

from __future__ import annotations

from kjtui.models import SalesActual, SalesTarget
from kjtui.services.import_rows import Changes, Work, stored


class TargetRows(Work):
    key_columns = ("manager_code", "month")
    model = SalesTarget
    column = "target"

    def check_rows(self, progress):
        self.out = Changes(self.model)
        have = {(r["manager"], r["month"]): r for r in stored(self.model)}
        for row, v, _raw in self.rows:
            m = None
            if v["manager_code"]:
                m = self.manager(row, "manager_code", v["manager_code"], active=False)
            if row in self.bad:
                continue
            current = have.get((m["id"], v["month"]))
            self.put(current, {"quantity": v[self.column]}, manager=m["id"], month=v["month"])

    def changes(self):
        return [self.out]


class ActualRows(TargetRows):
    model = SalesActual
    column = "actual"
