"""The score's rules as a county writes them: a TOML file read with tomllib, the packaged
defaults in kjtui/services/scoring_rules.toml (documented there, key by key), an override path
given by `--rules` or the hub's setting `scoring.rules`. A file that is not these rules is
refused on load with `rules.bad_file` (the path and what is wrong), before anything is computed.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kjtui.exception import KjtuiError

DEFAULT_PATH = Path(__file__).with_name("scoring_rules.toml")
PARTS = ("sales", "success", "maintenance", "review", "checkin", "spot_check", "training",
         "basic_work", "satisfaction")
MISSING_RULES = ("exclude", "zero")
SETTING = "scoring.rules"
_ELIMINATION_KEYS = ("bottom_consecutive", "consecutive_months", "bottom_repeated",
                     "repeated_times", "window_months")


@dataclass(frozen=True)
class Rules:
    weights: dict[str, int]
    per_proposal: int
    missing: str  # "exclude" or "zero"
    tie_break: tuple[str, ...]
    bottom_consecutive: int
    consecutive_months: int
    bottom_repeated: int
    repeated_times: int
    window_months: int
    source: str  # the file read
    digest: str  # sha256 of its bytes, first 16 hex digits: which rules a close used


def _bad(path, problem: str, **params) -> KjtuiError:
    return KjtuiError("rules.bad_file", path=str(path), problem=problem.format(**params))


def _table(data: dict, name: str, keys: tuple[str, ...], path) -> dict:
    table = data.get(name)
    if not isinstance(table, dict):
        raise _bad(path, "[{name}] is missing", name=name)
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise _bad(path, "[{name}] has unknown keys: {keys}", name=name, keys=", ".join(unknown))
    absent = [k for k in keys if k not in table]
    if absent:
        raise _bad(path, "[{name}] lacks: {keys}", name=name, keys=", ".join(absent))
    return table


def _whole(value, path, where: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _bad(path, "{where} must be a whole number >= {low}", where=where, low=low)
    return value


def parse(raw: bytes, path) -> Rules:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, "not TOML: {exc}", exc=exc) from None
    unknown = sorted(set(data) - {"weights", "maintenance", "total", "ranking", "elimination"})
    if unknown:
        raise _bad(path, "unknown tables: {t}", t=", ".join(unknown))
    weights = _table(data, "weights", PARTS, path)
    for k, v in weights.items():
        _whole(v, path, f"weights.{k}", 0)
    if sum(weights.values()) != 100:
        raise _bad(path, "the weights add up to {n}, not 100", n=sum(weights.values()))
    per = _whole(_table(data, "maintenance", ("per_proposal",), path)["per_proposal"], path,
                 "maintenance.per_proposal", 1)
    missing = _table(data, "total", ("missing",), path)["missing"]
    if missing not in MISSING_RULES:
        raise _bad(path, "total.missing must be one of {c}", c=", ".join(MISSING_RULES))
    tie = _table(data, "ranking", ("tie_break",), path)["tie_break"]
    if (not isinstance(tie, list) or any(p not in PARTS for p in tie)
            or len(set(tie)) != len(tie)):
        raise _bad(path, "ranking.tie_break must list parts, each once, of: {p}",
                   p=", ".join(PARTS))
    el = _table(data, "elimination", _ELIMINATION_KEYS, path)
    values = {k: _whole(el[k], path, f"elimination.{k}", 1) for k in _ELIMINATION_KEYS}
    if values["window_months"] < values["repeated_times"]:
        raise _bad(path, "elimination.window_months is shorter than repeated_times")
    return Rules(
        weights={k: weights[k] for k in PARTS}, per_proposal=per, missing=missing,
        tie_break=tuple(tie), **values, source=str(path),
        digest=hashlib.sha256(raw).hexdigest()[:16],
    )


def load(path: str | Path | None = None) -> Rules:
    """The rules in `path`, or the packaged defaults."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(path, "cannot be read: {exc}", exc=exc.strerror or exc) from None
    return parse(raw, path)


_default: Rules | None = None


def default() -> Rules:
    global _default
    if _default is None:
        _default = load()
    return _default
