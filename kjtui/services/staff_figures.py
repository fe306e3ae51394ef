"""The team's figures 队伍结构 (seed: 23 managers, 16 men and 7 women, 5 urban and 18 rural of
whom 11 stationed, average age 28, 83% with college education or above), computed from the
managers active on a day (kjtui.services.scoring.status_on: hired by then, not on standby,
transferred or dismissed). The roster is the list those figures count, one line a manager."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from kjtui.models import Manager, Post
from kjtui.models.entities import EDUCATION, EMPLOYMENT
from kjtui.services.entry import age_on
from kjtui.services.scoring import status_on

COLLEGE_OR_ABOVE = ("college", "bachelor", "master")
AGE_BANDS = ((0, 25), (26, 30), (31, 35), (36, 40), (41, 200))  # inclusive, in years


@dataclass(frozen=True)
class StaffLine:
    id: str
    code: str
    name: str
    gender: str  # M / F
    age: int
    education: str
    employment: str
    post: str  # the post's name ("" without one)
    post_kind: str | None  # urban / rural / stationed
    hired_on: date | None


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
    by_education: dict[str, int] = field(default_factory=dict)  # every level, in order
    by_employment: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)  # "26-30": n (AGE_BANDS)

    def as_dict(self) -> dict:
        return {**asdict(self), "on": self.on.isoformat()}


def band(age: int) -> str:
    low, high = next(b for b in AGE_BANDS if b[0] <= age <= b[1])
    return f"≤{high}" if low == 0 else f"≥{low}" if high >= 200 else f"{low}-{high}"


def roster(on: date | None = None) -> list[StaffLine]:
    """The managers active on `on`, by code."""
    on = on or date.today()
    active = [m for m, s in status_on(on).items() if s == "active"]
    if not active:
        return []
    posts = {p.id: p for p in Post.select(Post.id, Post.name, Post.kind)}
    return [StaffLine(m.id, m.code, m.name, m.gender, age_on(m.birth_date, on), m.education,
                      m.employment, posts[m.post_id].name if m.post_id in posts else "",
                      posts[m.post_id].kind if m.post_id in posts else None, m.hired_on)
            for m in Manager.select().where(Manager.id.in_(active)).order_by(Manager.code)]


def staff_figures(on: date | None = None) -> StaffFigures:
    on = on or date.today()
    people = roster(on)
    n = len(people)
    post = [p.post_kind for p in people]
    college = sum(p.education in COLLEGE_OR_ABOVE for p in people)
    ages = [band(p.age) for p in people]
    return StaffFigures(
        on=on, head_count=n,
        men=sum(p.gender == "M" for p in people), women=sum(p.gender == "F" for p in people),
        urban=post.count("urban"), rural=post.count("rural") + post.count("stationed"),
        stationed=post.count("stationed"),
        average_age=round(sum(p.age for p in people) / n, 1) if n else 0.0,
        college_or_above=college, college_share=round(college / n, 4) if n else 0.0,
        by_education={e: sum(p.education == e for p in people) for e in EDUCATION},
        by_employment={e: sum(p.employment == e for p in people) for e in EMPLOYMENT},
        by_age={b: ages.count(b) for b in dict.fromkeys(band(lo) for lo, _ in AGE_BANDS)})
