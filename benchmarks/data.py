"""Benchmark data, built once by `kjtui demo` and cached in benchmarks/.cache/.

The key is the kjtui version, seed and scale. A later schema needs no rebuild: opening the file
runs the new migrations in place, as on any user's notebook. `--rebuild` starts afresh.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from benchmarks.core import CACHE, ROOT, Unavailable

SEED = 7


def demo_db(scale: str, say=print, seed: int = SEED, today: date | None = None,
            cache: Path = CACHE) -> Path:
    """The cached demo notebook at `scale` (county, province, ...) built for `today` (None: the
    real today, as a user's demo): built on first use."""
    if not (ROOT / "kjtui" / "commands" / "demo.py").exists():
        raise Unavailable("kjtui demo")
    import kjtui

    day = f"-{today.isoformat()}" if today else ""
    path = cache / f"demo-{kjtui.__version__}-s{seed}-{scale}{day}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"demo-*-s{seed}-{scale}{day}.db"):
        stale.unlink()  # an older version's: never used again
    tmp = path.with_suffix(".building")
    for stale in cache.glob(tmp.name + "*"):
        stale.unlink()
    say(f"building the {scale} demo{day} (once, cached in {cache})")
    cmd = [sys.executable, "-m", "kjtui", "demo", "--db", str(tmp), "--seed", str(seed),
           "--scale", scale, "--no-open", *(["--today", today.isoformat()] if today else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "KJTUI_LANG": "en"})
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed:\n{done.stderr[-2000:]}")
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=delete")  # one self-contained file to copy
    con.close()
    tmp.rename(path)
    return path


def copy_of(src: Path, dest: Path) -> Path:
    """A private copy for a benchmark that writes (the cached file stays pristine)."""
    shutil.copyfile(src, dest)
    return dest


def clear_cache() -> None:
    shutil.rmtree(CACHE, ignore_errors=True)
