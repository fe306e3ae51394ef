"""Start to the first drawn screen, and peak memory, each in fresh subprocesses (import time
counts) against a bare Textual app that draws one screen, measured in the same run."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import data
from benchmarks.core import Figure, Unavailable, median

DRIVER = Path(__file__).with_name("drive.py")
START_BUDGET = 1.5


def installed_env(pyc: Path) -> dict[str, str]:
    """The environment of an installed app: bytecode cached (pip compiles a wheel's modules
    when it installs them). With PYTHONDONTWRITEBYTECODE set, as on some CI machines, every
    launch would compile kjtui from source while the bare app's Textual runs from site-packages'
    bytecode: that measures the compiler. The cache goes to a private folder (not the tree);
    the uncounted warm-up launch of each app fills it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pyc)
    return env


def launch(*args: str, env: dict[str, str] | None = None) -> tuple[float, int]:
    """(seconds from launch to first drawn screen, peak RSS in KiB) of one fresh process."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(DRIVER), *args], capture_output=True, text=True,
                          timeout=300, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"drive.py {' '.join(args)} exited {done.returncode}:\n"
                           f"{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["drawn"] - t0, out["maxrss_kb"]


def as_hub(path: Path) -> Path:
    """The county database seen from the county office: no station signed in."""
    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM setting WHERE key IN ('signed_in_manager', 'node_id')")
    con.close()
    return path


def run(ctx) -> list[Figure]:
    tmp = Path(tempfile.mkdtemp(prefix="kjtui-bench-start-"))
    try:
        county = ctx.demo(ctx.county)
    except Unavailable as exc:
        county, missing = None, str(exc)
    kinds = {"bare": ("bare",)}
    if county:
        kinds["station"] = ("kjtui", str(data.copy_of(county, tmp / "station.db")))
        kinds["hub"] = ("kjtui", str(as_hub(data.copy_of(county, tmp / "hub.db"))))
        if not ctx.quick:
            province = ctx.demo(ctx.province)
            kinds["province"] = ("kjtui", str(data.copy_of(province, tmp / "province.db")))
    env = installed_env(tmp / "pyc")
    for args in kinds.values():
        launch(*args, env=env)  # warm the page and bytecode caches, migrate the copy: not counted
    times = {k: [] for k in kinds}
    rss = {k: [] for k in kinds}
    ctx.say(f"start-up: {len(kinds)} apps × {ctx.reps} fresh processes")
    for _ in range(ctx.reps):
        for kind, args in kinds.items():  # interleaved, so that noise hits all alike
            s, kb = launch(*args, env=env)
            times[kind].append(s)
            rss[kind].append(kb)
    bare_s = median(times["bare"])
    bare_mb = median(rss["bare"]) / 1024
    figs = []
    labels = {"station": f"start: stationed manager, {ctx.county} demo",
              "hub": f"start: hub (no station signed in), {ctx.county} demo"}
    for kind, label in labels.items():
        if kind not in times:
            figs.append(Figure(label, note=f"not available yet (needs {missing})"))
            continue
        v = median(times[kind])
        figs.append(Figure(label, v * 1000, "ms", bare_s * 1000, "bare Textual app",
                           f"≤ {START_BUDGET}× bare", v <= START_BUDGET * bare_s,
                           f"median of {ctx.reps}, fresh processes"))
    mem = {"station": f"peak memory: app, {ctx.county} demo",
           "province": "peak memory: app, province demo"}
    for kind, label in mem.items():
        if kind not in rss:
            why = ("skipped in --quick" if kind == "province" and county else
                   f"not available yet (needs {'kjtui demo --scale province' if county else missing})")
            figs.append(Figure(label, note=why))
            continue
        figs.append(Figure(label, max(rss[kind]) / 1024, "MiB", bare_mb, "bare Textual app",
                           "reported", None, "ru_maxrss of the subprocess, worst of the runs"))
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return figs
