"""The one catalog of interface words: Simplified Chinese by default, English with --lang en.

The words live in `kjtui/catalog/<area>.py` as `MESSAGES = {key: (zh, en)}` so that each part of
the app keeps its own list; `t()` is the only way they reach the screen. Choice codes stored in
the database (e.g. `visit.ordered`, `education.college`) are looked up as `choice.<field>.<code>`.
"""

from __future__ import annotations

from kjtui.catalog import LANGUAGES, messages, text

_lang = "zh"


def catalog() -> dict[str, tuple[str, str]]:
    return messages()


def set_language(lang: str) -> None:
    global _lang
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _lang = lang


def language() -> str:
    return _lang


def t(key: str, **params) -> str:
    """The words for `key` in the current language; a missing key shows itself, never crashes."""
    return text(key, _lang, **params)


def message(exc) -> str:
    """The sentence for a refusal (a kjtui.exception.KjtuiError: a catalog key and its params)."""
    return t(exc.key, **exc.params)


def choice(field: str, code: str | None) -> str:
    if code is None:
        return "—"
    return t(f"choice.{field}.{code}")


def display_width(text: str) -> int:
    """Terminal cells, not len(): a Chinese character takes two."""
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int, align: str = "<") -> str:
    gap = max(0, width - display_width(text))
    if align == ">":
        return " " * gap + text
    if align == "^":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap
