"""This laptop's settings (never synced): who is signed in, the language."""

from __future__ import annotations

from kjtui.models import Setting, database


def get(key: str, default: str | None = None) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def put(key: str, value: str) -> None:
    with database.atomic():
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()
