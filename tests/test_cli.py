"""The command line as a user meets it: help, info, and one clear sentence for bad paths."""

import json
import os
import subprocess

import pytest


def run(cmd, *args, env=None):
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)


def test_help_lists_the_commands(kjtui_cmd):
    out = run(kjtui_cmd, "--help")
    assert out.returncode == 0
    for command in ("open", "info", "demo"):
        assert command in out.stdout


def test_help_in_english(kjtui_cmd):
    out = run(kjtui_cmd, "--lang", "en", "--help")
    assert "database file or URL" in out.stdout


def test_info_json_on_a_fresh_database(kjtui_cmd, db):
    path = db.database
    out = run(kjtui_cmd, "info", "--db", path, "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["database"] == path
    assert summary["schema_version"] == summary["schema_latest"] >= 2
    assert summary["counts"]["customer"] == 0 and "visit" in summary["counts"]


def test_missing_folder_is_one_sentence_and_creates_nothing(kjtui_cmd, tmp_path):
    target = tmp_path / "no" / "such" / "notebook.db"
    out = run(kjtui_cmd, "--lang", "en", "info", "--db", str(target))
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0 and "no database" in out.stderr
    out = run(kjtui_cmd, "--lang", "en", "open", "--db", str(target))
    assert out.returncode != 0 and "does not exist" in out.stderr
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(kjtui_cmd, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    out = run(kjtui_cmd, "open", "--db", str(ro / "n.db"))
    assert out.returncode != 0 and "不可写" in out.stderr
    assert list(ro.iterdir()) == []


def test_read_only_folder_as_root_too(kjtui_cmd, tmp_path):
    """Root writes anywhere, so CI (root) proves the check with a folder on a read-only mount
    emulated by a path through a regular file: nothing can be created beneath it."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run(kjtui_cmd, "open", "--db", str(blocker / "n.db"))
    assert out.returncode != 0 and out.stderr.startswith("错误：")
    assert blocker.read_text() == "x"


def test_not_a_kjtui_database(kjtui_cmd, tmp_path):
    f = tmp_path / "customers.xlsx"
    f.write_bytes(b"PK\x03\x04 not sqlite at all")
    out = run(kjtui_cmd, "--lang", "en", "open", "--db", str(f))
    assert out.returncode == 2
    assert "is not a kjtui database" in out.stderr
    assert f.read_bytes() == b"PK\x03\x04 not sqlite at all"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.xlsx"]


def test_fresh_machine_default_location_is_made_on_first_use(kjtui_cmd, tmp_path):
    """The README's first line on a new account: no --db, no KJTUI_DB, no data folder yet."""
    env = {k: v for k, v in os.environ.items() if k != "KJTUI_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    out = run(kjtui_cmd, "--lang", "en", "info", env=env)
    assert out.returncode == 2 and "no database" in out.stderr
    assert not (tmp_path / "xdg").exists()  # looking creates nothing
    out = run(kjtui_cmd, "demo", "--scale", "tiny", "--no-open", env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "xdg" / "kjtui" / "kjtui.db").stat().st_size > 0
