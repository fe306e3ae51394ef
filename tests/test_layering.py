"""The core loads without textual (DESIGN.md section 4); nothing connects at import time."""

import subprocess
import sys


def test_core_imports_without_textual_or_connection():
    code = (
        "import sys, kjtui.models, kjtui.services, sync\n"
        "import kjtui.services.day, kjtui.services.session, kjtui.services.inventory\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
        "assert kjtui.models.database.obj is None, 'connected at import time'\n"
        "print('clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"


def test_widgets_and_screens_do_not_import_peewee():
    import re
    from pathlib import Path

    pattern = re.compile(r"^\s*(from|import)\s+(peewee|playhouse|kjtui\.models)\b", re.M)
    root = Path(__file__).parent.parent / "kjtui"
    offenders = [
        str(p)
        for folder in ("screens", "widgets")
        for p in (root / folder).rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_app_start_imports_nothing_heavy():
    """The first screen is drawn before the database layer, crypto or spreadsheets load."""
    code = (
        "import sys, kjtui.app, kjtui.screens.home, kjtui.cli\n"
        "heavy = {'peewee', 'playhouse', 'cryptography', 'openpyxl', 'httpx', 'psycopg', 'sync'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_station_open_does_not_load_the_postgresql_driver(tmp_path):
    """peewee imports psycopg at import time when it is installed (the [pg] extra): a station
    opening its SQLite notebook must not pay for it before the first screen."""
    code = (
        "import sys, kjtui.app\n"
        "kjtui.app.KjtuiApp.run = lambda self: print(sorted(\n"
        "    m for m, mod in sys.modules.items() if m.startswith('psycopg') and mod is not None))\n"
        "from kjtui.cli import main\n"
        f"main(['open', '--db', {str(tmp_path / 'n.db')!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "n.db").exists()  # it did open (and migrate) the notebook
