"""python -m benchmarks [--quick] [--json FILE] [--only NAME ...] [--rebuild]

Prints every figure with its floor from the same run, the ratio, the budget (README, Benchmarks)
and PASS or MISS. Exit status: 0 even when budgets are missed (it reports, it does not gate);
1 only when a benchmark itself broke.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from datetime import date

from rich.console import Console
from rich.table import Table

from benchmarks.core import Context, Figure, Unavailable

# Each module has run(ctx) -> list[Figure]; TITLE names it when it cannot run yet.
MODULES = ("startup", "search", "visit", "bundle", "hubimport", "countyimport", "monthclose",
           "reports", "hubload", "review")


def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return ""
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3f}"
    return f"{text} {unit}".rstrip()


def table(figures: list[Figure], title: str) -> Table:
    t = Table(title=title, title_justify="left")
    for col, j in (("figure", "left"), ("value", "right"), ("floor", "right"),
                   ("ratio", "right"), ("budget", "left"), ("", "left"), ("note", "left")):
        t.add_column(col, justify=j, overflow="fold")
    for f in figures:
        floor = f"{fmt(f.floor, f.unit)} ({f.floor_label})" if f.floor is not None else ""
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        style = {"PASS": "green", "MISS": "bold red", "N/A": "dim"}.get(f.status, "")
        t.add_row(f.name, fmt(f.value, f.unit), floor, ratio, f.budget,
                  f"[{style}]{f.status}[/]" if style else f.status, f.note)
    return t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[2])
    p.add_argument("--quick", action="store_true", help="small sizes, few repetitions (CI)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--only", nargs="+", choices=MODULES, help="run only these benchmarks")
    p.add_argument("--reps", type=int, help="repetitions (default 3 with --quick, else 15)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached demo data")
    p.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="build the demo data for this day (reproduce a day's run)")
    args = p.parse_args(argv)
    if args.rebuild:
        from benchmarks.data import clear_cache

        clear_cache()
    ctx = Context(quick=args.quick, reps=args.reps or (3 if args.quick else 15),
                  pg_url=os.environ.get("KJTUI_TEST_PG_URL"), today=args.today)
    console = Console()
    if not console.is_terminal:
        console = Console(width=150)  # a log file keeps whole rows
    figures: list[Figure] = []
    broken: list[str] = []
    started = time.perf_counter()
    for name in args.only or MODULES:
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            got = module.run(ctx)
        except Unavailable as exc:
            got = [Figure(name, note=f"not available yet (needs {exc})")]
        except Exception:
            broken.append(name)
            console.print(f"[bold red]benchmark {name} broke:[/]")
            console.print(traceback.format_exc(), markup=False, highlight=False)
            got = [Figure(name, note="BROKEN (see above)")]
        figures += got
        ctx.say(f"{name}: {time.perf_counter() - t0:.1f} s")
    mode = "quick" if args.quick else "full"
    console.print(table(figures, f"kjtui benchmarks ({mode}, {ctx.reps} reps, "
                                 f"{time.perf_counter() - started:.0f} s)"))
    misses = [f.name for f in figures if f.status == "MISS"]
    console.print(f"{len(misses)} budget(s) missed" + (": " + "; ".join(misses) if misses else ""))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"mode": mode, "reps": ctx.reps, "broken": broken,
                       "figures": [f.as_dict() for f in figures]}, fh, ensure_ascii=False,
                      indent=1)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
