"""Managers, training sessions and stage exams from the county's sheets: a manager by code (of
working age, his post known, not moved to another post while he holds routes), a session by its
day, kind and topic (a lecturer only at weekly meetings), an exam score by exam and manager."""

from __future__ import annotations

from datetime import date

from kjtui.models import ExamScore, Manager, TrainingSession
from kjtui.services.import_rows import Changes, Work, stored


class ManagerRows(Work):
    key_columns = ("manager_code",)
    OPTIONAL = {"hired_on": None, "phone": "", "model_worker": False}

    def check_rows(self, progress):
        self.out = Changes(Manager)
        have = {m["code"]: m for m in stored(Manager)}
        holds = {r["manager"] for r in self.routes().values() if r["manager"]}
        today = date.today()
        for row, v, raw in self.rows:
            born = v["birth_date"]
            if born is not None:
                age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
                if not 16 <= age <= 70:
                    self.problem(row, "birth_date", raw["birth_date"], "import.bad_birth", age=age)
            post = None
            if v.get("post_code"):
                p = self.posts().get(v["post_code"])
                if p is None:
                    self.problem(row, "post_code", raw["post_code"], "import.unknown_post")
                    continue
                post = p["id"]
            current = have.get(v["manager_code"])
            if (current is not None and "post_code" in self.present
                    and current["post"] != post and current["id"] in holds):
                self.problem(row, "post_code", raw["post_code"], "import.post_change_with_routes")
            if row in self.bad:
                continue
            values = dict(code=v["manager_code"], name=v["manager_name"], gender=v["gender"],
                          birth_date=born, education=v["education"], employment=v["employment"])
            if "post_code" in self.present:
                values["post"] = post
            for name, default in self.OPTIONAL.items():
                if name in self.present:
                    values[name] = default if v[name] is None else v[name]
            self.put(current, values, status="active")

    def changes(self):
        return [self.out]


# --- training: meetings with their lecture, stage exams with the scores --------------------------


class TrainingRows(Work):
    """One row a session; a session is known by its day, kind and topic."""

    key_columns = ("held_on", "training_kind", "topic")

    def check_rows(self, progress):
        self.out = Changes(TrainingSession)
        have = {(s["held_on"], s["kind"], s["topic"]): s for s in stored(TrainingSession)}
        for row, v, raw in self.rows:
            lecturer = None
            if v.get("lecturer_code"):
                lecturer = self.manager(row, "lecturer_code", v["lecturer_code"], active=False)
            if v["training_kind"] not in (None, "weekly_meeting") and (
                    raw.get("lecturer_code") or raw.get("lecture_rating")):
                self.problem(row, "lecturer_code", raw.get("lecturer_code", ""),
                             "import.lecture_only_at_meetings")
            if row in self.bad:
                continue
            values = dict(held_on=v["held_on"], kind=v["training_kind"], topic=v["topic"])
            if "lecturer_code" in self.present:
                values["lecturer"] = lecturer["id"] if lecturer else None
            if "lecture_rating" in self.present:
                values["lecture_rating"] = v.get("lecture_rating")
            current = have.get((v["held_on"], v["training_kind"], v["topic"]))
            self.put(current, values)

    def changes(self):
        return [self.out]


class ExamRows(Work):
    """One row a manager's score; the exam is the session of that day and topic (made here if
    the county holds none yet)."""

    key_columns = ("held_on", "topic", "manager_code")

    def check_rows(self, progress):
        self.sessions = Changes(TrainingSession)
        self.out = Changes(ExamScore)
        exams = {(s["held_on"], s["topic"]): s
                 for s in stored(TrainingSession, TrainingSession.kind == "exam")}
        made: dict[tuple, str] = {}
        have = {(s["session"], s["manager"]): s for s in stored(ExamScore)}
        for row, v, _raw in self.rows:
            m = None
            if v["manager_code"]:
                m = self.manager(row, "manager_code", v["manager_code"], active=False)
            if row in self.bad:
                continue
            key = (v["held_on"], v["topic"])
            session = exams.get(key)
            if session is None:
                sid = made.get(key) or self.sessions.create(held_on=key[0], kind="exam",
                                                            topic=key[1])
                made[key] = sid
            else:
                sid = session["id"]
            current = have.get((sid, m["id"]))
            self.put(current, {"score": v["exam_score"]}, session=sid, manager=m["id"])

    def changes(self):
        return [self.sessions, self.out]
