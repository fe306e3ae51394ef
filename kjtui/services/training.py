"""Training 培训 (seed, section 一): the weekly department meeting, where each manager lectures
in turn and the attendees rate the lecture, and the stage exams with each manager's score. Both
feed the monthly score's training part (kjtui.services.scoring: the mean of the month's lecture
ratings as lecturer and exam scores). Entered here or imported (kjtui.services.county_import,
kinds `training` and `exams`); written through the write path at the hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kjtui.exception import Refused
from kjtui.models import (
    ExamScore,
    LectureRating,
    Manager,
    TrainingSession,
    database,
    journal,
)
from kjtui.services.periods import add_months, month_start


@dataclass(frozen=True)
class Session:
    id: str
    held_on: date
    kind: str
    topic: str
    lecturer: str  # code, "" if none
    lecture_rating: float | None
    ratings: int  # attendees who rated the lecture
    scores: int  # managers with an exam score


def _manager(code: str) -> Manager:
    m = Manager.get_or_none((Manager.code == code) & (Manager.deleted == False))
    if m is None:
        raise Refused("staff.unknown_manager", code=code)
    return m


def _check(score: float) -> float:
    if not 0 <= score <= 100:
        raise Refused("entry.bad_score", score=score)
    return round(float(score), 2)


def next_lecturer(on: date) -> Manager | None:
    """Managers lecture in turn: the active manager after the last meeting's lecturer, by code
    (from the first again after the last)."""
    active = list(Manager.select().where((Manager.status == "active") & (Manager.deleted == False))
                  .order_by(Manager.code))
    if not active:
        return None
    last = (TrainingSession.select(Manager.code).join(Manager)
            .where((TrainingSession.kind == "weekly_meeting") & (TrainingSession.deleted == False)
                   & (TrainingSession.held_on <= on))
            .order_by(TrainingSession.held_on.desc(), TrainingSession.hlc.desc()).scalar())
    if last is None:
        return active[0]
    return next((m for m in active if m.code > last), active[0])


def record_meeting(held_on: date, topic: str, *, lecturer: str | None = None,
                   ratings: dict[str, float] | None = None) -> TrainingSession:
    """The weekly meeting: its lecturer (default: the next in turn) and the attendees' ratings
    of the lecture; the session's lecture rating is their mean."""
    if not topic.strip():
        raise Refused("training.no_topic")
    speaker = _manager(lecturer) if lecturer else next_lecturer(held_on)
    if speaker is None:
        raise Refused("training.no_lecturer")
    with database.atomic():
        session = journal.create(TrainingSession, held_on=held_on, kind="weekly_meeting",
                                 topic=topic.strip(), lecturer=speaker.id)
        for code, rating in (ratings or {}).items():
            rate(session.id, code, rating)
    return TrainingSession.get_by_id(session.id)


def rate(session_id: str, rater: str, rating: float) -> TrainingSession:
    """One attendee's rating of a meeting's lecture (again: replaces theirs); the lecturer does
    not rate his own lecture."""
    session = TrainingSession.get_or_none((TrainingSession.id == session_id)
                                          & (TrainingSession.deleted == False))
    if session is None or session.kind != "weekly_meeting":
        raise Refused("training.no_meeting", id=session_id)
    m = _manager(rater)
    if m.id == session.lecturer_id:
        raise Refused("training.own_lecture", code=rater)
    rating = _check(rating)
    with database.atomic():
        old = LectureRating.get_or_none((LectureRating.session == session.id)
                                        & (LectureRating.rater == m.id))
        if old is None:
            journal.create(LectureRating, session=session.id, rater=m.id, rating=rating)
        elif old.rating != rating or old.deleted:
            journal.update(old, rating=rating, deleted=False)
        values = [r for (r,) in LectureRating.select(LectureRating.rating).where(
            (LectureRating.session == session.id) & (LectureRating.deleted == False)).tuples()]
        mean = round(sum(values) / len(values), 2)
        if session.lecture_rating != mean:
            journal.update(session, lecture_rating=mean)
    return TrainingSession.get_by_id(session.id)


def record_exam(held_on: date, topic: str, scores: dict[str, float]) -> TrainingSession:
    """A stage exam and each manager's score (the exam of that day and topic is reused, a
    score given again replaces the old one)."""
    if not topic.strip():
        raise Refused("training.no_topic")
    checked = {_manager(code).id: _check(score) for code, score in scores.items()}
    with database.atomic():
        session = TrainingSession.get_or_none(
            (TrainingSession.held_on == held_on) & (TrainingSession.kind == "exam")
            & (TrainingSession.topic == topic.strip()) & (TrainingSession.deleted == False))
        if session is None:
            session = journal.create(TrainingSession, held_on=held_on, kind="exam",
                                     topic=topic.strip())
        for manager_id, score in checked.items():
            old = ExamScore.get_or_none((ExamScore.session == session.id)
                                        & (ExamScore.manager == manager_id))
            if old is None:
                journal.create(ExamScore, session=session.id, manager=manager_id, score=score)
            elif old.score != score or old.deleted:
                journal.update(old, score=score, deleted=False)
    return session


def sessions(month: date) -> list[Session]:
    first = month_start(month)
    after = add_months(first, 1)
    codes = dict(Manager.select(Manager.id, Manager.code).tuples())
    out = []
    for s in (TrainingSession.select()
              .where((TrainingSession.held_on >= first) & (TrainingSession.held_on < after)
                     & (TrainingSession.deleted == False))
              .order_by(TrainingSession.held_on, TrainingSession.kind)):
        out.append(Session(
            s.id, s.held_on, s.kind, s.topic, codes.get(s.lecturer_id, ""), s.lecture_rating,
            LectureRating.select().where((LectureRating.session == s.id)
                                         & (LectureRating.deleted == False)).count(),
            ExamScore.select().where((ExamScore.session == s.id)
                                     & (ExamScore.deleted == False)).count()))
    return out
