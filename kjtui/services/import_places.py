"""Townships and posts from the county's sheets: created or updated by code; a stationed post
needs its township."""

from __future__ import annotations

from kjtui.models import Post, Township
from kjtui.services.import_rows import Changes, Work, stored


class TownshipRows(Work):
    key_columns = ("township_code",)

    def check_rows(self, progress):
        self.out = Changes(Township)
        have = {t["code"]: t for t in stored(Township)}
        for _, v, _ in self.good():
            values = dict(code=v["township_code"], name=v["township_name"])
            if "is_urban" in self.present:
                values["is_urban"] = bool(v["is_urban"])
            current = have.get(v["township_code"])
            self.put(current, values, is_urban=False)

    def changes(self):
        return [self.out]


class PostRows(Work):
    key_columns = ("post_code",)

    def check_rows(self, progress):
        self.out = Changes(Post)
        have = {p["code"]: p for p in stored(Post)}
        for row, v, _raw in self.rows:
            town = None
            if v.get("township"):
                t = self.township(row, "township", v["township"])
                town = t["id"] if t else None
            elif v["post_kind"] == "stationed":
                self.problem(row, "township", "", "import.stationed_needs_township")
            if row in self.bad:
                continue
            values = dict(code=v["post_code"], name=v["post_name"], kind=v["post_kind"])
            if "township" in self.present:
                values["township"] = town
            current = have.get(v["post_code"])
            self.put(current, values)

    def changes(self):
        return [self.out]
