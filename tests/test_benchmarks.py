"""Smoke test of the benchmark's machinery (python -m benchmarks): it runs, prints, writes JSON,
tells what has not landed, and exits non-zero only when a benchmark breaks. No time is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from benchmarks import __main__ as bench
from benchmarks.core import Figure, Unavailable, need, percentile


def test_need_names_what_has_not_landed():
    with pytest.raises(Unavailable, match="kjtui.services.no_such_thing"):
        need("kjtui.services.no_such_thing")
    with pytest.raises(Unavailable, match="kjtui.i18n.no_such_function"):
        need("kjtui.i18n", "t", "no_such_function")
    assert need("kjtui.i18n", "t").t


def test_percentile_is_a_sample_and_status_follows_the_budget():
    xs = [5, 1, 4, 2, 3]
    assert percentile(xs, 50) == 3 and percentile(xs, 95) == 5 and percentile(xs, 0) == 1
    assert Figure("x", 3.0, "ms", 2.0, ok=False).status == "MISS"
    assert Figure("x", 3.0, "ms", 2.0, ok=True).ratio == 1.5
    assert Figure("x", note="not available yet").status == "N/A"


def _fake(monkeypatch, run):
    mod = types.ModuleType("benchmarks.fake")
    mod.run = run
    monkeypatch.setitem(sys.modules, "benchmarks.fake", mod)
    monkeypatch.setattr(bench, "MODULES", ("fake",))


def test_a_missed_budget_reports_and_exits_0(monkeypatch, tmp_path, capsys):
    _fake(monkeypatch, lambda ctx: [Figure("slow thing", 30.0, "ms", 10.0, "floor", "≤ 2×", False),
                                    Figure("fast thing", 1.0, "ms", 1.0, "floor", "≤ 2×", True)])
    out = tmp_path / "figures.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "slow thing" in printed and "MISS" in printed and "PASS" in printed
    assert "1 budget(s) missed: slow thing" in printed
    got = json.loads(out.read_text())
    assert [f["status"] for f in got["figures"]] == ["MISS", "PASS"]
    assert got["figures"][0]["ratio"] == 3.0 and got["broken"] == []


def test_what_has_not_landed_is_named_never_a_number(monkeypatch, capsys):
    def run(ctx):
        raise Unavailable("kjtui.services.customers")

    _fake(monkeypatch, run)
    assert bench.main(["--quick"]) == 0
    assert "not available yet (needs kjtui.services.customers)" in capsys.readouterr().out


def test_a_broken_benchmark_exits_non_zero(monkeypatch, capsys):
    def run(ctx):
        raise ZeroDivisionError("the benchmark itself is wrong")

    _fake(monkeypatch, run)
    assert bench.main(["--quick"]) == 1
    assert "the benchmark itself is wrong" in capsys.readouterr().out


def test_quick_start_up_run_in_fresh_processes(tmp_path):
    """The real start-up benchmark, one repetition: the bare floor is always measured."""
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "startup", "--reps", "1",
         "--json", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    figures = json.loads(out.read_text())["figures"]
    assert {f["status"] for f in figures} <= {"PASS", "MISS", "N/A", "—"}
    start = [f for f in figures if f["name"].startswith("start:")]
    assert start and all(f["floor"] is None or f["floor"] > 0 for f in start)


def test_quick_hub_load_applies_every_bundle_exactly_once():
    """The real sync-day and province-evening figures: `hub serve` processes (two on PostgreSQL
    when a server is set), the stations' bundles uploaded over HTTP at once, then checked at
    the hub: each applied exactly once. No time is asserted."""
    import os

    from benchmarks import hubload
    from benchmarks.core import Context

    ctx = Context(quick=True, reps=1, pg_url=os.environ.get("KJTUI_TEST_PG_URL"))
    ctx.say = lambda text: None
    figures = hubload.run(ctx)
    measured = [f for f in figures if f.value is not None]
    assert len(measured) == (8 if ctx.pg_url else 4), figures
    assert all(f.value > 0 and f.floor > 0 for f in measured), figures
    assert all("WRONG" not in f.note for f in figures), figures
    assert sum("each applied exactly once" in f.note for f in measured) == len(measured) // 2


def test_the_hub_load_check_says_wrong_for_a_bundle_applied_twice():
    from benchmarks.hubload import Answer, Station, _wrong

    st = Station("XH01", b"", {"visit": ["a" * 32]}, 1)
    twice = [Answer("XH01", 200, "applied", 1, 0.1, 0), Answer("XH01", 200, "applied", 1, 0.1, 0)]
    assert "XH01" in _wrong("sqlite:///unused.db", [st], twice)
    assert "no answer" in _wrong("sqlite:///unused.db", [st], [])
    busy = [Answer("XH01", 503, "hub.busy", 0, 0.1, 20)]
    assert "503" in _wrong("sqlite:///unused.db", [st], busy)
