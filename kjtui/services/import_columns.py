"""The columns of each kind of county sheet (docs/IMPORT.md): their headers (Chinese in the
templates; the English ones are read too), whether a cell is required, and how a cell is read.

A cell reader returns the value to store or raises `Bad(key, **params)` with a catalog key; the
import (kjtui.services.county_import) adds the row, the column and the cell as it was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from kjtui.catalog import text as catalog_text
from kjtui.models import (
    AREAS,
    EDUCATION,
    EMPLOYMENT,
    GENDERS,
    GRADES,
    POST_KINDS,
    RETAIL_FORMATS,
    TRAINING_KINDS,
)
from kjtui.services.sheets import cell_text

LICENCE = re.compile(r"\d{12}")


class Bad(Exception):
    def __init__(self, key: str, /, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Column:
    key: str  # its words: "sheet.col.<key>" (header) in the catalog
    read: Callable[[object], object]
    required: bool = False
    hint: tuple[str, dict] = ("fmt.text", {})  # how to fill it, for the template's notes
    text: bool = True  # kept as text in the template (codes, licence numbers, phones)

    def header(self, lang: str = "zh") -> str:
        return catalog_text(f"sheet.col.{self.key}", lang)


@dataclass(frozen=True)
class Kind:
    name: str  # customers, managers, ...
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# --- cell readers -------------------------------------------------------------------------------


def text(max_len: int) -> Callable[[object], str]:
    def read(cell) -> str:
        value = cell_text(cell)
        if len(value) > max_len:
            raise Bad("import.too_long", max=max_len, length=len(value))
        return value
    return read


def code(max_len: int = 20) -> Callable[[object], str]:
    def read(cell) -> str:
        value = cell_text(cell, fold=True)
        if len(value) > max_len:
            raise Bad("import.too_long", max=max_len, length=len(value))
        if any(ch.isspace() for ch in value):
            raise Bad("import.bad_code")
        return value
    return read


def licence(cell) -> str:
    value = cell_text(cell, fold=True).replace(" ", "")
    if not LICENCE.fullmatch(value):
        raise Bad("import.bad_licence")
    return value


def phone(cell) -> str:
    value = cell_text(cell, fold=True)
    if len(value) > 20 or not re.fullmatch(r"[0-9+\-() ]*", value):
        raise Bad("import.bad_phone")
    return value


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def day(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    m = _DATE.fullmatch(cell_text(cell, fold=True))
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Bad("import.bad_date") from None


def month(cell) -> date:
    if isinstance(cell, (date, datetime)):
        return date(cell.year, cell.month, 1)
    value = cell_text(cell, fold=True)
    m = _MONTH.fullmatch(value) or re.fullmatch(r"(\d{4})(\d{2})", value)
    if m is None:
        try:
            return day(cell).replace(day=1)
        except Bad:
            raise Bad("import.bad_month") from None
    if not 1 <= int(m[2]) <= 12:
        raise Bad("import.bad_month")
    return date(int(m[1]), int(m[2]), 1)


def count(cell) -> int:
    """A whole number ≥ 0 (cartons); 1,234 and 1234.0 are read as 1234."""
    if isinstance(cell, bool):
        raise Bad("import.bad_count")
    if isinstance(cell, (int, float)):
        if float(cell).is_integer() and cell >= 0:
            return int(cell)
        raise Bad("import.bad_count")
    value = cell_text(cell, fold=True).replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", value):
        return int(float(value))
    raise Bad("import.bad_count")


def position(cell) -> int:
    n = count(cell)
    if n < 1:
        raise Bad("import.bad_position")
    return n


def score(cell) -> float:
    """0 to 100, decimals allowed."""
    if isinstance(cell, bool):
        raise Bad("import.bad_score")
    try:
        value = float(cell) if isinstance(cell, (int, float)) else float(cell_text(cell, fold=True))
    except ValueError:
        raise Bad("import.bad_score") from None
    if not 0 <= value <= 100:
        raise Bad("import.bad_score")
    return round(value, 2)


YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无", "-"}


def flag(cell) -> bool:
    value = cell_text(cell, fold=True).lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise Bad("import.bad_flag")


def choice(field: str, codes: tuple[str, ...], extra: dict[str, str] | None = None):
    """One of `codes`, typed as the code or as its words in either language (the catalog's
    `choice.<field>.<code>`)."""
    names: dict[str, str] = {}
    for c in codes:
        names[c.lower()] = c
        for lang in ("zh", "en"):
            names[catalog_text(f"choice.{field}.{c}", lang).lower()] = c
    names.update(extra or {})

    def read(cell) -> str:
        value = cell_text(cell, fold=True).lower()
        if value in names:
            return names[value]
        raise Bad("import.bad_choice", field=field, codes=codes)
    read.field = field  # the template's notes list the words
    read.codes = codes
    return read


gender = choice("gender", GENDERS, {"男性": "M", "女性": "F"})
education = choice("education", EDUCATION, {"大学": "bachelor", "硕士": "master", "博士": "master",
                                            "专科": "college", "职高": "technical"})
employment = choice("employment", EMPLOYMENT, {"合同": "contract", "合同工": "contract",
                                               "聘用": "contract", "在编": "regular"})
post_kind = choice("post_kind", POST_KINDS, {"驻点": "stationed"})
area = choice("area", AREAS, {"城镇": "urban", "乡村": "rural"})
retail_format = choice("retail_format", RETAIL_FORMATS, {"食杂": "grocery", "便利": "convenience"})
grade = choice("grade", GRADES)
training_kind = choice("training", TRAINING_KINDS, {"例会": "weekly_meeting", "培训": "class",
                                                    "考试": "exam"})


# --- the kinds ----------------------------------------------------------------------------------

REF_TOWNSHIP = ("fmt.township", {})
REF_MANAGER = ("fmt.manager", {})
REF_ROUTE = ("fmt.route", {})
REF_POST = ("fmt.post", {})


def _hint_of(read) -> tuple[str, dict]:
    if read is licence:
        return ("fmt.licence", {})
    if read is day:
        return ("fmt.date", {})
    if read is month:
        return ("fmt.month", {})
    if read is count:
        return ("fmt.count", {})
    if read is position:
        return ("fmt.position", {})
    if read is score:
        return ("fmt.score", {})
    if read is flag:
        return ("fmt.flag", {})
    if read is phone:
        return ("fmt.phone", {})
    if hasattr(read, "codes"):
        return ("fmt.choice", {"field": read.field, "codes": read.codes})
    return ("fmt.text", {})


def col(key: str, read, required: bool = False, hint: tuple[str, dict] | None = None,
        as_text: bool | None = None) -> Column:
    if as_text is None:
        as_text = read not in (day, month, count, position, score)
    return Column(key, read, required, hint or _hint_of(read), as_text)


KINDS = {
    "townships": Kind("townships", (
        col("township_code", code(20), True),
        col("township_name", text(40), True),
        col("is_urban", flag),
    )),
    "posts": Kind("posts", (
        col("post_code", code(20), True),
        col("post_name", text(40), True),
        col("post_kind", post_kind, True),
        col("township", text(40), hint=REF_TOWNSHIP),
    )),
    "managers": Kind("managers", (
        col("manager_code", code(20), True),
        col("manager_name", text(40), True),
        col("gender", gender, True),
        col("birth_date", day, True),
        col("education", education, True),
        col("employment", employment, True),
        col("post_code", code(20), hint=REF_POST),
        col("hired_on", day),
        col("phone", phone),
        col("model_worker", flag),
    )),
    "routes": Kind("routes", (
        col("route_code", code(20), True),
        col("route_name", text(60), True),
        col("manager_code", code(20), hint=REF_MANAGER),
        col("township", text(40), hint=REF_TOWNSHIP),
        col("stop", position),
        col("licence_no", licence),
    )),
    "customers": Kind("customers", (
        col("licence_no", licence, True),
        col("shop_name", text(80), True),
        col("owner_name", text(40), True),
        col("phone", phone),
        col("address", text(120)),
        col("township", text(40), True, hint=REF_TOWNSHIP),
        col("area", area),
        col("retail_format", retail_format, True),
        col("grade", grade),
        col("manager_code", code(20), hint=REF_MANAGER),
        col("route_code", code(20), hint=REF_ROUTE),
    )),
    "targets": Kind("targets", (
        col("manager_code", code(20), True, hint=REF_MANAGER),
        col("month", month, True),
        col("target", count, True),
    )),
    "actuals": Kind("actuals", (
        col("manager_code", code(20), True, hint=REF_MANAGER),
        col("month", month, True),
        col("actual", count, True),
    )),
    "training": Kind("training", (
        col("held_on", day, True),
        col("training_kind", training_kind, True),
        col("topic", text(120), True),
        col("lecturer_code", code(20), hint=REF_MANAGER),
        col("lecture_rating", score),
    )),
    "exams": Kind("exams", (
        col("held_on", day, True),
        col("topic", text(120), True),
        col("manager_code", code(20), True, hint=REF_MANAGER),
        col("exam_score", score, True),
    )),
}
ORDER = ("townships", "posts", "managers", "customers", "routes", "targets", "actuals",
         "training", "exams")  # the order a new county loads its sheets in


def header_index(kind: Kind) -> dict[str, Column]:
    """Every header a sheet may use for a column, normalised: the Chinese and the English."""
    out = {}
    for c in kind.columns:
        for lang in ("zh", "en"):
            out[normalise_header(c.header(lang))] = c
        out[normalise_header(c.key)] = c
    return out


def normalise_header(h: str) -> str:
    return re.sub(r"[\s*:()_.]+", "", cell_text(h, fold=True)).lower()
