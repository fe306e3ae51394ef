"""Sync day at the county office (issue 15, §2): a stick holding the bundles of several laptops
in any order — two bundles of one in a row, one bundle twice, one bundle after a gap, a record
that breaks a rule, a damaged file, a file that is no bundle, an old return bundle — imported in
one go; the summary per station; each station's return bundle written back onto the stick and
read by its laptop."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import desk_support
import pytest
import sync_stations as county_

from kjtui.models import HUB, Manager, SyncPeer, Visit, new_id
from kjtui.services import sync_day
from sync import bundle, exporter, importer

CODES = ("KJ01", "KJ02", "KJ03", "KJ04")
AT = datetime(2026, 11, 23, 9, 0)


def L(k: int, route: int, stop: int) -> str:
    return county_.licence(k, route, stop)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from kjtui.services import accounts

    c = county_.build(tmp_path_factory.mktemp("county"), codes=CODES)
    c.at("hub")
    accounts.add("文书", "admin", desk_support.PASSWORD)  # the sync day is the administrator's
    county_.close()
    return c


@pytest.fixture
def county(request, template, tmp_path):
    """A copy of the template; with the parameter "pg", a county whose hub is PostgreSQL."""
    if getattr(request, "param", "sqlite") != "pg":
        return county_.copy(template, tmp_path / "county")
    from kjtui.services import accounts

    c = county_.build(tmp_path / "pg", hub_url=request.getfixturevalue("pg_url"), codes=CODES)
    c.at("hub")
    accounts.add("文书", "admin", desk_support.PASSWORD)
    return c


def export(c, code: str, stick: Path, after: int | None = None) -> Path:
    c.at(code)
    name, data = exporter.station_bundle(after)
    return Path(bundle.write_atomic(stick, name, data))


@pytest.fixture
def stick(county, tmp_path, monkeypatch):
    """The stick as the administrator gets it on sync day."""
    c, stick = county, tmp_path / "U盘"
    stick.mkdir()
    # KJ01: a week in two bundles, a third after a gap (its middle bundle stayed on the laptop)
    c.at("KJ01")
    for i in range(6):
        county_.visit("KJ01", L(0, 0, i), AT.replace(minute=i))
    monkeypatch.setattr(bundle, "EXPORT_LINES", 4)
    first = export(c, "KJ01", stick)
    second = export(c, "KJ01", stick, bundle.parse(first.read_bytes()).last)
    monkeypatch.undo()
    c.at("KJ01")
    for i in range(6, 8):
        county_.visit("KJ01", L(0, 0, i), AT.replace(minute=i))
    top = bundle.parse(second.read_bytes()).last
    c.at("KJ01")
    kept = exporter.station_bundle(top)  # the middle one: never copied to the stick
    county_.visit("KJ01", L(0, 0, 9), AT.replace(minute=9))
    export(c, "KJ01", stick, bundle.parse(kept[1]).last)
    # KJ02: one bundle copied twice onto the stick, with a forged visit in it
    c.at("KJ02")
    honest = county_.visit("KJ02", L(1, 0, 1), AT)
    c.at("hub")
    kj01 = Manager.get(Manager.code == "KJ01").id
    c.at("KJ02")
    county_.forge("KJ02", "visit", {**county_.payload_of(Visit, honest), "id": new_id(),
                                    "manager_id": kj01})
    once = export(c, "KJ02", stick)
    shutil.copy(once, once.with_name(once.name.replace(".kjb", "-copy.kjb")))
    # KJ03: a damaged bundle (a byte of its payload changed)
    c.at("KJ03")
    county_.visit("KJ03", L(2, 0, 1), AT)
    damaged = export(c, "KJ03", stick)
    data = bytearray(damaged.read_bytes())
    data[-10] ^= 0xFF
    damaged.write_bytes(bytes(data))
    # a file that is no bundle, one that is no bundle but says so, last week's return bundle
    (stick / "notes.txt").write_text("周一交")
    (stick / "副本.kjb").write_bytes(b"not a bundle")
    c.at("hub")
    exporter.export(str(stick), "KJ04")
    c.at("hub")
    return stick


def files(stick: Path, prefix: str) -> list[Path]:
    return sorted(stick.glob(f"{prefix}*.kjb"))


@pytest.mark.parametrize("county", ["sqlite", pytest.param("pg", marks=pytest.mark.pg)],
                         indirect=True)
def test_a_stick_of_several_stations_is_imported_and_summed_up(county, stick):
    c = county
    c.at("hub")
    old_replies = files(stick, "hub-to-")
    seen = []
    day = sync_day.import_folder(str(stick), progress=lambda *a: seen.append(a))
    assert day.files == 7 and [p[:2] for p in seen] == [(i, 7) for i in range(8)]
    by = {s.station: s for s in day.stations}
    assert sorted(by) == ["", "KJ01", "KJ02", "KJ03"]
    one, two, three, junk = by["KJ01"], by["KJ02"], by["KJ03"], by[""]
    assert (one.bundles, one.applied, one.parked, one.duplicate, one.refused) == (3, 2, 1, 0, [])
    assert one.missing and one.records > 0
    assert (two.bundles, two.applied, two.duplicate, two.held) == (2, 1, 1, 1)
    assert two.held_reasons[0][0] == "write.credited"
    assert (three.bundles, three.applied, len(three.refused)) == (1, 0, 1)
    assert three.refused[0].key.startswith("bundle.") and three.refused[0].file.startswith("KJ03")
    assert [r.key for r in junk.refused] == ["bundle.not_a_bundle"]
    assert junk.returned == []
    # every station that sent something gets its answer on the stick; last week's stays unread
    for code, s in (("KJ01", one), ("KJ02", two), ("KJ03", three)):
        assert [Path(p).name for p in s.returned] == [p.name for p in files(stick, f"hub-to-{code}")]
    assert files(stick, "hub-to-KJ04") == [p for p in old_replies if "KJ04" in p.name]
    assert Visit.select().where(Visit.owner == "KJ01").count() == 6  # the gap holds back the rest
    assert Visit.select().where(Visit.owner == "KJ02").count() == 1  # the honest one
    assert Visit.select().where(Visit.owner == "KJ03").count() == 0
    # each laptop reads its answer: KJ01 learns the gap and sends from there
    c.at("KJ01")
    (reply,) = files(stick, "hub-to-KJ01")
    importer.import_bytes(reply.read_bytes())
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == bundle.parse(
        files(stick, "KJ01-")[1].read_bytes()).last
    c.at("KJ03")
    importer.import_bytes(files(stick, "hub-to-KJ03")[0].read_bytes())
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == 0  # the damaged one goes again


def test_the_same_stick_imported_again_changes_nothing(county, stick):
    c = county
    c.at("hub")
    sync_day.import_folder(str(stick))
    c.at("hub")
    again = sync_day.import_folder(str(stick), reply_to=str(stick.parent))
    by = {s.station: s for s in again.stations}
    assert by["KJ01"].applied == 0 and by["KJ01"].duplicate == 2 and by["KJ01"].parked == 1
    assert by["KJ02"].duplicate == 2 and by["KJ02"].held == 0
    assert again.total("records") == 0


def test_sync_day_on_a_station_or_a_missing_folder_is_refused(county, tmp_path):
    from kjtui.exception import KjtuiError

    county.at("KJ01")
    with pytest.raises(KjtuiError) as err:
        sync_day.import_folder(str(tmp_path))
    assert err.value.key == "hub.is_station"
    county.at("hub")
    with pytest.raises(KjtuiError) as err:
        sync_day.import_folder(str(tmp_path / "nowhere"))
    assert err.value.key == "sync.no_folder"


def test_kjtui_hub_import_prints_a_line_per_station(county, stick, kjtui_cmd):
    reply = stick.parent / "back"
    reply.mkdir()
    county.at("hub")
    hub = county.hub.removeprefix("sqlite:///")
    from kjtui.models import close

    close()
    out = subprocess.run([*kjtui_cmd, "--lang", "en", "hub", "import", str(stick), "--reply",
                          str(reply), "--db", hub], capture_output=True, text=True)
    assert out.returncode == 2, out.stderr  # a bundle was refused: said, and the exit says so
    lines = out.stdout.splitlines()
    assert "  副本.kjb: This is not a kjtui bundle; nothing was changed." in lines
    assert lines[-1] == ("In all: 7 bundles from 3 laptops; 3 applied, 1 already had, "
                         "1 parked, 2 refused.")
    kj01 = next(line for line in lines if line.startswith("KJ01:"))
    assert kj01.startswith("KJ01: 3 bundles, 2 applied, 0 already had, 1 parked;")
    assert any("held: " in line for line in lines)
    assert lines[0] == ("Unknown sender: 1 bundle, 0 applied, 0 already had, 0 parked; 0 records "
                        "written, 0 held, 0 conflicts; 1 refused")
    assert any(line.startswith("  KJ03-") for line in lines)  # the damaged file and why
    assert len(list(reply.glob("hub-to-*.kjb"))) == 3
    assert out.stderr == ""
    shutil.rmtree(reply)


# --- the desk's screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(60, 20), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_sync_day_screen_in_chinese(county, stick, size, monkeypatch, app_for):
    from textual.widgets import Input

    from tests.pilot_wait import on_screen, until
    from tests.screen_cells import text
    from tests.test_sizes import check_footer
    from tests.test_words import english_words

    monkeypatch.chdir(stick.parent)  # the folder typed as the office's clerk would: U盘
    county.at("hub")
    app = app_for(county.hub.removeprefix("sqlite:///"))
    async with app.run_test(size=size) as pilot:
        await desk_support.sign_in(pilot, "文书")
        await pilot.press("f11")
        screen = await on_screen(pilot, "SyncDayScreen")
        await until(pilot, lambda: screen.query_one("#day-folder", Input).has_focus)
        assert not english_words(app)
        screen.query_one("#day-folder", Input).value = "U盘"
        await pilot.press("enter")
        table = screen.query_one("#day-table")
        await until(pilot, lambda: table.row_count == 4 and not screen.busy, "the summary")
        shown = text(app)
        assert "合计：7 个包，3 台笔记本；导入 3，重复 1，暂存 1，拒收 2。" in shown
        assert [table.get_row_at(i)[0].plain for i in range(4)] == ["发送方不明", "KJ01", "KJ02",
                                                                     "KJ03"]
        assert table.get_row_at(1)[1:5] == ["3", "2", "0", "1"]
        detail = str(screen.query_one("#day-detail").render()).splitlines()
        assert detail[:2] == ["发送方不明 副本被拒收：", "  这不是工作本的同步包，未做任何改动。"]
        assert detail[2] == "KJ01 县局还缺序号 8–9（暂存的包等它们到了一起导入）"
        assert detail[3] == "KJ02 有记录待管理员处理："
        assert detail[5:7] == ["KJ03 序号 1–2 的包被拒收：",
                               "  同步包内容与清单不符（已被改动或损坏），已拒收，未做任何改动。"]
        assert detail[-1].startswith("已把 3 个回复包写回文件夹")
        assert table.max_scroll_x == 0 and table.region.right <= size[0]
        assert not english_words(app), english_words(app)
        check_footer(app)
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query("HelpPanel"))
        assert not english_words(app), english_words(app)
    assert len(list(stick.glob("hub-to-KJ0[123]-*.kjb"))) == 3


async def test_the_sync_day_screen_says_a_missing_folder(county, tmp_path, app_for):
    from textual.widgets import Input

    from tests.pilot_wait import on_screen, until
    from tests.screen_cells import text

    county.at("hub")
    app = app_for(county.hub.removeprefix("sqlite:///"), "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_support.sign_in(pilot, "文书")
        await pilot.press("f11")
        screen = await on_screen(pilot, "SyncDayScreen")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "Type the stick's folder first." in text(app))
        screen.query_one("#day-folder", Input).value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        notice = screen.query_one("#day-msg")
        await until(pilot, lambda: "nowhere does not exist" in str(notice.render()), "the refusal")
        assert not screen.busy
