"""Figures, the context every benchmark gets, and small timing helpers."""

from __future__ import annotations

import importlib
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"


class Unavailable(Exception):
    """What a figure measures has not landed yet: printed as 'not available yet (needs X)'."""


@dataclass
class Figure:
    name: str
    value: float | None = None
    unit: str = ""
    floor: float | None = None  # the same work done the plainest way, in the same run
    floor_label: str = ""
    budget: str = ""
    ok: bool | None = None  # None: no budget (reported only) or not measured
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def status(self) -> str:
        if self.value is None:
            return "N/A"
        return {True: "PASS", False: "MISS", None: "—"}[self.ok]

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "status": self.status}


@dataclass
class Context:
    quick: bool
    reps: int
    pg_url: str | None = None
    cache: Path = CACHE
    today: date | None = None  # the day the demo data is built for (None: the real today)

    def demo(self, scale: str) -> Path:
        """The cached demo notebook at `scale`, built for `today`."""
        from benchmarks import data

        return data.demo_db(scale, self.say, today=self.today, cache=self.cache)

    @property
    def county(self) -> str:
        """The demo scale standing for the county: the hidden tiny one with --quick (CI)."""
        return "tiny" if self.quick else "county"

    @property
    def province(self) -> str:
        return "tiny" if self.quick else "province"

    def say(self, text: str) -> None:
        from rich.console import Console

        Console(stderr=True).print(f"[dim]· {text}[/dim]")


def need(module: str, *names: str):
    """Import `module` and check it has `names`; raise Unavailable if it has not landed yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise Unavailable(module) from None
        raise
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise Unavailable(f"{module}.{missing[0]}")
    return mod


def timed(fn, *args, **kwargs) -> float:
    """Seconds one call takes."""
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t0


def median(xs) -> float:
    return statistics.median(xs)


def percentile(xs, p: float) -> float:
    """Nearest-rank percentile: with few samples it reports a sample, never an interpolation."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]
