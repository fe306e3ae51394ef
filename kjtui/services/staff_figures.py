"""The team's figures 队伍结构 (seed: 23 managers, 16 men and 7 women, 5 urban and 18 rural of
whom 11 stationed, average age 28, 83% with college education or above), computed from the
managers active on a day (kjtui.services.scoring.status_on: hired by then, not on standby,
transferred or dismissed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from kjtui.models import Manager, Post
from kjtui.services.entry import age_on
from kjtui.services.scoring import status_on

COLLEGE_OR_ABOVE = ("college", "bachelor", "master")


@dataclass(frozen=True)
class StaffFigures:
    on: date
    head_count: int
    men: int
    women: int
    urban: int  # at an urban post
    rural: int  # at a rural post, stationed or not
    stationed: int  # at a stationed rural post
    average_age: float
    college_or_above: int
    college_share: float  # 0..1

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}


def staff_figures(on: date | None = None) -> StaffFigures:
    on = on or date.today()
    active = {m for m, s in status_on(on).items() if s == "active"}
    kinds = dict(Post.select(Post.id, Post.kind).tuples())
    people = [m for m in Manager.select().where(Manager.id.in_(list(active)))] if active else []
    n = len(people)
    post = [kinds.get(m.post_id) for m in people]
    college = sum(m.education in COLLEGE_OR_ABOVE for m in people)
    return StaffFigures(
        on=on, head_count=n,
        men=sum(m.gender == "M" for m in people), women=sum(m.gender == "F" for m in people),
        urban=post.count("urban"), rural=post.count("rural") + post.count("stationed"),
        stationed=post.count("stationed"),
        average_age=round(sum(age_on(m.birth_date, on) for m in people) / n, 1) if n else 0.0,
        college_or_above=college, college_share=round(college / n, 4) if n else 0.0)
