"""Training: the weekly meeting with its lecturer in turn and the attendees' ratings, stage
exams with scores; entered by command or imported, both feed the monthly score's training part
(kjtui.services.scoring)."""

from __future__ import annotations

import subprocess
from datetime import date

import county_small
import pytest
from test_county_import import xlsx

from kjtui.exception import Refused
from kjtui.models import ExamScore, LectureRating, Manager, TrainingSession
from kjtui.services import county_import, scoring, training

MAY = date(2026, 5, 1)


@pytest.fixture
def county(db):
    return county_small.build(with_week=False)


def training_part(code: str) -> float:
    m = Manager.get(Manager.code == code)
    return scoring.month_figures(m.id, MAY).parts()["training"]


def test_lecturers_take_turns_and_the_attendees_rating_is_the_lectures(county):
    first = training.record_meeting(date(2026, 5, 4), "卷烟营销政策", ratings={"KJ08": 90})
    assert first.lecturer.code == "KJ07" and first.lecture_rating == 90
    second = training.record_meeting(date(2026, 5, 11), "客户服务规范")
    assert second.lecturer.code == "KJ08" and second.lecture_rating is None
    third = training.record_meeting(date(2026, 5, 18), "零售终端建设")
    assert third.lecturer.code == "KJ07"  # round again
    training.rate(second.id, "KJ07", 70)
    training.rate(second.id, "KJ07", 80)  # again: replaces
    assert TrainingSession.get_by_id(second.id).lecture_rating == 80
    assert LectureRating.select().where(LectureRating.session == second.id).count() == 1
    with pytest.raises(Refused) as err:
        training.rate(second.id, "KJ08", 100)
    assert err.value.key == "training.own_lecture"
    with pytest.raises(Refused):
        training.rate(second.id, "KJ07", 101)
    assert training_part("KJ07") == 90.0 and training_part("KJ08") == 80.0


def test_exam_scores_feed_the_score_with_the_lectures(county):
    training.record_meeting(date(2026, 5, 4), "卷烟营销政策", lecturer="KJ07",
                            ratings={"KJ08": 90})
    exam = training.record_exam(date(2026, 5, 29), "五月阶段考试", {"KJ07": 70, "KJ08": 88})
    again = training.record_exam(date(2026, 5, 29), "五月阶段考试", {"KJ08": 92})
    assert again.id == exam.id and ExamScore.select().count() == 2
    assert training_part("KJ07") == 80.0  # (90 + 70) / 2
    assert training_part("KJ08") == 92.0
    scores = {s.code: s.parts["training"] for s in scoring.compute_month(MAY)}
    assert scores == {"KJ07": 80.0, "KJ08": 92.0}
    (meeting, ex) = training.sessions(MAY)
    assert (meeting.kind, meeting.lecturer, meeting.ratings) == ("weekly_meeting", "KJ07", 1)
    assert (ex.kind, ex.scores) == ("exam", 2)


def test_imported_training_and_exams_feed_the_score_too(county, tmp_path):
    meetings = [["2026-05-04", "例会", "卷烟营销政策", "KJ08", 86.5],
                ["2026-05-09", "集中培训", "新业态分类", "", ""],
                ["2026-05-11", "考试", "错配", "KJ07", ""]]
    plan = county_import.check("training", xlsx(tmp_path / "t.xlsx", "training", meetings))
    assert [(i.row, i.key) for i in plan.issues] == [(4, "import.lecture_only_at_meetings")]
    county_import.apply(plan, good_rows=True)
    exams = [["2026-05-29", "五月阶段考试", "KJ08", 90], ["2026-05-29", "五月阶段考试", "KJ07", 60]]
    county_import.apply(county_import.check("exams", xlsx(tmp_path / "e.xlsx", "exams", exams)))
    assert TrainingSession.select().count() == 3
    assert training_part("KJ08") == pytest.approx((86.5 + 90) / 2)
    assert training_part("KJ07") == 60.0
    again = county_import.check("exams", str(tmp_path / "e.xlsx"))
    assert again.counts == {"training_session": [0, 0], "exam_score": [0, 0]} and again.same == 2


def test_by_command(county, db_path, kjtui_cmd):
    from kjtui.models import close

    close()

    def run(*args):
        out = subprocess.run([*kjtui_cmd, "--lang", "en", *args, "--db", str(db_path)],
                             capture_output=True, text=True)
        return out.returncode, out.stdout, out.stderr

    code, out, err = run("training", "meeting", "--on", "2026-05-04", "--topic", "营销",
                         "--rating", "KJ08=88")
    assert code == 0 and "lecturer KJ07, rating 88.0" in out, err
    code, out, err = run("training", "exam", "--on", "2026-05-29", "--topic", "考试",
                         "--score", "KJ07=75", "--score", "KJ08=85")
    assert code == 0 and "Recorded 2 scores" in out, err
    code, out, err = run("training", "list", "--month", "2026-05")
    assert "weekly meeting" in out and "2 scores" in out
    code, out, err = run("training", "exam", "--on", "2026-05-29", "--topic", "考试",
                         "--score", "KJ07:75")
    assert code == 2 and "CODE=SCORE" in err
