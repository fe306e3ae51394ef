"""The layering (docs/ARCHITECTURE.md): import contracts, and what no contract can say: the core
loads without textual, nothing connects at import time, start-up loads nothing heavy."""

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


def test_import_contracts_are_kept():
    """The layering in pyproject.toml's [tool.importlinter] (screens → widgets → services →
    models; sync → models only; nothing below the app knows the screens; the core never imports
    textual; screens and widgets never import peewee or the models)."""
    from pathlib import Path

    root = Path(__file__).parent.parent
    out = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                          "lint_imports_command()"], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "5 kept" in out.stdout


def test_a_broken_contract_is_found(tmp_path):
    """The contracts can fail: a copy of the tree with a service importing textual breaks one."""
    import shutil
    from pathlib import Path

    root = Path(__file__).parent.parent
    for name in ("kjtui", "sync"):
        shutil.copytree(root / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "pyproject.toml", tmp_path)
    (tmp_path / "kjtui" / "services" / "oops.py").write_text("import textual\n")
    out = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                          "lint_imports_command()"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode != 0
    assert "The core never imports textual BROKEN" in out.stdout


def test_app_start_imports_nothing_heavy():
    """The first screen is drawn before the database layer, crypto or spreadsheets load."""
    code = (
        "import sys, kjtui.app, kjtui.screens.home, kjtui.cli\n"
        "heavy = {'peewee', 'playhouse', 'cryptography', 'python_calamine', 'xlsxwriter',\n"
        "         'httpx', 'psycopg', 'sync'}\n"
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
