"""The calendar's periods the notebook counts in: months (plans, scores, targets) and weeks
starting on Monday (the weekly review)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month_start(month), 1) - timedelta(days=1)


def month_days(month: date) -> list[date]:
    n = calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=i) for i in range(1, n + 1)]


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())
