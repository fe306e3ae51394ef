"""Entry gates 进人关口 (seed, section 二): who may join the team of customer managers.

A transfer-in from another department needs education of high school or above, an age of 35 or
less and the former department's approval; a recruit from the training class needs the same
education and age and has sat the written exam and the interview. Advanced and model workers
先进和模范 come first; then candidates rank by the mean of their written and interview scores.
Each outcome says why (catalog keys); admitting one makes a manager through the write path and
names who decided and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kjtui.exception import Refused
from kjtui.models import EDUCATION, Candidate, Manager, Post, Supervisor, database, journal

MAX_AGE = 35
MIN_EDUCATION = "high_school"


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Ranked:
    id: str
    kind: str
    name: str
    gender: str
    age: int
    education: str
    former_department: str
    department_approved: bool
    model_worker: bool
    written: float | None
    interview: float | None
    combined: float | None  # mean of the written and interview scores
    passed: bool  # every gate passed
    reasons: tuple[tuple[str, dict], ...]  # why not (or, passed, why first): catalog keys
    outcome: str | None
    rank: int | None  # among the undecided who pass, model workers first


def combined(written: float | None, interview: float | None) -> float | None:
    if written is None or interview is None:
        return None
    return round((written + interview) / 2, 2)


def gates(c: Candidate, on: date) -> list[tuple[str, dict]]:
    """The gates this candidate does not pass on `on`, each with its reason (empty: passes)."""
    failed = []
    if EDUCATION.index(c.education) < EDUCATION.index(MIN_EDUCATION):
        failed.append(("entry.low_education", {"education": c.education}))
    age = age_on(c.birth_date, on)
    if age > MAX_AGE:
        failed.append(("entry.too_old", {"age": age, "max": MAX_AGE}))
    if c.kind == "transfer_in" and not c.department_approved:
        failed.append(("entry.no_approval", {"department": c.former_department or "—"}))
    if c.kind == "recruit" and combined(c.written_score, c.interview_score) is None:
        failed.append(("entry.no_scores", {}))
    return failed


def add_candidate(*, kind: str, name: str, gender: str, birth_date: date, education: str,
                  applied_on: date, phone: str = "", former_department: str = "",
                  department_approved: bool = False, model_worker: bool = False,
                  written: float | None = None, interview: float | None = None,
                  training_class: str | None = None) -> Candidate:
    for score in (written, interview):
        if score is not None and not 0 <= score <= 100:
            raise Refused("entry.bad_score", score=score)
    if kind == "transfer_in" and not former_department:
        raise Refused("entry.needs_department")
    return journal.create(
        Candidate, kind=kind, name=name, gender=gender, birth_date=birth_date,
        education=education, applied_on=applied_on, phone=phone,
        former_department=former_department, department_approved=department_approved,
        model_worker=model_worker, written_score=written, interview_score=interview,
        training_class=training_class)


def _candidate(candidate_id: str) -> Candidate:
    matches = list(Candidate.select().where(Candidate.id.startswith(candidate_id)
                                            & (Candidate.deleted == False)).limit(2))
    if len(matches) != 1:
        raise Refused("entry.no_candidate", id=candidate_id)
    return matches[0]


def set_scores(candidate_id: str, written: float, interview: float) -> Candidate:
    c = _candidate(candidate_id)
    for score in (written, interview):
        if not 0 <= score <= 100:
            raise Refused("entry.bad_score", score=score)
    return journal.update(c, written_score=written, interview_score=interview)


def ranked(on: date, *, undecided_only: bool = False) -> list[Ranked]:
    """Every candidate with the gates' outcome on `on`: the undecided who pass first, model
    workers before the others, by combined score (best first); then those who do not pass;
    then those decided."""
    rows = []
    q = Candidate.select().where(Candidate.deleted == False)
    if undecided_only:
        q = q.where(Candidate.outcome.is_null())
    for c in q:
        failed = gates(c, on)
        reasons = tuple(failed) or ((("entry.first_model_worker", {}),) if c.model_worker
                                    else (("entry.passes", {}),))
        rows.append((c, not failed, reasons))

    def order(item):
        c, passed, _ = item
        score = combined(c.written_score, c.interview_score)
        return (c.outcome is not None, not passed, not c.model_worker,
                -(score if score is not None else -1), c.name, c.id)

    rows.sort(key=order)
    out, rank = [], 0
    for c, passed, reasons in rows:
        if passed and c.outcome is None:
            rank += 1
        out.append(Ranked(
            c.id, c.kind, c.name, c.gender, age_on(c.birth_date, on), c.education,
            c.former_department, c.department_approved, c.model_worker, c.written_score,
            c.interview_score, combined(c.written_score, c.interview_score), passed, reasons,
            c.outcome, rank if passed and c.outcome is None else None))
    return out


def supervisor_of(code: str) -> Supervisor:
    s = Supervisor.get_or_none((Supervisor.code == code) & (Supervisor.deleted == False))
    if s is None:
        raise Refused("staff.unknown_supervisor", code=code)
    return s


def admit(candidate_id: str, *, code: str, decided_by: str, on: date,
          post: str | None = None, employment: str | None = None, phone: str = "") -> Manager:
    """Make the candidate a manager (active from `on`): refused, with the first reason, if a
    gate is not passed or the candidate was decided already."""
    c = _candidate(candidate_id)
    supervisor = supervisor_of(decided_by)
    if c.outcome is not None:
        raise Refused("entry.decided", name=c.name, outcome=c.outcome)
    failed = gates(c, on)
    if failed:
        key, params = failed[0]
        raise Refused(key, **params)
    if Manager.select().where(Manager.code == code).exists():
        raise Refused("entry.code_taken", code=code)
    post_id = None
    if post:
        p = Post.get_or_none((Post.code == post) & (Post.deleted == False))
        if p is None:
            raise Refused("staff.unknown_post", code=post)
        post_id = p.id
    # A transfer-in keeps the regular post of the department they come from; a recruit from the
    # training class is contract staff until the county decides otherwise.
    employment = employment or ("regular" if c.kind == "transfer_in" else "contract")
    with database.atomic():
        m = journal.create(
            Manager, code=code, name=c.name, gender=c.gender, birth_date=c.birth_date,
            education=c.education, employment=employment, post=post_id, status="active",
            hired_on=on, phone=phone or c.phone, model_worker=c.model_worker)
        journal.update(c, outcome="admitted", decided_by=supervisor.id, decided_on=on,
                       admitted_as=m.id, outcome_reason="")
    return m


def decline(candidate_id: str, *, decided_by: str, on: date, reason: str = "") -> Candidate:
    c = _candidate(candidate_id)
    supervisor = supervisor_of(decided_by)
    if c.outcome is not None:
        raise Refused("entry.decided", name=c.name, outcome=c.outcome)
    return journal.update(c, outcome="declined", decided_by=supervisor.id, decided_on=on,
                          outcome_reason=reason)
