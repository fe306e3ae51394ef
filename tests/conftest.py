"""Shared fixtures: every test gets real database files (never :memory:, whose thread workers
would each see an empty database) and a PostgreSQL server where CI started one."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kjtui import i18n
from kjtui.models import close, connect, resolve_url


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches the user's real notebook or depends on the caller's language."""
    monkeypatch.setenv("KJTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.delenv("KJTUI_LANG", raising=False)
    i18n.set_language("zh")
    yield
    close()
    i18n.set_language("zh")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "notebook.db"


@pytest.fixture
def db(db_path):
    """A fresh SQLite notebook file with every migration applied, bound to the models."""
    return connect(resolve_url(db_path))


@pytest.fixture
def app_for():
    """The app on a notebook, in a language: `app_for(db)`, `app_for(db, "en")`; `db` is the
    bound database (the `db` fixture) or a file's path. Wait in it with pilot_wait.until."""

    def make(db, lang: str = "zh"):
        from kjtui.app import KjtuiApp

        return KjtuiApp(db_url="sqlite:///" + str(getattr(db, "database", db)), lang=lang)

    return make


@pytest.fixture(scope="session")
def pg_server_url():
    """A database of this test run's own on the server in KJTUI_TEST_PG_URL, so that two runs
    (or a benchmark) on one server never share tables."""
    url = os.environ.get("KJTUI_TEST_PG_URL")
    if not url:
        if os.environ.get("KJTUI_REQUIRE_PG"):
            pytest.fail("KJTUI_REQUIRE_PG is set but KJTUI_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server (set KJTUI_TEST_PG_URL; .ci/pg.sh starts one)")
    import psycopg

    base, _, name = url.rpartition("/")
    own = f"{name}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{own}"')
        con.execute(f'CREATE DATABASE "{own}"')
    yield f"{base}/{own}"
    from kjtui.models import close

    close()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server_url):
    """An empty PostgreSQL database for one test."""
    import psycopg

    with psycopg.connect(pg_server_url, autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS public CASCADE")
        con.execute("CREATE SCHEMA public")
    return pg_server_url


@pytest.fixture
def kjtui_cmd():
    """The installed command, run as a user would (same interpreter as the tests)."""
    return [sys.executable, "-m", "kjtui"]


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A county-scale `kjtui demo` (seed 1), built once per session. Read it, never write it:
    copy it first (shutil.copy) if a test needs to change something."""
    import subprocess

    path = tmp_path_factory.mktemp("demo") / "county.db"
    out = subprocess.run([sys.executable, "-m", "kjtui", "demo", "--db", str(path), "--no-open"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return path


class Clock:
    """The notebook's `now` in a test: `clock.at` is what every service reads as the time."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the services' clock (kjtui.services.session.now and every module that imported it)
    at the last second of today, so that any time typed today is in the past and a real
    `datetime.now()` (a form's default) is never later; set `clock.at` to move it."""
    from datetime import date, datetime, time

    from kjtui.services import session

    real = session.now
    c = Clock(datetime.combine(date.today(), time(23, 59, 59)))
    for name, module in list(sys.modules.items()):
        if name.startswith(("kjtui", "sync")) and getattr(module, "now", None) is real:
            monkeypatch.setattr(module, "now", c)
    return c
